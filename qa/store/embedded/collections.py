"""The collections of an index folder (qa/folders.py says where each lives): what
`qa index --list` shows of each, and `--prune`, which removes those whose corpus is gone and
those never built (a mistyped --corpus leaves one)."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from qa.folders import DEFAULT, FOLDER, _read_record
from qa.store.embedded.manifest import read_manifest


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
    from qa.store.embedded.index import current_folder

    current = current_folder(folder)
    try:
        manifest = json.loads(read_manifest(current))
    except (TypeError, OSError, ValueError):  # none, refused (not a file, too large), garbage
        return {}
    return manifest if isinstance(manifest, dict) else {}


def _describe(name: str, folder: Path, corpus: tuple[Path, ...]) -> Collection:
    manifest = _manifest(folder)
    counts = manifest.get("counts")
    statements = counts.get("statements") if isinstance(counts, dict) else None
    missing = [p for p in corpus if not (Path(p).is_file() or Path(p).is_dir())]
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
    a reader uses them, and those never built, except while a build holds their lock (a first
    build may be running); returns those removed. The default collection is never removed."""
    from qa.store.embedded.generations import remove_index

    removed = []
    for collection in list_collections(root):
        if not collection.stale or collection.folder == Path(root):
            continue
        if collection.stale == "no index built":
            gone = _remove_unbuilt(collection.folder)
        else:
            gone = remove_index(collection.folder)
        if gone:
            removed.append(collection)
    return removed


def _remove_unbuilt(folder: Path) -> bool:
    """Remove a collection folder that holds no index, unless a build holds its lock or an
    index appeared meanwhile; True when it is gone."""
    from qa.store.embedded.generations import BUILD_LOCK
    from qa.store.embedded.index import current_folder

    try:
        descriptor = os.open(folder / BUILD_LOCK, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    except OSError:
        return False
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(descriptor)
        return False  # a build is running: it is not unbuilt for long
    try:
        if current_folder(folder) is not None:
            return False
        shutil.rmtree(folder, ignore_errors=True)
        return not folder.exists()
    finally:
        os.close(descriptor)
