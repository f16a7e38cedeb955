"""The embedded index's per-row facts as plain arrays, and filter trees (qa/store/where.py)
evaluated over them, so that the same code serves a few dozen statements and a million."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cached_property
from pathlib import Path

import numpy as np

from qa.corpus.dates import Timeline
from qa.corpus.gazetteer import Gazetteer
from qa.files import MIB, read_text
from qa.store.base import Facts, newest_first
from qa.store.embedded.keywords import allowed_rows, common_rows
from qa.store.facts import _codes, row_facts
from qa.store.where import (
    FIELDS,
    OPEN_HIGH,
    OPEN_LOW,
    And,
    AnyOf,
    Mentions,
    MentionsDate,
    Not,
    Or,
    Overlaps,
    Where,
    Within,
)

VOCABULARIES_BYTES = 256 * MIB  # the distinct speakers, affiliations, roles and places
ARRAYS = (
    "speaker_codes", "affiliation_codes", "role_codes", "attributed", "said_lo", "said_hi",
    "inferred_lo", "inferred_hi", "mention_rows", "mention_lo", "mention_hi", "place_codes",
)  # fmt: skip


# Evaluated trees kept per StatementFilter: a chat asks under the same filters again and again.
# At most CACHED_ROWS ids in all (32 MiB), the oldest trees dropped first.
CACHED_TREES = 32


CACHED_ROWS = 4_000_000


# What looking one row up in the mention table costs, in table entries read in order.
MENTION_LOOKUP_COST = 40


# -- the embedded index's facts, and trees evaluated over them ------------------------------
class StatementFilter:
    """Per-row facts of a statement list as plain arrays (speaker, affiliation and role as
    codes into small vocabularies private to this build; dates as timeline ordinals), and
    filter trees evaluated over them. Built once with the index and saved beside it, so a
    million rows load without parsing one. `postings(words)` gives the rows whose text holds
    all these keyword tokens; without it `Mentions` matches nothing."""

    def __init__(self, facts: dict, vocabularies: dict, gazetteer: Gazetteer, timeline: Timeline,
                 postings: Callable[[tuple[str, ...]], np.ndarray] | None = None):  # fmt: skip
        self.gazetteer = gazetteer
        self.timeline = timeline
        self.postings = postings
        self.speakers: list[str] = vocabularies["speakers"]
        self.affiliations: list[str] = vocabularies["affiliations"]
        self.roles: list[str] = vocabularies["roles"]
        self.places: list[str] = vocabularies["places"]
        for name in ARRAYS:
            setattr(self, name, facts[name])
        self.size = len(self.speaker_codes)
        self._positions = {
            name: {v: i for i, v in enumerate(getattr(self, name + "s"))} for name in FIELDS
        }
        self._cache: dict[Where, np.ndarray] = {}
        self._every_row = np.arange(self.size, dtype=np.int64)
        self._every_row.flags.writeable = False

    @classmethod
    def from_statements(
        cls, statements, gazetteer: Gazetteer, timeline: Timeline
    ) -> StatementFilter:
        n = len(statements)
        facts = {
            "attributed": np.zeros(n, dtype=bool),
            "said_lo": np.full(n, OPEN_HIGH, dtype=np.int64),
            "said_hi": np.full(n, OPEN_LOW, dtype=np.int64),
            "inferred_lo": np.full(n, OPEN_HIGH, dtype=np.int64),
            "inferred_hi": np.full(n, OPEN_LOW, dtype=np.int64),
        }
        mentions: list[tuple[int, int, int]] = []
        values: dict[str, list[str]] = {name: [] for name in FIELDS}
        for i, s in enumerate(statements):
            row = row_facts(s, gazetteer, timeline)
            for name in FIELDS:
                values[name].append(row[name])
            for name in ("attributed", "said_lo", "said_hi", "inferred_lo", "inferred_hi"):
                facts[name][i] = row[name]
            mentions.extend((i, lo, hi) for lo, hi in row["mentioned"])
        table = np.array(mentions, dtype=np.int64).reshape(-1, 3)
        facts["mention_rows"], facts["mention_lo"], facts["mention_hi"] = table.T.copy()
        vocabularies = {}
        for name in FIELDS:
            vocabularies[name + "s"], facts[name + "_codes"] = _codes(values[name])
        return cls(facts, vocabularies, gazetteer, timeline)

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        for name in ARRAYS:
            np.save(folder / f"{name}.npy", getattr(self, name), allow_pickle=False)
        vocabularies = {"speakers": self.speakers, "affiliations": self.affiliations,
                        "roles": self.roles, "places": self.places}  # fmt: skip
        (folder / "vocabularies.json").write_text(json.dumps(vocabularies, ensure_ascii=False))

    @classmethod
    def load(cls, folder: Path, gazetteer: Gazetteer, timeline: Timeline,
             postings=None) -> StatementFilter:  # fmt: skip
        facts = {name: np.load(folder / f"{name}.npy", allow_pickle=False) for name in ARRAYS}
        vocabularies = json.loads(read_text(folder / "vocabularies.json", VOCABULARIES_BYTES))
        return cls(facts, vocabularies, gazetteer, timeline, postings)

    @cached_property
    def vocabularies(self) -> dict[str, list[str]]:
        """The distinct non-empty values of each field."""
        return {name + "s": getattr(self, name + "s")[1:] for name in FIELDS}

    def allows_any(self, where: Where) -> bool:
        """Whether the tree allows at least one row."""
        return bool(len(self.ids(where, limit=1)))

    def ids(self, where: Where, among=None, limit: int | None = None) -> np.ndarray:
        """Rows the tree allows, ascending; only from `among` (ascending) when given."""
        if among is None:
            rows = self._cache.get(where)
            if rows is None:
                rows = self._select(where, None)
                while self._cache and (
                    len(self._cache) >= CACHED_TREES
                    or sum(map(len, self._cache.values())) + len(rows) > CACHED_ROWS
                ):
                    self._cache.pop(next(iter(self._cache)))
                if len(rows) <= CACHED_ROWS:
                    self._cache[where] = rows
        else:
            rows = self._select(where, allowed_rows(among, self.size))
        return rows if limit is None else rows[:limit]

    def newest_first(self, rows) -> np.ndarray:
        """Rows ordered by the date said, newest first (see `newest_first`)."""
        return newest_first(rows, self.facts(rows))

    def facts(self, ids) -> Facts:
        rows = np.asarray(ids, dtype=np.int64)
        return Facts(self.said_lo[rows], self.said_hi[rows], self.inferred_hi[rows],
                     self.attributed[rows])  # fmt: skip

    def _select(self, where: Where, among: np.ndarray | None) -> np.ndarray:
        """Rows of `among` (every row when None) the tree allows, ascending."""
        if among is self._every_row:
            among = None  # every row: nothing to intersect with
        everything = among if among is not None else self._every_row
        if isinstance(where, And):
            rows = everything
            for at, part in enumerate(sorted(where.parts, key=_cost)):
                # The first part over every row is often a filter the plan already evaluated
                # on its own (to tell whether it matches anything): taken from the cache.
                rows = self.ids(part) if among is None and not at else self._select(part, rows)
                if not len(rows):
                    break
            return rows
        if isinstance(where, Or):
            found = [self._select(part, among) for part in where.parts]
            found = [rows for rows in found if len(rows)]
            if len(found) <= 1:
                return found[0] if found else everything[:0]
            if among is not None and len(among) * 64 < self.size:
                return np.unique(np.concatenate(found))
            # A mark per row and one pass collecting them: no sort of the parts' rows.
            marked = np.zeros(self.size, dtype=bool)
            for rows in found:
                marked[rows] = True
            return np.flatnonzero(marked).astype(np.int64, copy=False)
        if isinstance(where, Not):
            dropped_rows = self._select(where.part, among)
            if not len(dropped_rows):
                return everything
            dropped = np.zeros(self.size, dtype=bool)
            dropped[dropped_rows] = True
            return everything[~dropped[everything]]
        if isinstance(where, Mentions):
            rows = self.postings(where.words) if self.postings and where.words else None
            if rows is None:
                return everything[:0]
            rows = np.asarray(rows, dtype=np.int64)
            return rows if among is None else common_rows(rows, among)
        if isinstance(where, MentionsDate):
            return self._mentioning(where, among)
        passed = self._test(where, everything)
        if everything is self._every_row:
            return np.flatnonzero(passed).astype(np.int64, copy=False)
        return everything[passed]

    def _mentioning(self, where: MentionsDate, among: np.ndarray | None) -> np.ndarray:
        """Rows of `among` (every row when None) whose text mentions a date meeting the
        range. The mention table is in row order: a few rows' mentions are looked up in it
        rather than the whole table read."""
        table = self.mention_rows
        if among is not None and len(among) * MENTION_LOOKUP_COST < len(table):
            starts = np.searchsorted(table, among, side="left")
            ends = np.searchsorted(table, among, side="right")
            counts = ends - starts
            entries = np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(
                int(counts.sum())
            )
            inside = (self.mention_hi[entries] >= where.low) & (
                self.mention_lo[entries] <= where.high
            )
            return allowed_rows(table[entries[inside]], self.size)
        inside = (self.mention_hi >= where.low) & (self.mention_lo <= where.high)
        rows = allowed_rows(table[inside], self.size)
        return rows if among is None else common_rows(rows, among)

    def _test(self, where: Where, rows: np.ndarray) -> np.ndarray:
        """For a tree over this row's own fields, whether each of `rows` passes."""
        if isinstance(where, AnyOf):
            positions = self._positions[where.field]
            codes = self._column(where.field + "_codes", rows)
            chosen = np.zeros(len(positions) + 1, dtype=bool)  # a code's answer, by code
            chosen[[positions[v] for v in where.values if v in positions]] = True
            return chosen[codes]
        low = self._column(where.low_field, rows)
        high = self._column(where.high_field, rows)
        if isinstance(where, Overlaps):
            return (high >= where.low) & (low <= where.high)
        if isinstance(where, Within):
            return (low >= where.low) & (high <= where.high) & (low <= high)
        raise TypeError(f"not a filter tree: {where!r}")

    def _column(self, name: str, rows: np.ndarray) -> np.ndarray:
        """A fact of these rows: the whole array, uncopied, when they are every row."""
        column = getattr(self, name)
        return column if rows is self._every_row else column[rows]


def _cost(where: Where) -> int:
    """Which part of a conjunction to evaluate first: keyword postings narrow the rows
    cheapest, a negation is only taken of what is left."""
    if isinstance(where, Mentions):
        return 0
    if isinstance(where, Or) and all(isinstance(p, Mentions) for p in where.parts):
        return 1
    if isinstance(where, Not):
        return 3
    return 2
