"""Loading a corpus: its files (plain text, Markdown, JSONL, CSV, JSON; folders expanded to the
files under them) merged into one list of statement records, with duplicates folded and
feed-order dates inferred."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path

from qa.corpus.articles import (
    article_statements,
    date_from_publication,
    publication_date,
    read_article,
)
from qa.corpus.dates import DateMention, Timeline
from qa.corpus.entities import with_entities
from qa.corpus.feed import _declare_year, _infer_feed_dates
from qa.corpus.files import ARTICLE_FIELDS, Row, read_regular_file, read_rows, whole_article
from qa.corpus.gazetteer import Gazetteer, corpus_gazetteer_files
from qa.corpus.meta import read_metadata
from qa.corpus.paths import corpus_entries, corpus_files, file_format
from qa.corpus.statements import SaidOn, Statement
from qa.corpus.written_dates import DATE_IGNORED, UnreadableDate, date_order, read_date_field
from qa.errors import CorpusError
from qa.settings import bundled_path


def default_corpus_paths() -> list[Path]:
    """The bundled seeds: from the checkout when run there, else from the installed package."""
    folder = bundled_path("seeds")
    try:
        return corpus_files([folder]) if folder.is_dir() else []
    except CorpusError:
        raise CorpusError(f"No corpus files in {folder}; pass --corpus PATH.") from None


@dataclass(frozen=True)
class CorpusFile:
    """One file of a loaded corpus: what was read from it and what it gave."""

    path: Path
    sha256: str
    rows: tuple[Row, ...]
    label: str = ""  # the name its statements cite
    format: str = "text"  # text, markdown, jsonl, csv or json
    meta: dict = field(default_factory=dict)  # its metadata, and "articles": read as articles
    statement_ids: tuple[str, ...] = ()  # the statements it gave, in order, repeats included
    skipped: tuple[str, ...] = ()  # its lines skipped, "file:line reason"


@dataclass(frozen=True)
class Corpus:
    statements: tuple[Statement, ...]
    files: tuple[CorpusFile, ...]
    timeline: Timeline
    gazetteer: Gazetteer
    skipped: tuple[str, ...] = ()  # "file:line reason" for each bad line skipped on request


def _file_statements(
    path: Path,
    rows: list[Row],
    meta: dict,
    gazetteer: Gazetteer,
    skip_bad: bool = False,
    skipped: list[str] | None = None,
    label: str | None = None,
) -> tuple[list[Statement], bool]:
    """The statements of one corpus file, and whether they came from whole articles: a plain
    text file whose meta says `kind = "article"` is one article, headline first; a JSONL record
    with a `title` or `published` field (or every record, with that meta) is one article
    whose `text` is the body, its headline being in `title`; a Markdown file is one article
    unless its meta says `kind = "lines"`. Statements cite `label` (default: the file's name)."""
    # Imported here: answering from a built index never parses, and the parser's patterns
    # take a noticeable share of a cold start to compile.
    from qa.corpus.parser import parse_line

    label = label or path.name
    published = meta.get("published")
    order = date_order(meta, f"{path}.meta.toml")
    whole_file = meta.get("kind") == "article"
    if whole_article(path, meta):
        # Offsets count characters of the text with each line break as one "\n".
        text, headline = "\n".join(row.text for row in rows), True
        if file_format(path) == "markdown":
            from qa.corpus.markdown import read_page

            page = read_page(text)
            text, headline = page.text, page.headline
            if published is None and page.published:
                published = publication_date(page.published, f"{path} (front matter)")
        article = read_article(text, label, published, str(path), headline)
        return article_statements(article, gazetteer), True
    statements, articles = [], False
    for row in rows:
        if whole_file or row.article or any(row.overrides.get(k) for k in ARTICLE_FIELDS):
            where = f"{path}:{row.line_no}"
            date = row.overrides.get("published", published)
            record = f"{label}:{row.line_no}"
            try:
                article = read_article(row.text, record, date, where, headline=False)
            except CorpusError as error:
                if not skip_bad:
                    raise
                if skipped is not None:  # a bad record, skipped on request
                    skipped.append(str(error).rstrip("."))
                continue
            statements += article_statements(article, gazetteer)
            articles = True
            continue
        written = _record_date(row, path, order, skipped)
        for statement in parse_line(row.text, label, row.line_no, gazetteer):
            statement = _apply_overrides(statement, row.overrides, gazetteer, written)
            if published is not None:
                statement = date_from_publication(statement, published)
            statements.append(statement)
    return statements, articles


def _record_date(
    row: Row, path: Path, order: str | None, skipped: list[str] | None
) -> DateMention | None:
    """The date a record's `date` field gives; one that cannot be read is reported with the
    lines skipped (the record is kept, with the date its text may give)."""
    value = row.overrides.get("date")
    if value is None:
        return None
    try:
        return read_date_field(value, order)
    except UnreadableDate as error:
        if skipped is not None:
            skipped.append(
                f"{path}:{row.line_no} date {value!r} cannot be read ({error}){DATE_IGNORED}"
            )
        return None


def _apply_overrides(
    statement: Statement, overrides: dict, gazetteer: Gazetteer, written: DateMention | None = None
) -> Statement:
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
    if written is not None:
        changes["said_on"] = SaidOn.written(written)
    return replace(statement, **changes)


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
    for entry in corpus_entries(paths):
        path, before = entry.path, len(skipped)
        rows = read_rows(path, skip_bad, skipped)
        meta = read_metadata(path, entry.root)
        parsed, articles = _file_statements(
            path, rows, meta, gazetteer, skip_bad, skipped, entry.label
        )
        per_file.append((path, parsed, {**meta, "articles": articles}))
        sha256 = hashlib.sha256(read_regular_file(path)).hexdigest()
        files.append(
            CorpusFile(path, sha256, tuple(rows), entry.label, file_format(path),
                       per_file[-1][2], tuple(s.id for s in parsed), tuple(skipped[before:]))
        )  # fmt: skip
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
    statements = with_entities(list(merged.values()))
    return Corpus(tuple(statements), tuple(files), timeline, gazetteer, tuple(skipped))
