"""Speakers a question names: the corpus's speakers by full name, surname or alias (typos
forgiven, a mistyped given name included), and a name the corpus does not quote standing
where a speaker goes."""

from __future__ import annotations

import re

from qa.corpus.entities import (
    ambiguous_names,
    initials,
    is_title_word,
    people_by_surname,
    read_form,
    speaker_value,
    surname_of,
)
from qa.corpus.gazetteer import Gazetteer
from qa.corpus.people import ORGANISATION_WORDS
from qa.corpus.subject_words import HONORIFICS
from qa.question.lexicon import QUESTION_WORDS as SCAFFOLD
from qa.question.lexicon import closest_name
from qa.question.nicknames import same_given_name
from qa.question.roles import ROLE_HEADS, ROLE_MODIFIERS
from qa.question.spans import Span, overlaps
from qa.question.speech import FRAME_WORDS, SPEECH_SET, SPEECH_WORDS, STANCE_WORDS

# Where a name the corpus does not know stands as who speaks: after the question's auxiliary
# ("What did Starmer say", "Did Scholz say", "What's Orban's stance"), or owning a word for what
# is said at the start ("Starmer's stance on troops"); the possessive is no part of the name.
_NAME = r"[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*){0,3}"
_UNKNOWN_NAME = re.compile(
    r"(?:\b(?i:did|does|do|has|have|had|is|are|was|were|would|will)\s+|\b(?i:what|how)['’]s\s+)"
    rf"(?P<whole>(?P<name>{_NAME})(?:['’]s)?)\s|^(?P<owned>(?P<owner>{_NAME})['’]s)\s"
)
# Words that, after a name's possessive, make the name the employer, not the speaker.
_AIDE_WORDS = {"chief", "head", "minister", "envoy", "ambassador", "spokesperson", "spokesman",
               "spokeswoman", "aide", "adviser", "advisor", "secretary", "deputy",
               "representative", "diplomat", "staff", "negotiator", "top", "foreign", "defense",
               "defence", "press"}  # fmt: skip
# An honorific just before a name ("Sen.", "Ms."): no topic word.
_HONORIFIC_BEFORE = re.compile(
    r"(?<![\w.])(?:" + "|".join(re.escape(h) for h in sorted(HONORIFICS, key=len, reverse=True))
    + r")\s+$", re.IGNORECASE
)  # fmt: skip
# What a name's possessive speaks through: "Meloni's office" speaks for Meloni.
_OWN = re.compile(r"\s+(?:office|team|camp|government|administration)\b")


# A group of speakers a name stands for, and the ambiguity it carries: (the bare name, the
# people it may be), or None.
Expansion = tuple[tuple[str, ...], tuple[str, tuple[str, ...]] | None]


def speaker_names(statements, speakers: list[str] | None) -> set[str]:
    """The speakers (entities) a corpus quotes: `speakers` or, when not given, the statements'."""
    if speakers is not None:
        return {n for n in speakers if n}
    return {v for v in (speaker_value(s) for s in statements) if v}


def speaker_expansions(names: set[str]) -> dict[str, Expansion]:
    """What a speaker name resolved from a question stands for when its surname is shared:
    a surname two or more people of the corpus bear is each of them, and the bare name
    written alone. A full name is the person alone: the statements of the bare name may be
    theirs or another's, and are not given to them; the reply says they exist. Each with the
    ambiguity, for the reply to say; a name not listed stands for itself."""
    bare = ambiguous_names(names)
    found: dict[str, Expansion] = {}
    for surname, people in people_by_surname(names).items():
        if len(people) < 2:
            continue
        written = [n for n, shared in bare.items() if shared == people]
        label = written[0] if written else _surname_as_written(people[0], surname)
        ambiguity = (label, people)
        found[label] = (people + tuple(written[:1]), ambiguity)
        for person in people if written else ():
            found[person] = ((person,), ambiguity)  # the bare name's statements not taken
    return found


def _surname_as_written(name: str, surname: str) -> str:
    return next((w for w in reversed(name.split()) if w.lower().rstrip(".") == surname), surname)


def speaker_alias_table(
    statements, gazetteer: Gazetteer, speakers: list[str] | None
) -> dict[str, str]:
    """Lower-cased alias -> speaker name (full names, surnames, gazetteer aliases), of
    `speakers` or, when not given, of whoever the statements quote. A surname several
    speakers bear stands for the bare name (see `speaker_expansions`)."""
    table: dict[str, str] = {}
    names = speaker_names(statements, speakers)
    shared = {label.lower(): label for label in speaker_expansions(names)
              if len(label.split()) == 1}  # fmt: skip
    for person in gazetteer.people:
        names.add(person.name)
    places = {a.lower() for p in gazetteer.places for a in (p.name, *p.aliases)}
    for name in sorted(n for n in names if n):
        if name.lower() in places:
            continue
        table[name.lower()] = name
        form = read_form(name)
        if form is not None and form.full:  # "Jane Roe" for "Jane Q. Roe"
            table.setdefault(" ".join(form.words).lower(), name)
            table.setdefault(f"{form.key[0]} {form.surname}", name)  # "Joseph Biden"
        person = gazetteer.person(name)
        for alias in person.aliases if person else ():
            table.setdefault(alias.lower(), name)
        # "Biden" of "Joseph R. Biden Jr.": a suffix is no surname
        family = form.surname if form is not None and form.full else None
        last = next((w for w in reversed(name.split()) if w.lower().rstrip(".") == family),
                    name.split()[-1])  # fmt: skip
        # A person's surname stands for them; an organisation's last word is a common noun
        # ("the fund" is not the International Monetary Fund).
        if (
            len(name.split()) > 1
            and len(last) > 2
            and last[0].isupper()
            and last.lower() not in ORGANISATION_WORDS
        ):
            table.setdefault(last.lower(), name)
            # A surname with its particles ("de Blasio" of "Bill de Blasio"), typed with a
            # capital or not: the longer alias wins, and the particle is not the topic.
            surname = _with_particles(name.split())
            if surname != last:
                table.setdefault(surname.lower(), name)
    for name in sorted(n for n in names if n and read_form(n) is None):
        # An organisation by its initials ("What did the CBO say?"), three letters or more
        letters = initials(name)
        if letters is not None and len(letters) >= 3 and letters.lower() not in places:
            table.setdefault(letters.lower(), name)
    table.update(shared)
    return table


def speaker_place_table(
    statements, gazetteer: Gazetteer, known: dict[str, str] | None
) -> dict[str, str]:
    """Speaker name -> the country or organisation they speak for: `known`, or when not given,
    what the statements say; the gazetteer's people besides."""
    table = dict(known or {})
    if known is None:
        for s in statements:
            owner = speaker_value(s)
            if owner and s.affiliation:
                table.setdefault(owner, s.affiliation)
    for person in gazetteer.people:
        if person.affiliation:
            table.setdefault(person.name, person.affiliation)
    return table


def _with_particles(words: list[str]) -> str:
    """The last word of a name with the lower-case words before it, after a given name
    ("de Blasio", "van der Berg")."""
    at = len(words) - 1
    while at > 1 and words[at - 1].isalpha() and words[at - 1].islower():
        at -= 1
    return " ".join(words[at:])


def speaker_pattern(speaker_aliases: dict[str, str]) -> re.Pattern | None:
    """Any of the speakers' aliases, with or without a possessive; None when there are none."""
    aliases = sorted(speaker_aliases, key=len, reverse=True)
    if not aliases:
        return None
    body = "|".join(re.escape(a) for a in aliases)
    return re.compile(rf"(?<![\w])(?:{body})(?:['’]s)?(?![\w])", re.IGNORECASE)


class SpeakerReader:
    """Reads speakers' names against what a question reader knows of speakers and places."""

    def __init__(self, reader):
        self.reader = reader
        # People a question names by a corpus speaker's surname and another given name, and
        # where: no speaker of the corpus ("Melania Trump" where Donald Trump speaks).
        self.others: list[str] = []
        self.other_spans: list[tuple[int, int]] = []

    def read(self, text, taken, in_filter_position):
        """Speakers named exactly or nearly ("Zelenskiy", "Rute"); a name's possessive before
        a role ("Zelensky's chief of staff") names the employer, not the speaker."""
        speakers: list[str] = []
        corrections: list[tuple[str, str]] = []
        others: list[tuple[int, int]] = []  # another person of a speaker's surname
        pattern = self.reader._speaker_pattern
        for m in pattern.finditer(text) if pattern else ():
            if overlaps(m.span(), taken) or not in_filter_position(*m.span()):
                continue
            if self._names_employer(text, m) or _modifies_a_noun(text, m):
                continue
            name = self.reader.speaker_aliases[re.sub(r"['’]s$", "", m.group(0)).lower()]
            person = self._given_person(text, m)
            if person is not None and person[0] is None:
                others.append((person[1], m.end()))
                self.other_spans.append((person[1], m.end()))
                self.others.append(re.sub(r"['’]s$", "", text[person[1] : m.end()]))
                continue
            if person is not None:  # "Ingrd Vale": the one of that surname nearly so named
                name, given = person
                typed = re.sub(r"['’]s$", "", text[given : m.end()])
                if " " in name and typed.lower() != name.lower():
                    corrections.append((typed, name))
            if name not in speakers:
                speakers.append(name)
            start = person[1] if person is not None else m.start()
            given = None if person else self._given_name_typed(text, start, name, taken)
            if given is not None:
                corrections.append((text[given : m.end()], name))
                start = given
            own = _OWN.match(text[m.end() :])
            title = _HONORIFIC_BEFORE.search(text[:start])  # "Sen. Holt": the title goes too
            start = title.start() if title else start
            taken.append((start, m.end() + (own.end() if own else 0)))
        if speakers:
            return speakers, corrections
        # Names as typed: a word or two in a speaker's place, close to a corpus name.
        candidates = [
            t
            for t in re.finditer(r"[^\W\d_][\w’'\-]*", text)
            if not overlaps(t.span(), taken + others)
            and self._may_name(text, t, in_filter_position)
        ]  # fmt: skip
        k = 0
        while k < len(candidates):
            token = candidates[k]
            pair = candidates[k + 1] if k + 1 < len(candidates) else None
            joined = pair is not None and text[token.end() : pair.start()].strip() == ""
            spans = [(token.start(), pair.end())] if joined else []
            spans.append(token.span())
            for start, end in spans:
                typed = re.sub(r"['’]s$", "", text[start:end])
                name = closest_name(typed, self.reader.speaker_aliases)
                if name is None or self._names_employer(text, Span(text, start, end)):
                    continue
                if name not in speakers:
                    speakers.append(name)
                    if typed.lower() not in self.reader.speaker_aliases:
                        corrections.append((typed, name))
                taken.append((start, end))
                k += 1 if end == token.end() else 2
                break
            else:
                k += 1
        return speakers, corrections

    def unknown_name(self, text, taken, verb_at):
        """A capitalised name in the speaker's place that the corpus does not know."""
        if verb_at is None:
            return None
        for m in _UNKNOWN_NAME.finditer(text[:verb_at] + " "):
            name = m.group("name") or m.group("owner")
            span = m.span("whole") if m.group("name") else m.span("owned")
            if name.lower() not in SCAFFOLD and not overlaps(span, taken):
                return name, span
        return None

    def _given_name_typed(self, text: str, at: int, name: str, taken) -> int | None:
        """Where a mistyped given name starts just before a surname found as typed ("Bil
        Blair", "Karolina Leavitt"), or None: it belongs to the name, not to the topic."""
        parts = name.split()
        # a middle initial may stand between ("Donald J. Trump")
        before = re.search(r"([^\W\d_][\w’'\-]*)\s+(?:[A-Z]\.?\s+)?$", text[:at])
        if len(parts) < 2 or before is None or overlaps(before.span(1), taken):
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
        mentioned = self.reader._mentioned
        after_article = re.search(r"\b(?i:the|a|an)\s+$", text[: token.start()]) is not None
        return not (
            len(bare) < 4
            # "the founder": a lower-case word after an article, or one the corpus writes, is
            # a word of the language, not a name typed loosely; so is a word after an article
            # that the corpus writes ("the Police" where it writes "police")
            or (word.islower() and after_article)
            or ((word.islower() or after_article) and mentioned is not None and mentioned(bare))
            or bare in SCAFFOLD
            or bare in SPEECH_SET
            or bare in ROLE_HEADS
            or bare in ROLE_MODIFIERS
            or self.reader.gazetteer.place(word)
            or not in_filter_position(*token.span())
            or not (word[0].isupper() or _in_speaker_slot(text, token.start()))
        )

    def _given_person(self, text: str, match: re.Match) -> tuple[str | None, int] | None:
        """For a surname found alone, written after a given name: the speaker of that
        surname with that given name, or nearly ("Ingrd Vale" for Ingrid Vale), and where the
        given name starts (the surname itself when the corpus writes none in full); (None,
        start) when none has it ("Melania Trump" where only Donald Trump and Ivanka Trump
        speak: another person, never one of them); None when no given name stands before it."""
        alias = re.sub(r"['’]s$", "", match.group(0)).lower()
        before = re.search(r"([A-Z][\w’'\-]*)\s+$", text[: match.start()])
        if before is None and text.islower():  # typed all in lower case: "elizabeth warren"
            before = re.search(r"([^\W\d_][\w’'\-]*)\s+$", text[: match.start()])
        if " " in alias or before is None:
            return None
        word = re.sub(r"['’]s$", "", before.group(1)).lower()
        if (
            word in SCAFFOLD or word in SPEECH_SET or word in ROLE_HEADS
            or word in ROLE_MODIFIERS or word + "." in HONORIFICS
            or any(is_title_word(part) for part in word.split("-"))
            or self.reader.place(word)
        ):  # fmt: skip
            return None
        people = {n for n in self.reader.speaker_aliases.values() if surname_of(n) == alias}
        if not people:  # the corpus writes that speaker by surname alone: the given name goes
            return self.reader.speaker_aliases[alias], before.start(1)
        called = next((n for n in people if same_given_name(word, n.split()[0])), None)
        if called is not None:  # "Joe Biden" for Joseph R. Biden Jr.
            return called, before.start(1)
        given = {n.split()[0].lower(): n for n in people}
        return closest_name(word, given, minimum=3), before.start(1)

    def _names_employer(self, text: str, match: re.Match) -> bool:
        """Whether a name's possessive is followed by a title ("Zelensky's chief of staff",
        "Zelensky's UN ambassador", "Meloni's foreign minister"): the name is the employer."""
        if not re.search(r"['’]s$", match.group(0)):
            return False
        if _OWN.match(text[match.end() :]):
            # "Erdogan's government" speaks for Erdogan; "the head of Zelensky's office" is
            # the one who serves him
            before = re.search(r"([\w\-]+)\s+of\s+(?:the\s+)?$", text[: match.start()])
            return bool(before) and before.group(1).lower() in _AIDE_WORDS | ROLE_HEADS
        for word in re.findall(r"[\w\-.]+", text[match.end() :])[:3]:
            bare = word.lower().strip(".")
            if bare in _AIDE_WORDS or bare in ROLE_HEADS:
                return True
            if not (bare in ROLE_MODIFIERS or self.reader.place(word)):
                return False
        return False


# A word shaped as an adjective ("Democratic", "Republican", "Hispanic"), and what may follow it
# before the noun it qualifies ("Republican and Democratic claims").
_ADJECTIVE = re.compile(r"(?:ic|ican|ian|ese|ish)$", re.IGNORECASE)
_AUXILIARY = re.compile(r"\b(?:did|does|do|will|would|can|could|should)\b", re.IGNORECASE)
_VERB = re.compile(rf"(?:{STANCE_WORDS}|{FRAME_WORDS}|{SPEECH_WORDS})", re.IGNORECASE)


def _modifies_a_noun(text: str, match: re.Match) -> bool:
    """Whether a one-word name shaped as an adjective qualifies the lower-case noun after it
    ("Democratic claims", "Republican and Democratic senators"): a kind of thing, no speaker."""
    word = match.group(0)
    if " " in word or re.search(r"['’]s$", word) or not _ADJECTIVE.search(word):
        return False
    rest = text[match.end() :]
    gap = re.match(r"(?:\s+(?:and|or)\s+[A-Z][\w\-]*)*\s+([a-z][\w\-]*)", rest)
    if gap is None:
        return False
    noun = gap.group(1)
    if noun in SCAFFOLD:
        return False
    if not (noun in SPEECH_SET or _VERB.fullmatch(noun)):
        return True
    # "How did PolitiFact rate ... Democratic claims": after an auxiliary the verb has no -s
    return bool(_AUXILIARY.search(text[: match.start()])) and re.search(r"[^s]s$", noun) is not None


def _in_speaker_slot(text: str, at: int) -> bool:
    """Whether a lower-case word sits where a speaker's name goes ("what did rute say")."""
    return bool(
        re.search(
            r"\b(?:did|does|has|have|had|was|is|by|from|according to)\s+(?:\w+\s+)?$",
            text[:at],
            re.IGNORECASE,
        )  # fmt: skip
    )
