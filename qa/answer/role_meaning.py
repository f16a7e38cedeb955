"""Role phrases in the user's own words ("the alliance chief", "the press chief") matched to
the corpus's own role titles by meaning: the phrase and the titles are encoded by the engine's
encoder and compared by cosine. A title matched this way is a preference, not a filter: its
statements rank first, the others stay (qa/answer/filters.py, qa/answer/preference.py)."""

from __future__ import annotations

import re
from functools import cached_property

import numpy as np

from qa.question.lexicon import OFFICE_MODIFIERS, role_matches

# How close (cosine) a phrase must be to a corpus title to be read as it, and how much closer
# than to any other title: fitted on the role phrases of the tuning questions (evals/, the
# external sets) and their paraphrases, 39 naming a title of the seeds and 28 naming none.
# The paraphrases that pass read their title right ("the alliance chief" 0.84, ahead by
# 0.31; "a senior envoy" 0.78 by 0.23; "the press chief" 0.65 by 0.17), but for "top
# diplomat" (a senior diplomat, not the foreign minister), which the lexicon reads first.
# Every phrase naming no title of the corpus is either further ("the Japanese emperor" 0.40,
# "the king" 0.52) or no closer to one title than to the next ("opposition leader" 0.60 by
# 0.07, "the army chief" 0.59 by 0.07): MiniLM puts any two titles of office near each other.
ROLE_MEANING = 0.55
ROLE_GAP = 0.10


class RoleMeanings:
    """The corpus's role titles (a store's normalised vocabulary) and their vectors, encoded
    once, on the first phrase that needs them."""

    def __init__(self, titles: list[str], encoder):
        self.titles = list(titles)
        self.encoder = encoder

    @cached_property
    def vectors(self) -> np.ndarray:
        return _unit(self.encoder.encode(self.titles)) if self.titles else np.zeros((0, 1))

    def known(self, words: tuple[str, ...]) -> bool:
        """Whether the lexicon's reading of a role names a title the corpus has."""
        return any(role_matches(words, title) for title in self.titles)

    def closest(self, phrases: list[str]) -> tuple[str, ...]:
        """The corpus title the phrases (ways of writing one role) mean, when one is at least
        ROLE_MEANING close to one of them and ROLE_GAP closer than any other title; else ()."""
        scores = self.scores(phrases)
        if not len(scores):
            return ()
        # A deputy foreign minister is not the foreign minister, a former or vice president
        # not the president: a title is read only with the same words that change the office.
        changes = {w for p in phrases for w in re.split(r"[\s\-]+", p.lower())} & OFFICE_MODIFIERS
        for k, title in enumerate(self.titles):
            if set(re.split(r"[\s\-]+", title)) & OFFICE_MODIFIERS != changes:
                scores[k] = -1.0
        order = np.argsort(-scores, kind="stable")
        best = float(scores[order[0]])
        second = float(scores[order[1]]) if len(order) > 1 else 0.0
        if best < ROLE_MEANING or best - second < ROLE_GAP:
            return ()
        return (self.titles[order[0]],)

    def scores(self, phrases: list[str]) -> np.ndarray:
        """For each title, its best cosine to one of the phrases."""
        phrases = [p for p in phrases if p.strip()]
        if not phrases or not self.titles:
            return np.zeros(0)
        return (_unit(self.encoder.encode(phrases)) @ self.vectors.T).max(axis=0)


def _unit(vectors) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1, norms)
