"""Where each corpus's index lives: one folder per corpus, so that switching corpora reuses
each index.

<index dir>/                         the bundled seeds (the default collection)
<index dir>/collections/NAME/        any other corpus: NAME is given with --collection, or
    collection.json                  `corpus-<hash>` of the resolved corpus paths
    CURRENT, gen-<id>/               its index (see qa/store/embedded/index.py)

`collection.json` records the corpus paths, so `--collection NAME` alone finds its corpus again.
Listing and pruning collections is the embedded store's (qa/store/embedded/collections.py).
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from pathlib import Path

from qa.errors import CorpusError, QaError
from qa.files import MIB, read_text, replace_file

DEFAULT = "default"


FOLDER = "collections"


RECORD = "collection.json"
RECORD_BYTES = 16 * MIB  # the corpus paths: some 100,000 of them


_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


class CollectionError(QaError):
    """A collection name is invalid or names no collection."""


def corpus_key(paths: tuple[Path, ...]) -> str:
    """`corpus-<hash>` of the resolved paths: the same files give the same collection."""
    resolved = sorted(_resolved(p) for p in paths)
    return (
        "corpus-"
        + hashlib.sha256("\n".join(resolved).encode("utf-8", "surrogateescape")).hexdigest()[:12]
    )


def _resolved(path: Path) -> str:
    """The absolute path of a corpus file, its links followed; a loop of links is refused."""
    try:
        return str(Path(path).expanduser().resolve())
    except RuntimeError:  # Python 3.11's word for a loop of symbolic links
        raise CorpusError(
            f"Corpus path {path} cannot be read: its symbolic links form a loop."
        ) from None


def choose(
    root: Path, corpus: tuple[Path, ...], name: str | None = None
) -> tuple[tuple[Path, ...], Path]:
    """The corpus and the index folder for the given options. A named collection without
    --corpus uses the corpus it was made with; with --corpus, the corpus is recorded."""
    if name is not None and name != DEFAULT:
        if not _NAME.fullmatch(name):
            raise CollectionError(
                f"{name!r} cannot name a collection; use letters, digits, '.', '_' and '-'."
            )
        folder = root / FOLDER / name
        if not corpus:
            recorded = _read_record(folder)
            if recorded is None:
                raise CollectionError(
                    f"There is no collection named {name!r} in {root}; "
                    f"make it with --collection {name} --corpus PATH."
                )
            return recorded, folder
    elif corpus:
        if name == DEFAULT:
            raise CollectionError(
                f"The collection {DEFAULT!r} is the bundled seeds; name another for --corpus."
            )
        folder = root / FOLDER / corpus_key(corpus)
    else:
        return (), root
    _write_record(folder, corpus)
    return corpus, folder


def _read_record(folder: Path) -> tuple[Path, ...] | None:
    try:
        data = json.loads(read_text(folder / RECORD, RECORD_BYTES))
        return tuple(Path(p) for p in data["corpus"])
    except (OSError, ValueError, KeyError, TypeError):  # missing, refused (a pipe, a device,
        # too large) or malformed: as if no corpus were recorded
        return None


def _write_record(folder: Path, corpus: tuple[Path, ...]) -> None:
    paths = [_resolved(p) for p in corpus]
    try:
        if json.loads(read_text(folder / RECORD, RECORD_BYTES)).get("corpus") == paths:
            return
    except (OSError, ValueError, AttributeError):
        pass
    try:
        folder.mkdir(parents=True, exist_ok=True)
        record = {"corpus": paths, "recorded_at": time.strftime("%Y-%m-%dT%H:%M:%SZ")}
        replace_file(folder / RECORD, json.dumps(record, indent=1).encode())  # never through a link
    except OSError:
        pass  # an unwritable index folder is reported when the index is written
