"""The pager: an answer taller than the terminal goes through $PAGER (`less` when unset, with
LESS=FRX when that is unset too: colours kept, the screen left as it was, and no pager at all
when the text fits after all), as git does. Only on a terminal: piped output is never paged."""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Callable

NOT_FOUND = 127  # the shell's status for a command it cannot find


def show(render: Callable, color: bool | None, enabled: bool = True, stream=None) -> None:
    """`render(console)` onto `stream` (standard output); on a terminal, when what it renders
    is taller than the terminal, through the pager instead."""
    from qa.present.render import make_console

    stream = stream or sys.stdout
    if not enabled or not _is_terminal(stream):
        render(make_console(color, file=None if stream is sys.stdout else stream))
        return
    size = shutil.get_terminal_size()  # COLUMNS and LINES first, as a shell sets them
    buffer = io.StringIO()
    render(make_console(color, file=buffer, width=size.columns, terminal=True))
    text = buffer.getvalue()
    if text.count("\n") < size.lines or not page(text):
        stream.write(text)
        stream.flush()


def _is_terminal(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def page(text: str) -> bool:
    """Show `text` in the pager; False when there is none to run (then the caller prints)."""
    command = os.environ.get("PAGER", "").strip() or "less"
    environment = {**os.environ}
    environment.setdefault("LESS", "FRX")
    sys.stdout.flush()
    main = threading.current_thread() is threading.main_thread()
    # Ctrl-C is the pager's while it runs (less uses it to stop a search), not a reason to quit.
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None
    try:
        done = subprocess.run(
            command,
            shell=True,
            input=text.encode(sys.stdout.encoding or "utf-8", "replace"),
            env=environment,
            check=False,
        )
    except OSError:
        return False
    finally:
        if main:
            signal.signal(signal.SIGINT, previous)
    return done.returncode != NOT_FOUND
