"""Understanding a question: who it asks about (speaker, country or organisation, role), when,
what kind of answer it wants, and the topic words left once those are taken out."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cached_property

from qa.attribution import PERSON_HEADS, TITLE_WORDS
from qa.dates import MONTH, Timeline, find_dates, month_number
from qa.gazetteer import Gazetteer

MAX_QUESTION_CHARS = 2000
SPEECH_WORDS = (
    r"say|said|says|saying|think|thinks|thought|want|wants|wanted|propose|proposed|proposes|"
    r"claim|claimed|claims|write|wrote|written|writes|post|posted|tell|told|tells|announce|"
    r"announced|argue|argued|warn|warned|believe|believes|believed|suggest|suggested|mean|meant|"
    r"stance|position|positions|view|views|comment|comments|commented|remarks|statement|"
    r"statements|react|reacted|respond|responded|stated|state|declare|declared|insist|insisted|"
    r"promise|promised|pledge|pledged|demand|demanded|call|called|offer|offered|express|"
    r"expressed|discuss|discussed|reveal|revealed|admit|admitted|deny|denied|stress|stressed|"
    r"note|noted|add|added|joke|joked|predict|predicted|"
    r"quote|quoted|quotes|opinion|talk|talked|speak|spoke|speaks|mention|mentioned"
)
SPEECH_SET = set(SPEECH_WORDS.split("|"))
_SPEECH = re.compile(rf"\b(?:{SPEECH_WORDS})\b", re.IGNORECASE)
_FILTER_LEAD = re.compile(r"\b(?:according to|from|by)\s*$", re.IGNORECASE)
# "statements from Russia", "any comments by Canada": a speech noun names who speaks.
_SPEECH_NOUN_LEAD = re.compile(
    r"\b(?:statements?|quotes?|comments?|remarks|words|reactions?|responses?|messages?|"
    r"anything|something|everything|news)\s+(?:from|by)\s*$",
    re.IGNORECASE,
)
_FOLLOW_UP = re.compile(
    r"^\s*(?:and|and what about|what about|how about|what of|same for|and for|also)\b",
    re.IGNORECASE,
)
_WHO = re.compile(
    r"^\s*(?:who|whom|whose|which\s+(?:\w+\s+){0,2}?(?:official|officials|leader|leaders|"
    r"person|people|politician|minister|country|countries|diplomat|president|organisation|"
    r"organization|speaker|one))\b",
    re.IGNORECASE,
)
# Generic words for "someone from there": they ask for a country, not for a role.
GENERIC_HEADS = {
    "official",
    "officials",
    "leaders",
    "authorities",
    "government",
    "people",
    "side",
    "politicians",
    "diplomats",
}
_WHEN = re.compile(r"^\s*(?:when|on what date|on which day|what date|which day)\b", re.IGNORECASE)
SCAFFOLD = {
    "what", "did", "does", "do", "has", "have", "had", "is", "are", "was", "were", "who", "whom",
    "when", "which", "how", "about", "regarding", "concerning", "on", "the", "me", "us", "any", "anything", "something",
    "statement", "statements", "quote", "quotes", "position", "view", "views", "stance", "of",
    "and", "what's", "whats", "according", "to", "from", "by", "in", "at", "during", "comment", "comments", "remarks", "official", "someone", "somebody", "anyone", "person",
    "there", "a", "an", "it", "its", "their", "his", "her", "s", "show", "list", "give", "find",
    "all", "every", "please", "can", "you", "i", "want", "know", "also", "ever", "else", "again", "same", "for",
    "happen", "happened", "happening", "news", "going", "latest", "new", "been", "will",
    "everything", "everyone", "everybody",
    "would", "could", "should", "this", "that", "these", "those",
}  # fmt: skip
# Generic words for a role, each standing for the titles that fill it.
ROLE_SYNONYMS = {
    "chief": ("secretary general", "president", "prime minister", "head", "chief", "leader",
              "chancellor", "director"),
    "leader": ("president", "prime minister", "leader", "chancellor", "head", "secretary general"),
    "head": ("head", "chief", "secretary general", "president", "director"),
    "boss": ("head", "chief", "secretary general", "president", "director"),
    "envoy": ("representative", "envoy", "ambassador"),
    "representative": ("representative", "envoy", "ambassador"),
    "ambassador": ("representative", "envoy", "ambassador"),
    "spokesperson": ("spokesperson", "spokesman", "spokeswoman", "press secretary"),
    "spokesman": ("spokesperson", "spokesman", "spokeswoman", "press secretary"),
    "spokeswoman": ("spokesperson", "spokesman", "spokeswoman", "press secretary"),
    "premier": ("prime minister", "premier"),
    "pm": ("prime minister", "premier"),
    "lawmaker": ("congressman", "congresswoman", "senator", "lawmaker", "mp"),
    "congressman": ("congressman", "congresswoman", "lawmaker"),
}  # fmt: skip
ROLE_HEADS = PERSON_HEADS | set(ROLE_SYNONYMS) | GENERIC_HEADS | {"pm"}
ROLE_MODIFIERS = (TITLE_WORDS - {"new", "former", "first", "top", "senior"}) | {"defence"}
DATE_LEADS = {
    "before": "before", "after": "after", "since": "since", "until": "until", "till": "until",
    "by": "until", "prior to": "before", "ahead of": "before", "following": "after",
    "from": "since",
}  # fmt: skip
_MONTH_ONLY = re.compile(
    rf"(?:\b(?P<lead>before|after|since|until|till|by|prior to|ahead of|following|from|in|"
    rf"during|of|on)\s+)?(?:the\s+)?(?P<part>early|mid|late|end of|beginning of|start of|"
    rf"middle of)?[\s-]*(?:the\s+)?\b(?P<month>{MONTH}|january|february|march|april|june|july|"
    rf"august|september|october|november|december)(?!\s*\d)\b",
)


@dataclass(frozen=True)
class DateRange:
    """An inclusive range of timeline ordinals; None leaves that side open."""

    start: int | None
    end: int | None
    label: str

    def to_json(self) -> dict:
        return {"label": self.label, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class RoleFilter:
    """A role asked about: words every matching title contains, and where it serves."""

    words: tuple[str, ...]
    place: str | None
    label: str

    def to_json(self) -> dict:
        return {"label": self.label, "words": list(self.words), "place": self.place}


@dataclass(frozen=True)
class Understanding:
    """What a question restricts, and what it is about."""

    question: str
    intent: str = "what"  # what | who | when
    topic: str = ""
    speakers: tuple[str, ...] = ()
    affiliations: tuple[str, ...] = ()
    roles: tuple[RoleFilter, ...] = ()
    date: DateRange | None = None
    unknown_speakers: tuple[str, ...] = ()
    follow_up: bool = False

    @property
    def has_filters(self) -> bool:
        return bool(
            self.speakers or self.affiliations or self.roles or self.date or self.unknown_speakers
        )

    def to_json(self) -> dict:
        return {
            "intent": self.intent,
            "topic": self.topic,
            "speakers": list(self.speakers),
            "affiliations": list(self.affiliations),
            "roles": [r.to_json() for r in self.roles],
            "date": self.date.to_json() if self.date else None,
            "unknown_speakers": list(self.unknown_speakers),
            "follow_up": self.follow_up,
        }


def speaker_owner(speaker: str | None) -> str | None:
    """The person a speaker stands for: "Giorgia Meloni's office" speaks for Giorgia Meloni."""
    if not speaker:
        return None
    return re.sub(r"['’]s\s+\w+(?:\s\w+)?$", "", speaker)


class QuestionReader:
    """Reads questions against what a corpus knows: its speakers, places, roles and dates."""

    def __init__(
        self,
        statements,
        gazetteer: Gazetteer,
        timeline: Timeline,
        speakers: list[str] | None = None,
    ):
        """`statements` is only read to place events in time; `speakers` (who the corpus
        quotes) is taken from them when not given."""
        self.statements = statements
        self.gazetteer = gazetteer
        self.timeline = timeline
        self._speakers = speakers

    @cached_property
    def speaker_aliases(self) -> dict[str, str]:
        """Lower-cased alias -> speaker name (full names, surnames, gazetteer aliases)."""
        table: dict[str, str] = {}
        if self._speakers is not None:
            names = set(self._speakers)
        else:
            names = {speaker_owner(s.speaker) for s in self.statements if s.speaker}
        for person in self.gazetteer.people:
            names.add(person.name)
        places = {a.lower() for p in self.gazetteer.places for a in (p.name, *p.aliases)}
        for name in sorted(n for n in names if n):
            if name.lower() in places:
                continue
            table[name.lower()] = name
            person = self.gazetteer.person(name)
            for alias in person.aliases if person else ():
                table.setdefault(alias.lower(), name)
            last = name.split()[-1]
            if len(name.split()) > 1 and len(last) > 2 and last[0].isupper():
                table.setdefault(last.lower(), name)
        return table

    @cached_property
    def _speaker_pattern(self) -> re.Pattern | None:
        aliases = sorted(self.speaker_aliases, key=len, reverse=True)
        if not aliases:
            return None
        body = "|".join(re.escape(a) for a in aliases)
        return re.compile(rf"(?<![\w])(?:{body})(?:['’]s)?(?![\w])", re.IGNORECASE)

    @cached_property
    def _place_pattern(self) -> re.Pattern:
        long = sorted(
            {a for p in self.gazetteer.places for a in (p.name, *p.aliases) if len(a) > 3},
            key=len,
            reverse=True,
        )
        short = sorted(
            {a for p in self.gazetteer.places for a in (p.name, *p.aliases) if len(a) <= 3},
            key=len,
            reverse=True,
        )
        long_body = "|".join(re.escape(a) for a in long)
        short_body = "|".join(re.escape(a) for a in short)
        return re.compile(rf"(?<![\w.])(?:(?i:{long_body})|{short_body})(?:['’]s)?(?![\w])")

    def resolve_speaker(self, words: str) -> str | None:
        """The speaker a name, surname or alias stands for, or None."""
        return self.speaker_aliases.get(re.sub(r"['’]s$", "", words.strip()).lower())

    def resolve_date(self, words: str, kind: str | None = None) -> DateRange | None:
        """A date or month written by a user ("Feb. 1", "March", "end of December"), as a
        range; `kind` is "since" or "until" to open one side."""
        point = self._point(words)
        if point is None:
            return None
        return _bounded(kind, point[0], point[1], f"{kind} {words}" if kind else words)

    # ----------------------------------------------------------------------------------
    def read(self, question: str, context: Understanding | None = None) -> Understanding:
        """Understand one question; a follow-up borrows what it leaves out from `context`."""
        text = " ".join(question.split())[:MAX_QUESTION_CHARS]
        speech = _SPEECH.search(text)
        intent = "what"
        if _WHO.match(text) and speech:
            intent = "who"
        elif _WHEN.match(text):
            intent = "when"
        taken: list[tuple[int, int]] = []

        date, date_spans = self._read_date(text)
        taken += date_spans
        verb_at = speech.start() if speech else None
        if speech and not _overlaps(speech.span(), taken):
            taken.append(speech.span())  # the speech verb is not part of the topic

        def in_filter_position(start: int, end: int) -> bool:
            lead = _FILTER_LEAD.search(text[:start])
            if intent == "who":
                return bool(lead) and lead.group(0).lower().startswith(("according", "by"))
            if verb_at is not None and start < verb_at:
                return True
            if lead and (lead.group(0).lower().startswith(("according", "by")) or verb_at is None):
                return True
            if _SPEECH_NOUN_LEAD.search(text[:start]):
                return True
            if re.match(
                r"^\s*(?:and\s+|what about\s+|how about\s+)?(?:the\s+)?$", text[:start], re.I
            ):
                return verb_at is None
            return False

        speakers, affiliations, roles, unknown = [], [], [], []
        for m in self._speaker_pattern.finditer(text) if self._speaker_pattern else ():
            if _overlaps(m.span(), taken) or not in_filter_position(*m.span()):
                continue
            name = self.speaker_aliases[re.sub(r"['’]s$", "", m.group(0)).lower()]
            if name not in speakers:
                speakers.append(name)
            taken.append(m.span())
        for role, span in self._read_roles(text, taken, in_filter_position):
            taken.append(span)
            if role.words[-1] in GENERIC_HEADS:
                if role.place and role.place not in affiliations:
                    affiliations.append(role.place)
                continue
            roles.append(role)
        for m in self._place_pattern.finditer(text):
            if _overlaps(m.span(), taken) or not in_filter_position(*m.span()):
                continue
            place = self.gazetteer.place(m.group(0))
            if place is None:
                continue
            taken.append(m.span())
            if not speakers and not roles and place.name not in affiliations:
                affiliations.append(place.name)
        if not speakers and not affiliations and not roles and intent != "who":
            name = self._unknown_name(text, taken, verb_at)
            if name:
                unknown.append(name[0])
                taken.append(name[1])

        topic = _topic(text, taken)
        follow_up = bool(context) and (bool(_FOLLOW_UP.match(text)) or (not topic and not speech))
        understanding = Understanding(
            question=question,
            intent=intent,
            topic=topic,
            speakers=tuple(speakers),
            affiliations=tuple(affiliations),
            roles=tuple(roles),
            date=date,
            unknown_speakers=tuple(unknown),
            follow_up=follow_up,
        )
        if follow_up and context is not None:
            return _merge(understanding, context)
        return understanding

    # ----------------------------------------------------------------------------------
    def _read_roles(self, text, taken, in_filter_position):
        """Roles asked about: "Canada's foreign minister", "the NATO chief", "the head of
        Ukraine's presidential office", "Ukrainian officials"."""
        found = []
        tokens = list(re.finditer(r"[\w’'.\-]+", text))
        for k, m in enumerate(tokens):
            word = m.group(0).lower().strip(".")
            if word not in ROLE_HEADS or _overlaps(m.span(), taken):
                continue
            if word in {
                "general",
                "member",
                "speaker",
                "source",
                "sources",
                "head",
                "chief",
            } and not (_has_modifier(text, m.start()) or re.match(r"\s+of\s", text[m.end() :])):
                continue
            start, end = m.start(), m.end()
            words, place = [word], None
            # Title words and a place just before the head ("Canada's foreign minister").
            for prior in reversed(tokens[:k]):
                token = prior.group(0)
                bare = re.sub(r"['’]s$", "", token).strip(".").lower()
                if bare in ROLE_MODIFIERS and bare not in SCAFFOLD:
                    words.insert(0, bare)
                    start = prior.start()
                    continue
                candidate = self.gazetteer.place(token)
                if candidate and place is None:
                    place, start = candidate.name, prior.start()
                    continue
                break
            # "head of Ukraine's presidential office", "president of France".
            after = re.match(r"\s+of\s+(?:the\s+)?(?P<rest>[\w’'.\- ]+)", text[m.end() :])
            if after:
                consumed = 0
                for piece in re.finditer(r"[\w’'.\-]+", after.group("rest")):
                    token = piece.group(0)
                    bare = re.sub(r"['’]s$", "", token).strip(".").lower()
                    candidate = self.gazetteer.place(token)
                    if candidate and place is None:
                        place = candidate.name
                    elif bare in ROLE_MODIFIERS and bare not in SCAFFOLD:
                        words.insert(len(words) - 1, bare)
                    else:
                        break
                    consumed = after.start("rest") + piece.end()
                if consumed:
                    end = m.end() + consumed
            if not in_filter_position(start, end):
                continue
            generic = word in GENERIC_HEADS
            if generic and place is None:
                continue
            if (
                place is None
                and len(words) == 1
                and not generic
                and word not in ROLE_SYNONYMS
                and word
                not in {"president", "minister", "diplomat", "congressman", "chancellor", "premier"}
            ):
                continue
            found.append((RoleFilter(tuple(words), place, text[start:end]), (start, end)))
        return found

    def _unknown_name(self, text, taken, verb_at):
        """A capitalised name in the speaker's place that the corpus does not know."""
        if verb_at is None:
            return None
        m = re.search(
            r"(?:did|does|has|have|had|is|was|would|will)\s+(?P<name>(?:[A-Z][\w’'\-]+\s?){1,4})",
            text[:verb_at],
        )
        if not m:
            return None
        name = m.group("name").strip()
        if name.lower() in SCAFFOLD or _overlaps(m.span("name"), taken):
            return None
        return name, m.span("name")

    def _read_date(self, text: str) -> tuple[DateRange | None, list[tuple[int, int]]]:
        tl = self.timeline
        between = re.search(r"\bbetween\s+(?P<a>.+?)\s+and\s+(?P<b>[^?!,;]+)", text, re.IGNORECASE)
        if between:
            a = self._point(between.group("a"))
            b = self._point(between.group("b").rstrip(" ."))
            if a and b:
                return DateRange(a[0], b[1], between.group(0).rstrip(" .")), [between.span()]
        for mention in find_dates(text):
            lead = re.search(
                r"\b(before|after|since|until|till|by|prior to|ahead of|following|from|on|in)\s+(?:the\s+)?$",
                text[: mention.start],
                re.IGNORECASE,
            )
            first, last = tl.span(mention)
            span = (lead.start() if lead else mention.start, mention.start + len(mention.text))
            kind = DATE_LEADS.get(lead.group(1).lower()) if lead else None
            return _bounded(kind, first, last, text[span[0] : span[1]]), [span]
        for m in _MONTH_ONLY.finditer(text):
            month_word = m.group("month")
            if month_word.lower().startswith("mar") and not month_word[0].isupper():
                continue  # "march" the verb
            month = month_number(month_word)
            if month is None:
                continue
            part = (m.group("part") or "").replace(" of", "").strip() or None
            part = {"middle": "mid"}.get(part, part)
            first, last = tl.month_span(month, part)
            lead = (m.group("lead") or "").lower()
            span = m.span()
            # "statements from December" are those of December; "since December" runs on.
            kind = None if lead == "from" else DATE_LEADS.get(lead)
            return _bounded(kind, first, last, text[span[0] : span[1]].strip()), [span]
        event = re.search(
            r"\b(?P<lead>before|after|since|until|prior to|ahead of|following)\s+(?P<event>(?:the\s+)?"
            r"[\w’'\- ]{3,60}?)(?=[?.!,]|$)",
            text,
            re.IGNORECASE,
        )
        if event:
            when = self._event_date(event.group("event"))
            if when is not None:
                kind = DATE_LEADS[event.group("lead").lower()]
                return _bounded(kind, when, when, event.group(0)), [event.span()]
        return None, []

    def _point(self, words: str) -> tuple[int, int] | None:
        dates = find_dates(words)
        if dates:
            return self.timeline.span(dates[0])
        m = _MONTH_ONLY.search(words)
        if m and month_number(m.group("month")):
            part = (m.group("part") or "").replace(" of", "").strip() or None
            return self.timeline.month_span(month_number(m.group("month")), part)
        when = self._event_date(words)
        return (when, when) if when is not None else None

    def _event_date(self, phrase: str) -> int | None:
        """The date the corpus gives an event ("the Paris summit on March 27")."""
        words = re.sub(r"^(?:the|a|an)\s+", "", phrase.strip(), flags=re.IGNORECASE)
        if len(words) < 3:
            return None
        pattern = re.compile(
            rf"\b{re.escape(words)}\b(?P<gap>[^.]{{0,25}}?)\b(?:on|of)\s+$", re.IGNORECASE
        )
        for statement in self.statements:
            for mention in find_dates(statement.passage):
                if pattern.search(statement.passage[: mention.start]):
                    return self.timeline.span(mention)[0]
        return None


def _has_modifier(text: str, at: int) -> bool:
    before = re.findall(r"[\w’'.]+", text[:at])
    return bool(before) and before[-1].lower() in ROLE_MODIFIERS | {"nato", "un", "eu"}


def _bounded(kind: str | None, first: int, last: int, label: str) -> DateRange:
    if kind == "before":
        return DateRange(None, first - 1, label)
    if kind == "after":
        return DateRange(last + 1, None, label)
    if kind == "since":
        return DateRange(first, None, label)
    if kind == "until":
        return DateRange(None, last, label)
    return DateRange(first, last, label)


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in taken)


def _topic(text: str, taken: list[tuple[int, int]]) -> str:
    """The question's words outside its filters and its question scaffolding."""
    chars = list(text)
    for start, end in taken:
        for i in range(start, min(end, len(chars))):
            chars[i] = " "
    rest = "".join(chars)
    words = re.findall(r"[^\W_]+(?:['’\-][^\W_]+)*", rest)
    kept = [w for w in words if w.lower() not in SCAFFOLD]
    return " ".join(kept)


def _merge(new: Understanding, old: Understanding) -> Understanding:
    """A follow-up keeps the previous topic and whatever filter kind it does not name."""
    names_someone = bool(new.speakers or new.affiliations or new.roles or new.unknown_speakers)
    return replace(
        new,
        intent=old.intent if new.intent == "what" else new.intent,
        topic=new.topic or old.topic,
        speakers=new.speakers if names_someone else old.speakers,
        affiliations=new.affiliations if names_someone else old.affiliations,
        roles=new.roles if names_someone else old.roles,
        unknown_speakers=new.unknown_speakers if names_someone else old.unknown_speakers,
        date=new.date or old.date,
    )
