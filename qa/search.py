"""Hybrid search: filters first, then dense (FAISS) and keyword (BM25) ranks fused by
reciprocal rank fusion, then an honest relevance cut."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from qa.dates import Timeline
from qa.embedding import Encoder
from qa.filters import OPEN_HIGH, StatementFilter, who_phrase
from qa.gazetteer import Gazetteer
from qa.index import Index
from qa.query import QuestionReader, Understanding
from qa.statements import Statement
from qa.text import tokenize

RRF_K = 60
# BM25's share in the fusion: keyword matches break ties among meanings, they do not lead.
BM25_WEIGHT = 0.5
# Keyword matches vote in the fusion only for statements scoring at least this share of the
# best keyword match: a lone common word ("Ukraine") otherwise drags weak statements up.
BM25_FLOOR = 0.5
CANDIDATES = 100
# Calibrated on the evaluation set (see EVALUATION.md). Unfiltered, a question is answered
# when its best statement reaches RELEVANT cosine similarity to the topic, or shares topic
# words with it and reaches SUPPORTED; then statements from SHOWN up are shown beside it.
# Once a speaker, affiliation, role or date filter has narrowed the statements, a shared
# topic word or FILTERED_RELEVANT similarity is enough.
RELEVANT = 0.45
SUPPORTED = 0.30
SHOWN = 0.30
FILTERED_RELEVANT = 0.20
# For "who" questions, statements this much less similar than the best are not contenders.
WHO_MARGIN = 0.15
EXACT_FILTERED_LIMIT = 200_000


@dataclass(frozen=True)
class Hit:
    """A statement found for a question, with its scores and why it matched."""

    row: int
    statement: Statement | None  # read from the index only for the hits returned
    score: float
    dense: float
    bm25: float
    matched_by: tuple[str, ...]
    said_order: int | None = None  # position of the date said on the corpus timeline


@dataclass(frozen=True)
class SearchResult:
    understood: Understanding
    hits: tuple[Hit, ...]
    closest: tuple[Hit, ...]
    answered: bool
    note: str | None
    available: int


class Searcher:
    """Searches one loaded index. Batch search is the primitive; single search wraps it."""

    def __init__(self, index: Index, encoder: Encoder, gazetteer: Gazetteer):
        self.index = index
        self.encoder = encoder
        self.gazetteer = gazetteer
        corpus = index.manifest.get("corpus", {})
        self.timeline = Timeline(
            corpus.get("timeline_start_month", 1), corpus.get("timeline_season")
        )
        self.filters = StatementFilter.load(index.folder / "facts", gazetteer, self.timeline)
        self.reader = QuestionReader(
            index.statements, gazetteer, self.timeline, speakers=self.filters.speakers
        )

    def understand(self, question: str, context: Understanding | None = None) -> Understanding:
        return self.reader.read(question, context)

    # -- ranking -------------------------------------------------------------------------
    def search_batch(
        self, understandings: list[Understanding], top_k: int = 5, offset: int = 0
    ) -> list[SearchResult]:
        topics = [u.topic for u in understandings]
        needs = [i for i, t in enumerate(topics) if t]
        vectors = self.encoder.encode([topics[i] for i in needs]) if needs else None
        query_vectors = {i: vectors[j] for j, i in enumerate(needs)} if needs else {}
        return [
            self._search_one(u, query_vectors.get(i), top_k, offset)
            for i, u in enumerate(understandings)
        ]

    def search(self, understanding: Understanding, top_k: int = 5, offset: int = 0) -> SearchResult:
        return self.search_batch([understanding], top_k, offset)[0]

    def _search_one(self, u, query_vector, top_k, offset) -> SearchResult:
        allowed = self.filters.apply(u)
        mask, note, why = allowed.mask, allowed.note, allowed.why
        if note:
            return SearchResult(u, (), (), False, note, 0)
        filtered = not mask.all()
        if query_vector is None:
            order = self.filters.newest_first(np.flatnonzero(mask))
            page = [self._hit(r, 1.0, 0.0, 0.0, why, ()) for r in order[offset : offset + top_k]]
            return SearchResult(u, self._read(page), (), len(order) > 0, None, len(order))

        dense_rows, dense_scores = self._dense(query_vector, mask, filtered)
        tokens = tokenize(u.topic)
        bm25_all = (
            np.asarray(self.index.bm25.scores(tokens), dtype=np.float32)
            if tokens
            else np.zeros(len(mask), dtype=np.float32)
        )
        bm25_all = np.where(mask, bm25_all, 0.0)
        bm25_rows = np.argsort(-bm25_all)[:CANDIDATES]
        floor = BM25_FLOOR * float(bm25_all.max()) if len(bm25_all) else 0.0
        bm25_rows = bm25_rows[(bm25_all[bm25_rows] > 0) & (bm25_all[bm25_rows] >= floor)]

        fused: dict[int, float] = {}
        for rank, row in enumerate(dense_rows):
            fused[int(row)] = fused.get(int(row), 0.0) + 1.0 / (RRF_K + rank + 1)
        for rank, row in enumerate(bm25_rows):
            fused[int(row)] = fused.get(int(row), 0.0) + BM25_WEIGHT / (RRF_K + rank + 1)
        dense_of = dict(zip((int(r) for r in dense_rows), (float(s) for s in dense_scores)))
        missing = [r for r in fused if r not in dense_of]
        if missing:
            exact = np.asarray(self.index.vectors[np.array(missing)]) @ query_vector
            dense_of.update(zip(missing, (float(s) for s in exact)))
        ranked = sorted(fused, key=lambda r: -fused[r])
        dense_top = {int(r) for r in dense_rows[: top_k * 2]}
        hits = [
            self._hit(
                r,
                fused[r],
                dense_of[r],
                float(bm25_all[r]),
                why,
                ("meaning",) if r in dense_top else (),
            )
            for r in ranked
        ]
        if not any(_answers(h, filtered) for h in hits):
            closest = self._read(sorted(hits, key=lambda h: -h.dense)[:3])
            return SearchResult(u, (), closest, False, _nothing_note(u, filtered), 0)
        keywords = any(h.bm25 > 0 for h in hits)
        relevant = [h for h in hits if _worth_showing(h, filtered, keywords)]
        if not relevant:  # the statement that answers is always shown
            relevant = [next(h for h in hits if _answers(h, filtered))]
        if u.intent == "who":
            # A "who" question asks for one statement's speaker: keep the close contenders.
            best = max(h.dense for h in relevant)
            relevant = [h for h in relevant if h.dense >= best - WHO_MARGIN]
        page = self._read(relevant[offset : offset + top_k])
        return SearchResult(u, page, (), True, None, len(relevant))

    def _dense(self, query_vector, mask, filtered) -> tuple[np.ndarray, np.ndarray]:
        query = query_vector.reshape(1, -1).astype(np.float32)
        if not filtered:
            k = min(CANDIDATES, self.index.dense.ntotal)
            scores, rows = self.index.dense.search(query, k)
            keep = rows[0] >= 0
            return rows[0][keep], scores[0][keep]
        rows = np.flatnonzero(mask)
        if len(rows) <= EXACT_FILTERED_LIMIT:
            scores = np.asarray(self.index.vectors[rows]) @ query_vector
            order = np.argsort(-scores)[:CANDIDATES]
            return rows[order], scores[order]
        import faiss

        params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(rows.astype(np.int64)))
        scores, found = self.index.dense.search(query, CANDIDATES, params=params)
        keep = found[0] >= 0
        return found[0][keep], scores[0][keep]

    def _hit(self, row, score, dense, bm25, why, extra) -> Hit:
        reasons = [name for name, rows in why.items() if rows[row]]
        if bm25 > 0:
            reasons.append("words")
        reasons.extend(extra)
        order = int(self.filters.said_lo[row])
        return Hit(
            int(row),
            None,
            float(score),
            dense,
            bm25,
            tuple(reasons),
            order if order != OPEN_HIGH else None,
        )

    def _read(self, hits: list[Hit]) -> tuple[Hit, ...]:
        """The hits returned, with their statement records read from the index."""
        return tuple(replace(h, statement=self.index.statements[h.row]) for h in hits)


def _answers(hit: Hit, filtered: bool) -> bool:
    """Whether a hit is relevant enough for the question to count as answered."""
    if filtered:
        return hit.bm25 > 0 or hit.dense >= FILTERED_RELEVANT
    return hit.dense >= RELEVANT or (hit.bm25 > 0 and hit.dense >= SUPPORTED)


def _worth_showing(hit: Hit, filtered: bool, keywords: bool) -> bool:
    """Once a question is answered, which other hits are shown beside the best. Where some
    statements share the topic's words, one that only resembles the topic must be as close
    as an unfiltered one."""
    if filtered:
        return hit.bm25 > 0 or hit.dense >= (SHOWN if keywords else FILTERED_RELEVANT)
    return hit.dense >= SHOWN or (hit.bm25 > 0 and hit.dense >= FILTERED_RELEVANT)


def _nothing_note(u: Understanding, filtered: bool) -> str:
    if filtered:
        return f"Nothing {who_phrase(u)} in the corpus answers this."
    return "Nothing in the corpus answers this."
