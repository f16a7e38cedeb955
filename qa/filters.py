"""Filters over statement rows: by speaker, country or organisation, role and date. Computed
on arrays so that the same code serves a few dozen statements and a million."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qa.dates import DateMention, Timeline
from qa.gazetteer import Gazetteer
from qa.query import ROLE_SYNONYMS, DateRange, RoleFilter, Understanding, speaker_owner
from qa.statements import Statement

OPEN_LOW, OPEN_HIGH = -(10**9), 10**9


@dataclass(frozen=True)
class FilterResult:
    """Rows the filters allow; `note` says which filter matched nothing; `why` says which
    filter matched each row."""

    mask: np.ndarray
    note: str | None
    why: dict


class StatementFilter:
    """Per-row facts of a statement list, and masks over them."""

    def __init__(self, statements: list[Statement], gazetteer: Gazetteer, timeline: Timeline):
        self.gazetteer = gazetteer
        self.timeline = timeline
        n = len(statements)
        self.size = n
        self.said_lo = np.full(n, OPEN_HIGH, dtype=np.int64)
        self.said_hi = np.full(n, OPEN_LOW, dtype=np.int64)
        self.inferred_lo = np.full(n, OPEN_HIGH, dtype=np.int64)
        self.inferred_hi = np.full(n, OPEN_LOW, dtype=np.int64)
        mention_rows, mention_lo, mention_hi = [], [], []
        speakers, affiliations, roles = [], [], []
        self.attributed = np.zeros(n, dtype=bool)
        for i, s in enumerate(statements):
            speakers.append(speaker_owner(s.speaker) or "")
            affiliations.append(s.affiliation or "")
            roles.append(normal_role(s.role))
            self.attributed[i] = bool(s.speaker or s.role)
            said = s.said_on
            if said and not said.inferred and said.month:
                mention = DateMention(
                    said.text or "", said.month, said.day, said.end_month, said.end_day, said.year
                )
                self.said_lo[i], self.said_hi[i] = timeline.span(mention)
            elif said and said.inferred:
                self.inferred_lo[i] = timeline.span(said.earliest)[0] if said.earliest else OPEN_LOW
                self.inferred_hi[i] = timeline.span(said.latest)[1] if said.latest else OPEN_HIGH
            for mention in s.dates_mentioned:
                lo, hi = timeline.span(mention)
                mention_rows.append(i)
                mention_lo.append(lo)
                mention_hi.append(hi)
        self.speaker = np.array(speakers, dtype=object)
        self.affiliation = np.array(affiliations, dtype=object)
        self.role = np.array(roles, dtype=object)
        self.mention_rows = np.array(mention_rows, dtype=np.int64)
        self.mention_lo = np.array(mention_lo, dtype=np.int64)
        self.mention_hi = np.array(mention_hi, dtype=np.int64)

    def apply(self, u: Understanding) -> FilterResult:
        """Rows allowed by the question's filters, in order speaker, affiliation, role, date."""
        n = self.size
        mask = np.ones(n, dtype=bool)
        why: dict[str, np.ndarray] = {}
        none = np.zeros(n, dtype=bool)
        if u.unknown_speakers:
            return FilterResult(
                none, f"No statement by {u.unknown_speakers[0]} in the corpus.", why
            )
        for name, wanted, column in (
            ("speaker", u.speakers, self.speaker),
            ("affiliation", u.affiliations, self.affiliation),
        ):
            if not wanted:
                continue
            matched = np.isin(column, list(wanted))
            if not matched.any():
                return FilterResult(
                    matched, f"No statement by {' or '.join(wanted)} in the corpus.", why
                )
            mask &= matched
            why[name] = matched
        for role in u.roles:
            matched = self.role_mask(role)
            if not matched.any():
                return FilterResult(matched, f"No statement by a {role.label} in the corpus.", why)
            mask &= matched
            why["role"] = matched
        if u.date:
            matched, said = self.date_mask(u.date)
            if not matched.any():
                return FilterResult(
                    matched, f"No statement dated {u.date.label} in the corpus.", why
                )
            if not (mask & matched).any():
                return FilterResult(
                    mask & matched,
                    f"No statement {who_phrase(u)} dated {u.date.label} in the corpus.",
                    why,
                )
            mask &= matched
            why["date"] = said
            why["date mentioned"] = matched & ~said
        if u.intent == "who" and (mask & self.attributed).any():
            mask &= self.attributed
        return FilterResult(mask, None, why)

    def role_mask(self, role: RoleFilter) -> np.ndarray:
        aliases = []
        if role.place:
            place = next((p for p in self.gazetteer.places if p.name == role.place), None)
            names = (place.name, *place.aliases) if place else (role.place,)
            aliases = [normal_role(a) for a in names]
        result = np.zeros(self.size, dtype=bool)
        for i, (text, affiliation) in enumerate(zip(self.role, self.affiliation)):
            if not text:
                continue
            ok = all(_role_word_matches(word, text) for word in role.words)
            if ok and role.place:
                ok = affiliation == role.place or any(f" {a} " in f" {text} " for a in aliases)
            result[i] = ok
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

    def newest_first(self, rows) -> list[int]:
        """Rows ordered by the date said (or the latest it can have been said), newest first;
        undated last, in corpus order."""

        def key(row: int):
            said = self.said_hi[row]
            if said == OPEN_LOW and self.inferred_hi[row] != OPEN_LOW:
                said = self.inferred_hi[row]
            return (-said, row)

        return sorted((int(r) for r in rows), key=key)


def who_phrase(u: Understanding) -> str:
    if u.speakers:
        return "by " + " or ".join(u.speakers)
    if u.affiliations:
        return "by " + " or ".join(u.affiliations)
    if u.roles:
        return "by a " + u.roles[0].label
    if u.date:
        return "dated " + u.date.label
    return ""


def normal_role(role: str | None) -> str:
    if not role:
        return ""
    text = role.lower().replace("defence", "defense").replace("u.n.", "un")
    return " ".join(text.replace("’s", "").replace("'s", "").split())


def _role_word_matches(word: str, role_text: str) -> bool:
    options = ROLE_SYNONYMS.get(word, (word,))
    padded = f" {role_text} "
    return any(f" {normal_role(option)} " in padded for option in options)
