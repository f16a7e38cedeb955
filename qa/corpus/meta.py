"""The metadata of a corpus file: what its text cannot say (the year a feed ends in, that it
is one article, the day it was published), from TOML files beside it.

- `meta.toml` in a folder: defaults for every corpus file in that folder and the folders
  under it, and `[files."NAME"]` tables (NAME a path under that folder, such as "a.txt" or
  "2016/b.md") for one file each. A deeper folder's `meta.toml` wins over the one above.
- `<file>.meta.toml` beside a file (`news.txt.meta.toml`, or `news.meta.toml`, which then
  describes every `news.*` corpus file) wins over every folder's. A file with both is refused.

Keys: `year` (four digits), `kind` ("article" or "lines"), `published` (a date, 2016-09-12),
`date_order` ("dmy" or "mdy", for the numeric dates of records' date fields).
"""

from __future__ import annotations

import errno
import tomllib
from functools import lru_cache
from pathlib import Path

from qa.corpus.articles import publication_date
from qa.corpus.paths import CorpusEntry, folders_down
from qa.errors import CorpusError, UnsafeFileError
from qa.files import MIB, read_text

MAX_META_BYTES = 1 * MIB  # a meta file holds a few fields (a folder's, a few per file)
FOLDER_META = "meta.toml"
# date_order ("dmy" or "mdy"): how the numeric dates of records' date fields are written (read
# where those fields are).
KEYS = ("year", "kind", "published", "date_order")
_KEY_LIST = "year, kind, published and date_order"


def meta_path(path: Path) -> Path:
    """Where the metadata of a corpus file is: `<corpus file>.meta.toml` beside it (for a
    path with no name, "/", a name that cannot be a file)."""
    return path.parent / (path.name + ".meta.toml")


def file_meta_paths(path: Path) -> list[Path]:
    """The sidecars that may describe one file: `<file>.meta.toml` and `<stem>.meta.toml`."""
    named = meta_path(path)
    stem = path.parent / (path.stem + ".meta.toml")
    return [named] if stem == named else [named, stem]


def meta_files(entry: CorpusEntry) -> list[Path]:
    """Every metadata file that may apply to a corpus file, present or not, outermost first."""
    return [folder / FOLDER_META for folder in folders_down(entry)] + file_meta_paths(entry.path)


def read_metadata(path: Path, root: Path | None = None) -> dict:
    """The metadata of a corpus file found from `root` (its own folder by default): the
    folders' `meta.toml` from `root` down, then its own; `{}` when there is none."""
    path = Path(path)
    entry = CorpusEntry(path, path.name, Path(root) if root is not None else path.parent)
    data: dict = {}
    for folder in folders_down(entry):
        defaults, files = _folder_meta(folder / FOLDER_META)
        data.update(defaults)
        data.update(files.get(path.relative_to(folder).as_posix(), {}))
    present = [(p, _read(p)) for p in file_meta_paths(path)]
    present = [(p, d) for p, d in present if d is not None]
    if len(present) > 1:
        raise CorpusError(
            f"Both {present[0][0].name} and {present[1][0].name} describe {path}; keep one."
        )
    for meta, own in present:
        _check_keys(own, meta)
        data.update(_checked(own, str(meta)))
    return data


@lru_cache(maxsize=256)
def _folder_meta_at(meta: Path, stamp: tuple) -> tuple[dict, dict]:
    data = _read(meta)
    if data is None:
        return {}, {}
    files = data.pop("files", {})
    _check_keys(data, meta)
    if not isinstance(files, dict) or not all(isinstance(v, dict) for v in files.values()):
        raise CorpusError(f'{meta}: files must be tables, such as [files."news.txt"].')
    for name, table in files.items():
        _check_keys(table, meta, f'[files."{name}"]')
        if not (meta.parent / name).is_file():
            raise CorpusError(f'{meta}: [files."{name}"] names no file in {meta.parent}.')
        _checked(table, f'{meta} [files."{name}"]')
    return _checked(data, str(meta)), files


def _folder_meta(meta: Path) -> tuple[dict, dict]:
    """A folder's `meta.toml`: (defaults, per-file tables), read once while it is unchanged."""
    try:
        info = meta.stat()
        stamp = (info.st_mtime_ns, info.st_ctime_ns, info.st_size, info.st_ino)
    except OSError:
        stamp = None  # absent, or unreadable: _read says which
    return _folder_meta_at(meta, stamp)


def _read(meta: Path) -> dict | None:
    try:
        return tomllib.loads(read_text(meta, MAX_META_BYTES))
    except FileNotFoundError:
        return None
    except UnsafeFileError as error:
        raise CorpusError(str(error)) from None
    except OSError as error:
        reason = "its symbolic links form a loop" if error.errno == errno.ELOOP else error.strerror
        raise CorpusError(f"Cannot read {meta}: {reason}.") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise CorpusError(f"{meta} is not valid TOML: {error}.") from None


def _check_keys(data: dict, meta: Path, table: str = "") -> None:
    for key in data:
        if key not in KEYS:
            where = f"{meta} {table}".strip()
            extra = ' and [files."NAME"] tables' if meta.name == FOLDER_META and not table else ""
            raise CorpusError(
                f"{where} has an unknown key {key!r}; a meta file takes {_KEY_LIST}{extra}."
            )


def _checked(data: dict, where: str) -> dict:
    year = data.get("year")
    if year is not None and not (isinstance(year, int) and 1000 <= year <= 9999):
        raise CorpusError(f"{where}: year must be a four-digit number.")
    if data.get("kind", "lines") not in ("lines", "article"):  # a list or table is not one
        raise CorpusError(f'{where}: kind must be "article" or "lines".')
    if "published" in data:
        data["published"] = publication_date(data["published"], where)
    return data
