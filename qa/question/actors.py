"""The actor a question asks about as the subject of a verb of stance or saying ("Has the
Kremlin ruled out ...", "Where does Canada stand on ..."), told apart from a subject that is
a thing ("Did the minerals deal include ...")."""

from __future__ import annotations

import re

from qa.question.roles import ROLE_HEADS, ROLE_MODIFIERS
from qa.question.spans import Span
from qa.question.speech import FRAME_WORDS, SPEECH_WORDS, STANCE_WORDS

# A question whose subject comes between its auxiliary and a verb of stance or saying: "Does
# Moscow accept ...", "Where does Canada stand on ...", "Is Zelensky still pushing for ...".
ACTOR_SUBJECT = re.compile(
    r"^(?:(?:how|where|what)\s+)?(?:has|have|had|did|does|do|is|are|was|were|would|will|can|"
    r"could)\s+(?P<subject>(?:[^\W\d_][\w’'\-.]*\s+){1,5}?)"
    r"(?:(?:still|ever|already|now|really|also|actually|publicly|officially|openly|not|even|"
    r"yet|so far)\s+)*"
    rf"(?P<verb>{STANCE_WORDS}|{FRAME_WORDS}|{SPEECH_WORDS})\b",
    re.IGNORECASE,
)
# Words a subject may hold besides names, places and titles ("the Czech president", "Italy or
# France").
_SUBJECT_GLUE = {"the", "a", "an", "and", "or", "both", "either", "its", "their", "his", "her"}


def actor_verb(text: str, reader) -> Span | None:
    """The verb of stance or saying whose subject is an actor ("Has the Kremlin ruled out
    ...": "ruled out"), or None when the subject is something else ("Did the minerals deal
    include ...", "Does the agreement support ..."); `reader` knows the places and speakers."""
    m = ACTOR_SUBJECT.match(text)
    if m is None or re.search(r"['’]s?\s*$", m.group("subject")):
        return None  # "Is Meloni's plan realistic?": a possessive owns a noun, no verb
    if not all(_may_be_actor(w, reader) for w in m.group("subject").split()):
        return None
    return Span(text, m.end("subject"), m.end("verb"))  # with "still", "not", ...


def _may_be_actor(word: str, reader) -> bool:
    """Whether a word of a question's subject may belong to who is asked about: a name
    (capitalised, or a corpus speaker or place typed in lower case), a title, or glue."""
    bare = re.sub(r"['’]s?$", "", word).lower()
    return (
        word[0].isupper()
        or bare in _SUBJECT_GLUE
        or bare in ROLE_HEADS
        or bare in ROLE_MODIFIERS
        or reader.place(word) is not None
        or reader.resolve_speaker(word) is not None
    )
