"""Exact search over memory-mapped vectors answers as FAISS's exact index does."""

from __future__ import annotations

import faiss
import numpy as np
import pytest

from qa.store.embedded import dense
from qa.store.embedded.dense import FLAT, HNSW, FlatSearch, open_dense, write


def _vectors(count: int, seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    vectors = rng.standard_normal((count, 16)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_flat_search_finds_what_faiss_finds(tmp_path):
    vectors = _vectors(500)
    vectors[10] = vectors[20]  # a tie: the lower row comes first
    write(tmp_path, vectors, FLAT)
    stored, search = open_dense(tmp_path, FLAT)
    assert isinstance(stored, np.memmap) and search.ntotal == 500 and search.d == 16
    reference = faiss.IndexFlatIP(16)
    reference.add(vectors)
    queries = np.vstack([_vectors(3, seed=9), vectors[20:21]])
    scores, rows = search.search(queries, 7)
    expected_scores, expected_rows = reference.search(queries, 7)
    assert np.array_equal(rows[:3], expected_rows[:3])
    assert np.allclose(scores, expected_scores, atol=1e-6)
    assert list(rows[3][:2]) == [10, 20] and np.array_equal(rows[3][2:], expected_rows[3][2:])


def test_flat_search_within_rows_and_past_the_end(tmp_path):
    vectors = _vectors(50)
    search = FlatSearch(vectors)
    allowed = np.array([3, 8, 21, 40])
    query = vectors[21:22]
    by_rows = search.search(query, 6, rows=allowed)
    selector = faiss.SearchParameters(sel=faiss.IDSelectorBatch(allowed.astype(np.int64)))
    by_selector = search.search(query, 6, params=selector)
    assert by_rows[1][0][0] == 21
    assert sorted(by_rows[1][0][:4]) == [3, 8, 21, 40]
    assert list(by_rows[1][0][4:]) == [-1, -1]  # fewer rows than asked: -1, as FAISS pads
    assert np.array_equal(by_rows[1], by_selector[1])
    empty = search.search(query, 3, rows=np.array([], dtype=np.int64))
    assert list(empty[1][0]) == [-1, -1, -1]


# -- best k within rows --------------------------------------------------------------------


def _clustered(count: int, seed: int = 5) -> np.ndarray:
    """Vectors around a few dozen centres, as embeddings of a news feed are."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((40, 32)).astype(np.float32)
    vectors = centres[rng.integers(40, size=count)] + 0.4 * rng.standard_normal((count, 32))
    vectors = vectors.astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def _exact(vectors, query, k, mask):
    scores = vectors @ query
    rows = np.flatnonzero(mask)
    rows = rows[np.lexsort((rows, -scores[rows]))][:k]
    return rows, scores[rows]


def _restrictions(count: int, rng) -> list:
    return [
        None,
        rng.random(count) < 0.9,
        rng.random(count) < 0.4,
        rng.random(count) < 0.02,
        rng.choice(count, 30),
        np.array([count - 1, 0, 0, count + 3, -2]),
    ]


def _mask(where, count: int) -> np.ndarray:
    if where is None:
        return np.ones(count, dtype=bool)
    if where.dtype == bool:
        return where
    mask = np.zeros(count, dtype=bool)
    mask[where[(where >= 0) & (where < count)]] = True
    return mask


def test_top_over_an_exact_index_is_exact(tmp_path):
    vectors = _clustered(3000)
    vectors[100] = vectors[2000]  # a tie: the lower row first
    write(tmp_path, vectors, FLAT)
    stored, index = open_dense(tmp_path, FLAT)
    rng = np.random.default_rng(1)
    for query in [*_clustered(4, seed=8), vectors[2000]]:
        for where in _restrictions(len(vectors), rng):
            for k in (1, 10, 100):
                rows, scores = dense.top(stored, index, query, k, where)
                want_rows, want_scores = _exact(vectors, query, k, _mask(where, len(vectors)))
                assert rows.tolist() == want_rows.tolist()
                assert np.allclose(scores, want_scores, atol=1e-6)
    rows, _ = dense.top(stored, index, vectors[2000], 2, None)
    assert rows.tolist() == [100, 2000]
    assert dense.top(stored, index, vectors[0], 5, np.zeros(3000, dtype=bool))[0].tolist() == []


def test_top_over_hnsw_keeps_to_the_rows_and_finds_the_best(tmp_path, monkeypatch):
    vectors = _clustered(6000)
    write(tmp_path, vectors, HNSW)
    stored, index = open_dense(tmp_path, HNSW)
    rng = np.random.default_rng(2)
    queries = _clustered(20, seed=11)
    # Restrictions past 100 rows through the graph (as past dense.EXACT_ROWS of a million),
    # then every one exact.
    for exact_rows in (100, 10**9):
        monkeypatch.setattr(dense, "EXACT_ROWS", exact_rows)
        for where in _restrictions(len(vectors), rng):
            mask = _mask(where, len(vectors))
            found = 0
            for query in queries:
                rows, scores = dense.top(stored, index, query, 10, where)
                want_rows, want_scores = _exact(vectors, query, 10, mask)
                assert mask[rows].all() and len(rows) == len(want_rows)
                assert np.allclose(scores, vectors[rows] @ query, atol=1e-5)
                assert list(scores) == sorted(scores, reverse=True)
                found += len(set(rows.tolist()) & set(want_rows.tolist()))
                if where is not None and mask.sum() <= exact_rows:
                    assert rows.tolist() == want_rows.tolist()
            # Recall of the graph against exact search (these clusters are harder than
            # sentence embeddings: unrestricted, the graph finds 0.97 of them).
            assert found >= 0.9 * len(queries) * min(10, mask.sum())


def test_a_row_mask_of_the_wrong_size_is_refused(tmp_path):
    write(tmp_path, _clustered(20), FLAT)
    stored, index = open_dense(tmp_path, FLAT)
    with pytest.raises(ValueError):
        dense.top(stored, index, stored[0], 3, np.ones(5, dtype=bool))
