"""The embedded store: one generation of the index on disk (qa/store/embedded/index.py) read through the
Store interface of qa/store/where.py. Ids are row numbers: row i of every file is statement i."""

from __future__ import annotations

from functools import cached_property

import numpy as np

from qa.corpus.dates import Timeline
from qa.corpus.gazetteer import Gazetteer
from qa.corpus.statements import Statement
from qa.store.base import Facts
from qa.store.embedded import dense as dense_module
from qa.store.embedded.facts import StatementFilter
from qa.store.embedded.index import Index
from qa.store.where import EVERYTHING, Where


class EmbeddedStore:
    """The index's statements, vectors, keyword postings and filter facts, by row."""

    def __init__(self, index: Index, filters: StatementFilter):
        self.index = index
        self.filters = filters
        self.size = len(index)
        self.model_id = index.manifest["model"]["id"]
        self.weights_sha256 = index.manifest["model"]["weights_sha256"]
        self.timeline = filters.timeline
        self.skipped = list(index.manifest.get("corpus", {}).get("skipped", []))
        self._prefixes: dict[str, list[str]] = {}

    @classmethod
    def of_index(cls, index: Index, gazetteer: Gazetteer) -> EmbeddedStore:
        corpus = index.manifest.get("corpus", {})
        timeline = Timeline(corpus.get("timeline_start_month", 1), corpus.get("timeline_season"))
        # Bound to the keyword index, not to the store: no cycle keeps a closed store's lease
        # alive.
        postings = index.bm25.holding_all
        return cls(
            index, StatementFilter.load(index.folder / "facts", gazetteer, timeline, postings)
        )

    def close(self) -> None:
        self.index.close()

    # -- records --------------------------------------------------------------------------
    def statements(self, ids) -> list[Statement]:
        return [self.index.statements[int(i)] for i in ids]

    def statement_ids(self, ids) -> list[str]:
        return [self.index.statements.id_of(i) for i in ids]

    def vectors(self, ids) -> np.ndarray:
        rows = np.asarray(ids, dtype=np.int64)
        vectors = self.index.vectors
        if not len(rows):
            return np.empty((0, vectors.shape[1]), dtype=np.float32)
        return np.asarray(vectors[rows], dtype=np.float32)

    def facts(self, ids) -> Facts:
        return self.filters.facts(ids)

    @property
    def vocabularies(self) -> dict[str, list[str]]:
        return self.filters.vocabularies

    @cached_property
    def _speaker_places(self) -> dict[str, str]:
        """Each named speaker's most frequent affiliation (the first met among equals), counted
        over arrays: a million rows take no Python loop."""
        filters = self.filters
        speakers = np.asarray(filters.speaker_codes, dtype=np.int64)
        affiliations = np.asarray(filters.affiliation_codes, dtype=np.int64)
        both = (speakers > 0) & (affiliations > 0)
        if not both.any():
            return {}
        width = len(filters.affiliations)
        pairs, first, counts = np.unique(
            speakers[both] * width + affiliations[both], return_index=True, return_counts=True
        )
        speaker, affiliation = pairs // width, pairs % width
        order = np.lexsort((first, -counts, speaker))
        leads = order[np.r_[True, speaker[order][1:] != speaker[order][:-1]]]
        return {filters.speakers[speaker[i]]: filters.affiliations[affiliation[i]] for i in leads}

    def speaker_places(self) -> dict[str, str]:
        return self._speaker_places

    # -- filters --------------------------------------------------------------------------
    def ids(self, where: Where, among=None, limit: int | None = None) -> np.ndarray:
        return self.filters.ids(where, among, limit)

    def count(self, where: Where) -> int:
        return self.size if where == EVERYTHING else len(self.filters.ids(where))

    def allows_any(self, where: Where) -> bool:
        return self.filters.allows_any(where)

    def allows_fewer(self, where: Where) -> bool:
        return self.count(where) < self.size

    # -- dense ----------------------------------------------------------------------------
    def dense(self, vector: np.ndarray, k: int, where: Where) -> tuple[np.ndarray, np.ndarray]:
        allowed = None if where == EVERYTHING else self.ids(where)
        return dense_module.top(self.index.vectors, self.index.dense, vector, k, allowed)

    # -- keywords -------------------------------------------------------------------------
    def keywords(self, tokens: list[str], k: int, where: Where) -> tuple[np.ndarray, np.ndarray]:
        allowed = None if where == EVERYTHING else self.ids(where)
        rows, scores = self.index.bm25.top(tokens, k, allowed)
        keep = scores > 0
        return rows[keep], scores[keep]

    def keyword_scores(self, tokens: list[str], ids) -> np.ndarray:
        return self.index.bm25.scores_of(tokens, np.asarray(ids, dtype=np.int64))

    def has_word(self, token: str) -> bool:
        return token in self.index.bm25.vocab

    def words_starting(self, prefix: str) -> list[str]:
        if prefix not in self._prefixes:
            self._prefixes[prefix] = self.index.bm25.vocab.starting_with(prefix)
        return self._prefixes[prefix]
