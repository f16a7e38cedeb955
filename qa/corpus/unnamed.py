"""Unnamed sources: a person the text describes without naming ("a spokeswoman for Hillary
Clinton", "McConnell aides", "his lawyer", "two officials") is read into a role, the words of
the description after its determiner, with the place they name as the affiliation. Whose the
person is stays in the role's words ("spokeswoman for Hillary Clinton", "Clinton's spokesman"),
as it does for a named person's title; no name is ever taken from them."""

from __future__ import annotations

import re

from qa.corpus.attribution import (
    DESCRIBED_HEADS,
    PERSON_HEADS,
    Attribution,
    _is_demonym_like,
)
from qa.corpus.gazetteer import Gazetteer

# Nouns of the role lexicon that name a body, a crowd or anyone at all rather than a post
# someone holds: "the campaign", "police", "people" speak, but have no role.
NOT_ROLES = {
    "campaign", "group", "organization", "organisation", "company", "firm", "network",
    "newspaper", "paper", "union", "agency", "department", "administration", "government",
    "ministry", "office", "committee", "board", "court", "team", "party", "staff", "family",
    "police", "authorities", "people", "person", "man", "woman", "democrat", "republican",
    "conservative", "liberal", "bank", "fund", "foundation", "institute", "association",
    "coalition", "alliance", "university", "hospital", "studio", "magazine", "website", "station",
}  # fmt: skip
UNNAMED_HEADS = (PERSON_HEADS | DESCRIBED_HEADS) - NOT_ROLES
# Words that say whose the person is: "a spokeswoman for", "aides to", "officials at".
OWNER_PREPOSITIONS = frozenset("for to at with of in on from".split())
# Of these, the ones after which a place is the one the person serves ("a spokesman for the
# Russian foreign ministry", "officials from Iran"), not one they deal with ("an envoy to
# Ukraine", "experts on North Korea").
SERVING = frozenset("for of at from".split())
# Words before the role that are not part of it: "a", "his", "two", "several", "another".
_LEADING = frozenset(
    """a an the this that these those his her its their our my your one two three four five six
    seven eight nine ten several some many few all both each every another other most more no
    any""".split()
)
_WORD = re.compile(r"[\w’'.\-]+")


def is_unnamed_head(word: str) -> bool:
    """A noun for someone who holds a post or a part, in the singular or the plural."""
    bare = word.lower().strip(",.;:")
    return bare in UNNAMED_HEADS or (bare.endswith("s") and bare[:-1] in UNNAMED_HEADS)


def unnamed_source(phrase: str, gazetteer: Gazetteer) -> Attribution | None:
    """The role of an unnamed person the phrase describes, or None when its head noun is not
    one ("the campaign", "the agreement")."""
    words = list(_WORD.finditer(phrase))
    while words and (words[0].group().lower() in _LEADING or words[0].group()[:1].isdigit()):
        words.pop(0)
    if not words:
        return None
    head, owner = words[-1], None
    for i, word in enumerate(words[1:], start=1):
        if word.group().lower() in OWNER_PREPOSITIONS:
            head, owner = words[i - 1], word  # "a spokeswoman for Hillary Clinton"
            break
    if not is_unnamed_head(re.sub(r"['’]s$", "", head.group())):
        return None
    if any(w.group()[:1].isdigit() or w.group()[:1] == "$" for w in words):
        return None  # "the minimum $20 million experts say it costs": a sum, not a source
    role = phrase[words[0].start() : words[-1].end()].rstrip(".,")
    place, place_as_written = None, None
    served = role
    if owner is not None and owner.group().lower() not in SERVING:
        served = phrase[words[0].start() : owner.start()]  # "an envoy to Ukraine" is not Ukraine's
    hits = gazetteer.find_places(served)
    if hits:
        match, place = hits[0]
        place_as_written = match.group(0)
        if (
            match.start() == 0
            and match.end() < len(role)
            and _is_demonym_like(place_as_written, place)
        ):
            role = role[match.end() :].strip()  # "U.S. officials": officials of the U.S.
    return Attribution(phrase, role=role, place=place, place_as_written=place_as_written)
