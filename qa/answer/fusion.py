"""Fusing ranks: a question's candidates by meaning (dense) and by keywords (BM25), each
allowed by the filters, scored together by reciprocal rank fusion."""

from __future__ import annotations

import numpy as np

from qa.answer.spelling import Spelling
from qa.question.understanding import Understanding
from qa.store.base import Store
from qa.store.where import Where

RRF_K = 60
# BM25's share in the fusion: keyword matches break ties among meanings, they do not lead.
BM25_WEIGHT = 0.5
# Keyword matches vote in the fusion only for statements scoring at least this share of the
# best keyword match: a lone common word ("Ukraine") otherwise drags weak statements up.
BM25_FLOOR = 0.5
CANDIDATES = 100


def fused_candidates(
    store: Store, spelling: Spelling, u: Understanding, query_vector, where: Where
) -> tuple[np.ndarray, list[str], dict[int, float]]:
    """The candidates the filters allow, each with its fused rank score; also the dense
    candidates (best first) and the keywords searched, which the ranking scores again."""
    dense_rows, _ = store.dense(query_vector, CANDIDATES, where)
    tokens = [t for concept in u.concepts for t in spelling.concept_tokens(concept)]
    bm25_rows, bm25_scores = (
        store.keywords(tokens, CANDIDATES, where) if tokens else (dense_rows[:0], [])
    )
    if len(bm25_rows):
        bm25_rows = bm25_rows[np.asarray(bm25_scores) >= BM25_FLOOR * float(bm25_scores[0])]

    # Python numbers from here on (`tolist`): a candidate costs a dict entry, not a numpy
    # scalar per use.
    fused: dict[int, float] = {}
    for rank, row in enumerate(np.asarray(dense_rows).tolist()):
        fused[row] = fused.get(row, 0.0) + 1.0 / (RRF_K + rank + 1)
    for rank, row in enumerate(np.asarray(bm25_rows).tolist()):
        fused[row] = fused.get(row, 0.0) + BM25_WEIGHT / (RRF_K + rank + 1)
    return dense_rows, tokens, fused
