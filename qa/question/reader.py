"""Reading a question: who it asks about (speaker, country or organisation, role), when,
what kind of answer it wants, and the topic words left once those are taken out; what it
makes of them is an Understanding (qa/question/understanding.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cached_property

from qa.corpus.dates import Timeline, find_dates
from qa.corpus.gazetteer import Gazetteer
from qa.corpus.names import speaker_owner
from qa.question.intent import intent_span, lead_in_removed, refusal
from qa.question.lexicon import (
    PLACE_WORDS,
    QUESTION_WORDS,
    TIME_FILLERS,
    closest_name,
    topic_expansion,
)
from qa.question.regions import RegionReader
from qa.question.roles import GENERIC_HEADS, ROLE_HEADS, ROLE_MODIFIERS, RoleReader
from qa.question.understanding import Understanding
from qa.question.when import DateRange, DateReader

MAX_QUESTION_CHARS = 2000
SPEECH_WORDS = (
    r"say|said|says|saying|think|thinks|thought|want|wants|wanted|propose|proposed|proposes|"
    r"claim|claimed|claims|write|wrote|written|writes|post|posted|tell|told|tells|announce|"
    r"announced|argue|argued|warn|warned|believe|believes|believed|suggest|suggested|mean|meant|"
    r"stance|position|positions|view|views|comment|comments|commented|remarks|statement|"
    r"statements|react|reacted|respond|responded|stated|declare|declared|insist|insisted|"
    r"promise|promised|pledge|pledged|demand|demanded|call|called|offer|offered|express|"
    r"expressed|discuss|discussed|reveal|revealed|admit|admitted|deny|denied|stress|stressed|"
    r"note|noted|add|added|joke|joked|predict|predicted|weighed in|weigh in|weighs in|"
    r"message|messages|argument|arguments|verdict|assessment|interview|interviews|speech|"
    r"tweet|tweeted|op-ed|"
    r"quote|quoted|quotes|opinion|talk|talked|speak|spoke|speaks|mention|mentioned|report|"
    r"reported|reports"
)
SPEECH_SET = set(SPEECH_WORDS.split("|"))
_SPEECH = re.compile(rf"\b(?:{SPEECH_WORDS})\b", re.IGNORECASE)
# Verbs (and a few adjectives) of taking a stance: their grammatical subject is who is asked
# about, as a speech verb's is ("Has the Kremlin ruled out ...", "Is Italy against ..."). They
# say what the stance is about, so they stay in the topic ("accept" meets "accept or reject").
# Verbs of expecting, hoping and fearing are left out: what is expected is as often told by a
# report about the actor ("the US expects Europe to do more") as in the actor's own words.
STANCE_WORDS = (
    r"rul(?:e|es|ed|ing)\s+out|reject(?:s|ed|ing)?|back(?:s|ed|ing)?|support(?:s|ed|ing)?|"
    r"oppos(?:e|es|ed|ing)|accept(?:s|ed|ing)?|plan(?:s|ned|ning)?|agree(?:s|d|ing)?|"
    r"welcom(?:e|es|ed|ing)|endors(?:e|es|ed|ing)|favou?r(?:s|ed|ing)?|resist(?:s|ed|ing)?|"
    r"refus(?:e|es|ed|ing)|urg(?:e|es|ed|ing)|(?:push|press)(?:es|ed|ing)?\s+for|"
    r"(?:call|ask)(?:s|ed|ing)?\s+for|object(?:s|ed|ing)?\s+to|approv(?:e|es|ed|ing)|"
    r"dismiss(?:es|ed|ing)?|condemn(?:s|ed|ing)?|critici[sz](?:e|es|ed|ing)|"
    r"turn(?:s|ed|ing)?\s+down|intend(?:s|ed|ing)?|seek(?:s|ing)?|sought|"
    r"prefer(?:s|red|ring)?|threaten(?:s|ed|ing)?|vow(?:s|ed|ing)?|conced(?:e|es|ed|ing)|"
    r"acknowledg(?:e|es|ed|ing)|send(?:s|ing)?|sent|contribut(?:e|es|ed|ing)|"
    r"commit(?:s|ted|ting)?|calling|willing|open\s+to|opposed\s+to|against|"
    r"in\s+favou?r\s+of|keen\s+on|committed\s+to"
)
# Verbs that only frame a stance ("How does Rome feel about ...", "Where does Canada stand on
# ...", "What does Costa make of ..."): not the topic, as a speech verb is not.
FRAME_WORDS = (
    r"feel(?:s|ing)?|felt|see(?:s|ing)?|saw|regard(?:s|ed)?|consider(?:s|ed)?|"
    r"stand(?:s|ing)?|make\s+of"
)
_STANCE_AT_END = re.compile(rf"\b(?:{STANCE_WORDS})$", re.IGNORECASE)
# A question whose subject comes between its auxiliary and a verb of stance or saying: "Does
# Moscow accept ...", "Where does Canada stand on ...", "Is Zelensky still pushing for ...".
_ACTOR_SUBJECT = re.compile(
    r"^(?:(?:how|where|what)\s+)?(?:has|have|had|did|does|do|is|are|was|were|would|will|can|"
    r"could)\s+(?P<subject>(?:[^\W\d_][\w’'\-.]*\s+){1,5}?)"
    r"(?:(?:still|ever|already|now|really|also|actually|publicly|officially|openly|not|even|"
    r"yet|so far)\s+)*"
    rf"(?P<verb>{STANCE_WORDS}|{FRAME_WORDS}|{SPEECH_WORDS})\b",
    re.IGNORECASE,
)
# Where a name the corpus does not know stands as who speaks: after the question's auxiliary
# ("What did Starmer say", "Did Scholz say", "What's Orban's stance"), or owning a word for what
# is said at the start ("Starmer's stance on troops"); the possessive is no part of the name.
_NAME = r"[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*){0,3}"
_UNKNOWN_NAME = re.compile(
    r"(?:\b(?i:did|does|do|has|have|had|is|are|was|were|would|will)\s+|\b(?i:what|how)['’]s\s+)"
    rf"(?P<whole>(?P<name>{_NAME})(?:['’]s)?)\s|^(?P<owned>(?P<owner>{_NAME})['’]s)\s"
)
# Words a subject may hold besides names, places and titles ("the Czech president", "Italy or
# France").
_SUBJECT_GLUE = {"the", "a", "an", "and", "or", "both", "either", "its", "their", "his", "her"}
_FILTER_LEAD = re.compile(r"\b(?:according to|from|by)\s*$", re.IGNORECASE)
# "statements from Russia", "any comments by Canada": a speech noun names who speaks.
_SPEECH_NOUN_LEAD = re.compile(
    r"\b(?:statements?|quotes?|comments?|remarks|words|reactions?|responses?|messages?|"
    r"anything|something|everything|news)\s+(?:from|by)\s*(?:the\s+)?$"
    # "the views of Italy", but not "Meloni's view of NATO": there NATO is what it is about
    r"|(?<!['’]s\s)\b(?:views?|positions?|stance|opinions?|take|thoughts|words|line)\s+of\s+"
    r"(?:the\s+)?$",
    re.IGNORECASE,
)
# A possessive before a word for what someone says: the possessor speaks ("Rome's line").
_POSSESSIVE_SPEECH = re.compile(
    r"['’]s\s+(?:take|line|reaction|response|thoughts|words|answer|reply|"
    r"message|position|view|views|stance|remarks|comments|verdict|assessment)\b",
    re.IGNORECASE,
)
_FOLLOW_UP = re.compile(
    r"^\s*(?:(?:and|but|also|now|so|ok|okay)\b[\s,]*)*(?:(?:what about|how about|what of|"
    r"(?:the )?same(?: question| thing)? (?:for|with|about|to)|as for|and for|only|just|then|"
    r"anything(?: else)?(?: about| on)?|"
    r"something(?: about| on)|any word (?:about|on)|more (?:about|on))\b)?",
    re.IGNORECASE,
)
SCAFFOLD = QUESTION_WORDS
# "Only quotes", "just the direct quotations", "quotes only": passages of the quote kind.
_QUOTES_ONLY = re.compile(
    r"\b(?:only|just)\s+(?:the\s+)?(?:direct\s+|exact\s+|verbatim\s+|actual\s+)?"
    r"(?:quotes|quotations)\b|\b(?:quotes|quotations)\s+only\b"
    # "Any direct quotes?": the kind asked for, not a topic
    r"|\b(?:any|the)\s+(?:direct|exact|verbatim|actual)\s+(?:quotes|quotations)\b"
)
# An order asked in words: "Who was the first to ...", "most recently", "the latest on ...".
_ORDER = re.compile(
    r"\b(?P<earliest>(?:the\s+)?first\s+(?:one\s+|person\s+)?to|(?<=who\s)first|earliest|"
    r"first\s+time|initially|oldest)\b"
    r"|\b(?P<latest>most\s+recent(?:ly)?|latest|newest|(?:the\s+)?last\s+(?:one\s+|person\s+)?to|"
    r"last\s+time)\b",
    re.IGNORECASE,
)
# A topic that only points back ("about it", "on that"): the last question's, in a chat.
_TOPIC_BACK = re.compile(r"\b(?:about|on|regarding|of|with)\s+(?:it|that|this|them|those)\b")
# Words that join or point at who is asked about ("Zelensky himself", "Italy or France", "what
# did each say"): never the topic.
_NO_TOPIC = {"himself", "herself", "themselves", "itself", "or", "either", "neither", "nor",
             "both", "each"}  # fmt: skip
# Words that, after a name's possessive, make the name the employer, not the speaker.
_AIDE_WORDS = {"chief", "head", "minister", "envoy", "ambassador", "spokesperson", "spokesman",
               "spokeswoman", "aide", "adviser", "advisor", "secretary", "deputy",
               "representative", "diplomat", "staff", "negotiator", "top", "foreign", "defense",
               "defence", "press"}  # fmt: skip


# What a name's possessive speaks through: "Meloni's office" speaks for Meloni.
_OWN = re.compile(r"\s+(?:office|team|camp|government|administration)\b")


@dataclass(frozen=True)
class _Span:
    """A stretch of the question read like a regular-expression match."""

    string: str
    begin: int
    finish: int

    def group(self, _=0) -> str:
        return self.string[self.begin : self.finish]

    def span(self) -> tuple[int, int]:
        return self.begin, self.finish

    def start(self) -> int:
        return self.begin

    def end(self) -> int:
        return self.finish


class QuestionReader:
    """Reads questions against what a corpus knows: its speakers, places, roles and dates."""

    def __init__(
        self,
        statements,
        gazetteer: Gazetteer,
        timeline: Timeline,
        speakers: list[str] | None = None,
        speaker_places: dict[str, str] | None = None,
        mentioned=None,
        rows_naming=None,
    ):
        """`statements` is only read to place events in time; `speakers` (who the corpus
        quotes) and `speaker_places` (where each serves) are taken from them when not given;
        `mentioned(name)` says whether the corpus text has a name at all; `rows_naming(words)`
        gives the rows that may name an event (from the keyword index), so that placing an
        event in time reads those records only, not every statement."""
        self.statements = statements
        self.gazetteer = gazetteer
        self.timeline = timeline
        self._speakers = speakers
        self._speaker_places = speaker_places
        self._mentioned = mentioned
        self._rows_naming = rows_naming
        self.dates = DateReader(timeline, self._event_date)

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
    def speaker_places(self) -> dict[str, str]:
        """Speaker name -> the country or organisation they speak for."""
        table = dict(self._speaker_places or {})
        if self._speaker_places is None:
            for s in self.statements:
                owner = speaker_owner(s.speaker)
                if owner and s.affiliation:
                    table.setdefault(owner, s.affiliation)
        for person in self.gazetteer.people:
            if person.affiliation:
                table.setdefault(person.name, person.affiliation)
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
        names = {a for p in self.gazetteer.places for a in (p.name, *p.aliases)} | set(PLACE_WORDS)
        long = sorted({a for a in names if len(a) > 3}, key=len, reverse=True)
        short = sorted({a for a in names if len(a) <= 3}, key=len, reverse=True)
        long_body = "|".join(re.escape(a) for a in long)
        short_body = "|".join(re.escape(a) for a in short)
        # A people named in the plural ("the Czechs") is the place too.
        return re.compile(rf"(?<![\w.])(?:(?i:{long_body})(?i:s)?|{short_body})(?:['’]s)?(?![\w])")

    def _places_typed(self, text: str) -> list[_Span]:
        """Places named in a question, and short names typed in lower case after "the" ("what
        did the eu say": "us" alone is a pronoun, "the us" is not)."""
        found = [_Span(text, *m.span()) for m in self._place_pattern.finditer(text)]
        for m in re.finditer(r"(?<![\w.])the\s+(?P<short>[a-z]{2,3})(?![\w.])", text):
            span = m.span("short")
            if self.place(m.group("short").upper()) and not _overlaps(
                span, [s.span() for s in found]
            ):
                found.append(_Span(text, *span))
        return sorted(found, key=lambda s: s.begin)

    def place(self, words: str):
        """The place or organisation words stand for, including question-only names."""
        bare = re.sub(r"['’]s$", "", words.strip())
        if bare.lower() in PLACE_WORDS:
            return self.gazetteer.place(PLACE_WORDS[bare.lower()])
        found = self.gazetteer.place(words)
        if found is None and len(bare) <= 3 and bare.islower():
            found = self.gazetteer.place(bare.upper())  # "the eu", read where a speaker goes
        if found is None and len(bare) > 4 and bare.lower().endswith("s"):
            found = self.gazetteer.place(bare[:-1])  # "the Czechs", "Lithuanians"
        return found

    def resolve_speaker(self, words: str) -> str | None:
        """The speaker a name, surname or alias stands for (typos forgiven), or None."""
        bare = re.sub(r"['’]s$", "", words.strip()).lower()
        return self.speaker_aliases.get(bare) or closest_name(bare, self.speaker_aliases)

    def resolve_date(self, words: str, kind: str | None = None) -> DateRange | None:
        """A date or month written by a user ("Feb. 1", "March", "end of December"), as a
        range; `kind` is "since" or "until" to open one side."""
        return self.dates.resolve(words, kind)

    # ----------------------------------------------------------------------------------
    def read(self, question: str, context: Understanding | None = None) -> Understanding:
        """Understand one question; a follow-up borrows what it leaves out from `context`."""
        original = " ".join(question.split())[:MAX_QUESTION_CHARS]
        refused = refusal(original, self._mentioned)
        text = lead_in_removed(original)
        speech = self._actor_verb(text) or _SPEECH.search(text)
        text, slips = RoleReader(self).spelt(text, speech.start() if speech else len(text))
        intent, asking = intent_span(text)
        speech = self._actor_verb(text) or _SPEECH.search(text)
        taken: list[tuple[int, int]] = []

        date, date_spans = self.dates.read(text)
        taken += date_spans
        order = next((m for m in _ORDER.finditer(text) if not _overlaps(m.span(), taken)), None)
        if order:
            taken.append(order.span())  # "Who was the first to ...": an order, not a topic
        taken += [m.span() for m in TIME_FILLERS.finditer(text) if not _overlaps(m.span(), taken)]
        if speech and _overlaps(speech.span(), taken):
            speech = None
        verb_at = speech.start() if speech else None
        # A verb of stance or framing, not of saying: who is asked about takes a stance
        stance = bool(speech) and not _SPEECH.search(speech.group(0))
        if speech:
            # the speech verb is not part of the topic; a verb of stance is, its adverbs not
            stance_verb = _STANCE_AT_END.search(speech.group(0))
            taken.append(
                (speech.start(), speech.start() + stance_verb.start())
                if stance_verb
                else speech.span()
            )

        follow = _FOLLOW_UP.match(text)  # "And ...", "Same question for ...", "Only ..."

        def in_filter_position(start: int, end: int) -> bool:
            lead = _FILTER_LEAD.search(text[:start])
            if asking and asking[0] <= start and end <= asking[1]:
                return True  # "Which Canadian minister ...": who is asked for
            if intent == "who":
                return bool(lead) and lead.group(0).lower().startswith(("according", "by"))
            if verb_at is not None and start < verb_at:
                return True
            if _POSSESSIVE_SPEECH.match(text, max(end - 2, 0)):
                return True  # "What's Rome's line on ...", "Canada's take on ...": who speaks
            if lead and (lead.group(0).lower().startswith(("according", "by")) or verb_at is None):
                return True
            if _SPEECH_NOUN_LEAD.search(text[:start]):
                return True
            before = text[follow.end() if follow.end() <= start else 0 : start]
            if re.search(
                r"\b(?:anything|something|word|more)\b.*\b(?:about|on)$",
                follow.group(0).rstrip().lower(),
            ):
                return False  # "Anything about NATO?": what is asked about, not who speaks
            if re.match(r"^[\s,]*(?:the\s+)?$", before):
                return verb_at is None  # "And Canada?", "Same for the EU", "Only Italy"
            return False

        speakers, corrections = self._read_speakers(text, taken, in_filter_position)
        corrections = slips + corrections
        affiliations = RegionReader(self).read(text, taken, in_filter_position, not speakers)
        roles, unknown, sources = [], [], []
        people: list[tuple[int, int]] = []  # "leaders", "officials" of nowhere in particular
        for role, span in RoleReader(self).read(text, taken, in_filter_position):
            if role.words[-1] in GENERIC_HEADS and role.place is None:
                people.append(span)
                continue
            taken.append(span)
            if role.words[-1] in GENERIC_HEADS:
                if role.place not in affiliations:
                    affiliations.append(role.place)
                continue
            roles.append(role)
        for m in self._places_typed(text):
            if _overlaps(m.span(), taken) or not in_filter_position(*m.span()):
                continue
            place = self.place(m.group(0))
            if place is None:
                continue
            taken.append(m.span())
            if not speakers and not roles and place.name not in affiliations:
                affiliations.append(place.name)
        if asking and not _overlaps(asking, taken):
            taken.append(asking)
        if not speakers and not affiliations and not roles and intent != "who":
            name = self._unknown_name(text, taken, verb_at)
            if name:
                if self._mentioned is not None and self._mentioned(name[0]):
                    sources.append(name[0])
                else:
                    unknown.append(name[0])
                taken.append(name[1])

        for m in _POSSESSIVE_SPEECH.finditer(text):
            if _overlaps((m.start() - 1, m.start()), taken):
                taken.append(m.span())  # "Rome's line on ...": the word for what is said
        lowered = text.lower()
        if follow.group(0).strip():
            taken.append(follow.span())  # "Same question for NATO": the lead words ask, not what
        quotes = _QUOTES_ONLY.search(lowered)
        if quotes:
            taken.append(quotes.span())  # "just the direct quotes" asks for a kind, not a topic
        about = bool(speech and stance and (speakers or affiliations))
        if about:
            # The actor asked about stays a topic word: reports that name it and statements of
            # its own that name it are closer to the question than its other statements.
            subject = _ACTOR_SUBJECT.match(text)
            if subject:
                begin, end = subject.span("subject")
                taken = [s for s in taken if not (begin <= s[0] and s[1] <= end)]
        topic = _topic(text, taken + people) or _topic(text, taken)
        if not about:
            topic = self._without_own_place(topic, speakers, affiliations, roles)
        if refused == "forecast" and date is not None and date.start is not None:
            # "Who will meet on March 27?": an event the statements date; "by the end of the
            # year" is a deadline for what will happen, a forecast still
            refused = None
        concepts = self._concepts(topic)
        kind = "quote" if quotes else None
        follow_up = bool(context) and (
            bool(follow.group(0).strip())
            or (not topic and not speech)
            or (not topic and bool(_TOPIC_BACK.search(lowered)))
            or bool(kind)
        )
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
            sources=tuple(sources),
            corrections=tuple(corrections),
            refusal=refused,
            kind=kind,
            order=("earliest" if order.group("earliest") else "latest") if order else None,
            concepts=concepts,
            about=about,
        )
        if follow_up and context is not None:
            return _merge(understanding, context)
        return understanding

    def _without_own_place(self, topic: str, speakers, affiliations, roles) -> str:
        """The topic without the place every statement the filter allows already has ("What
        did Pavel say about Czech elections?" asks Pavel about elections): within the filter
        that word tells no statement from another. Kept when it is all the topic says."""
        own = set(affiliations) | {r.place for r in roles if r.place}
        own |= {self.speaker_places[s] for s in speakers if s in self.speaker_places}
        if not own or not topic:
            return topic
        kept = []
        for word in re.findall(r"\S+", topic):
            place = self.place(word)
            if place is None or place.name not in own:
                kept.append(word)
        return " ".join(kept) if kept else topic

    def _concepts(self, topic: str) -> tuple[tuple[str, ...], ...]:
        """The topic's words, each with its synonyms; a place or organisation the topic calls
        otherwise ("the alliance", "Kyiv", "the Kremlin") is one concept with its name."""
        concepts: list[tuple[str, ...]] = []
        covered: list[tuple[int, int]] = []
        for m in self._place_pattern.finditer(topic):
            place = self.place(m.group(0))
            if place:
                bare = re.sub(r"['’]s$", "", m.group(0))
                concepts.append((bare, place.name) if place.name != bare else (bare,))
                covered.append(m.span())
        for m in re.finditer(r"[^\W_]+(?:['’\-][^\W_]+)*", topic):
            if not _overlaps(m.span(), covered):
                concepts.append((m.group(0), *topic_expansion([m.group(0)])))
        return tuple(concepts)

    def _actor_verb(self, text: str) -> _Span | None:
        """The verb of stance or saying whose subject is an actor ("Has the Kremlin ruled out
        ...": "ruled out"), or None when the subject is something else ("Did the minerals deal
        include ...", "Does the agreement support ...")."""
        m = _ACTOR_SUBJECT.match(text)
        if m is None or re.search(r"['’]s?\s*$", m.group("subject")):
            return None  # "Is Meloni's plan realistic?": a possessive owns a noun, no verb
        if not all(self._may_be_actor(w) for w in m.group("subject").split()):
            return None
        return _Span(text, m.end("subject"), m.end("verb"))  # with "still", "not", ...

    def _may_be_actor(self, word: str) -> bool:
        """Whether a word of a question's subject may belong to who is asked about: a name
        (capitalised, or a corpus speaker or place typed in lower case), a title, or glue."""
        bare = re.sub(r"['’]s?$", "", word).lower()
        return (
            word[0].isupper()
            or bare in _SUBJECT_GLUE
            or bare in ROLE_HEADS
            or bare in ROLE_MODIFIERS
            or self.place(word) is not None
            or self.resolve_speaker(word) is not None
        )

    # ----------------------------------------------------------------------------------
    def _read_speakers(self, text, taken, in_filter_position):
        """Speakers named exactly or nearly ("Zelenskiy", "Rute"); a name's possessive before
        a role ("Zelensky's chief of staff") names the employer, not the speaker."""
        speakers: list[str] = []
        corrections: list[tuple[str, str]] = []
        for m in self._speaker_pattern.finditer(text) if self._speaker_pattern else ():
            if _overlaps(m.span(), taken) or not in_filter_position(*m.span()):
                continue
            if self._names_employer(text, m):
                continue
            name = self.speaker_aliases[re.sub(r"['’]s$", "", m.group(0)).lower()]
            if name not in speakers:
                speakers.append(name)
            start = m.start()
            given = self._given_name_typed(text, start, name, taken)
            if given is not None:
                corrections.append((text[given : m.end()], name))
                start = given
            own = _OWN.match(text[m.end() :])
            taken.append((start, m.end() + (own.end() if own else 0)))
        if speakers:
            return speakers, corrections
        # Names as typed: a word or two in a speaker's place, close to a corpus name.
        candidates = [
            t
            for t in re.finditer(r"[^\W\d_][\w’'\-]*", text)
            if not _overlaps(t.span(), taken) and self._may_name(text, t, in_filter_position)
        ]
        k = 0
        while k < len(candidates):
            token = candidates[k]
            pair = candidates[k + 1] if k + 1 < len(candidates) else None
            joined = pair is not None and text[token.end() : pair.start()].strip() == ""
            spans = [(token.start(), pair.end())] if joined else []
            spans.append(token.span())
            for start, end in spans:
                typed = re.sub(r"['’]s$", "", text[start:end])
                name = closest_name(typed, self.speaker_aliases)
                if name is None or self._names_employer(text, _Span(text, start, end)):
                    continue
                if name not in speakers:
                    speakers.append(name)
                    if typed.lower() not in self.speaker_aliases:
                        corrections.append((typed, name))
                taken.append((start, end))
                k += 1 if end == token.end() else 2
                break
            else:
                k += 1
        return speakers, corrections

    def _given_name_typed(self, text: str, at: int, name: str, taken) -> int | None:
        """Where a mistyped given name starts just before a surname found as typed ("Bil
        Blair", "Karolina Leavitt"), or None: it belongs to the name, not to the topic."""
        parts = name.split()
        # a middle initial may stand between ("Donald J. Trump")
        before = re.search(r"([^\W\d_][\w’'\-]*)\s+(?:[A-Z]\.?\s+)?$", text[:at])
        if len(parts) < 2 or before is None or _overlaps(before.span(1), taken):
            return None
        typed = before.group(1)
        if typed.lower() == parts[0].lower() and before.end(1) + 1 < at:
            return before.start(1)  # the given name as written, and an initial
        if typed.lower() in SCAFFOLD or typed.lower() == parts[0].lower() or len(typed) < 3:
            return None
        if closest_name(typed, {parts[0].lower(): name}, minimum=3) is None:
            return None
        return before.start(1)

    def _may_name(self, text: str, token: re.Match, in_filter_position) -> bool:
        """Whether a word could be a speaker's name typed loosely: not a question word, verb,
        title or place, and where a name goes (capitalised, or after "did"/"by")."""
        word = token.group(0)
        bare = re.sub(r"['’]s$", "", word).lower()
        return not (
            len(bare) < 4
            or bare in SCAFFOLD
            or bare in SPEECH_SET
            or bare in ROLE_HEADS
            or bare in ROLE_MODIFIERS
            or self.gazetteer.place(word)
            or not in_filter_position(*token.span())
            or not (word[0].isupper() or _in_speaker_slot(text, token.start()))
        )

    def _names_employer(self, text: str, match: re.Match) -> bool:
        """Whether a name's possessive is followed by a title ("Zelensky's chief of staff",
        "Zelensky's UN ambassador", "Meloni's foreign minister"): the name is the employer."""
        if not re.search(r"['’]s$", match.group(0)):
            return False
        if _OWN.match(text[match.end() :]):
            return False  # "Erdogan's government" speaks for Erdogan
        for word in re.findall(r"[\w\-.]+", text[match.end() :])[:3]:
            bare = word.lower().strip(".")
            if bare in _AIDE_WORDS or bare in ROLE_HEADS:
                return True
            if not (bare in ROLE_MODIFIERS or self.place(word)):
                return False
        return False

    def _unknown_name(self, text, taken, verb_at):
        """A capitalised name in the speaker's place that the corpus does not know."""
        if verb_at is None:
            return None
        for m in _UNKNOWN_NAME.finditer(text[:verb_at] + " "):
            name = m.group("name") or m.group("owner")
            span = m.span("whole") if m.group("name") else m.span("owned")
            if name.lower() not in SCAFFOLD and not _overlaps(span, taken):
                return name, span
        return None

    def _event_date(self, phrase: str) -> int | None:
        """The date the corpus gives an event ("the Paris summit on March 27")."""
        words = re.sub(r"^(?:the|a|an)\s+", "", phrase.strip(), flags=re.IGNORECASE)
        if len(words) < 3:
            return None
        pattern = re.compile(
            rf"\b{re.escape(words)}\b(?P<gap>[^.]{{0,25}}?)\b(?:on|of)\s+$", re.IGNORECASE
        )
        candidates = self.statements
        if self._rows_naming is not None:
            rows = self._rows_naming(words)
            if rows is None:  # no keyword to look up: nothing the corpus could date
                return None
            candidates = (self.statements[int(r)] for r in rows)
        for statement in candidates:
            for mention in find_dates(statement.passage):
                if pattern.search(statement.passage[: mention.start]):
                    return self.timeline.span(mention)[0]
        return None


def _in_speaker_slot(text: str, at: int) -> bool:
    """Whether a lower-case word sits where a speaker's name goes ("what did rute say")."""
    return bool(
        re.search(
            r"\b(?:did|does|has|have|had|was|is|by|from|according to)\s+(?:\w+\s+)?$",
            text[:at],
            re.IGNORECASE,
        )  # fmt: skip
    )


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in taken)


def _topic(text: str, taken: list[tuple[int, int]]) -> str:
    """The question's words outside its filters and its question scaffolding."""
    chars = list(text)
    for start, end in taken:
        for i in range(start, min(end, len(chars))):
            chars[i] = " "
    rest = "".join(chars)
    words = re.findall(r"(?:[A-Za-z]\.){2,}|[^\W_]+(?:['’\-][^\W_]+)*", rest)
    kept = [w for w in words if w.lower() not in SCAFFOLD and w.lower() not in _NO_TOPIC]
    return " ".join(kept)


def _merge(new: Understanding, old: Understanding) -> Understanding:
    """A follow-up keeps the previous topic and whatever filter kind it does not name."""
    names_someone = bool(
        new.speakers or new.affiliations or new.roles or new.unknown_speakers or new.sources
    )
    roles = new.roles
    places = {r.place for r in old.roles if r.place} | set(old.affiliations)
    if roles and not (new.speakers or new.affiliations) and len(places) == 1:
        # "Just the defence minister" after "What did the Canadian ministers say?": of Canada
        place = next(iter(places))
        roles = tuple(r if r.place else replace(r, place=place) for r in roles)
    return replace(
        new,
        intent=old.intent if new.intent == "what" else new.intent,
        topic=new.topic or old.topic,
        speakers=new.speakers if names_someone else old.speakers,
        affiliations=new.affiliations if names_someone else old.affiliations,
        roles=roles if names_someone else old.roles,
        unknown_speakers=new.unknown_speakers if names_someone else old.unknown_speakers,
        about=new.about if names_someone else old.about,
        sources=new.sources if names_someone else old.sources,
        date=new.date or old.date,
        kind=new.kind or old.kind,
        order=new.order or old.order,
        concepts=new.concepts if new.topic else old.concepts,
    )
