"""Months in questions: the parts of a month ("early", "the final days of", "the second half
of", "mid-"), the phrase that names a month or a part of one, and month names read as dates."""

from __future__ import annotations

import re

from qa.corpus.dates import MONTH
from qa.question.date_leads import _LEAD

# Parts of a month, as first and last day (None: the month's last day; negative: from the end).
# A part is a position ("early", "the final", "the second"), optionally a unit ("days", "week",
# "half") and "of"/"in": "the closing days of", "the second half of", "late in", "mid-".
_HEAD = ("early", "first", "opening", "beginning", "start")
_TAIL = ("late", "last", "final", "closing", "end")
_MIDDLE = ("mid", "middle")
# Positions that make a part alone ("the end of"), and those written without "of" ("mid-").
_ALONE = ("early", "late", "mid", "beginning", "start", "end", "middle")
_BARE = ("early", "late", "mid")
_WITH_UNIT = ("first", "opening", "last", "final", "closing", "middle", "second", "third",
              "fourth")  # fmt: skip
_ORDINAL = {"second": 2, "third": 3, "fourth": 4}
_UNIT_DAYS = {"days": 7, "few days": 7, "week": 7, "weeks": 14, "two weeks": 14,
              "fortnight": 15, "half": 15}  # fmt: skip


# "Early", "mid" and "late" a month are its thirds, each reaching OVERLAP_DAYS into the next:
# a reader places the 10th or the 21st in either, so the edges belong to both.
OVERLAP_DAYS = 2
_EARLY = (1, 10 + OVERLAP_DAYS)
_MID = (11 - OVERLAP_DAYS, 20 + OVERLAP_DAYS)
_LATE = (21 - OVERLAP_DAYS, None)


def _part_days(position: str, unit: str | None) -> tuple[int, int | None] | None:
    """First and last day of a month part named by a position and an optional unit."""
    if position in _MIDDLE:
        return _MID if unit in (None, "days", "week", "weeks", "part") else None
    if position in _ORDINAL:
        k = _ORDINAL[position]
        if unit == "week":
            return 7 * (k - 1) + 1, 7 * k
        return (16, None) if (k, unit) == (2, "half") else None
    length = _UNIT_DAYS.get(unit) if unit else None
    if unit and length is None:
        return None
    if position in _HEAD:
        return (1, length) if length else _EARLY
    return (-length, None) if length else _LATE


def _month_parts() -> dict[str, tuple[int, int | None]]:
    parts = {}
    for position in (*_HEAD, *_TAIL, *_MIDDLE, *_ORDINAL):
        units = (*_UNIT_DAYS, "part") if position in _WITH_UNIT else ()
        if position in _ALONE:
            units = (None, *units)
        for unit in units:
            days = _part_days(position, unit)
            if days is None:
                continue
            bare = unit is None and position in _BARE
            for joint in (None, "in") if bare else ("of", "in"):
                parts[" ".join(w for w in (position, unit, joint) if w)] = days
    return parts


MONTH_PARTS = {**_month_parts(), "mid-to-late": (_MID[0], None), "mid to late": (_MID[0], None),
               "early-to-mid": (1, _MID[1]), "early to mid": (1, _MID[1])}  # fmt: skip
_FULL_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
)
_PART = "|".join(sorted((re.escape(w) for w in MONTH_PARTS), key=len, reverse=True))
_MONTH_PHRASE = re.compile(
    rf"(?:\b(?P<lead>{_LEAD})\s+)?(?:the\s+)?(?:(?P<part>{_PART})\b[\s-]*)?(?:the\s+)?"
    rf"(?:month\s+of\s+)?\b(?P<month>{MONTH}|{_FULL_MONTHS})"
    rf"(?:,?\s+(?:of\s+)?(?P<year>(?:19|20)\d\d)\b|(?!\s*\d))(?![\w-])",
    re.IGNORECASE,
)


def with_month_capitals(text: str) -> str:
    """The text with lower-case month names capitalised where they are dates, so that
    "march 5" and "in february" read as dates; "march" the verb stays as it is."""

    def capital(m: re.Match) -> str:
        word = m.group(0)
        if word.lower() in {"march", "may"}:
            before = text[: m.start()].rstrip().lower()
            after = text[m.end() :]
            dated = re.match(r"\s*\d", after) or re.search(
                rf"\b(?:{_LEAD}|{_PART}|of|the)$", before
            )
            if not dated:
                return word
        return word[0].upper() + word[1:]

    text = re.sub(rf"\b(?:{_FULL_MONTHS})\b", capital, text)
    # "feb. 18", "dec 28": an abbreviation with a dot or a day after it.
    return re.sub(
        r"\b(?:jan|feb|apr|jun|jul|aug|sept?|oct|nov|dec)(?=\.|\s+\d)",
        lambda m: m.group(0).capitalize(),
        text,
    )
