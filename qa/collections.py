"""Collections: one index folder per corpus, so that switching corpora reuses each index.

<index dir>/                         the bundled seeds (the default collection)
<index dir>/collections/NAME/        any other corpus: NAME is given with --collection, or
    collection.json                  `corpus-<hash>` of the resolved corpus paths
    CURRENT, gen-<id>/               its index (see qa/index.py)

`collection.json` records the corpus paths, so `--collection NAME` alone finds its corpus again.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from dataclasses import dataclass
from pathlib import Path

from qa.errors import QaError

DEFAULT = "default"
FOLDER = "collections"
RECORD = "collection.json"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


class CollectionError(QaError):
    """A collection name is invalid or names no collection."""


@dataclass(frozen=True)
class Collection:
    """What `qa index --list` shows of one collection."""

    name: str
    folder: Path
    corpus: tuple[Path, ...]  # empty: the bundled seeds
    statements: int | None
    size_bytes: int
    built_at: str | None
    stale: str | None  # what is wrong with it, or None

    def to_json(self) -> dict:
        return {
            "name": self.name,
            "folder": str(self.folder),
            "corpus": [str(p) for p in self.corpus] or "bundled seeds",
            "statements": self.statements,
            "size_bytes": self.size_bytes,
            "built_at": self.built_at,
            "stale": self.stale,
        }


def corpus_key(paths: tuple[Path, ...]) -> str:
    """`corpus-<hash>` of the resolved paths: the same files give the same collection."""
    resolved = sorted(str(Path(p).expanduser().resolve()) for p in paths)
    return "corpus-" + hashlib.sha256("\n".join(resolved).encode()).hexdigest()[:12]


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
        data = json.loads((folder / RECORD).read_text(encoding="utf-8"))
        return tuple(Path(p) for p in data["corpus"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_record(folder: Path, corpus: tuple[Path, ...]) -> None:
    paths = [str(Path(p).expanduser().resolve()) for p in corpus]
    try:
        if json.loads((folder / RECORD).read_text(encoding="utf-8")).get("corpus") == paths:
            return
    except (OSError, ValueError, AttributeError):
        pass
    try:
        folder.mkdir(parents=True, exist_ok=True)
        record = {"corpus": paths, "recorded_at": time.strftime("%Y-%m-%dT%H:%M:%SZ")}
        (folder / RECORD).write_text(json.dumps(record, indent=1), encoding="utf-8")
    except OSError:
        pass  # an unwritable index folder is reported when the index is written


def _size(folder: Path, skip: str | None = None) -> int:
    total = 0
    for path in folder.iterdir() if folder.is_dir() else ():
        if path.name == skip or path.is_symlink():
            continue
        try:
            total += path.stat().st_size if path.is_file() else _size(path)
        except OSError:
            continue
    return total


def _manifest(folder: Path) -> dict:
    """The manifest of the collection's current index, read only to describe it."""
    from qa.index import current_folder

    current = current_folder(folder)
    try:
        manifest = json.loads((current / "manifest.json").read_text(encoding="utf-8"))
    except (TypeError, OSError, ValueError):
        return {}
    return manifest if isinstance(manifest, dict) else {}


def _describe(name: str, folder: Path, corpus: tuple[Path, ...]) -> Collection:
    manifest = _manifest(folder)
    counts = manifest.get("counts")
    statements = counts.get("statements") if isinstance(counts, dict) else None
    missing = [p for p in corpus if not Path(p).is_file()]
    stale = None
    if missing:
        stale = f"corpus file {missing[0]} is gone"
    elif not manifest:
        stale = "no index built"
    size = _size(folder, skip=FOLDER if name == DEFAULT else None)
    return Collection(name, folder, corpus, statements, size, manifest.get("built_at"), stale)


def list_collections(root: Path) -> list[Collection]:
    """Every collection under the index folder, the default one first."""
    root = Path(root)
    found = [_describe(DEFAULT, root, ())] if root.is_dir() else []
    if found and found[0].stale == "no index built":
        found = []
    for folder in sorted((root / FOLDER).glob("*")) if (root / FOLDER).is_dir() else []:
        if folder.is_dir():
            corpus = _read_record(folder)
            collection = _describe(folder.name, folder, corpus or ())
            if corpus is None:
                collection = Collection(**{**collection.__dict__, "stale": "no corpus recorded"})
            found.append(collection)
    return found


def prune(root: Path) -> list[Collection]:
    """Remove the collections whose corpus files are gone (or that record none), except while
    a reader uses them; returns those removed. The default collection is never removed, nor
    one not built yet (its first build may be running)."""
    from qa.generations import remove_index

    removed = []
    for collection in list_collections(root):
        unbuilt = collection.stale == "no index built"
        if collection.stale and not unbuilt and collection.folder != Path(root):
            if remove_index(collection.folder):
                removed.append(collection)
    return removed
