"""Where, to whom or at which event something was said: "at the Brussels summit", "in an
interview with Italian television", "to the press", the object of "tell" ("told the German
press"). Such a phrase after a verb of saying names the occasion, not what was said: a question
that names who speaks is answered with their statements, those that mention the occasion's
words first (qa/answer/preference.py), and the phrase is no topic of its own.

"What did X say about Y at the Z summit?" keeps Y as its topic; a trailing "at" or "during"
phrase is an occasion only when it names an event by its name, so that "women in senior jobs
at the Justice Department" and "not appearing at a public hearing" stay whole."""

from __future__ import annotations

import re
from collections.abc import Callable

from qa.question.spans import overlaps

# Words that name an event or a way of speaking to the public: an "at", "during" or "in"
# phrase holding one says where something was said.
_OCCASION_WORDS = re.compile(
    r"\b(?:summit|meeting|conference|talks|visit|trip|call|vote|signing|negotiations|forum|"
    r"session|council|ceremony|address|gathering|rally|hearing|debate|briefing|event|"
    r"opening|dinner|parliament|assembly|congress|interview|speech|op-ed|article|column|"
    r"post|tweet|letter|podcast|programme|program|show|broadcast|television|tv|radio|press|"
    r"newspaper|paper|channel|broadcaster|media)s?\b",
    re.IGNORECASE,
)
# "in response to", "in favour of": a preposition of the topic, not of the occasion.
_NOT_OCCASION = re.compile(
    r"(?:response|reply|reaction|regard|relation|addition|favou?r|support|light|terms|return|"
    r"exchange|particular|general|detail|principle|theory|practice|case|order)\b",
    re.IGNORECASE,
)
_DETERMINER = r"(?:the|a|an|his|her|their|its|this|that)\s+"
# Where an occasion's words end: the topic's lead, a clause, a purpose, the end of a sentence.
_END = re.compile(
    r"\s+(?:about|on|regarding|concerning|over|that|when|why|how|whether|if|to|and|or|"
    r"after|before|since|until|for)\b|\s*[?.!,;:]|\s*$",
    re.IGNORECASE,
)
# A verb of telling: its object is who was told ("tell Italian television"), never "me".
_TELLING = re.compile(r"^(?:tell|tells|told|telling)$", re.IGNORECASE)
# Verbs of addressing: "to" after them names who was spoken to ("said to the press").
_ADDRESSING = re.compile(
    r"^(?:say|said|says|speak|spoke|speaks|talk|talked|talks|write|wrote|writes|announce|"
    r"announced|declare|declared)$",
    re.IGNORECASE,
)
_LEAD = re.compile(
    r"\s+(?:(?:anything|something|much)\s+)?(?P<lead>at|during|in|to)?\s*", re.IGNORECASE
)
_TRAILING = re.compile(
    r"\s(?P<lead>at|during)\s+(?P<words>[^?.!,;:]+?)\s*[?.!]*\s*$", re.IGNORECASE
)


def read_occasion(
    text: str, verb: re.Match, taken: list[tuple[int, int]], is_place: Callable[[str], bool]
) -> tuple[str, tuple[int, int]] | None:
    """The occasion a verb of saying (`verb`, a match in `text`) is given, as its words and
    the span of its phrase, or None. `taken` are the spans already read (a date, a filter),
    which an occasion never holds; `is_place(words)` says whether words name a place."""
    found = _after_verb(text, verb, taken, is_place)
    if found is None:
        found = _trailing(text, verb, taken)
    return found


def _after_verb(text, verb, taken, is_place):
    lead = _LEAD.match(text, verb.end())
    if lead is None:
        return None
    word = lead.group("lead")
    if word is None and not _TELLING.match(verb.group(0)):
        return None
    if word is not None and word.lower() == "to" and not _ADDRESSING.match(verb.group(0)):
        return None  # "What did Macron propose to end ...": a purpose, not an audience
    begin = lead.end()
    end = _phrase_end(text, begin, taken)
    words = text[begin:end].strip()
    bare = re.sub(rf"^{_DETERMINER}", "", words, flags=re.IGNORECASE)
    if not bare or re.match(r"(?:me|us|you|him|her|them)\b", bare, re.IGNORECASE):
        return None
    if word is not None and not _names_occasion(word.lower(), words, bare, is_place):
        return None
    return bare, (lead.start("lead") if word else begin, end)


def _names_occasion(lead: str, words: str, bare: str, is_place) -> bool:
    """Whether a phrase after "at", "during", "in" or "to" says where or to whom."""
    if _NOT_OCCASION.match(bare):
        return False
    named = bare[0].isupper() or is_place(bare)
    if lead == "to":
        # "to the press", "to Congress"; "to end the war" is what was said
        return named or words != bare
    return named or bool(_OCCASION_WORDS.search(bare))


def _trailing(text, verb, taken):
    """ "... about Y at the Z summit": an event at the end of the question."""
    m = _TRAILING.search(text, verb.end())
    if m is None:
        return None
    bare = re.sub(rf"^{_DETERMINER}", "", m.group("words"), flags=re.IGNORECASE)
    if not _OCCASION_WORDS.search(bare) or overlaps(m.span("words"), taken):
        return None
    if not re.search(r"\b[A-Z]", bare):
        return None  # "not appearing at a public hearing": only a named event is sure
    if re.search(r"\b(?:about|on|regarding|concerning)\b", bare, re.IGNORECASE):
        return None  # "at the summit about ...": the topic follows
    return bare, (m.start("lead"), m.end("words"))


def _phrase_end(text: str, begin: int, taken: list[tuple[int, int]]) -> int:
    """Where a phrase starting at `begin` ends: at a word that opens another part of the
    question, or at the first stretch already read (a date)."""
    end = _END.search(text, begin)
    stop = end.start() if end else len(text)
    for start, _ in sorted(taken):
        if begin <= start < stop:
            stop = start
    return len(text[:stop].rstrip())
