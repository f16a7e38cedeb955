"""Days written in questions: in ordinal figures or words ("the 5th of March", "March the
fifth"), in figures ("3/19", "2025-03-19", "19.03."), and days known by name ("Christmas Eve")."""

from __future__ import annotations

import re

from qa.corpus.dates import DAYS_IN_MONTH, MONTH, DateMention, find_dates
from qa.question.date_leads import _LEAD

# Days in ordinal figures: "the 5th of March", "March the 5th".
_ORDINAL_DAY = re.compile(
    rf"\b(?:the\s+)?(?P<day>\d{{1,2}})(?:st|nd|rd|th)\s+(?:of\s+)?(?P<month>{MONTH})\b",
)
_MONTH_THE_DAY = re.compile(rf"\b(?P<month>{MONTH})\s+the\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)\b")
# Two days that share the month written once after them: "17-18 February", "the 15th to the
# 20th of March" (read as "March 15-20").
_DAYS_OF_MONTH = re.compile(
    r"\b(?:the\s+)?(?P<day>\d{1,2})(?:st|nd|rd|th)?\s*(?:-|–|to|and|through|till|until)\s*"
    rf"(?:the\s+)?(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month>{MONTH})(?![\w-])"
)


# Days written as ordinal words ("the twenty-second of March", "March fifth").
_UNITS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth")
_TEENS = ("tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
          "seventeenth", "eighteenth", "nineteenth")  # fmt: skip
DAY_WORDS = {
    **{word: k + 1 for k, word in enumerate(_UNITS)},
    **{word: k + 10 for k, word in enumerate(_TEENS)},
    "twentieth": 20, "thirtieth": 30,
    **{f"twenty{joint}{word}": 21 + k for k, word in enumerate(_UNITS) for joint in ("-", " ")},
    "thirty-first": 31, "thirty first": 31,
}  # fmt: skip
# The same words, factored so that the pattern is quick to search ("twenty-" + a unit, ...).
_DAY_WORD = (
    r"(?i:(?:twenty[\s-]+|thirty[\s-]+)?(?:first|second|third|fourth|fifth|sixth|seventh|"
    r"eighth|ninth)|tenth|eleventh|twelfth|(?:thir|four|fif|six|seven|eigh|nine)teenth|"
    r"twentieth|thirtieth)"
)
# Months as dates are capitalised by then (`with_month_capitals`): "march" the verb is not one.
_WORD_DAY = re.compile(
    rf"\b(?:(?i:the)\s+)?(?P<word>{_DAY_WORD})\s+(?:of\s+)?(?P<month>{MONTH})(?![\w-])"
    rf"|\b(?P<month2>{MONTH})\s+(?:the\s+)?(?P<word2>{_DAY_WORD})\b"
)


def _ordinal_days(text: str) -> str:
    """ "the 5th of March", "March the 5th" and "the fifth of March" read as "March 5",
    right-aligned in the same number of characters so that the spans found still cover the
    words of the question."""

    def day(m: re.Match) -> str:
        return f"{m.group('month')} {m.group('day')}".rjust(len(m.group(0)))

    def days(m: re.Match) -> str:
        return f"{m.group('month')} {m.group('day')}-{m.group('day2')}".rjust(len(m.group(0)))

    def word_day(m: re.Match) -> str:
        month = m.group("month") or m.group("month2")
        number = DAY_WORDS.get(" ".join((m.group("word") or m.group("word2")).lower().split()))
        if number is None:
            return m.group(0)  # "thirty-second" is no day
        return f"{month} {number}".rjust(len(m.group(0)))

    text = _DAYS_OF_MONTH.sub(days, _WORD_DAY.sub(word_day, text))
    return _MONTH_THE_DAY.sub(day, _ORDINAL_DAY.sub(day, text))


# Days written in figures: "2025-03-19", "3/19" (month first, as the corpus's English writes
# dates, unless the first number cannot be a month: "22/03"), "19.03." (day first).
_NUMERIC_DAY = re.compile(
    r"(?<![\w/.,$€£-])(?:(?P<iso_year>(?:19|20)\d\d)-(?P<iso_month>\d\d?)-(?P<iso_day>\d\d?)"
    r"|(?P<a>\d\d?)/(?P<b>\d\d?)(?:/(?P<year>(?:19|20)?\d\d))?"
    r"|(?P<day>\d\d?)\.(?P<month>\d\d?)(?:\.(?P<dot_year>(?:19|20)\d\d)|(?P<dot>\.))?)"
    r"(?![\w/%]|[.,]\d)"
)


# A day in figures without a year is a date after a word that leads to one ("on 3/5").
_FIGURE_LEAD = re.compile(
    rf"\b(?:{_LEAD}|between|and|or|to|through|-|–)\s+(?:the\s+)?$", re.IGNORECASE
)


def numeric_dates(text: str, alone: bool = False) -> list[DateMention]:
    """Every day written in figures in the text, as the words written; `alone`: the text is
    a date and nothing else (one side of "between ... and ...")."""
    found = []
    for m in _NUMERIC_DAY.finditer(text):
        if m.group("iso_year"):
            month, day, year = (
                int(m.group("iso_month")),
                int(m.group("iso_day")),
                m.group("iso_year"),
            )
        elif m.group("a"):
            month, day, year = int(m.group("a")), int(m.group("b")), m.group("year")
            if month > 12:
                month, day = day, month
            if year and len(year) == 2:
                year = f"20{year}"
        else:
            # "1.5" is a figure: a day-first date has two-digit months, a year or a closing dot
            if len(m.group("month")) < 2 and not (m.group("dot_year") or m.group("dot")):
                continue
            month, day, year = int(m.group("month")), int(m.group("day")), m.group("dot_year")
        if not (1 <= month <= 12 and 1 <= day <= DAYS_IN_MONTH[month - 1]):
            continue
        if not (alone or year or m.group("iso_year") or _FIGURE_LEAD.search(text[: m.start()])):
            continue  # "a 24/7 watch", "a 9/11 moment": figures, not a day asked about
        year = int(year) if year else None
        found.append(DateMention(m.group(0), month, day, year=year, start=m.start()))
    return found


def written_days(text: str, alone: bool = False) -> list[DateMention]:
    """Every day a question writes, in words or in figures, in order."""
    return sorted(find_dates(text) + numeric_dates(text, alone), key=lambda m: m.start)


# Days known by name, as (month, day).
NAMED_DAYS = {
    "christmas eve": (12, 24), "christmas": (12, 25), "boxing day": (12, 26),
    "new year's eve": (12, 31), "new year’s eve": (12, 31), "new year's day": (1, 1),
    "new year’s day": (1, 1), "new year": (1, 1), "new year's": (1, 1),
}  # fmt: skip
_NAMED_DAY = re.compile(
    rf"\b(?:(?P<lead>{_LEAD})\s+)?(?:the\s+)?"
    rf"(?P<day>{'|'.join(sorted((re.escape(d) for d in NAMED_DAYS), key=len, reverse=True))})\b",
    re.IGNORECASE,
)
