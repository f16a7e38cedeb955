"""Date phrases in questions ("before Feb. 1", "the final days of december", "mid-February",
"March 5 or March 6", "between Jan. 1 and Jan. 12", "after the Paris summit"), read in one
place with one table of lead words, into a range on the corpus timeline."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from qa.corpus.dates import DAYS_IN_MONTH, MONTH, DateMention, Timeline, find_dates, month_number

# What a word before a date does to it: opens one side of the range, or keeps it as it is.
DATE_LEADS = {
    "before": "before", "prior to": "before", "ahead of": "before", "earlier than": "before",
    "after": "after", "following": "after", "later than": "after",
    "since": "since", "from": "since", "starting": "since",
    "until": "until", "till": "until", "by": "until", "up to": "until",
    "around": "around", "near": "around", "close to": "around",
    "in the run-up to": "before", "the run-up to": "before", "leading up to": "before",
    "in the wake of": "after",
    "in": None, "on": None, "between": None, "during": None, "of": None, "at": None, "throughout": None,
    "over": None, "in the week of": "week", "the week of": "week", "week of": "week",
    "toward": None, "towards": None, "toward the": None, "towards the": None,
    "on the eve of": "before", "the eve of": "before",
    **{f"{near} {side}": side for near in ("right", "just", "shortly", "soon", "immediately")
       for side in ("before", "after")},
    **{f"{the}{span} {side}": side for the in ("in the ", "the ", "")
       for span in ("day", "days", "week", "weeks", "few days", "few weeks")
       for side in ("before", "after")},
}  # fmt: skip
# Days either side of a date said to be "around" it.
AROUND_DAYS = 3
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
_LEAD = "|".join(sorted((re.escape(w) for w in DATE_LEADS), key=len, reverse=True))
_PART = "|".join(sorted((re.escape(w) for w in MONTH_PARTS), key=len, reverse=True))
_MONTH_PHRASE = re.compile(
    rf"(?:\b(?P<lead>{_LEAD})\s+)?(?:the\s+)?(?:(?P<part>{_PART})\b[\s-]*)?(?:the\s+)?"
    rf"(?:month\s+of\s+)?\b(?P<month>{MONTH}|{_FULL_MONTHS})"
    rf"(?:,?\s+(?:of\s+)?(?P<year>(?:19|20)\d\d)\b|(?!\s*\d))(?![\w-])",
    re.IGNORECASE,
)
_LEAD_BEFORE = re.compile(rf"\b(?P<lead>{_LEAD})\s+(?:the\s+)?$", re.IGNORECASE)
# Words after "from <date>" that open the range on ("from March 3 onwards").
_ONWARD = re.compile(
    r"\s*(?:onwards?|forward|and (?:after|later|since)|on(?=\s*(?:[?.!,;]|$)))\b", re.IGNORECASE
)
_MONTHS_JOINED = re.compile(r"\s*(?:and|or|-|–)\s*")
_JOINED = re.compile(r"^\s*(?:,|or|and|to|through|-|–|,\s*or)\s*(?:on\s+)?$", re.IGNORECASE)
# Lead words that introduce an event ("in Ukraine" is a place, not a date).
_EVENT_LEADS = ("before", "after", "since", "until", "prior to", "ahead of", "following",
                "around", "near", "during", "at the time of", "in the run-up to",
                "the run-up to", "leading up to", "in the wake of", "on the eve of",
                r"(?:right|just|shortly|soon|immediately)\s+(?:before|after)",
                r"(?:in\s+)?(?:the\s+)?(?:day|days|week|weeks|few days|few weeks)\s+(?:before|after)")  # fmt: skip
# An event lasts some days: "during" or "at the time of" it reads as around its date.
_EVENT_KINDS = {"during": "around", "at the time of": "around"}
# Words that make a phrase an event the corpus may date ("the Paris summit").
_EVENT_WORDS = re.compile(
    r"\b(?:summit|meeting|conference|talks|visit|trip|call|interview|vote|election|signing|"
    r"negotiations|forum|session|council|ceremony|speech|address|deal|agreement)s?\b",
    re.IGNORECASE,
)
_EVENT = re.compile(
    rf"\b(?P<lead>{'|'.join(sorted(_EVENT_LEADS, key=len, reverse=True))})\s+"
    rf"(?P<event>(?:the\s+)?[\w’'\- ]{{3,60}}?)"
    rf"(?=[?.!,]|$)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class DateRange:
    """An inclusive range of timeline ordinals; None leaves that side open."""

    start: int | None
    end: int | None
    label: str

    def to_json(self) -> dict:
        return {"label": self.label, "start": self.start, "end": self.end}


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


_BARE_END = re.compile(
    r"\s*(?:to|through|till|until|-|–|and|or)\s*(?:the\s+)?(?P<day>\d{1,2})(?:st|nd|rd|th)?\b"
    # only where the date phrase ends: "to 19 reporters" counts reporters, not days
    r"(?=\s*(?:[?.!,;]|$|(?:about|on|regarding|concerning|in|over|for|with|what|who|when)\b))",
    re.IGNORECASE,
)
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

# The year's ends by the months and parts they fall in (first, last).
_YEAR_PARTS = {
    "start": ((1, "early"), (1, "early")), "beginning": ((1, "early"), (1, "early")),
    "end": ((12, "late"), (12, "late")), "close": ((12, "late"), (12, "late")),
    "turn": ((12, "late"), (1, "early")),
}  # fmt: skip
_YEAR_PART = re.compile(
    rf"\bthe\s+(?P<part>{'|'.join(_YEAR_PARTS)})\s+of\s+the\s+year\b", re.IGNORECASE
)


class DateReader:
    """Reads the date phrase of a question against a timeline; `event_date` gives the day the
    corpus dates an event ("the Paris summit"), or None."""

    def __init__(self, timeline: Timeline, event_date: Callable[[str], int | None]):
        self.timeline = timeline
        self.event_date = event_date

    def read(self, text: str) -> tuple[DateRange | None, list[tuple[int, int]]]:
        """The range a question's date phrase asks for, and the spans of its words."""
        cased = _ordinal_days(with_month_capitals(text))
        between = re.search(
            r"\bbetween\s+(?P<a>.+?)\s+and\s+(?P<b>.+?)(?=\s+(?:about|on|regarding|concerning|"
            r"over|with|for|to|in)\b|[?!,;]|$)",
            cased,
            re.IGNORECASE,
        ) or re.search(
            # "from mid-February to early March": two month parts or events, not written days
            r"\bfrom\s+(?P<a>(?:(?!\d).)+?)\s+(?:to|until|till|through)\s+(?P<b>(?:(?!\d).)+?)"
            r"(?=\s+(?:about|on|regarding|concerning|over|with|for|in)\b|[?!,;]|$)",
            cased,
            re.IGNORECASE,
        )
        if between:
            a = self.point(between.group("a"))
            b = self.point(between.group("b").rstrip(" ."))
            if a and b:
                return DateRange(a[0], b[1], text[slice(*between.span())].rstrip(" .")), [
                    between.span()
                ]
        mentions = written_days(cased)
        if mentions:
            return self._days(text, cased, mentions)
        named = _NAMED_DAY.search(text)
        if named:
            month, day = NAMED_DAYS[named.group("day").lower()]
            first = last = self.timeline.ordinal(month, day)
            kind = DATE_LEADS.get((named.group("lead") or "").lower())
            return _bounded(kind, first, last, named.group(0)), [named.span()]
        year_part = _YEAR_PART.search(text)
        if year_part:
            opening, closing = _YEAR_PARTS[year_part.group("part").lower()]
            first, last = self.month_part(*opening)[0], self.month_part(*closing)[1]
            lead = _LEAD_BEFORE.search(text[: year_part.start()])
            kind = DATE_LEADS.get(lead.group("lead").lower()) if lead else None
            span = (lead.start() if lead else year_part.start(), year_part.end())
            return _bounded(kind, first, last, text[slice(*span)]), [span]
        for m in _MONTH_PHRASE.finditer(cased):
            month = month_number(m.group("month"))
            if month is None or (m.group("month")[0].islower()):
                continue
            first, last = self.month_part(month, m.group("part"), m.group("year"))
            lead = (m.group("lead") or "").lower()
            kind = DATE_LEADS.get(lead)
            span = m.span()
            # "in late February and early March", "in January or February": one range
            joint = _MONTHS_JOINED.match(cased, m.end())
            other = joint and _MONTH_PHRASE.match(cased, joint.end())
            if other and month_number(other.group("month")) and other.group("month")[0].isupper():
                part = other.group("part")
                last = self.month_part(
                    month_number(other.group("month")), part, other.group("year")
                )[1]
                span = (m.start(), other.end())
            if lead == "from":
                onward = _ONWARD.match(cased[span[1] :])
                kind = "since" if onward else None
                span = (span[0], span[1] + (onward.end() if onward else 0))
            label = text[span[0] : span[1]].strip()
            return _bounded(kind, first, last, label), [span]
        for m in _EVENT.finditer(text):
            when = (
                self.event_date(m.group("event")) if _EVENT_WORDS.search(m.group("event")) else None
            )
            if when is not None:
                lead = " ".join(m.group("lead").lower().split())
                kind = (
                    _EVENT_KINDS.get(lead)
                    or DATE_LEADS.get(lead)
                    or DATE_LEADS.get(lead.split()[-1])
                )
                around = AROUND_DAYS * 2 if kind == "around" else 0
                return _bounded(kind, when, when, m.group(0), around), [m.span()]
        return None, []

    def _days(self, text, cased, mentions) -> tuple[DateRange, list[tuple[int, int]]]:
        """One written day, or several joined by "or", "and", "to" read as one range."""
        first_mention = mentions[0]
        start = first_mention.start
        first, last = self.span(first_mention)
        end = start + len(first_mention.text)
        for following in mentions[1:]:
            if not _JOINED.match(cased[end : following.start]):
                break
            lo, hi = self.span(following)
            first, last = min(first, lo), max(last, hi)
            end = following.start + len(following.text)
        joined = end > start + len(first_mention.text)
        # "February 17 to 19": a bare day closes a range in the same month.
        bare = _BARE_END.match(cased[end:])
        last_mention = next((m for m in reversed(mentions) if m.start < end), first_mention)
        if bare and last_mention.end_day is None:
            day = int(bare.group("day"))
            if last_mention.day < day <= DAYS_IN_MONTH[last_mention.month - 1]:
                last = max(last, self.timeline.ordinal(last_mention.month, day))
                end += bare.end()
                joined = True
        lead = _LEAD_BEFORE.search(cased[:start])
        kind = DATE_LEADS.get(lead.group("lead").lower()) if lead else None
        if kind == "since" and lead.group("lead").lower() == "from":
            # "from March 3 to March 5" is closed on both sides; "statements from March 3" are
            # of that day, as "statements from March" are of that month; "from March 3 on" opens
            onward = _ONWARD.match(cased[end:])
            kind = "since" if onward and not joined else None
            end += onward.end() if onward else 0
        begin = lead.start() if lead else start
        return _bounded(kind, first, last, text[begin:end]), [(begin, end)]

    def span(self, mention: DateMention) -> tuple[int, int]:
        """First and last day a written date covers. A corpus that states no year places its
        days in none, so a year typed with a day ("17 Feb 2025") cannot tell them apart: the
        day is read as the corpus writes it."""
        if mention.year is not None and self.timeline.season is None:
            mention = replace(mention, year=None)
        return self.timeline.span(mention)

    def point(self, words: str) -> tuple[int, int] | None:
        """The first and last day of a date, month (part) or dated event, or None."""
        words = _ordinal_days(with_month_capitals(words))
        dates = written_days(words, alone=True)
        if dates:
            return self.span(dates[0])
        named = _NAMED_DAY.search(words)
        if named:
            day = self.timeline.ordinal(*NAMED_DAYS[named.group("day").lower()])
            return day, day
        m = _MONTH_PHRASE.search(words)
        if m and month_number(m.group("month")) and not m.group("month")[0].islower():
            return self.month_part(month_number(m.group("month")), m.group("part"), m.group("year"))
        when = self.event_date(words) if _EVENT_WORDS.search(words) else None
        return (when, when) if when is not None else None

    def month_part(self, month: int, part: str | None, year: str | None = None) -> tuple[int, int]:
        """First and last day of a month or a part of it ("mid-", "the second half of"), in
        the year written when the corpus states years (see `span`)."""
        year = int(year) if year and self.timeline.season is not None else None
        last_day = DAYS_IN_MONTH[month - 1]
        key = " ".join((part or "").lower().replace("-", " ").split())
        first, last = MONTH_PARTS.get(key, (1, None))
        if first < 0:
            first = last_day + first + 1
        last = last_day if last is None else last
        return (
            self.timeline.ordinal(month, first, year),
            self.timeline.ordinal(month, last, year),
        )

    def resolve(self, words: str, kind: str | None = None) -> DateRange | None:
        """A date or month given as an option ("Feb. 1", "March"), as a range; `kind` is
        "since" or "until" to open one side."""
        point = self.point(words)
        if point is None:
            return None
        return _bounded(kind, point[0], point[1], f"{kind} {words}" if kind else words)


def _bounded(kind: str | None, first: int, last: int, label: str, around: int = 0) -> DateRange:
    if kind == "week":
        return DateRange(first, first + 6, label)  # "the week of March 15"
    if kind == "before":
        return DateRange(None, first - 1, label)
    if kind == "after":
        return DateRange(last + 1, None, label)
    if kind == "since":
        return DateRange(first, None, label)
    if kind == "until":
        return DateRange(None, last, label)
    if kind == "around":
        spread = around or AROUND_DAYS
        return DateRange(first - spread, last + spread, label)
    return DateRange(first, last, label)
