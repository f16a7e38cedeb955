"""Filters over statements: by speaker, country or organisation, role and date. A question's
filters become a filter tree of field values (qa/store.py), which any store evaluates; this
module also keeps the per-row facts of the embedded index as plain arrays and evaluates trees
over them, so that the same code serves a few dozen statements and a million."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from qa.dates import DateMention, Timeline
from qa.gazetteer import Gazetteer
from qa.keywords import allowed_rows, common_rows
from qa.lexicon import normal_role, role_matches
from qa.query import DateRange, RoleFilter
from qa.store import (
    EVERYTHING,
    FIELDS,
    NOTHING,
    OPEN_HIGH,
    OPEN_LOW,
    And,
    AnyOf,
    Facts,
    Mentions,
    MentionsDate,
    Not,
    Or,
    Overlaps,
    Where,
    Within,
    both,
    either,
)
from qa.text import tokenize
from qa.understanding import Understanding, speaker_owner

__all__ = ["OPEN_HIGH", "OPEN_LOW", "AttributionWords", "FilterPlan", "FilterResult", "StatementFilter", "plan",
           "row_facts", "who_phrase"]  # fmt: skip

ARRAYS = (
    "speaker_codes", "affiliation_codes", "role_codes", "attributed", "said_lo", "said_hi",
    "inferred_lo", "inferred_hi", "mention_rows", "mention_lo", "mention_hi", "place_codes",
)  # fmt: skip
# Evaluated trees kept per StatementFilter: a chat asks under the same filters again and again.
# At most CACHED_ROWS ids in all (32 MiB), the oldest trees dropped first.
CACHED_TREES = 32
CACHED_ROWS = 4_000_000
# Names that are an everyday word once the keyword index lower-cases them ("US": "us").
_EVERYDAY = frozenset({"us"})
# What looking one row up in the mention table costs, in table entries read in order.
MENTION_LOOKUP_COST = 40


@dataclass(frozen=True)
class FilterPlan:
    """What the filters of a question allow, as a tree; `note` says which filter matched
    nothing and `reason` names its kind ("speaker", "affiliation", "role", "date"); `why`
    names each filter's own tree, to tell which matched a hit."""

    where: Where
    note: str | None
    why: dict[str, Where] = field(default_factory=dict)
    reason: str | None = None
    # An actor asked about (`Understanding.about`) with no statement of its own, only
    # statements that name it: the note and reason to give when none of those answers.
    unheard: tuple[str, str] | None = None


@dataclass(frozen=True)
class FilterResult:
    """A plan evaluated over every row of a StatementFilter: the rows allowed, as a mask."""

    mask: np.ndarray
    note: str | None
    why: dict
    reason: str | None = None


def first_place(statement, gazetteer: Gazetteer) -> str:
    """For a statement attributed only to a role, with no country, the place its words name
    first; otherwise ""."""
    if statement.affiliation or not statement.role:
        return ""
    found = gazetteer.find_places(statement.passage)
    return found[0][1].name if found else ""


def row_facts(statement, gazetteer: Gazetteer, timeline: Timeline) -> dict:
    """The filter fields of one statement, as every store keeps them (see qa/store.py):
    speaker, affiliation, role, place (strings, "" for none), attributed, the said and
    inferred spans, and `mentioned`, the (lo, hi) spans of the dates its text mentions."""
    facts = {
        "speaker": speaker_owner(statement.speaker) or "",
        "affiliation": statement.affiliation or "",
        "role": normal_role(statement.role),
        "place": first_place(statement, gazetteer),
        "attributed": bool(statement.speaker or statement.role),
        "said_lo": OPEN_HIGH, "said_hi": OPEN_LOW,
        "inferred_lo": OPEN_HIGH, "inferred_hi": OPEN_LOW,
    }  # fmt: skip
    said = statement.said_on
    if said and not said.inferred and said.month:
        written = DateMention(
            said.text or "", said.month, said.day, said.end_month, said.end_day, said.year
        )
        facts["said_lo"], facts["said_hi"] = timeline.span(written)
    elif said and said.inferred:
        earliest, latest = said.earliest, said.latest
        facts["inferred_lo"] = timeline.span(earliest)[0] if earliest else OPEN_LOW
        facts["inferred_hi"] = timeline.span(latest)[1] if latest else OPEN_HIGH
    facts["mentioned"] = [timeline.span(m) for m in statement.dates_mentioned]
    return facts


def _codes(values: list[str]) -> tuple[list[str], np.ndarray]:
    """Distinct values (the empty string first) and each row's index into them."""
    vocabulary = [""] + sorted({v for v in values if v})
    position = {v: i for i, v in enumerate(vocabulary)}
    return vocabulary, np.array([position[v] for v in values], dtype=np.int32)


# -- from a question to a tree ------------------------------------------------------------
def mentions_of(name: str) -> Where:
    """Rows whose text holds every keyword of a name (none for a name with no keyword)."""
    words = tuple(sorted(set(tokenize(name))))
    return Mentions(words) if words else NOTHING


def said_in(date: DateRange) -> Where:
    """Rows said in the range: a written date meeting it, or an inferred one inside it."""
    low = OPEN_LOW if date.start is None else date.start
    high = OPEN_HIGH if date.end is None else date.end
    return either(Overlaps("said_lo", "said_hi", low, high),
                  Within("inferred_lo", "inferred_hi", low, high))  # fmt: skip


def date_where(date: DateRange) -> Where:
    """Rows in the range: said in it, or mentioning a date in it."""
    low = OPEN_LOW if date.start is None else date.start
    high = OPEN_HIGH if date.end is None else date.end
    return either(said_in(date), MentionsDate(low, high))


def role_where(role: RoleFilter, roles: list[str], gazetteer: Gazetteer) -> Where:
    """Rows whose role has every word asked for (or a synonym) and, when a place was named,
    serve it: by affiliation, by the place written in the role ("UN envoy"), or, for a role
    with no country, by the place the statement names ("..., defense minister says" in a
    digest of Ukraine's news)."""
    titled = AnyOf("role", tuple(r for r in roles if role_matches(role.words, r)))
    if not role.place:
        return titled
    place = gazetteer.place_named(role.place)
    names = (place.name, *place.aliases) if place else (role.place,)
    aliases = [normal_role(a) for a in names]
    placed = AnyOf("role", tuple(r for r in roles if any(f" {a} " in f" {r} " for a in aliases)))
    allowed = either(placed, AnyOf("affiliation", (role.place,)))
    named = either(*(mentions_of(alias) for alias in names))
    return both(titled, either(allowed, both(AnyOf("affiliation", ("",)), named)))


class AttributionWords:
    """Which speakers, roles and affiliations hold each keyword token, read once from the
    vocabularies: the words of a statement's own attribution ("NATO" in "NATO Secretary
    General Mark Rutte said")."""

    def __init__(self, vocabularies: dict[str, list[str]]):
        self.fields: dict[str, dict[str, list[str]]] = {}
        for name in ("speaker", "role", "affiliation"):
            table: dict[str, list[str]] = {}
            for value in vocabularies[name + "s"]:
                for token in set(tokenize(value)):
                    table.setdefault(token, []).append(value)
            self.fields[name] = table

    def where(self, tokens: set[str]) -> Where:
        """Rows whose speaker, role or affiliation holds one of these tokens."""
        return either(*(
            AnyOf(name, tuple(sorted({v for t in tokens for v in table.get(t, ())})))
            for name, table in self.fields.items()
            if any(t in table for t in tokens)
        ))  # fmt: skip


def plan(u: Understanding, store, gazetteer: Gazetteer) -> FilterPlan:
    """The tree of rows the question's filters allow, in order speaker, affiliation, source,
    role, date; the first that matches nothing is named instead. `store` gives the
    vocabularies and says which trees match anything (`allows_any`)."""

    def empty(where: Where) -> bool:
        return where == NOTHING or not store.allows_any(where)

    why: dict[str, Where] = {}
    if u.unknown_speakers:
        return FilterPlan(NOTHING, f"No statement by {u.unknown_speakers[0]} in the corpus.",
                          why, "speaker")  # fmt: skip
    vocabularies = store.vocabularies
    where = EVERYTHING
    unheard = None
    for name, wanted in (("speaker", u.speakers), ("affiliation", u.affiliations)):
        if not wanted:
            continue
        values = tuple(v for v in wanted if v)
        matched = AnyOf(name, values)
        if name == "affiliation":
            # Rows attributed only to a role, with no country, whose line names a place
            # wanted first: the place a headline opens with is whose official speaks.
            matched = Or((matched, AnyOf("place", values)))
        note = f"No statement by {' or '.join(wanted)} in the corpus."
        named = naming(name, values, gazetteer) if u.about_too(name) else NOTHING
        if empty(matched):
            if empty(named):
                return FilterPlan(NOTHING, note, why, name)
            unheard = unheard or (note, name)
            where = both(where, named)
            why["mention"] = either(why.get("mention", NOTHING), named)
            continue
        why[name] = matched
        if named != NOTHING:
            why["mention"] = either(why.get("mention", NOTHING), named)
            matched = either(matched, named)
        where = both(where, matched)
    for source in u.sources:
        matched = mentions_of(source)
        if empty(matched):
            return FilterPlan(NOTHING, f"No statement by {source} in the corpus.", why,
                              "speaker")  # fmt: skip
        where = both(where, matched)
        why["source"] = matched
    for role in u.roles:
        matched = role_where(role, vocabularies["roles"], gazetteer)
        if empty(matched):
            return FilterPlan(NOTHING, f"No statement by a {role.label} in the corpus.", why,
                              "role")  # fmt: skip
        where = both(where, matched)
        why["role"] = matched
    if u.date:
        matched, said = date_where(u.date), said_in(u.date)
        # The range alone is only evaluated when nothing in it passes the other filters too
        # (to say which failed): over every row it costs more than within them.
        if empty(both(where, matched)):
            if empty(matched):
                return FilterPlan(NOTHING, f"No statement dated {u.date.label} in the corpus.",
                                  why, "date")  # fmt: skip
            note = f"No statement {who_phrase(u)} dated {u.date.label} in the corpus."
            return FilterPlan(NOTHING, note, why, "date")
        where = both(where, matched)
        why["date"] = said
        why["date mentioned"] = both(matched, Not(said))
    return FilterPlan(where, None, why, unheard=unheard)


def naming(field_name: str, values: tuple[str, ...], gazetteer: Gazetteer) -> Where:
    """Reports with no named speaker whose text names one of these speakers (by surname or
    another name the gazetteer knows) or places (by any of their names: "the Kremlin",
    "Moscow" for Russia): what is said about an actor's stance, not others' own words."""
    names: list[str] = []
    for value in values:
        if field_name == "speaker":
            person = gazetteer.person(value)
            known = (value, *(person.aliases if person else ()))
            names += [n.split()[-1] for n in known]
        else:
            place = gazetteer.place_named(value)
            names += [value, *(place.aliases if place else ())]
    trees = sorted({mentions_of(n) for n in names if n.lower() not in _EVERYDAY} - {NOTHING},
                   key=repr)  # fmt: skip
    return both(AnyOf("speaker", ("",)), either(*trees)) if trees else NOTHING


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
        vocabularies = json.loads((folder / "vocabularies.json").read_text(encoding="utf-8"))
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

    def apply(self, u: Understanding) -> FilterResult:
        """The question's filters as a mask over every row (for listing statements)."""
        found = plan(u, self, self.gazetteer)
        mask = np.zeros(self.size, dtype=bool)
        mask[self.ids(found.where)] = True
        why = {}
        for name, tree in found.why.items():
            why[name] = np.zeros(self.size, dtype=bool)
            why[name][self.ids(tree)] = True
        return FilterResult(mask, found.note, why, found.reason)

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


def newest_first(ids, facts: Facts) -> np.ndarray:
    """Ids ordered by the date said (or the latest it can have been said), newest first;
    undated last, by id (corpus order in the embedded index)."""
    ids = np.asarray(ids, dtype=np.int64)
    said = np.where(facts.said_hi == OPEN_LOW, facts.inferred_hi, facts.said_hi)
    return ids[np.lexsort((ids, -said))]


def who_phrase(u: Understanding) -> str:
    if u.speakers:
        return ("by or about " if u.about_too("speaker") else "by ") + " or ".join(u.speakers)
    if u.affiliations:
        by = "by or about " if u.about_too("affiliation") else "by "
        return by + " or ".join(u.affiliations)
    if u.sources:
        return "from " + " or ".join(u.sources)
    if u.roles:
        return "by a " + u.roles[0].label
    if u.date:
        return "dated " + u.date.label
    return ""
