"""The keyword side of a Milvus collection: its vocabulary (from the catalog), and its BM25 index
searched for every row holding some words and for the keyword scores of rows in hand."""

from __future__ import annotations

import bisect
from collections import OrderedDict

import numpy as np

from qa.store.milvus import calls
from qa.store.milvus import collection as milvus
from qa.store.milvus.collection import MilvusError
from qa.store.milvus.rows import term
from qa.store.milvus.where import FALSE, TRUE

CACHED_WORDS = 256


def bm25(distances: np.ndarray) -> np.ndarray:
    """BM25 scores as the embedded store gives them, from Milvus's distances: Milvus Lite
    reports them negated, a server as they are; and Milvus multiplies by (k1 + 1)."""
    return np.abs(distances) / np.float32(milvus.BM25_K1 + 1)


class KeywordIndex:
    """The keyword vocabulary of one collection, and the rows its BM25 index finds."""

    def __init__(self, collection: calls.CollectionCalls, catalog: dict):
        self._call = collection
        self.client = collection.client
        self.name = collection.name
        self.words: list[str] = catalog["words"]
        # How many statements hold each word, and keys cutting the collection into ranges of
        # equal size (from the build); a catalog without them is searched in halves.
        self.word_counts: list[int] | None = catalog.get("word_counts")
        self.key_edges: list[int] = catalog.get("key_edges") or [0, 2**62]
        self._holding_cache: OrderedDict[tuple, tuple[int, ...]] = OrderedDict()

    # -- the vocabulary -------------------------------------------------------------------
    def has_word(self, token: str) -> bool:
        at = bisect.bisect_left(self.words, token)
        return at < len(self.words) and self.words[at] == token

    def words_starting(self, prefix: str) -> list[str]:
        at = bisect.bisect_left(self.words, prefix)
        out = []
        while at < len(self.words) and self.words[at].startswith(prefix):
            out.append(self.words[at])
            at += 1
        return out

    def word_count(self, word: str) -> int:
        """How many statements hold the word (WINDOW when the catalog does not say)."""
        if self.word_counts is None:
            return calls.WINDOW
        at = bisect.bisect_left(self.words, word)
        found = at < len(self.words) and self.words[at] == word
        return self.word_counts[at] if found else 0

    # -- the rows holding words -----------------------------------------------------------
    def holding_all(self, words: tuple[str, ...]) -> tuple[int, ...]:
        """The keys of the rows holding every word, from the BM25 index: every row holding
        the rarest word, then those of them holding each other word."""
        words = tuple(sorted(set(words)))
        if words not in self._holding_cache:
            if len(self._holding_cache) >= CACHED_WORDS:
                self._holding_cache.popitem(last=False)
            self._holding_cache[words] = self._rows_holding_all(words)
        return self._holding_cache[words]

    def _rows_holding_all(self, words: tuple[str, ...]) -> tuple[int, ...]:
        if not words or not all(self.has_word(w) for w in words):
            return ()
        rarest, *others = sorted(words, key=lambda w: (self.word_count(w), w))
        found = sorted(self.holding([rarest], TRUE))
        for word in others:
            kept = []
            for start in range(0, len(found), calls.IDS_PER_QUERY * 4):
                chunk = found[start : start + calls.IDS_PER_QUERY * 4]
                among = f"pk in [{', '.join(map(str, chunk))}]"
                kept += self.holding_word(term(word), len(chunk), among)
            found = sorted(kept)
        return tuple(found)

    def holding(self, words, expression: str) -> list[int]:
        """The keys of the rows holding one of these words and passing the expression, every
        one: the BM25 index scores exactly the rows holding a word above zero, and is searched
        a range of keys at a time, in as many ranges as the words' statement counts ask for,
        a range halved while its search comes back full."""
        if expression == FALSE or not words:
            return []
        query = " ".join(term(w) for w in words)
        rest = [] if expression == TRUE else [f"({expression})"]
        # Ranges of three quarters of a window each: the words' rows spread evenly over the
        # keys (hashes of statement ids), so a range rarely comes back full.
        parts = -(-sum(self.word_count(w) for w in words) // (calls.WINDOW * 3 // 4))
        if parts > 1 and rest:
            # A filter most often allows a few of the rows holding the words: one search
            # first, the ranges only when it comes back full.
            hits = self.holding_word(query, calls.WINDOW, rest[0])
            if len(hits) < calls.WINDOW:
                return hits
        if parts <= 1:
            ranges = [None]
        else:
            edges = self.key_edges
            step = max(1, (len(edges) - 1) // parts)
            cuts = [*edges[:-1:step], edges[-1]]
            ranges = list(zip(cuts, cuts[1:]))
        found: list[int] = []
        while ranges:
            span = ranges.pop()
            limits = [] if span is None else [f"pk >= {span[0]}", f"pk < {span[1]}"]
            hits = self.holding_word(query, calls.WINDOW, " and ".join(limits + rest))
            if len(hits) < calls.WINDOW:
                found += hits
                continue
            low, high = span if span is not None else (self.key_edges[0], self.key_edges[-1])
            if high - low < 2:
                raise MilvusError(f"Milvus returned more rows of one key than {self.name} holds.")
            middle = (low + high) // 2
            ranges += [(low, middle), (middle, high)]
        return found

    def holding_word(self, term: str, k: int, expression: str) -> list[int]:
        """The keys of at most k rows the expression allows whose terms field holds one of
        these space-separated terms."""
        hits = self._call(
            self.client.search, self.name, data=[term], anns_field="sparse", limit=k,
            filter=expression, output_fields=["pk"],
        )[0]  # fmt: skip
        return [int(h["pk"]) for h in hits if float(h["distance"]) != 0]

    # -- the scores of rows in hand -------------------------------------------------------
    def scores(self, tokens: list[str], ids) -> np.ndarray:
        """The keyword score of each of these ids for these tokens (0 where none holds)."""
        ids = np.asarray(ids, dtype=np.int64)
        scores = np.zeros(len(ids), dtype=np.float32)
        for start in range(0, len(ids), calls.IDS_PER_QUERY):
            chunk = ids[start : start + calls.IDS_PER_QUERY]
            found, values = self._scores_among(tokens, chunk)
            position = {int(i): s for i, s in zip(found, values)}
            scores[start : start + len(chunk)] = [position.get(int(i), 0.0) for i in chunk]
        return scores

    def _scores_among(self, tokens: list[str], ids: np.ndarray):
        terms = [term(t) for t in tokens if self.has_word(t)]
        if not terms or not len(ids):
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
        found = self._call(
            self.client.search,
            self.name,
            data=[" ".join(terms)],
            anns_field="sparse",
            limit=len(ids),
            filter=f"pk in [{', '.join(str(int(i)) for i in ids)}]",
            output_fields=["pk"],
        )[0]
        return (
            np.array([int(h["pk"]) for h in found], dtype=np.int64),
            bm25(np.array([float(h["distance"]) for h in found], dtype=np.float32)),
        )
