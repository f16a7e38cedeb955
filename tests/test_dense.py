"""Exact search over memory-mapped vectors answers as FAISS's exact index does."""

from __future__ import annotations

import faiss
import numpy as np

from qa.dense import FLAT, FlatSearch, open_dense, write


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
