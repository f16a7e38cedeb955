"""Loading a corpus: plain text (one statement per line), JSONL or CSV files, merged into one
list of statement records, with duplicates folded and feed-order dates inferred."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import stat
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

from qa.articles import (
    article_statements,
    date_from_publication,
    publication_date,
    read_article,
)
from qa.dates import DateMention, Timeline, find_dates
from qa.errors import CorpusError
from qa.gazetteer import Gazetteer, corpus_gazetteer_files
from qa.settings import bundled_path
from qa.statements import SaidOn, Statement

OVERRIDE_FIELDS = ("speaker", "role", "affiliation", "date", "source")
# Limits that bound the work one input can cause; generous for news statements (a long article
# is about 50,000 characters). A longer line is refused (or skipped with --skip-bad), a larger
# file refused: split it into several files.
MAX_LINE_CHARS = 2_000_000
MAX_FILE_BYTES = 2**30
ARTICLE_FIELDS = ("title", "published")  # a JSONL record with one holds a whole article


def default_corpus_paths() -> list[Path]:
    """The bundled seeds: from the checkout when run there, else from the installed package."""
    folder = bundled_path("seeds")
    files = (
        sorted(p for p in folder.iterdir() if p.suffix in {".txt", ".jsonl", ".csv"})
        if folder.is_dir()
        else []
    )
    if not files:
        raise CorpusError(f"No corpus files in {folder}; pass --corpus PATH.")
    return files


@dataclass(frozen=True)
class Row:
    """One record read from a corpus file, before parsing."""

    text: str
    line_no: int
    overrides: dict


@dataclass(frozen=True)
class CorpusFile:
    path: Path
    sha256: str
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Corpus:
    statements: tuple[Statement, ...]
    files: tuple[CorpusFile, ...]
    timeline: Timeline
    gazetteer: Gazetteer
    skipped: tuple[str, ...] = ()  # "file:line reason" for each bad line skipped on request


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
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise CorpusError(f"Corpus file {path} does not exist.") from None
    except OSError as error:
        raise CorpusError(f"Cannot read corpus file {path}: {error.strerror}.") from None
    too_large = CorpusError(
        f"Corpus file {path} is larger than {MAX_FILE_BYTES // 2**20} MiB; "
        "split it into several files."
    )
    info = os.fstat(descriptor)
    if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
        os.close(descriptor)
        if stat.S_ISDIR(info.st_mode):
            raise CorpusError(f"Corpus path {path} is a directory; give a file.")
        if not stat.S_ISREG(info.st_mode):
            kind = "a pipe, device or socket"
            raise CorpusError(f"Corpus path {path} is not a regular file ({kind}); give a file.")
        raise too_large
    os.set_blocking(descriptor, True)
    with os.fdopen(descriptor, "rb") as handle:
        try:
            data = handle.read(MAX_FILE_BYTES + 1)  # the file may have grown since
        except OSError as error:
            raise CorpusError(f"Cannot read corpus file {path}: {error.strerror}.") from None
    if len(data) > MAX_FILE_BYTES:
        raise too_large
    return data


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


def read_metadata(path: Path) -> dict:
    """The optional `<corpus file>.meta.toml`: `year` (the year the corpus ends in), `kind`
    ("article": the file is one article, headline first) and `published` (its date)."""
    meta = path.with_name(path.name + ".meta.toml")
    if not meta.is_file():
        return {}
    try:
        data = tomllib.loads(meta.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise CorpusError(f"{meta} is not valid TOML: {error}.") from None
    year = data.get("year")
    if year is not None and not (isinstance(year, int) and 1000 <= year <= 9999):
        raise CorpusError(f"{meta}: year must be a four-digit number.")
    if data.get("kind", "lines") not in {"lines", "article"}:
        raise CorpusError(f'{meta}: kind must be "article" or "lines".')
    data["published"] = publication_date(data.get("published"), str(meta))
    return data


def _file_statements(
    path: Path,
    rows: list[Row],
    meta: dict,
    gazetteer: Gazetteer,
    skip_bad: bool = False,
    skipped: list[str] | None = None,
) -> tuple[list[Statement], bool]:
    """The statements of one corpus file, and whether they came from whole articles: a plain
    text file whose meta says `kind = "article"` is one article, headline first; a JSONL record
    with a `title` or `published` field (or every record, with that meta) is one article
    whose `text` is the body, its headline being in `title`."""
    # Imported here: answering from a built index never parses, and the parser's patterns
    # take a noticeable share of a cold start to compile.
    from qa.parser import parse_line

    published = meta.get("published")
    whole_file = meta.get("kind") == "article"
    if whole_file and path.suffix.lower() not in {".jsonl", ".csv"}:
        # Offsets count characters of the text with each line break as one "\n".
        text = "\n".join(row.text for row in rows)
        article = read_article(text, path.name, published, str(path))
        return article_statements(article, gazetteer), True
    statements, articles = [], False
    for row in rows:
        if whole_file or any(row.overrides.get(k) for k in ARTICLE_FIELDS):
            where = f"{path}:{row.line_no}"
            date = row.overrides.get("published", published)
            label = f"{path.name}:{row.line_no}"
            try:
                article = read_article(row.text, label, date, where, headline=False)
            except CorpusError as error:
                if not skip_bad:
                    raise
                if skipped is not None:  # a bad record, skipped on request
                    skipped.append(str(error).rstrip("."))
                continue
            statements += article_statements(article, gazetteer)
            articles = True
            continue
        for statement in parse_line(row.text, path.name, row.line_no, gazetteer):
            statement = _apply_overrides(statement, row.overrides, gazetteer)
            if published is not None:
                statement = date_from_publication(statement, published)
            statements.append(statement)
    return statements, articles


def _apply_overrides(statement: Statement, overrides: dict, gazetteer: Gazetteer) -> Statement:
    if not overrides:
        return statement
    changes: dict = {}
    if "source" in overrides:
        changes["sources"] = (overrides["source"],)
    if "speaker" in overrides:
        person = gazetteer.person(overrides["speaker"])
        changes.update(speaker=person.name if person else overrides["speaker"])
        changes.update(speaker_as_written=overrides["speaker"], role=None, role_from=None)
        changes.update(affiliation=None, affiliation_from=None)
        if person:
            changes.update(role=person.role, role_from="gazetteer" if person.role else None)
            changes.update(affiliation=person.affiliation)
            changes.update(affiliation_from="gazetteer" if person.affiliation else None)
        if statement.kind == "report":
            changes["kind"] = "quote"
    if "role" in overrides:
        changes.update(role=overrides["role"], role_from="record")
    if "affiliation" in overrides:
        place = gazetteer.place(overrides["affiliation"])
        changes.update(affiliation=place.name if place else overrides["affiliation"])
        changes.update(affiliation_from="record")
    if "date" in overrides:
        dates = find_dates(overrides["date"])
        if dates:
            changes["said_on"] = SaidOn.written(dates[0])
    return replace(statement, **changes)


def _said_ordinal(statement: Statement, timeline: Timeline) -> int | None:
    said = statement.said_on
    if said is None or said.inferred or said.month is None:
        return None
    return timeline.ordinal(said.month, said.day, said.year)


def _infer_feed_dates(statements: list[Statement], timeline: Timeline) -> list[Statement]:
    """In a feed ordered by time, an undated statement lies between its dated neighbours."""
    ordinals = [_said_ordinal(s, timeline) for s in statements]
    dated = [o for o in ordinals if o is not None]
    pairs = list(zip(dated, dated[1:]))
    newest_first = feed_order(
        len(dated), all(a >= b for a, b in pairs), all(a <= b for a, b in pairs)
    )
    if newest_first is None:
        return statements
    result = []
    for i, statement in enumerate(statements):
        if ordinals[i] is not None or (statement.said_on and statement.said_on.inferred):
            result.append(statement)
            continue
        before = next(
            (statements[j] for j in range(i - 1, -1, -1) if ordinals[j] is not None), None
        )
        after = next(
            (statements[j] for j in range(i + 1, len(statements)) if ordinals[j] is not None), None
        )
        result.append(between_dated(statement, before, after, newest_first))
    return result


def feed_order(dated: int, falling: bool, rising: bool) -> bool | None:
    """Whether a file is a feed newest first (True) or oldest first (False), from how many
    of its statements are dated and whether their dates only fall or only rise; None when it
    is no feed."""
    if dated < 3:
        return None
    if falling:
        return True
    return False if rising else None


def between_dated(statement: Statement, before, after, newest_first: bool) -> Statement:
    """An undated statement of a feed, dated as lying between its dated neighbours (either
    may be None); `newest_first` says which way the feed runs."""
    earlier, later = (after, before) if newest_first else (before, after)
    said = SaidOn(
        None,
        None,
        None,
        inferred=True,
        earliest=_as_mention(earlier.said_on) if earlier else None,
        latest=_as_mention(later.said_on) if later else None,
    )
    return replace(statement, said_on=said)


def _as_mention(said: SaidOn) -> DateMention:
    return DateMention(said.text, said.month, said.day, said.end_month, said.end_day, said.year)


def _declare_year(statement: Statement, year: int, timeline: Timeline) -> Statement:
    said = statement.said_on
    if said is None or said.month is None or said.year is not None:
        return statement
    return replace(
        statement,
        said_on=replace(said, year=declared_year(said.month, year, timeline), year_declared=True),
    )


def declared_year(month: int, year: int, timeline: Timeline) -> int:
    """The year of a month in a corpus declared to end in `year`: months before a
    December-January turn in the timeline belong to the year before."""
    wraps = timeline.start_month > 1 and month >= timeline.start_month
    return year - 1 if wraps else year


def no_statements(skipped: list[str]) -> CorpusError:
    """The error for a corpus that gave no statement."""
    if skipped:
        return CorpusError(
            f"The corpus has no statements: every line was skipped as unreadable "
            f"({len(skipped)} skipped, the first: {skipped[0]})."
        )
    return CorpusError("The corpus has no statements: every line is blank.")


def load_corpus(paths: list[Path] | None = None, skip_bad: bool = False) -> Corpus:
    """Read, parse and merge every corpus file; with `skip_bad`, bad lines are skipped and
    listed in `Corpus.skipped` instead of stopping the load."""
    paths = [Path(p) for p in (paths or default_corpus_paths())]
    gazetteer = Gazetteer.load(corpus_gazetteer_files(paths))
    files = []
    skipped: list[str] = []
    per_file: list[tuple[Path, list[Statement], dict]] = []
    for path in paths:
        rows = read_rows(path, skip_bad, skipped)
        files.append(CorpusFile(path, hashlib.sha256(path.read_bytes()).hexdigest(), tuple(rows)))
        meta = read_metadata(path)
        parsed, articles = _file_statements(path, rows, meta, gazetteer, skip_bad, skipped)
        per_file.append((path, parsed, {**meta, "articles": articles}))
    months = [
        s.said_on.month
        for _, parsed, _ in per_file
        for s in parsed
        if s.said_on and s.said_on.month
    ]
    timeline = Timeline.from_months(months)
    merged: dict[str, Statement] = {}
    for _path, parsed, meta in per_file:
        if not meta["articles"]:  # an article is not a feed ordered by time
            parsed = _infer_feed_dates(parsed, timeline)
        if meta.get("year"):
            parsed = [_declare_year(s, meta["year"], timeline) for s in parsed]
        for statement in parsed:
            if statement.id in merged:
                first = merged[statement.id]
                merged[statement.id] = first.with_sources(first.sources + statement.sources)
            else:
                merged[statement.id] = statement
    if not merged:
        raise no_statements(skipped)
    seasons = [
        timeline.season_of(s.said_on.month, s.said_on.year)
        for s in merged.values()
        if s.said_on and s.said_on.year and s.said_on.month
    ]
    if seasons:  # dates with and without a year on one line of days
        timeline = replace(timeline, season=max(seasons))
    return Corpus(tuple(merged.values()), tuple(files), timeline, gazetteer, tuple(skipped))
