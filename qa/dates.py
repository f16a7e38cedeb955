"""Dates as news statements write them ("March 22", "Feb. 18", "Dec. 28 - 29") and a timeline
that orders month-day dates when the corpus gives no year."""

from __future__ import annotations

import re
from dataclasses import dataclass

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip
DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

# Capitalised month names, full or abbreviated with an optional dot ("Feb.", "Sept").
MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_DASH = r"\s*[-–—]\s*"
DATE_PATTERN = re.compile(
    rf"\b(?P<month>{MONTH})\s+(?P<day>{_DAY})"
    rf"(?:{_DASH}(?:(?P<month2>{MONTH})\s+)?(?P<day2>{_DAY})\b)?"
    rf"(?:,?\s+(?P<year>(?:19|20)\d\d))?\b"
    rf"|\b(?P<dday>{_DAY})\s+(?P<dmonth>{MONTH})(?:\s+(?P<dyear>(?:19|20)\d\d))?\b"
)


def month_number(word: str) -> int | None:
    """The month number of a month name or abbreviation, or None."""
    return MONTHS.get(word.lower().rstrip("."))


def _day(text: str | None) -> int | None:
    return int(re.match(r"\d+", text).group()) if text else None


@dataclass(frozen=True)
class DateMention:
    """A date written in a text: the words as written plus what they mean."""

    text: str
    month: int
    day: int
    end_month: int | None = None
    end_day: int | None = None
    year: int | None = None
    start: int = 0

    def to_json(self) -> dict:
        return date_fields(self)


def date_fields(date) -> dict:
    """The JSON fields every written date has (a mention, or the date a statement was said)."""
    return {
        "text": date.text,
        "month": date.month,
        "day": date.day,
        "end_month": date.end_month,
        "end_day": date.end_day,
        "year": date.year,
    }


def find_dates(text: str) -> list[DateMention]:
    """Every month-day date in the text, in order of appearance."""
    found = []
    for m in DATE_PATTERN.finditer(text):
        if m.group("month"):
            month = month_number(m.group("month"))
            day = _day(m.group("day"))
            end_day = _day(m.group("day2"))
            end_month = month_number(m.group("month2")) if m.group("month2") else None
            if end_day is not None and end_month is None:
                end_month = month
            year = int(m.group("year")) if m.group("year") else None
        else:
            month = month_number(m.group("dmonth"))
            day = _day(m.group("dday"))
            end_month = end_day = None
            year = int(m.group("dyear")) if m.group("dyear") else None
        if month is None or day is None or day > DAYS_IN_MONTH[month - 1]:
            continue
        # A bare "May 5" could be the verb; require the capital, which the pattern already does.
        found.append(DateMention(m.group(0), month, day, end_month, end_day, year, start=m.start()))
    return found


@dataclass(frozen=True)
class Timeline:
    """Orders dates on one line of days.

    With no year in the corpus, a month-day date is placed in the year that makes the corpus
    contiguous: the timeline starts in the month after the longest run of months in which the
    corpus has no date at all (a December-to-March feed starts in December).
    """

    start_month: int = 1

    @classmethod
    def from_months(cls, months: list[int]) -> Timeline:
        present = sorted(set(months))
        if not present:
            return cls(1)
        best_gap, start = -1, present[0]
        for i, month in enumerate(present):
            following = present[(i + 1) % len(present)]
            gap = (following - month - 1) % 12 if len(present) > 1 else 11
            if gap > best_gap:
                best_gap, start = gap, following
        return cls(start)

    def ordinal(self, month: int, day: int, year: int | None = None) -> int:
        """Day number on the timeline; with a year, years order first."""
        shifted = (month - self.start_month) % 12
        base = shifted * 31 + day
        if year is not None:
            # Express the year relative to the timeline's first month.
            season = year if month >= self.start_month else year - 1
            return season * 400 + base
        return base

    def span(self, mention: DateMention) -> tuple[int, int]:
        """First and last day ordinal a mention covers."""
        first = self.ordinal(mention.month, mention.day, mention.year)
        if mention.end_day is None:
            return first, first
        last = self.ordinal(mention.end_month or mention.month, mention.end_day, mention.year)
        return first, max(first, last)

    def month_span(self, month: int, part: str | None = None) -> tuple[int, int]:
        """Ordinals of a whole month, or of its early, middle or late part."""
        last_day = DAYS_IN_MONTH[month - 1]
        first, last = {
            "early": (1, 10),
            "mid": (11, 20),
            "late": (21, last_day),
            "end": (21, last_day),
            "start": (1, 10),
            "beginning": (1, 10),
        }.get(part or "", (1, last_day))
        return self.ordinal(month, first), self.ordinal(month, last)
