"""Reading corpus files: plain text (one statement per line), JSONL or CSV rows, and the
metadata beside a file, with the limits that bound the work one input can cause."""

from __future__ import annotations

import csv
import errno
import io
import json
import tomllib
from dataclasses import dataclass
from pathlib import Path

from qa.corpus.articles import (
    publication_date,
)
from qa.errors import CorpusError, UnsafeFileError
from qa.files import MIB, read_bytes, read_text

# Limits that bound the work one input can cause; generous for news statements (a long article
# is about 50,000 characters). A longer line is refused (or skipped with --skip-bad), a larger
# file refused: split it into several files.
MAX_LINE_CHARS = 2_000_000


MAX_FILE_BYTES = 2**30
MAX_META_BYTES = 1 * MIB  # <file>.meta.toml holds a few fields
OVERRIDE_FIELDS = ("speaker", "role", "affiliation", "date", "source")
ARTICLE_FIELDS = ("title", "published")  # a JSONL record with one holds a whole article


@dataclass(frozen=True)
class Row:
    """One record read from a corpus file, before parsing."""

    text: str
    line_no: int
    overrides: dict


class _Lines:
    """Reads one corpus file; a bad line is an error naming file and line, or, when asked
    (--skip-bad), a line skipped and reported."""

    def __init__(self, path: Path, skip_bad: bool, skipped: list[str]):
        self.path, self.skip_bad, self.skipped = path, skip_bad, skipped

    def bad(self, number: int, reason: str, fix: str = "") -> None:
        message = f"{self.path}:{number} {reason}"
        if not self.skip_bad:
            raise CorpusError(f"{message}{fix}; pass --skip-bad to skip such lines.")
        self.skipped.append(message)

    def text(self) -> str:
        path = self.path
        data = read_regular_file(path)
        if b"\0" in data:
            line = data[: data.index(b"\0")].count(b"\n") + 1
            raise CorpusError(f"{path}:{line} contains a NUL byte; this looks like a binary file.")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            self.bad(line, "is not UTF-8 text", "; save the file as UTF-8")
            text = "\n".join(self._decode_lines(data))
        if not text.strip():
            raise CorpusError(f"Corpus file {path} is empty.")
        return text

    def _decode_lines(self, data: bytes) -> list[str]:
        lines = []
        for number, raw in enumerate(data.split(b"\n"), start=1):
            try:
                lines.append(raw.decode("utf-8-sig" if number == 1 else "utf-8"))
            except UnicodeDecodeError:
                if not self.skipped or not self.skipped[-1].startswith(f"{self.path}:{number} "):
                    self.skipped.append(f"{self.path}:{number} is not UTF-8 text")
                lines.append("")  # keeps the line numbers of the lines after it
        return lines


def read_regular_file(path: Path) -> bytes:
    """The bytes of a corpus file. Pipes, devices and folders are refused before a byte is
    read (opened without blocking, so that a pipe with no writer cannot hang), and so is a
    file larger than MAX_FILE_BYTES."""
    try:
        return read_bytes(path, MAX_FILE_BYTES)
    except FileNotFoundError:
        raise CorpusError(f"Corpus file {path} does not exist.") from None
    except UnsafeFileError as error:
        if error.kind == "directory":
            raise CorpusError(f"Corpus path {path} is a directory; give a file.") from None
        if error.kind == "type":
            kind = "a pipe, device or socket"
            message = f"Corpus path {path} is not a regular file ({kind}); give a file."
            raise CorpusError(message) from None
        raise CorpusError(
            f"Corpus file {path} is larger than {MAX_FILE_BYTES // 2**20} MiB; "
            "split it into several files."
        ) from None
    except OSError as error:
        raise CorpusError(f"Cannot read corpus file {path}: {_reason(error)}.") from None


def _reason(error: OSError) -> str:
    if error.errno == errno.ELOOP:
        return "its symbolic links form a loop"
    return error.strerror or str(error)


def _lines(text: str) -> list[str]:
    # Windows and old Mac line endings count as one line break; a lone U+2028 does not.
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def read_rows(path: Path, skip_bad: bool = False, skipped: list[str] | None = None) -> list[Row]:
    """Rows of a .txt, .jsonl or .csv corpus file, each with its 1-based line number."""
    return list(iter_rows(path, skip_bad, skipped))


def iter_rows(path: Path, skip_bad: bool = False, skipped: list[str] | None = None):
    """`read_rows` one row at a time (the file's text is read whole, its rows made as asked
    for): a build that writes in batches holds one batch of rows, not the file's."""
    reader = _Lines(Path(path), skip_bad, skipped if skipped is not None else [])
    text = reader.text()
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        for number, line in enumerate(_lines(text), start=1):
            if not line.strip() or _too_long(reader, number, line):
                continue
            try:
                data = json.loads(line)
            except (json.JSONDecodeError, RecursionError):
                reader.bad(number, "is not valid JSON")
                continue
            if not isinstance(data, dict) or not isinstance(data.get("text"), str):
                reader.bad(number, 'has no "text" string field')
                continue
            fields = OVERRIDE_FIELDS + ARTICLE_FIELDS
            overrides = {k: str(data[k]) for k in fields if data.get(k)}
            yield Row(data["text"], number, overrides)
        return
    if suffix == ".csv":
        csv.field_size_limit(max(csv.field_size_limit(), MAX_LINE_CHARS + 1))
        records = csv.DictReader(io.StringIO(text, newline=""), strict=True)
        try:
            fields = records.fieldnames
        except csv.Error as error:
            raise CorpusError(f"{path}:1 is not a CSV header ({error}).") from None
        if not fields or "text" not in fields:
            raise CorpusError(f'{path}:1 has no "text" column in its header.')
        while True:
            first_line = records.line_num + 1
            try:
                record = next(records)
            except StopIteration:
                break
            except csv.Error as error:
                if "unexpected end of data" in str(error):
                    reader.bad(
                        first_line,
                        "is not valid CSV (a quote opened here is never closed, "
                        "so no line after it can be read)",
                        "; close the quote",
                    )
                    break
                reader.bad(first_line, f"is not valid CSV ({error})")
                continue
            value = record.get("text")
            if value is None:
                reader.bad(records.line_num, "has fewer columns than the header")
                continue
            if _too_long(reader, first_line, value):
                continue
            overrides = {k: record[k] for k in OVERRIDE_FIELDS if record.get(k)}
            yield Row(value, records.line_num, overrides)
        return
    for n, line in enumerate(_lines(text), start=1):
        if not _too_long(reader, n, line):
            yield Row(line, n, {})


def _too_long(reader: _Lines, number: int, line: str) -> bool:
    if len(line) <= MAX_LINE_CHARS:
        return False
    reader.bad(number, f"is longer than {MAX_LINE_CHARS:,} characters", "; split it")
    return True


def meta_path(path: Path) -> Path:
    """Where the optional metadata of a corpus file is: `<corpus file>.meta.toml` beside it
    (for a path with no name, "/", a name that cannot be a file)."""
    return path.parent / (path.name + ".meta.toml")


def read_metadata(path: Path) -> dict:
    """The optional `<corpus file>.meta.toml`: `year` (the year the corpus ends in), `kind`
    ("article": the file is one article, headline first) and `published` (its date)."""
    meta = meta_path(path)
    try:
        data = tomllib.loads(read_text(meta, MAX_META_BYTES))
    except FileNotFoundError:
        return {}
    except UnsafeFileError as error:
        raise CorpusError(str(error)) from None
    except OSError as error:
        raise CorpusError(f"Cannot read {meta}: {_reason(error)}.") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise CorpusError(f"{meta} is not valid TOML: {error}.") from None
    year = data.get("year")
    if year is not None and not (isinstance(year, int) and 1000 <= year <= 9999):
        raise CorpusError(f"{meta}: year must be a four-digit number.")
    if data.get("kind", "lines") not in ("lines", "article"):  # a list or table is not one
        raise CorpusError(f'{meta}: kind must be "article" or "lines".')
    data["published"] = publication_date(data.get("published"), str(meta))
    return data
