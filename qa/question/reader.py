"""Reading a question: who it asks about (speaker, country or organisation, role), when,
what kind of answer it wants, and the topic words left once those are taken out; what it
makes of them is an Understanding (qa/question/understanding.py). Each part is decided beside
it (speakers, places, roles, regions, actors, when, intent, topic words, follow-up); the
reader puts them together in order."""

from __future__ import annotations

import re
from functools import cached_property

from qa.corpus.dates import Timeline, find_dates
from qa.corpus.entities import read_form
from qa.corpus.gazetteer import Gazetteer
from qa.question.actors import ACTOR_SUBJECT, actor_verb
from qa.question.follow_up import FOLLOW_UP, is_follow_up, merged
from qa.question.foreign import names_in_other_language
from qa.question.intent import asked_part, intent_span, lead_in_removed, refusal
from qa.question.lexicon import TIME_FILLERS, closest_name
from qa.question.occasion import read_occasion
from qa.question.owners import OwnedRoles
from qa.question.places import named_place, place_pattern, places_typed
from qa.question.regions import RegionReader
from qa.question.role_phrases import RolePhrases
from qa.question.roles import GENERIC_HEADS, RoleReader
from qa.question.spans import overlaps
from qa.question.speakers import (
    Expansion,
    SpeakerReader,
    speaker_alias_table,
    speaker_expansions,
    speaker_names,
    speaker_pattern,
    speaker_place_table,
)
from qa.question.speech import POSSESSIVE_SPEECH, SPEECH, STANCE_AT_END, filter_position
from qa.question.topic_words import topic_concepts, topic_words, without_own_place
from qa.question.understanding import Understanding
from qa.question.when import DateRange, DateReader

MAX_QUESTION_CHARS = 2000
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
        role_meanings=None,
    ):
        """`statements` is only read to place events in time; `speakers` (who the corpus
        quotes) and `speaker_places` (where each serves) are taken from them when not given;
        `mentioned(name)` says whether the corpus text has a name at all; `rows_naming(words)`
        gives the rows that may name an event (from the keyword index), so that placing an
        event in time reads those records only, not every statement; `role_meanings` matches
        role phrases to the corpus's titles by meaning (qa/question/role_phrases.py)."""
        self.statements = statements
        self.gazetteer = gazetteer
        self.timeline = timeline
        self._speakers = speakers
        self._speaker_places = speaker_places
        self._mentioned = mentioned
        self._rows_naming = rows_naming
        self.role_meanings = role_meanings
        self.dates = DateReader(timeline, self._event_date)

    @cached_property
    def speaker_aliases(self) -> dict[str, str]:
        """Lower-cased alias -> speaker name (full names, surnames, gazetteer aliases)."""
        return speaker_alias_table(self.statements, self.gazetteer, self._speakers)

    @cached_property
    def speaker_expansions(self) -> dict[str, Expansion]:
        """Speaker names that stand for several speakers (a surname shared), see
        `speaker_expansions`."""
        return speaker_expansions(speaker_names(self.statements, self._speakers))

    def expanded(self, speakers) -> tuple[tuple[str, ...], tuple]:
        """The speakers a question's names stand for, and the names left ambiguous with the
        people each may be."""
        found: list[str] = []
        ambiguous: list = []
        for name in speakers:
            group, ambiguity = self.speaker_expansions.get(name, ((name,), None))
            found += [n for n in group if n not in found]
            if ambiguity and ambiguity not in ambiguous:
                ambiguous.append(ambiguity)
        return tuple(found), tuple(ambiguous)

    @cached_property
    def speaker_places(self) -> dict[str, str]:
        """Speaker name -> the country or organisation they speak for."""
        return speaker_place_table(self.statements, self.gazetteer, self._speaker_places)

    @cached_property
    def _speaker_pattern(self) -> re.Pattern | None:
        return speaker_pattern(self.speaker_aliases)

    @cached_property
    def _place_pattern(self) -> re.Pattern:
        return place_pattern(self.gazetteer)

    def place(self, words: str):
        """The place or organisation words stand for, including question-only names."""
        return named_place(self.gazetteer, words)

    def resolve_speaker(self, words: str) -> str | None:
        """The speaker a name, surname or alias stands for (typos forgiven), or None."""
        bare = re.sub(r"['’]s$", "", words.strip()).lower()
        form = read_form(words.strip())  # "Ms. Roe", "Sen. Holt": the name without the title
        untitled = form.core.lower() if form is not None else bare
        return (
            self.speaker_aliases.get(bare)
            or self.speaker_aliases.get(untitled)
            or closest_name(untitled, self.speaker_aliases)
        )

    def resolve_date(self, words: str, kind: str | None = None) -> DateRange | None:
        """A date or month written by a user ("Feb. 1", "March", "end of December"), as a
        range; `kind` is "since" or "until" to open one side."""
        return self.dates.resolve(words, kind)

    # ----------------------------------------------------------------------------------
    def read(self, question: str, context: Understanding | None = None) -> Understanding:
        """Understand one question; a follow-up borrows what it leaves out from `context`."""
        original = " ".join(question.split())[:MAX_QUESTION_CHARS]
        asked = asked_part(original)
        refused = refusal(asked, self._mentioned)
        text = lead_in_removed(asked)
        speech = actor_verb(text, self) or SPEECH.search(text)
        text, slips = RoleReader(self).spelt(text, speech.start() if speech else len(text))
        intent, asking = intent_span(text)
        speech = actor_verb(text, self) or SPEECH.search(text)
        taken: list[tuple[int, int]] = []

        date, date_spans = self.dates.read(text)
        taken += date_spans
        order = next((m for m in _ORDER.finditer(text) if not overlaps(m.span(), taken)), None)
        if order:
            taken.append(order.span())  # "Who was the first to ...": an order, not a topic
        taken += [m.span() for m in TIME_FILLERS.finditer(text) if not overlaps(m.span(), taken)]
        if speech and overlaps(speech.span(), taken):
            speech = None
        verb_at = speech.start() if speech else None
        # A verb of stance or framing, not of saying: who is asked about takes a stance
        stance = bool(speech) and not SPEECH.search(speech.group(0))
        if speech:
            # the speech verb is not part of the topic; a verb of stance is, its adverbs not
            stance_verb = STANCE_AT_END.search(speech.group(0))
            taken.append(
                (speech.start(), speech.start() + stance_verb.start())
                if stance_verb
                else speech.span()
            )

        follow = FOLLOW_UP.match(text)  # "And ...", "Same question for ...", "Only ..."
        in_filter_position = filter_position(text, intent, asking, verb_at, follow)

        # "Clinton's campaign manager": whose official speaks, not who
        owned = OwnedRoles(self).read(text, taken, in_filter_position)
        taken += [span for _, span in owned]
        names = SpeakerReader(self)
        speakers, corrections = names.read(text, taken, in_filter_position)
        speakers, ambiguous = self.expanded(speakers)
        speakers = list(speakers)
        corrections = slips + corrections
        affiliations = RegionReader(self).read(text, taken, in_filter_position, not speakers)
        read, unknown, sources = [], [], []
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
            read.append((role, span))
        roles = [role for role, _ in read]
        for m in places_typed(text, self._place_pattern, self.place):
            if overlaps(m.span(), taken) or not in_filter_position(*m.span()):
                continue
            place = self.place(m.group(0))
            if place is None:
                continue
            taken.append(m.span())
            if not speakers and not roles and place.name not in affiliations:
                affiliations.append(place.name)
        roles, meant = RolePhrases(self).read(text, read, taken + people, verb_at,
                                              in_filter_position)  # fmt: skip
        taken += meant
        roles += [role for role, _ in owned if role is not None]
        if asking and not overlaps(asking, taken):
            taken.append(asking)
        if not speakers and names.others:
            # a person of a speaker's surname and another given name: no statement of theirs
            unknown += [n for n in names.others if n not in unknown][:1]
            taken += names.other_spans[:1]
        elif not speakers and not affiliations and not roles and intent != "who":
            name = names.unknown_name(text, taken, verb_at)
            if name:
                if self._mentioned is not None and self._mentioned(name[0]):
                    sources.append(name[0])
                else:
                    unknown.append(name[0])
                taken.append(name[1])

        occasion = ""
        if speech and not stance and intent != "who" and (speakers or affiliations or roles):
            # "at the Brussels summit", "tell Italian television": where or to whom, not what
            found = read_occasion(text, speech, taken, lambda w: self.place(w) is not None)
            if found and not overlaps(found[1], taken):
                occasion = found[0]
                taken.append(found[1])
        for m in POSSESSIVE_SPEECH.finditer(text):
            if overlaps((m.start() - 1, m.start()), taken):
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
            subject = ACTOR_SUBJECT.match(text)
            if subject:
                begin, end = subject.span("subject")
                taken = [s for s in taken if not (begin <= s[0] and s[1] <= end)]
        topic = topic_words(text, taken + people) or topic_words(text, taken)
        if not about:
            topic = without_own_place(topic, speakers, affiliations, roles, self)
        if refused == "forecast" and date is not None and date.start is not None:
            # "Who will meet on March 27?": an event the statements date; "by the end of the
            # year" is a deadline for what will happen, a forecast still
            refused = None
        if not topic and date is not None and date.event:
            occasion = date.event  # "What was announced ahead of the Paris summit?"
        names_only = False
        if refused == "language":
            # Another language: its names are read, its other words are not
            people, places, named = names_in_other_language(asked, self.place,
                                                            self.resolve_speaker)  # fmt: skip
            if people or places:
                speakers, affiliations = people, [] if people else places
                # English spellings of its other words are no reading, nor a place left out
                corrections = [c for c in named if c[1] in (*speakers, *affiliations)]
                refused, names_only, topic, roles, unknown, sources = None, True, "", [], [], []
        concepts = topic_concepts(topic, self)
        kind = "quote" if quotes else None
        follow_up = is_follow_up(context, follow, topic, speech, lowered, kind)
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
            ambiguous=ambiguous,
            occasion=occasion,
            names_only=names_only,
        )
        if follow_up and context is not None:
            return merged(understanding, context)
        return understanding

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
