"""The corpus read in batches for a Milvus build (qa/store/milvus/build.py), so that a build holds one
batch of statements at a time, not the corpus. The statements are those `corpus.load_corpus`
gives, made by the same functions, in two passes over the files:

- `survey` parses every file a batch of rows at a time and keeps only what the dates of the
  statements need from the whole corpus: the months present (where the timeline starts), for
  each file whether its dates run in one direction under each possible start (a feed ordered
  by time), the (month, year) pairs of the dated statements (the timeline's season), each
  statement's key, to find the statements met in more than one file, and who each statement
  names as its speaker, to take the forms that name one person as one speaker;
- `batches` parses again and yields the statements in batches. In a feed, an undated statement
  waits for the next dated one (its later neighbour); a statement met in several files waits
  until the end and comes once, its sources merged, as load_corpus merges them.

What grows with the corpus is the keys and speaker codes (16 bytes a statement in the survey), the
distinct speakers as written and, while a file is read, its
text; statements, rows and vectors are held a batch at a time.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from qa.corpus.dates import Timeline
from qa.corpus.entities import Entities, speaker_entities, with_entity, written_speaker
from qa.corpus.feed import _declare_year, _said_ordinal, between_dated, declared_year, feed_order
from qa.corpus.files import iter_rows, whole_article
from qa.corpus.gazetteer import Gazetteer, corpus_gazetteer_files
from qa.corpus.loading import _file_statements, no_statements
from qa.corpus.meta import read_metadata
from qa.corpus.paths import CorpusEntry, corpus_entries
from qa.corpus.statements import Statement
from qa.store.milvus.rows import primary_key

ROWS = 1_024  # rows parsed at once


_TIMELINES = [Timeline(start) for start in range(1, 13)]


@dataclass
class _Direction:
    """Whether a file's dated statements run one way, for each month the timeline may start
    in (ordinals as `corpus._said_ordinal` computes them before the season is known)."""

    dated: int = 0
    last: list = field(default_factory=lambda: [None] * 12)
    rising: list = field(default_factory=lambda: [True] * 12)
    falling: list = field(default_factory=lambda: [True] * 12)

    def add(self, statement: Statement) -> None:
        self.dated += 1
        for i, timeline in enumerate(_TIMELINES):
            ordinal = _said_ordinal(statement, timeline)
            if self.last[i] is not None:
                self.rising[i] &= self.last[i] <= ordinal
                self.falling[i] &= self.last[i] >= ordinal
            self.last[i] = ordinal

    def newest_first(self, timeline: Timeline) -> bool | None:
        """True or False for a feed (newest or oldest first), None for any other file."""
        i = timeline.start_month - 1
        return feed_order(self.dated, self.falling[i], self.rising[i])


@dataclass
class Survey:
    """What `survey` found: the timeline, each file's kind, the keys of the statements met
    more than once, every distinct key (sorted), and the lines skipped."""

    entries: list[CorpusEntry]
    gazetteer: Gazetteer
    timeline: Timeline
    metas: list[dict]
    feeds: list[bool | None]
    repeated: set[int]
    keys: np.ndarray
    skipped: list[str]
    entities: Entities

    @property
    def statements(self) -> int:
        return len(self.keys)


def _parsed(entry: CorpusEntry, meta: dict, gazetteer, skip_bad: bool, skipped: list[str]):
    """(statements, from articles) of one file, a batch of rows at a time; a file that is
    one article is parsed whole."""
    path, label = entry.path, entry.label
    rows = iter_rows(path, skip_bad, skipped)
    if whole_article(path, meta):
        yield _file_statements(path, list(rows), meta, gazetteer, skip_bad, skipped, label)
        return
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == ROWS:
            yield _file_statements(path, batch, meta, gazetteer, skip_bad, skipped, label)
            batch = []
    if batch:
        yield _file_statements(path, batch, meta, gazetteer, skip_bad, skipped, label)


def survey(paths: list[Path], skip_bad: bool = False) -> Survey:
    """The first pass: what the statements' dates and merging need from the whole corpus."""
    gazetteer = Gazetteer.load(corpus_gazetteer_files(paths))
    skipped: list[str] = []
    months: set[int] = set()
    # Each statement's key, and its code in `dated`: (month, year or None, the file's declared
    # year or None), -1 for none; the season is taken from a statement's first meeting only.
    keys, codes = array("q"), array("i")
    dated: dict[tuple, int] = {}
    # Each statement's speaker as written (with role, affiliation and article), as a code.
    speakers: dict[tuple, int] = {}
    speaker_codes = array("i")
    metas, directions, articles = [], [], []
    entries = corpus_entries(paths)
    for entry in entries:
        meta = read_metadata(entry.path, entry.root)
        direction, whole = _Direction(), False
        for statements, from_articles in _parsed(entry, meta, gazetteer, skip_bad, skipped):
            whole |= from_articles
            for s in statements:
                said = s.said_on
                keys.append(primary_key(s.id))
                code = -1
                if said and said.month:
                    months.add(said.month)
                    code = dated.setdefault((said.month, said.year, meta.get("year")), len(dated))
                codes.append(code)
                written = written_speaker(s)
                speaker_codes.append(
                    speakers.setdefault(written, len(speakers)) if s.speaker else -1
                )
                if said is not None and not said.inferred and said.month is not None:
                    direction.add(s)
        metas.append(meta)
        directions.append(direction)
        articles.append(whole)
    if not keys:
        raise no_statements(skipped)
    timeline = Timeline.from_months(sorted(months))
    feeds = [None if a else d.newest_first(timeline) for a, d in zip(articles, directions)]
    unique, first, counts = np.unique(
        np.frombuffer(keys, dtype=np.int64), return_index=True, return_counts=True
    )
    used = set(np.frombuffer(codes, dtype=np.int32)[first].tolist())
    season = _season(timeline, [d for d, code in dated.items() if code in used])
    if season is not None:
        timeline = replace(timeline, season=season)
    repeated = {int(k) for k in unique[counts > 1]}
    entities = _entities(speakers, np.frombuffer(speaker_codes, dtype=np.int32)[first])
    return Survey(entries, gazetteer, timeline, metas, feeds, repeated, unique, skipped,
                  entities)  # fmt: skip


def _entities(speakers: dict[tuple, int], codes: np.ndarray) -> Entities:
    """The corpus's entities from the speakers of each distinct statement (its first meeting,
    as load_corpus keeps it)."""
    counts = np.bincount(codes[codes >= 0], minlength=len(speakers))
    return speaker_entities(
        written for written, code in speakers.items() for _ in range(int(counts[code]))
    )


def _season(timeline: Timeline, seen: list[tuple]) -> int | None:
    """The latest season of a dated statement, its year declared by its file if not written."""
    found = []
    for month, year, declared in seen:
        if year is None and declared:
            year = declared_year(month, declared, timeline)
        if year:
            found.append(timeline.season_of(month, year))
    return max(found) if found else None


def batches(found: Survey, skip_bad: bool = False, size: int = 256):
    """The second pass: lists of at most `size` (position, statement) pairs, the position
    being the statement's place in load_corpus's order."""
    held: dict[int, tuple[int, Statement]] = {}  # statements met in more than one file
    out: list[tuple[int, Statement]] = []
    position = 0
    pre_season = replace(found.timeline, season=None)

    def done(at: int, statement: Statement, year: int | None) -> None:
        if year:
            statement = _declare_year(statement, year, found.timeline)
        statement = with_entity(statement, found.entities)
        key = primary_key(statement.id)
        if key not in found.repeated:
            out.append((at, statement))
        elif key in held:
            first_at, first = held[key]
            held[key] = first_at, first.with_sources(first.sources + statement.sources)
        else:
            held[key] = at, statement

    for entry, meta, feed in zip(found.entries, found.metas, found.feeds):
        waiting: list[tuple[int, Statement]] = []  # undated, in a feed: wait for the next date
        before = None
        for statements, _ in _parsed(entry, meta, found.gazetteer, skip_bad, []):
            for s in statements:
                if feed is not None and _said_ordinal(s, pre_season) is not None:
                    for at, w in waiting:
                        done(at, between_dated(w, before, s, feed), meta.get("year"))
                    waiting, before = [], s
                    done(position, s, meta.get("year"))
                elif feed is not None and not (s.said_on and s.said_on.inferred):
                    waiting.append((position, s))
                else:
                    done(position, s, meta.get("year"))
                position += 1
                while len(out) >= size:
                    yield out[:size]
                    del out[:size]
        for at, w in waiting:
            done(at, between_dated(w, before, None, feed), meta.get("year"))
    out.extend(held.values())
    for start in range(0, len(out), size):
        yield out[start : start + size]
