"""Word coverage: the share of a topic's distinctive words (or other words for them) that
each statement holds, the part of relevance that meaning alone does not give."""

from __future__ import annotations

from functools import cached_property

import numpy as np

from qa.answer.filters import AttributionWords
from qa.answer.spelling import Spelling
from qa.store.base import Store
from qa.store.where import And, Mentions, Not, Where, either

# A word held by more than this share of the statements is not distinctive of any of them.
COMMON_WORD_SHARE = 0.5


class Coverage:
    """The coverage of a topic's concepts by the statements of one store."""

    def __init__(self, store: Store, spelling: Spelling):
        self.store = store
        self.spelling = spelling
        self._attributed: dict[frozenset, Where] = {}

    def coverage(self, concepts: tuple[tuple[str, ...], ...], ids) -> np.ndarray:
        """For each id, the share of the topic's distinctive concepts it holds, each counted
        when the statement has the word or another word for it, weighted by how rare it is. A
        word most statements hold ("Ukraine" in a feed about Ukraine) says nothing and is not
        counted."""
        return self.coverage_and_worded(concepts, ids)[0]

    def coverage_and_worded(self, concepts, ids) -> tuple[np.ndarray, bool]:
        """`coverage`, and whether any statement of the store holds a distinctive concept."""
        worded = False
        ids = np.asarray(ids, dtype=np.int64)
        n = self.store.size
        total = np.zeros(len(ids), dtype=np.float32)
        weight_sum = 0.0
        for concept in concepts:
            tokens = self.spelling.concept_tokens(concept)
            if not tokens:
                continue
            holding = either(*(Mentions((t,)) for t in dict.fromkeys(tokens)))
            # A word of a statement's own attribution ("NATO" in "NATO Secretary General Mark
            # Rutte said") is not the statement speaking about it.
            present = And((holding, Not(self._attributed_with(set(tokens)))))
            share = self.store.count(present) / n if n else 1.0
            if share > COMMON_WORD_SHARE:
                continue
            worded = worded or share > 0
            weight = float(np.log(1.0 + 1.0 / max(share, 1.0 / n)))
            total += weight * np.isin(ids, self.store.ids(present, among=ids))
            weight_sum += weight
        return (total / weight_sum if weight_sum else total), worded

    @cached_property
    def _attribution(self) -> AttributionWords:
        return AttributionWords(self.store.vocabularies)

    def _attributed_with(self, tokens: set[str]) -> Where:
        key = frozenset(tokens)
        if key not in self._attributed:
            self._attributed[key] = self._attribution.where(tokens)
        return self._attributed[key]
