"""The topic a question leaves once who, when and what kind are taken out: its words, less
the place the filter holds already, and each word with its other words (its concepts)."""

from __future__ import annotations

import re

from qa.question.lexicon import QUESTION_WORDS as SCAFFOLD
from qa.question.lexicon import topic_expansion
from qa.question.spans import overlaps

# Words that join or point at who is asked about ("Zelensky himself", "Italy or France", "what
# did each say"): never the topic.
_NO_TOPIC = {"himself", "herself", "themselves", "itself", "or", "either", "neither", "nor",
             "both", "each"}  # fmt: skip


def topic_words(text: str, taken: list[tuple[int, int]]) -> str:
    """The question's words outside its filters and its question scaffolding."""
    chars = list(text)
    for start, end in taken:
        for i in range(start, min(end, len(chars))):
            chars[i] = " "
    rest = "".join(chars)
    words = re.findall(r"(?:[A-Za-z]\.){2,}|[^\W_]+(?:['’\-][^\W_]+)*", rest)
    kept = [w for w in words if w.lower() not in SCAFFOLD and w.lower() not in _NO_TOPIC]
    return " ".join(kept)


def without_own_place(topic: str, speakers, affiliations, roles, reader) -> str:
    """The topic without the place every statement the filter allows already has ("What
    did Pavel say about Czech elections?" asks Pavel about elections): within the filter
    that word tells no statement from another. Kept when it is all the topic says. `reader`
    knows the places and where each speaker serves."""
    own = set(affiliations) | {r.place for r in roles if r.place}
    own |= {reader.speaker_places[s] for s in speakers if s in reader.speaker_places}
    if not own or not topic:
        return topic
    # A place's whole name goes ("Czech Republic"), never a word of it.
    spans = [m.span() for m in reader._place_pattern.finditer(topic)
             if (place := reader.place(m.group(0))) is not None and place.name in own]  # fmt: skip
    kept = [m.group(0) for m in re.finditer(r"\S+", topic) if not overlaps(m.span(), spans)]
    return " ".join(kept) if kept else topic


def topic_concepts(topic: str, reader) -> tuple[tuple[str, ...], ...]:
    """The topic's words, each with its synonyms; a place or organisation the topic calls
    otherwise ("the alliance", "Kyiv", "the Kremlin") is one concept with its name. `reader`
    knows the places."""
    concepts: list[tuple[str, ...]] = []
    covered: list[tuple[int, int]] = []
    for m in reader._place_pattern.finditer(topic):
        place = reader.place(m.group(0))
        if place:
            bare = re.sub(r"['’]s$", "", m.group(0))
            concepts.append((bare, place.name) if place.name != bare else (bare,))
            covered.append(m.span())
    for m in re.finditer(r"[^\W_]+(?:['’\-][^\W_]+)*", topic):
        if not overlaps(m.span(), covered):
            concepts.append((m.group(0), *topic_expansion([m.group(0)])))
    return tuple(concepts)
