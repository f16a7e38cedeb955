"""The embedded store: one generation of the index on disk (qa/index.py) read through the
Store interface of qa/store.py. Ids are row numbers: row i of every file is statement i."""

from __future__ import annotations

from collections import Counter
from functools import cached_property, partial

import numpy as np

from qa.dates import Timeline
from qa.filters import StatementFilter
from qa.gazetteer import Gazetteer
from qa.index import Index
from qa.statements import Statement
from qa.store import EVERYTHING, Facts, Where

# Filtered dense search is exact (numpy over the rows allowed) up to this many rows, then
# FAISS with an id selector.
EXACT_FILTERED_LIMIT = 200_000
# Keyword scores kept for the last few token lists: a question asks for the top ids and then
# for the scores of the dense candidates, with the same tokens.
CACHED_SCORES = 8


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
        self._scores: dict[tuple[str, ...], tuple[np.ndarray, np.ndarray]] = {}
        self._prefixes: dict[str, list[str]] = {}

    @classmethod
    def of_index(cls, index: Index, gazetteer: Gazetteer) -> EmbeddedStore:
        corpus = index.manifest.get("corpus", {})
        timeline = Timeline(corpus.get("timeline_start_month", 1), corpus.get("timeline_season"))
        # Bound to the index, not to the store: no cycle keeps a closed store's lease alive.
        postings = partial(_holding_all, index)
        return cls(
            index, StatementFilter.load(index.folder / "facts", gazetteer, timeline, postings)
        )

    def close(self) -> None:
        self.index.close()

    # -- records --------------------------------------------------------------------------
    def statements(self, ids) -> list[Statement]:
        return [self.index.statements[int(i)] for i in ids]

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
        filters = self.filters
        places: dict[str, Counter] = {}
        for speaker, affiliation in zip(filters.speaker_codes, filters.affiliation_codes):
            if speaker and affiliation:
                name = filters.speakers[speaker]
                places.setdefault(name, Counter())[filters.affiliations[affiliation]] += 1
        return {name: c.most_common(1)[0][0] for name, c in places.items()}

    def speaker_places(self) -> dict[str, str]:
        return self._speaker_places

    # -- filters --------------------------------------------------------------------------
    def ids(self, where: Where, among=None, limit: int | None = None) -> np.ndarray:
        return self.filters.ids(where, among, limit)

    def count(self, where: Where) -> int:
        return self.size if where == EVERYTHING else len(self.filters.ids(where))

    # -- dense ----------------------------------------------------------------------------
    def dense(self, vector: np.ndarray, k: int, where: Where) -> tuple[np.ndarray, np.ndarray]:
        query = np.asarray(vector, dtype=np.float32).reshape(1, -1)
        dense = self.index.dense
        if where == EVERYTHING:
            scores, rows = dense.search(query, min(k, dense.ntotal))
            keep = rows[0] >= 0
            return rows[0][keep], scores[0][keep]
        rows = self.ids(where)
        if len(rows) <= EXACT_FILTERED_LIMIT:
            scores = np.asarray(self.index.vectors[rows]) @ query[0]
            order = np.argsort(-scores)[:k]
            return rows[order], scores[order]
        import faiss

        params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(rows.astype(np.int64)))
        scores, found = dense.search(query, k, params=params)
        keep = found[0] >= 0
        return found[0][keep], scores[0][keep]

    # -- keywords -------------------------------------------------------------------------
    def _postings(self, token: str) -> tuple[np.ndarray, np.ndarray]:
        """Rows holding one keyword token, and its BM25 score in each."""
        bm25 = self.index.bm25
        at = bm25.vocab.get(token)
        if at is None:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
        start, end = int(bm25.indptr[at]), int(bm25.indptr[at + 1])
        return np.asarray(bm25.indices[start:end], dtype=np.int64), bm25.data[start:end]

    def _scored(self, tokens: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Every row holding one of the tokens (ascending) and its BM25 score: the sum over
        the tokens as given, added in their order as bm25s's arrays define it. (A BM25
        variant scoring rows that hold none of the tokens is not supported.)"""
        key = tuple(tokens)
        if key not in self._scores:
            postings = [self._postings(t) for t in tokens]
            rows = np.unique(np.concatenate([p[0] for p in postings] or [np.empty(0, np.int64)]))
            scores = np.zeros(len(rows), dtype=np.float32)
            for found, data in postings:
                np.add.at(scores, np.searchsorted(rows, found), data)
            if len(self._scores) >= CACHED_SCORES:
                self._scores.pop(next(iter(self._scores)))
            self._scores[key] = rows, scores
        return self._scores[key]

    def keywords(self, tokens: list[str], k: int, where: Where) -> tuple[np.ndarray, np.ndarray]:
        rows, scores = self._scored(tokens)
        if where != EVERYTHING and len(rows):
            keep = np.isin(rows, self.ids(where, among=rows), assume_unique=True)
            rows, scores = rows[keep], scores[keep]
        keep = scores > 0
        rows, scores = rows[keep], scores[keep]
        order = np.lexsort((rows, -scores))[:k]
        return rows[order], scores[order]

    def keyword_scores(self, tokens: list[str], ids) -> np.ndarray:
        rows, scores = self._scored(tokens)
        ids = np.asarray(ids, dtype=np.int64)
        at = np.clip(np.searchsorted(rows, ids), 0, max(len(rows) - 1, 0))
        found = (rows[at] == ids) if len(rows) else np.zeros(len(ids), dtype=bool)
        return np.where(found, scores[at] if len(rows) else 0.0, 0.0).astype(np.float32)

    def has_word(self, token: str) -> bool:
        return token in self.index.bm25.vocab

    def words_starting(self, prefix: str) -> list[str]:
        """Words with this prefix, in the order bm25s numbered them."""
        if prefix not in self._prefixes:
            vocab = self.index.bm25.vocab
            key = prefix.encode("utf-8", "surrogatepass")
            low, high = _bound(vocab, key, False), _bound(vocab, key, True)
            order = np.argsort(vocab.ids[low:high], kind="stable")
            words = [_word(vocab, low + int(i)).decode("utf-8", "surrogatepass") for i in order]
            self._prefixes[prefix] = words
        return self._prefixes[prefix]


def _holding_all(index: Index, words: tuple[str, ...]) -> np.ndarray:
    """Rows holding every one of these keyword tokens, ascending, from their postings."""
    postings = sorted((index.rows_with(word) for word in set(words)), key=len)
    rows = np.unique(postings[0])
    for posting in postings[1:]:
        rows = np.intersect1d(rows, posting)
    return rows


def _bound(vocab, key: bytes, after: bool) -> int:
    """The first position in the sorted vocabulary whose word starts after `key` (or, with
    `after` False, at or after it): the end or start of the words `key` begins."""
    low, high = 0, len(vocab)
    while low < high:
        middle = (low + high) // 2
        word = _word(vocab, middle)
        if (word[: len(key)] <= key) if after else (word < key):
            low = middle + 1
        else:
            high = middle
    return low


def _word(vocab, at: int) -> bytes:
    """The UTF-8 bytes of the word at a position of the sorted vocabulary."""
    return vocab.data[int(vocab.starts[at]) : int(vocab.starts[at + 1])].tobytes()
