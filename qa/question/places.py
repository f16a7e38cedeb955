"""Places a question names: the gazetteer's places and their aliases, the words only a
question uses for them ("the bloc"), peoples in the plural ("the Czechs"), and short names
typed in lower case ("the eu")."""

from __future__ import annotations

import re

from qa.corpus.gazetteer import Gazetteer
from qa.question.lexicon import PLACE_WORDS
from qa.question.spans import Span, overlaps


def place_pattern(gazetteer: Gazetteer) -> re.Pattern:
    """Any name of a place or organisation, as a question may write it."""
    names = {a for p in gazetteer.places for a in (p.name, *p.aliases)} | set(PLACE_WORDS)
    long = sorted({a for a in names if len(a) > 3}, key=len, reverse=True)
    short = sorted({a for a in names if len(a) <= 3}, key=len, reverse=True)
    long_body = "|".join(re.escape(a) for a in long)
    short_body = "|".join(re.escape(a) for a in short)
    # A people named in the plural ("the Czechs") is the place too.
    return re.compile(rf"(?<![\w.])(?:(?i:{long_body})(?i:s)?|{short_body})(?:['’]s)?(?![\w])")


def named_place(gazetteer: Gazetteer, words: str):
    """The place or organisation words stand for, including question-only names."""
    bare = re.sub(r"['’]s$", "", words.strip())
    if bare.lower() in PLACE_WORDS:
        return gazetteer.place(PLACE_WORDS[bare.lower()])
    found = gazetteer.place(words)
    if found is None and len(bare) <= 3 and bare.islower():
        found = gazetteer.place(bare.upper())  # "the eu", read where a speaker goes
    if found is None and len(bare) > 4 and bare.lower().endswith("s"):
        found = gazetteer.place(bare[:-1])  # "the Czechs", "Lithuanians"
    return found


def places_typed(text: str, pattern: re.Pattern, place) -> list[Span]:
    """Places named in a question, and short names typed in lower case after "the" ("what
    did the eu say": "us" alone is a pronoun, "the us" is not); `pattern` is `place_pattern`'s
    and `place(words)` the place words stand for."""
    found = [Span(text, *m.span()) for m in pattern.finditer(text)]
    for m in re.finditer(r"(?<![\w.])the\s+(?P<short>[a-z]{2,3})(?![\w.])", text):
        span = m.span("short")
        if place(m.group("short").upper()) and not overlaps(span, [s.span() for s in found]):
            found.append(Span(text, *span))
    return sorted(found, key=lambda s: s.begin)
