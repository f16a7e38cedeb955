"""Dates as news statements write them ("March 22", "Feb. 18", "Dec. 28 - 29"), a timeline
that orders month-day dates when the corpus gives no year, and relative dates ("said Tuesday",
"last week") read against a publication date."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from qa.corpus.cue_words import verb_forms

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
    contiguous. A corpus whose months run across a New Year starts in the month after the
    longest run of months in which it has no date at all (a December-to-March feed starts in
    December); any other corpus starts in January, so that its dates keep their calendar year
    (a June feed is one year's June). A season is the twelve months from the start month on,
    named by the year it starts in. When the corpus states years, `season` is the latest
    season it dates: a date written without a year (in a question, or in a statement beside
    dated ones) is placed in that season.
    """

    start_month: int = 1
    season: int | None = None

    @classmethod
    def from_months(cls, months: list[int]) -> Timeline:
        present = sorted(set(months))
        best_gap, start = -1, 1
        for i, month in enumerate(present):
            following = present[(i + 1) % len(present)]
            gap = (following - month - 1) % 12 if len(present) > 1 else 11
            # The empty months from `month` to `following` hold the December-January turn:
            # the corpus does not cross it, whatever months it has.
            turn = following <= month
            if gap > best_gap or (gap == best_gap and turn):
                best_gap, start = gap, 1 if turn else following
        return cls(start)

    def ordinal(self, month: int, day: int, year: int | None = None) -> int:
        """Day number on the timeline; with a year, years order first."""
        shifted = (month - self.start_month) % 12
        base = shifted * 31 + day
        if year is not None:
            return self.season_of(month, year) * 400 + base
        if self.season is not None:
            return self.season * 400 + base
        return base

    def season_of(self, month: int, year: int) -> int:
        """The season a dated month falls in (the year of the timeline's first month)."""
        return year if month >= self.start_month else year - 1

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


# Relative dates as news writes them, read against a publication date.
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_PART_OF_DAY = r"(?:\s+(?:morning|afternoon|evening|night))?"
RELATIVE_PATTERN = re.compile(
    rf"\b(?P<words>(?:(?P<last>last)\s+)?(?P<weekday>{_WEEKDAY}){_PART_OF_DAY}"
    r"|(?P<yesterday>yesterday)(?:\s+(?:morning|afternoon|evening))?"
    r"|(?P<today>today|tonight|this\s+(?:morning|afternoon|evening)|earlier\s+today)"
    r"|(?P<last_night>last\s+night)"
    r"|(?P<week>(?:last|this)\s+week))\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class RelativeDate:
    """Relative date words ("Tuesday", "last week", "yesterday") found in a text."""

    text: str
    start: int
    end: int


def find_relative_dates(text: str) -> list[RelativeDate]:
    """Every relative date phrase in the text, written as news writes them: weekdays
    capitalised, the other words in lower case."""
    found = []
    for m in RELATIVE_PATTERN.finditer(text):
        if m.group("weekday") and not m.group("weekday")[0].isupper():
            continue
        if not m.group("weekday") and not m.group("words")[0].islower():
            continue  # "USA Today" is a newspaper
        found.append(RelativeDate(m.group("words"), m.start(), m.end()))
    return found


def resolve_relative(words: str, published: date, future: bool = False) -> DateMention | None:
    """The date (or, for a week, the days) that relative words mean in a text published on
    `published`. A weekday is the most recent such day on or before the publication day ("said
    Tuesday" in a Wednesday paper is the day before; "last Tuesday" is strictly before), or,
    said of the `future` ("will speak Friday"), the first such day on or after it."""
    lowered = " ".join(words.lower().split())
    first = last = None
    weekday = next((i for i, name in enumerate(WEEKDAYS) if name in lowered), None)
    if weekday is not None and future and not lowered.startswith("last "):
        first = published + timedelta(days=(weekday - published.weekday()) % 7)
    elif weekday is not None:
        back = (published.weekday() - weekday) % 7
        if back == 0 and lowered.startswith("last "):
            back = 7
        first = published - timedelta(days=back)
    elif lowered.startswith("yesterday") or lowered == "last night":
        first = published - timedelta(days=1)
    elif lowered == "this week":
        first, last = published - timedelta(days=published.weekday()), published
    elif lowered == "last week":
        first = published - timedelta(days=published.weekday() + 7)
        last = first + timedelta(days=6)
    elif lowered in {"today", "tonight", "earlier today"} or lowered.startswith("this "):
        first = published
    if first is None:
        return None
    if last is None or last == first:
        return DateMention(words, first.month, first.day, year=first.year)
    return DateMention(words, first.month, first.day, last.month, last.day, first.year)


def year_of(month: int, day: int, published: date, future: bool = False) -> int:
    """The year of a month-day date written in a text published on `published`: the one that
    puts it on or before the publication day, or, said of the `future` ("will perform on Nov.
    4"), on or after it."""
    if future:
        return published.year + ((month, day) < (published.month, published.day))
    return published.year - ((month, day) > (published.month, published.day))


# Words that start the reported content: a relative date after one of them is the content's
# date ("said he would leave Monday"), not the day the words were said.
_CONTENT_WORDS = {
    "that", "he", "she", "they", "it", "we", "i", "you", "would", "will", "was", "is", "are",
    "were", "had", "has", "have", "be", "who", "which", "if", "when", "because", "there", "this",
    "to", "not", "could", "should", "may", "might", "can",
}  # fmt: skip
# Verbs whose only object is what was said: after one, a date belongs to the speech only
# through a setting ("said in an interview Monday", "said at a briefing Friday"); "said the
# vote on Monday was lost" dates the vote.
_SAYING = frozenset(
    form
    for lemma in (
        "say", "add", "state", "write", "note", "argue", "insist", "claim", "warn", "declare",
        "reply", "respond", "remark", "explain", "acknowledge", "admit", "concede", "stress",
        "suggest", "contend", "assert", "predict", "tweet", "post", "continue",
    )
    for form in verb_forms(lemma)
)  # fmt: skip
_ASIDES = {"as", "much", "so", "again", "also", "later", "earlier", "publicly", "privately"}
_SETTINGS = {"in", "at", "on", "during", "to", "before", "after", "from", "via", "over", "while"}
_LEAD = re.compile(r"^\s*(?:(?:on|late|early)\s+)?$", re.IGNORECASE)
_MAX_GAP_WORDS = 6
# "On Monday, X said", "In one tweet Friday, X said", "At a rally on Monday, X said".
_OPENING_ON = re.compile(
    r"(?:^|[.!?\"”]\s+)(?:on|late|early|(?:in|at|during)\b[\w\s’'-]{0,40})$", re.IGNORECASE
)
_ABBREVIATED = re.compile(
    r"\b(?:Mrs?|Ms|Dr|Sens?|Reps?|Gov|Gen|Lt|Col|Sgt|Capt|Prof|St|Jr|Sr)\.|\b(?:[A-Z]\.)+"
)
# Before a speech verb, words that put it in the future ("will speak", "is set to announce").
_FUTURE = re.compile(
    r"(?:\bwill|\bshall|['’]ll|\b(?:is|are|am|be)\s+(?:set|scheduled|expected|due|slated|going)"
    r"\s+to|\b(?:plans?|intends?|hopes?)\s+to)(?:\s+(?:also|not|again|then))?\s+$",
    re.IGNORECASE,
)
# A date that names an event ("Friday's test", "the Monday night debate") dates the speech
# only when the speech is set at that event ("at last week's forum", "during the debate").
_EVENT_AFTER = re.compile(r"^['’]s\b")
_EVENT_BEFORE = re.compile(r"\b(?:the|a|an)\s+$", re.IGNORECASE)
_AT_EVENT = re.compile(r"\b(?:at|during|in)\s+(?:(?:the|a|an)\s+)?$", re.IGNORECASE)


def _plain_gap(words: str, cue: str = "") -> bool:
    """Between a speech verb and a date: an object or a setting ("told reporters", "in an
    interview"), never a quote, a sentence end or the start of the reported content; after a
    verb of saying, a setting only."""
    words = _ABBREVIATED.sub("", words)  # "Sen.", "U.S." end no sentence
    if re.search(r"[\"“”«».;:!?]", words):
        return False
    tokens = re.findall(r"[\w’'\-]+", words)
    said = [t.lower() for t in tokens if t.lower() not in _ASIDES]  # "said as much in ..."
    if said and cue.lower() in _SAYING and said[0] not in _SETTINGS:
        return False
    return len(tokens) <= _MAX_GAP_WORDS and not any(t.lower() in _CONTENT_WORDS for t in tokens)


def _names_an_event(passage: str, start: int, end: int) -> bool:
    return bool(_EVENT_AFTER.match(passage[end:]) or _EVENT_BEFORE.search(passage[:start]))


def speech_date(passage: str, cue: str, mentions: list) -> tuple[object, bool] | None:
    """Of the date mentions (relative words or written dates, each with `text` and `start`),
    the one that tells when the speech verb `cue` happened, and whether the verb speaks of the
    future ("will speak Friday"): "said Tuesday", "told reporters on Monday", "Smith on Monday
    said", "On Monday, Smith said". Only the verb's first use counts (a later one is usually
    someone else speaking inside the content); quoted words should be masked out of `passage`
    beforehand."""
    if not mentions or not cue:
        return None
    for m in list(re.finditer(rf"\b{re.escape(cue)}\b", passage))[:1]:
        future = bool(_FUTURE.search(passage[max(0, m.start() - 40) : m.start()]))
        for mention in mentions:
            end = mention.start + len(mention.text)
            if mention.start >= m.end():
                gap = passage[m.end() : mention.start]
                lead = re.search(r"(?:\s(?:on|late|early))?\s*$", gap, re.IGNORECASE)
                plain = _plain_gap(gap[: lead.start()], cue) and _LEAD.match(gap[lead.start() :])
                if plain and _names_an_event(passage, mention.start, end):
                    plain = bool(_AT_EVENT.search(gap))
                if plain:
                    return mention, future
                break  # only the first date after the verb can be its date
        for mention in reversed(mentions):
            end = mention.start + len(mention.text)
            if end > m.start():
                continue
            gap = passage[end : m.start()]
            sentence_start = passage[: mention.start].rstrip()
            opens = (
                not sentence_start
                or sentence_start[-1] in '.!?"”'
                or _OPENING_ON.search(sentence_start)
            )
            event = _names_an_event(passage, mention.start, end)
            if not event and (
                re.fullmatch(r"\s+(?:also\s+)?", gap)
                or (opens and gap.startswith(",") and _plain_gap(gap[1:]))
            ):
                return mention, future
            break
    return None


def speech_relative_date(passage: str, cue: str) -> RelativeDate | None:
    """The relative date words that tell when the speech verb `cue` happened (see
    `speech_date`)."""
    found = speech_date(passage, cue, find_relative_dates(passage))
    return found[0] if found else None
