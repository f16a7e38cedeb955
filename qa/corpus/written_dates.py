"""Dates a corpus gives in a field of their own (the `date` of a JSONL record or CSV row):
ISO 8601 with or without a time and zone ("2024-06-03", "2024-06-03T10:00:00Z"), numeric
dates ("06/06/2024") read in the order the file's meta declares (`date_order = "dmy"` or
"mdy"), and dates as news writes them ("June 4, 2024", "4 June"). A value that cannot be read
is reported by line, never silently dropped."""

from __future__ import annotations

import re
from datetime import date, datetime

from qa.corpus.dates import DateMention, find_dates
from qa.errors import CorpusError

DATE_ORDERS = ("dmy", "mdy")
# Ends every report of a date field that cannot be read; the reports travel with the lines
# skipped (--skip-bad), but the line itself is kept.
DATE_IGNORED = "; the record is kept without that date"
_NUMERIC = re.compile(r"(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{1,4})")
_WEEKDAY = re.compile(
    r"^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\.?,?\s*|\s*\((?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\.?\)$"
)


class UnreadableDate(ValueError):
    """A date field whose value is no date this module reads; the message says why."""


def date_order(meta: dict, where: str) -> str | None:
    """The order numeric dates of a corpus file are written in, from its meta's `date_order`
    ("dmy": 06/03/2024 is 6 March; "mdy": it is June 3), or None when not declared."""
    order = meta.get("date_order")
    if order is None:
        return None
    if order not in DATE_ORDERS:
        raise CorpusError(f'{where}: date_order must be "dmy" or "mdy".')
    return order


def read_date_field(value: str, order: str | None = None) -> DateMention:
    """The date a `date` field gives, its text the value as written. Raises UnreadableDate."""
    text = " ".join(value.split())
    if not text:
        raise UnreadableDate("it is empty")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        pass
    else:  # the day as written where it was written, whatever the zone
        return DateMention(text, moment.month, moment.day, year=moment.year)
    numeric = _NUMERIC.fullmatch(text)
    if numeric:
        month, day, year = _numeric(*(int(part) for part in numeric.groups()), order)
        return DateMention(text, month, day, year=year)
    found = find_dates(text)
    if found and _only_weekday_around(text, found[0]):
        mention = found[0]
        if mention.year is not None:
            _check(mention.year, mention.month, mention.day)
        return DateMention(
            text, mention.month, mention.day, mention.end_month, mention.end_day, mention.year
        )
    raise UnreadableDate("it is no date written 2024-06-03, 06/03/2024 or June 3, 2024")


def _only_weekday_around(text: str, mention: DateMention) -> bool:
    rest = text[: mention.start] + "|" + text[mention.start + len(mention.text) :]
    before, after = (part.strip(" ,") for part in rest.split("|"))
    return _WEEKDAY.sub("", before) == "" and after in {"", "."}


def _numeric(first: int, second: int, third: int, order: str | None) -> tuple[int, int, int]:
    """(month, day, year) of a numeric date: year first (2024/06/03) is always year, month,
    day; otherwise the declared order reads it, or, without one, a day above 12 or two equal
    parts settle it (13/06/2024, 06/06/2024)."""
    if first >= 1000:
        year, month, day = first, second, third
    elif third >= 1000:
        year = third
        if order == "dmy":
            day, month = first, second
        elif order == "mdy":
            month, day = first, second
        elif first == second or second > 12:
            month, day = first, second
        elif first > 12:
            day, month = first, second
        else:
            raise UnreadableDate(
                "day and month could be either way round; "
                'declare date_order = "dmy" or "mdy" in the file\'s meta'
            )
    else:
        raise UnreadableDate("its year is not written with four digits")
    _check(year, month, day)
    return month, day, year


def _check(year: int, month: int, day: int) -> None:
    try:
        date(year, month, day)
    except ValueError as error:
        raise UnreadableDate(str(error)) from None
