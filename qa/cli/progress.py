"""What long work is doing, shown on a terminal's stderr: a line saying what it prepares,
then a bar with the embedding rate, then "writing". Nothing at all off a terminal, and
nothing for work that ends within the first moment."""

from __future__ import annotations

import sys
import threading
import time

DELAY_SECONDS = 0.7


class Feedback:
    """Use as a context manager around work; pass `report` as the index build's progress."""

    def __init__(self, what: str = "Reading the corpus and loading the model", stream=None):
        self.stream = stream or sys.stderr
        self.enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self.what = what
        self._bar = None
        self._task = None
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        self._finished = False
        self._embed_started: float | None = None
        self._embed_first = 0

    def __enter__(self) -> Feedback:
        if self.enabled:
            self._timer = threading.Timer(DELAY_SECONDS, self._start)
            self._timer.daemon = True
            self._timer.start()
        return self

    def __exit__(self, *exc) -> None:
        with self._lock:
            self._finished = True
            if self._timer is not None:
                self._timer.cancel()
            if self._bar is not None:
                self._bar.stop()
                self._bar = None

    def _start(self) -> None:
        with self._lock:
            if self._finished or self._bar is not None:
                return
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
            )

            self._bar = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]}"),
                TimeElapsedColumn(),
                console=Console(file=self.stream),
                transient=True,
            )
            self._task = self._bar.add_task(self.what + "…", total=None, rate="")
            self._bar.start()

    def report(self, done: int, total: int) -> None:
        """The index build's progress callback: statements embedded so far, of how many."""
        if not self.enabled:
            return
        if total and done < total:
            self._start()
        now = time.monotonic()
        if self._embed_started is None:
            self._embed_started, self._embed_first = now, done
        elapsed = now - self._embed_started
        counted = done - self._embed_first
        rate = f"{counted / elapsed:,.0f} statements/s" if elapsed > 0 and counted else ""
        embedding = bool(total) and done < total
        description = "Embedding statements…" if embedding else "Writing the index…"
        with self._lock:
            if self._bar is not None:
                self._bar.update(
                    self._task, description=description, completed=done, total=total or None,
                    rate=rate,
                )  # fmt: skip
                self._bar.refresh()
