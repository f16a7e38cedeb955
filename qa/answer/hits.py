"""The records of a search: a hit (a statement found for a question, with its scores and why
it matched) and the result of one question's search."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qa.corpus.statements import Statement
from qa.question.understanding import Understanding


@dataclass(frozen=True)
class Hit:
    """A statement found for a question, with its scores and why it matched."""

    row: int  # the statement's id in its store
    statement: Statement | None  # read from the store only for the hits returned
    score: float
    dense: float
    bm25: float
    matched_by: tuple[str, ...]
    said_order: int | None = None  # position of the date said on the corpus timeline
    coverage: float = 0.0  # share of the topic's distinctive words (or synonyms) it holds
    # Shown after the relevant statements because its filter allows it (FILTER_SHOWN), not
    # judged to be on the topic.
    further: bool = False
    # None of the topic's distinctive words, which other statements do hold: its meaning
    # alone must then be closer to answer (WORDLESS_MARGIN).
    wordless: bool = False
    filtered: bool = False  # found within the question's filters


@dataclass(frozen=True)
class SearchResult:
    understood: Understanding
    hits: tuple[Hit, ...]
    closest: tuple[Hit, ...]
    answered: bool
    note: str | None
    available: int
    reason: str | None = None  # why nothing was answered: a filter kind, or "relevance"
    # The vectors of the question as asked and of its topic, for plain search
    # (qa/answer/floor.py); None where it does not apply.
    asked: np.ndarray | None = None


def _only_names(hit: Hit) -> bool:
    """Whether a hit passed the filters only by naming who is asked about, not as theirs."""
    return "mention" in hit.matched_by and not {"speaker", "affiliation"} & set(hit.matched_by)
