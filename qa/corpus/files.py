"""Reading corpus files into rows: plain text and Markdown (a line each), JSONL, CSV and
JSON records, with the limits that bound the work one input can cause."""

from __future__ import annotations

import csv
import errno
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from qa.corpus.paths import file_format
from qa.errors import CorpusError, UnsafeFileError
from qa.files import read_bytes

# Limits that bound the work one input can cause; generous for news statements (a long article
# is about 50,000 characters). A longer line is refused (or skipped with --skip-bad), a larger
# file refused: split it into several files.
MAX_LINE_CHARS = 2_000_000


MAX_FILE_BYTES = 2**30
OVERRIDE_FIELDS = ("speaker", "role", "affiliation", "date", "source")
ARTICLE_FIELDS = ("title", "published")  # a JSONL record with one holds a whole article


@dataclass(frozen=True)
class Row:
    """One record read from a corpus file, before parsing."""

    text: str
    line_no: int  # the line of a text, JSONL or CSV file; the record's number in a JSON array
    overrides: dict
    article: bool = field(default=False)  # a JSON file that is one object: one article


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
    """Rows of a corpus file, each with its 1-based line (or record) number."""
    return list(iter_rows(path, skip_bad, skipped))


def iter_rows(path: Path, skip_bad: bool = False, skipped: list[str] | None = None):
    """`read_rows` one row at a time (the file's text is read whole, its rows made as asked
    for): a build that writes in batches holds one batch of rows, not the file's."""
    path = Path(path)
    kind = file_format(path)
    reader = _Lines(path, skip_bad, skipped if skipped is not None else [])
    text = reader.text()
    if kind == "jsonl":
        yield from _jsonl_rows(reader, text)
    elif kind == "csv":
        yield from _csv_rows(reader, text)
    elif kind == "json":
        yield from _json_rows(reader, text)
    else:  # plain text and Markdown: a row a line
        for n, line in enumerate(_lines(text), start=1):
            if not _too_long(reader, n, line):
                yield Row(line, n, {})


def _record_row(reader: _Lines, number: int, data) -> Row | None:
    """A row of a JSON record: its `text`, and the fields that say who, when and what."""
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        reader.bad(number, 'has no "text" string field')
        return None
    if _too_long(reader, number, data["text"]):
        return None
    fields = OVERRIDE_FIELDS + ARTICLE_FIELDS
    return Row(data["text"], number, {k: str(data[k]) for k in fields if data.get(k)})


def _jsonl_rows(reader: _Lines, text: str) -> Iterator[Row]:
    for number, line in enumerate(_lines(text), start=1):
        if not line.strip() or _too_long(reader, number, line):
            continue
        try:
            data = json.loads(line)
        except (json.JSONDecodeError, RecursionError):
            reader.bad(number, "is not valid JSON")
            continue
        row = _record_row(reader, number, data)
        if row is not None:
            yield row


def _json_rows(reader: _Lines, text: str) -> Iterator[Row]:
    """A JSON array of records (as JSONL's, numbered from 1), or one object: one article."""
    path = reader.path
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise CorpusError(f"{path}:{error.lineno} is not valid JSON ({error.msg}).") from None
    except RecursionError:
        raise CorpusError(f"{path} is not valid JSON (nested too deeply).") from None
    if isinstance(data, dict):
        row = _record_row(reader, 1, data)
        if row is not None:
            yield Row(row.text, 1, row.overrides, article=True)
        return
    if not isinstance(data, list):
        raise CorpusError(
            f'{path} is neither a JSON array of records nor one object with a "text" field.'
        )
    for number, record in enumerate(data, start=1):
        row = _record_row(reader, number, record)
        if row is not None:
            yield row


def _csv_rows(reader: _Lines, text: str) -> Iterator[Row]:
    path = reader.path
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


def whole_article(path: Path, meta: dict) -> bool:
    """Whether a file is read as one article: Markdown unless its meta says `kind = "lines"`,
    a plain text file whose meta says `kind = "article"` (in a file of records, that kind
    makes each record an article)."""
    kind = file_format(path)
    if kind in {"jsonl", "csv", "json"}:
        return False
    return meta.get("kind", "article" if kind == "markdown" else "lines") == "article"


def _too_long(reader: _Lines, number: int, line: str) -> bool:
    if len(line) <= MAX_LINE_CHARS:
        return False
    reader.bad(number, f"is longer than {MAX_LINE_CHARS:,} characters", "; split it")
    return True
