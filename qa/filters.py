"""Filters over statement rows: by speaker, country or organisation, role and date. Computed
on arrays so that the same code serves a few dozen statements and a million."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qa.dates import DateMention, Timeline
from qa.gazetteer import Gazetteer
from qa.lexicon import normal_role, role_word_matches
from qa.query import DateRange, RoleFilter, Understanding, speaker_owner

OPEN_LOW, OPEN_HIGH = -(10**9), 10**9


@dataclass(frozen=True)
class FilterResult:
    """Rows the filters allow; `note` says which filter matched nothing and `reason` names its
    kind ("speaker", "affiliation", "role", "date"); `why` says which filter matched each row."""

    mask: np.ndarray
    note: str | None
    why: dict
    reason: str | None = None


ARRAYS = (
    "speaker_codes", "affiliation_codes", "role_codes", "attributed", "said_lo", "said_hi",
    "inferred_lo", "inferred_hi", "mention_rows", "mention_lo", "mention_hi", "place_codes",
)  # fmt: skip


def _first_place(statement, gazetteer: Gazetteer) -> str:
    """For a statement attributed only to a role, with no country, the place its words name
    first; otherwise ""."""
    if statement.affiliation or not statement.role:
        return ""
    found = gazetteer.find_places(statement.passage)
    return found[0][1].name if found else ""


def _codes(values: list[str]) -> tuple[list[str], np.ndarray]:
    """Distinct values (the empty string first) and each row's index into them."""
    vocabulary = [""] + sorted({v for v in values if v})
    position = {v: i for i, v in enumerate(vocabulary)}
    return vocabulary, np.array([position[v] for v in values], dtype=np.int32)


class StatementFilter:
    """Per-row facts of a statement list as plain arrays (speaker, affiliation and role as
    codes into small vocabularies; dates as timeline ordinals), and masks over them. Built
    once with the index and saved beside it, so a million rows load without parsing one."""

    def __init__(self, facts: dict, vocabularies: dict, gazetteer: Gazetteer, timeline: Timeline):
        self.gazetteer = gazetteer
        self.timeline = timeline
        self.speakers: list[str] = vocabularies["speakers"]
        self.affiliations: list[str] = vocabularies["affiliations"]
        self.roles: list[str] = vocabularies["roles"]
        self.places: list[str] = vocabularies["places"]
        for name in ARRAYS:
            setattr(self, name, facts[name])
        self.size = len(self.speaker_codes)

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
        speakers, affiliations, roles, places = [], [], [], []
        for i, s in enumerate(statements):
            speakers.append(speaker_owner(s.speaker) or "")
            affiliations.append(s.affiliation or "")
            roles.append(normal_role(s.role))
            places.append(_first_place(s, gazetteer))
            facts["attributed"][i] = bool(s.speaker or s.role)
            said = s.said_on
            if said and not said.inferred and said.month:
                written = DateMention(
                    said.text or "", said.month, said.day, said.end_month, said.end_day, said.year
                )
                facts["said_lo"][i], facts["said_hi"][i] = timeline.span(written)
            elif said and said.inferred:
                earliest, latest = said.earliest, said.latest
                facts["inferred_lo"][i] = timeline.span(earliest)[0] if earliest else OPEN_LOW
                facts["inferred_hi"][i] = timeline.span(latest)[1] if latest else OPEN_HIGH
            mentions.extend((i, *timeline.span(m)) for m in s.dates_mentioned)
        table = np.array(mentions, dtype=np.int64).reshape(-1, 3)
        facts["mention_rows"], facts["mention_lo"], facts["mention_hi"] = table.T.copy()
        vocabularies = {}
        for name, values in (
            ("speakers", speakers),
            ("affiliations", affiliations),
            ("roles", roles),
            ("places", places),
        ):
            vocabularies[name], facts[name[:-1] + "_codes"] = _codes(values)
        return cls(facts, vocabularies, gazetteer, timeline)

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        for name in ARRAYS:
            np.save(folder / f"{name}.npy", getattr(self, name), allow_pickle=False)
        vocabularies = {"speakers": self.speakers, "affiliations": self.affiliations,
                        "roles": self.roles, "places": self.places}  # fmt: skip
        (folder / "vocabularies.json").write_text(json.dumps(vocabularies, ensure_ascii=False))

    @classmethod
    def load(cls, folder: Path, gazetteer: Gazetteer, timeline: Timeline) -> StatementFilter:
        facts = {name: np.load(folder / f"{name}.npy", allow_pickle=False) for name in ARRAYS}
        vocabularies = json.loads((folder / "vocabularies.json").read_text(encoding="utf-8"))
        return cls(facts, vocabularies, gazetteer, timeline)

    def _matching(self, vocabulary: list[str], codes: np.ndarray, wanted) -> np.ndarray:
        wanted = set(wanted)
        chosen = [i for i, value in enumerate(vocabulary) if value and value in wanted]
        return np.isin(codes, chosen)

    def apply(self, u: Understanding, mentions=None) -> FilterResult:
        """Rows allowed by the question's filters, in order speaker, affiliation, role, date.
        `mentions(words)` gives the rows whose text has all those words (for outlets named as
        sources, and for speakers the corpus knows only by a role in a country's news)."""
        n = self.size
        mask = np.ones(n, dtype=bool)
        why: dict[str, np.ndarray] = {}
        none = np.zeros(n, dtype=bool)
        if u.unknown_speakers:
            return FilterResult(
                none, f"No statement by {u.unknown_speakers[0]} in the corpus.", why, "speaker"
            )
        for name, wanted, vocabulary, codes in (
            ("speaker", u.speakers, self.speakers, self.speaker_codes),
            ("affiliation", u.affiliations, self.affiliations, self.affiliation_codes),
        ):
            if not wanted:
                continue
            matched = self._matching(vocabulary, codes, wanted)
            if name == "affiliation":
                matched |= self._placed_by_text(wanted)
            if not matched.any():
                return FilterResult(
                    matched, f"No statement by {' or '.join(wanted)} in the corpus.", why, name
                )
            mask &= matched
            why[name] = matched
        for source in u.sources:
            matched = mentions(source) if mentions else none
            if not matched.any():
                return FilterResult(matched, f"No statement by {source} in the corpus.", why,
                                    "speaker")  # fmt: skip
            mask &= matched
            why["source"] = matched
        for role in u.roles:
            matched = self.role_mask(role, mentions)
            if not matched.any():
                return FilterResult(
                    matched, f"No statement by a {role.label} in the corpus.", why, "role"
                )
            mask &= matched
            why["role"] = matched
        if u.date:
            matched, said = self.date_mask(u.date)
            if not matched.any():
                return FilterResult(
                    matched, f"No statement dated {u.date.label} in the corpus.", why, "date"
                )
            if not (mask & matched).any():
                return FilterResult(
                    mask & matched,
                    f"No statement {who_phrase(u)} dated {u.date.label} in the corpus.",
                    why,
                    "date",
                )
            mask &= matched
            why["date"] = said
            why["date mentioned"] = matched & ~said
        return FilterResult(mask, None, why)

    def attributed_with(self, tokens: set[str]) -> np.ndarray:
        """Rows whose speaker, role or affiliation holds one of these keyword tokens."""
        from qa.text import tokenize

        found = np.zeros(self.size, dtype=bool)
        for vocabulary, codes in (
            (self.speakers, self.speaker_codes),
            (self.roles, self.role_codes),
            (self.affiliations, self.affiliation_codes),
        ):
            chosen = [i for i, v in enumerate(vocabulary) if v and tokens & set(tokenize(v))]
            if chosen:
                found |= np.isin(codes, chosen)
        return found

    def _placed_by_text(self, wanted) -> np.ndarray:
        """Rows attributed only to a role, with no country ("..., defense minister says" in a
        digest), whose line names one of the places wanted first: the place a headline opens
        with is whose official speaks ("Ukraine secures ..., defense minister says"); places
        named later are what the line is about."""
        return self._matching(self.places, self.place_codes, wanted)

    def role_mask(self, role: RoleFilter, mentions=None) -> np.ndarray:
        """Rows whose role has every word asked for (or a synonym) and, when a place was
        named, serve it: by affiliation, by the place written in the role ("UN envoy"), or,
        for a role with no country, by the place the statement names ("..., defense minister
        says" in a digest of Ukraine's news)."""
        titled = np.array([bool(r) and all(role_word_matches(w, r) for w in role.words)
                           for r in self.roles])  # fmt: skip
        result = titled[self.role_codes]
        if role.place:
            place = next((p for p in self.gazetteer.places if p.name == role.place), None)
            names = (place.name, *place.aliases) if place else (role.place,)
            aliases = [normal_role(a) for a in names]
            placed = np.array([any(f" {a} " in f" {r} " for a in aliases) for r in self.roles])
            serving = np.array([a == role.place for a in self.affiliations])
            allowed = placed[self.role_codes] | serving[self.affiliation_codes]
            unplaced = result & (self.affiliation_codes == 0) & ~allowed
            if mentions is not None and unplaced.any():
                named = np.zeros(self.size, dtype=bool)
                for alias in names:
                    named |= mentions(alias)
                allowed |= unplaced & named
            result &= allowed
        return result

    def date_mask(self, date: DateRange) -> tuple[np.ndarray, np.ndarray]:
        """Rows in the range (said, inferred wholly inside it, or mentioning a date in it),
        and the rows said in it."""
        low = OPEN_LOW if date.start is None else date.start
        high = OPEN_HIGH if date.end is None else date.end
        said = (self.said_hi >= low) & (self.said_lo <= high)
        inferred = (self.inferred_lo >= low) & (self.inferred_hi <= high)
        inferred &= self.inferred_lo <= self.inferred_hi
        mentioned = np.zeros(self.size, dtype=bool)
        if len(self.mention_rows):
            inside = (self.mention_hi >= low) & (self.mention_lo <= high)
            mentioned[self.mention_rows[inside]] = True
        return said | inferred | mentioned, said | inferred

    def newest_first(self, rows) -> np.ndarray:
        """Rows ordered by the date said (or the latest it can have been said), newest first;
        undated last, in corpus order."""
        rows = np.asarray(rows, dtype=np.int64)
        said = self.said_hi[rows]
        undated = said == OPEN_LOW
        said = np.where(undated, self.inferred_hi[rows], said)
        return rows[np.lexsort((rows, -said))]


def who_phrase(u: Understanding) -> str:
    if u.speakers:
        return "by " + " or ".join(u.speakers)
    if u.affiliations:
        return "by " + " or ".join(u.affiliations)
    if u.sources:
        return "from " + " or ".join(u.sources)
    if u.roles:
        return "by a " + u.roles[0].label
    if u.date:
        return "dated " + u.date.label
    return ""
