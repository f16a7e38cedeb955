"""Date phrases in questions ("before Feb. 1", "the final days of december", "mid-February",
"March 5 or March 6", "between Jan. 1 and Jan. 12", "after the Paris summit"), read in one
place with one table of lead words, into a range on the corpus timeline. The words it reads
live beside it: the lead words (date_leads), months and their parts (months), written days
(days)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from qa.corpus.dates import DAYS_IN_MONTH, DateMention, Timeline, month_number
from qa.question.date_leads import _LEAD, DATE_LEADS
from qa.question.days import _NAMED_DAY, NAMED_DAYS, _ordinal_days, written_days
from qa.question.months import _MONTH_PHRASE, MONTH_PARTS, with_month_capitals

# Days either side of a date said to be "around" it.
AROUND_DAYS = 3

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


# Words that only lead to a date phrase, not a topic: "back in January", "sometime in March".
_FILLER_BEFORE = re.compile(r"\b(?:(?:way\s+)?back|sometime|some\s+time)\s+$", re.IGNORECASE)


@dataclass(frozen=True)
class DateRange:
    """An inclusive range of timeline ordinals; None leaves that side open."""

    start: int | None
    end: int | None
    label: str
    event: str | None = None  # the event the range is read from ("the Paris summit")

    def to_json(self) -> dict:
        return {"label": self.label, "start": self.start, "end": self.end}


_BARE_END = re.compile(
    r"\s*(?:to|through|till|until|-|–|and|or)\s*(?:the\s+)?(?P<day>\d{1,2})(?:st|nd|rd|th)?\b"
    # only where the date phrase ends: "to 19 reporters" counts reporters, not days
    r"(?=\s*(?:[?.!,;]|$|(?:about|on|regarding|concerning|in|over|for|with|what|who|when)\b))",
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
        """The range a question's date phrase asks for, and the spans of its words, with a
        word that only leads to it ("back in January", "sometime in March")."""
        found, spans = self._read(text)
        if spans:
            lead = _FILLER_BEFORE.search(text[: spans[0][0]])
            if lead:
                spans = [(lead.start(), spans[0][1]), *spans[1:]]
        return found, spans

    def _read(self, text: str) -> tuple[DateRange | None, list[tuple[int, int]]]:
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
                found = _bounded(kind, when, when, m.group(0), around)
                return replace(found, event=m.group("event")), [m.span()]
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
