"""Corpus paths: the files and folders given as the corpus, each folder expanded to the corpus
files under it, and the format each file is read in.

A folder is read recursively, in sorted path order, skipping hidden files and folders
(names starting with ".") and TOML files (qa's sidecars: `<file>.meta.toml`, a folder's
`meta.toml`, `gazetteer.toml`) and qa's own index folders (those holding `CURRENT` or
`collection.json`, when the index is kept inside the corpus folder). Every other file in it must be a corpus file by its extension;
a file given by itself with no extension is read in the format its first line shows."""

from __future__ import annotations

import csv
import errno
import json
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from qa.errors import CorpusError

FORMATS = {
    ".txt": "text",
    ".text": "text",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".md": "markdown",
    ".markdown": "markdown",
    ".json": "json",
}
RECORD_FORMATS = {"jsonl", "csv", "json"}  # formats whose file is a list of records
SUPPORTED = "qa reads .txt, .jsonl, .csv, .md and .json files"
# A suffix counts as an extension when it looks like one: "notes.2024" or "v1.2" have none.
_EXTENSION = re.compile(r"\.[A-Za-z][A-Za-z0-9]{0,9}")
INDEX_MARKERS = ("CURRENT", "collection.json")  # an index, or a collection of indexes
SNIFF_BYTES = 4096  # enough for the first line of any corpus file qa can tell by content


@dataclass(frozen=True)
class CorpusEntry:
    """One corpus file: where it is, the name its statements cite (its path under the folder
    given, or its file name), and the folder it was found from (its own folder when given
    by itself), from which folder metadata and gazetteers apply."""

    path: Path
    label: str
    root: Path


def corpus_entries(paths: list[Path]) -> list[CorpusEntry]:
    """The corpus files of the given files and folders, in order; a file reached twice is
    read once. A path that is not there is kept, to be reported when it is read."""
    entries: list[CorpusEntry] = []
    seen: set[str] = set()
    for given in paths:
        given = Path(given)
        found = _folder_entries(given) if _is_folder(given) else [_file_entry(given)]
        for entry in found:
            key = _identity(entry.path)
            if key not in seen:
                seen.add(key)
                entries.append(entry)
    return entries


def corpus_files(paths: list[Path]) -> list[Path]:
    """The corpus files of the given files and folders, in order."""
    return [entry.path for entry in corpus_entries(paths)]


def folders_down(entry: CorpusEntry) -> list[Path]:
    """The folders from the one the file was found from down to the file's own: where its
    folder metadata and gazetteers are."""
    folders = [entry.root]
    try:
        parts = entry.path.parent.relative_to(entry.root).parts
    except ValueError:
        return [entry.path.parent]
    for part in parts:
        folders.append(folders[-1] / part)
    return folders


def file_format(path: Path) -> str:
    """The format of a corpus file: by its extension, or, with none, by its first line."""
    suffix = path.suffix
    if suffix and _EXTENSION.fullmatch(suffix):
        kind = FORMATS.get(suffix.lower())
        if kind is None:
            raise unsupported(path)
        return kind
    return _sniff(path)


def unsupported(path: Path) -> CorpusError:
    suffix = path.suffix if path.suffix and _EXTENSION.fullmatch(path.suffix) else ""
    what = f"a {suffix} file" if suffix else "a file with no extension"
    return CorpusError(f"{SUPPORTED}; {path} is {what}.")


def _sniff(path: Path) -> str:
    """The format a file's first line shows: a JSON array or object, a Markdown heading or
    front matter, a CSV header with a `text` column, or else plain text. A file that cannot
    be opened is plain text here; reading it says why it cannot be read."""
    from qa.files import open_regular

    try:
        with open_regular(path, None) as handle:
            head = handle.read(SNIFF_BYTES).decode("utf-8-sig", errors="replace")
    except OSError:
        return "text"
    first = head.lstrip().split("\n", 1)[0].strip()
    if first.startswith("["):
        return "json"
    if first.startswith("{"):
        try:
            return "jsonl" if isinstance(json.loads(first), dict) else "json"
        except ValueError:
            return "json"  # an object written over several lines
    if first == "---" or re.match(r"#{1,6}\s", first):
        return "markdown"
    try:
        header = next(csv.reader([first]))
    except (csv.Error, StopIteration):
        header = []
    if len(header) > 1 and "text" in (h.strip() for h in header):
        return "csv"
    return "text"


def _is_folder(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False


def _identity(path: Path) -> str:
    try:
        return str(path.resolve())
    except (OSError, RuntimeError):
        return str(path)


def _file_entry(path: Path) -> CorpusEntry:
    return CorpusEntry(path, path.name, path.parent)


def _folder_entries(root: Path) -> list[CorpusEntry]:
    files: list[Path] = []
    _walk(root, root, [], files)
    if not files:
        raise CorpusError(
            f"Corpus folder {root} holds no corpus files; {SUPPORTED} (.toml files and "
            "hidden files are not read)."
        )
    return [CorpusEntry(p, p.relative_to(root).as_posix(), root) for p in files]


def _walk(root: Path, folder: Path, above: list[tuple[int, int]], files: list[Path]) -> None:
    """Add the corpus files under `folder` to `files`, in sorted order; `above` holds the
    folders being walked, to find a symbolic link back to one of them."""
    try:
        info = os.stat(folder)
        names = sorted(os.listdir(folder))
    except OSError as error:
        raise CorpusError(f"Cannot read corpus folder {folder}: {_reason(error)}.") from None
    here = (info.st_dev, info.st_ino)
    if here in above:
        raise CorpusError(
            f"Corpus folder {folder} links back to a folder above it; remove the link."
        )
    if folder != root and any(name in INDEX_MARKERS for name in names):
        return  # qa's own index, kept inside the corpus folder
    for name in names:
        if name.startswith(".") or name.lower().endswith(".toml"):
            continue
        path = folder / name
        try:
            mode = os.stat(path).st_mode
        except OSError as error:
            if error.errno == errno.ENOENT and os.path.islink(path):
                raise CorpusError(f"Corpus file {path} is a link to nothing.") from None
            raise CorpusError(f"Cannot read corpus file {path}: {_reason(error)}.") from None
        if stat.S_ISDIR(mode):
            _walk(root, path, [*above, here], files)
            continue
        suffix = path.suffix.lower()
        if suffix not in FORMATS:
            raise unsupported(path)
        files.append(path)


def _reason(error: OSError) -> str:
    if error.errno == errno.ELOOP:
        return "its symbolic links form a loop"
    return error.strerror or str(error)
