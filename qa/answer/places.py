"""Places and organisations that modify a topic's words ("NATO" in "NATO's spending
target"), and the statements that only such a name, not the subject, matched."""

from __future__ import annotations

import re

import numpy as np

from qa.answer.coverage import Coverage
from qa.corpus.gazetteer import Gazetteer
from qa.question.understanding import Understanding
from qa.store.base import Store
from qa.text import written_words

# A statement that holds a place or organisation modifying the topic ("NATO" in "NATO's
# spending target") and none of the topic's other words has the name count as covering the
# topic only when the topic is this much closer to it than the place alone is; otherwise the
# shared name made the match, and its meaning alone judges it.
ENTITY_GAIN = 0.15


def place_text(u: Understanding, gazetteer: Gazetteer) -> str | None:
    """The places and organisations that modify the next word of a topic ("NATO" in
    "NATO's spending target", "Russian" in "Russian economy"), or None."""
    words = written_words(u.topic)
    heads = {re.sub(r"['’]s$", "", w): i for i, w in enumerate(words)}
    places = [
        c[0]
        for c in _places(u, gazetteer)
        if c[0] in heads
        and heads[c[0]] + 1 < len(words)
        and not gazetteer.place(words[heads[c[0]] + 1])
    ]
    return " ".join(places) if places else None


def named_only(
    u: Understanding,
    rows,
    place_vector,
    dense_of,
    store: Store,
    gazetteer: Gazetteer,
    coverage: Coverage,
) -> list[int]:
    """Statements that hold a place modifying the topic ("NATO" of "NATO's budget") and
    none of the topic's other distinctive words, and that the whole topic is not
    ENTITY_GAIN closer to than the place alone: the name, not the subject, matched."""
    modifiers = (place_text(u, gazetteer) or "").split()
    places = tuple(c for c in _places(u, gazetteer) if c[0] in modifiers)
    others = tuple(c for c in u.concepts if not _is_place(c, gazetteer))
    held_place = coverage.coverage(places, rows) > 0
    held_other = coverage.coverage(others, rows) > 0
    place_cos = store.vectors(rows) @ np.asarray(place_vector)
    return [
        int(row)
        for row, place, other, cos in zip(rows, held_place, held_other, place_cos)
        if place and not other and dense_of[int(row)] - float(cos) < ENTITY_GAIN
    ]


def _places(u: Understanding, gazetteer: Gazetteer) -> tuple[tuple[str, ...], ...]:
    return tuple(c for c in u.concepts if _is_place(c, gazetteer))


def _is_place(concept: tuple[str, ...], gazetteer: Gazetteer) -> bool:
    return any(gazetteer.place(word) for word in concept[:2])
