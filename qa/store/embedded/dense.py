"""The dense (vector) side of an index, stored once and searched where it lies on disk.

Vectors are L2-normalised, so inner product is cosine similarity. Below HNSW_THRESHOLD
statements the vectors are kept in `vectors.npy` and searched exactly with numpy on its memory
map; from the threshold up, in `dense.faiss`, an HNSW graph with the vectors as its storage,
opened memory-mapped, and row i's vector is read from that storage in place. Either way a cold
question reads only the pages it touches, and no vector is stored twice.

`top(vectors, index, query, k, where)` is the best k rows for one question vector, optionally
restricted to some rows. Few rows are scored exactly (their vectors times the question); many
rows of an exact index too, in one product over the whole matrix; many rows of an HNSW index
are searched in the graph with a bitmap of the allowed rows (FAISS's IDSelectorBitmap), which
costs a bit test per visited node instead of a product per allowed row.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from qa.store.embedded.keywords import allowed_rows

HNSW_THRESHOLD = 200_000
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 128
FLAT, HNSW = "FlatIP", "HNSWFlat"
FILES = {FLAT: "vectors.npy", HNSW: "dense.faiss"}
# Up to this many allowed rows, an HNSW index's rows are scored exactly (read in place); more
# are searched in the graph. See bench/dense.py for the measurement behind it.
EXACT_ROWS = 20_000
# The graph's search breadth with a restriction: FILTER_EF * k / (share of rows allowed),
# at most MAX_EF_SEARCH.
FILTER_EF = 1.0
MAX_EF_SEARCH = 4096
# An exact index's rows are gathered and scored when fewer than this share are allowed; above
# it one product over the contiguous matrix is cheaper than gathering them.
GATHER_SHARE = 0.25


def kind_for(count: int, threshold: int | None = None) -> str:
    return HNSW if count >= (HNSW_THRESHOLD if threshold is None else threshold) else FLAT


class FlatSearch:
    """Exact search over memory-mapped vectors, with the surface of a FAISS index that the
    searcher uses: `ntotal`, `d` and `search(queries, k)`. `rows` (or FAISS search parameters
    with an IDSelectorBatch) limits the search to those rows."""

    def __init__(self, vectors: np.ndarray):
        self.vectors = vectors
        self.ntotal, self.d = vectors.shape

    def search(
        self, queries: np.ndarray, k: int, params=None, rows: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        queries = np.asarray(queries, dtype=np.float32).reshape(-1, self.d)
        if rows is None and params is not None and getattr(params, "sel", None) is not None:
            rows = np.flatnonzero([params.sel.is_member(i) for i in range(self.ntotal)])
        candidates = np.arange(self.ntotal) if rows is None else np.asarray(rows, dtype=np.int64)
        scores = np.full((len(queries), k), -np.inf, dtype=np.float32)
        found = np.full((len(queries), k), -1, dtype=np.int64)
        if not len(candidates) or k < 1:
            return scores, found
        block = self.vectors if rows is None else self.vectors[candidates]
        every = queries @ np.asarray(block).T
        take = min(k, len(candidates))
        for i, row_scores in enumerate(every):
            top = np.argpartition(-row_scores, take - 1)[:take] if take < len(row_scores) else None
            top = np.arange(len(row_scores)) if top is None else top
            # Best first; equal scores in row order (FAISS's order among ties depends on k).
            order = top[np.lexsort((candidates[top], -row_scores[top]))]
            scores[i, :take] = row_scores[order]
            found[i, :take] = candidates[order]
        return scores, found


def top(
    vectors, index, query: np.ndarray, k: int, where: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The best k rows for one question vector, best first (exact scores tied: row order).

    Args:
        vectors, index: as `open_dense` returns them.
        where: None for every row; a boolean mask over the rows; or the rows allowed.
    Returns:
        (rows as int64, inner products as float32), at most k of each.
    """
    query = np.ascontiguousarray(query, dtype=np.float32).reshape(-1)
    total = index.ntotal
    if k < 1 or not total:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
    exact = isinstance(index, FlatSearch)
    if where is None:
        if exact:
            return _exact_all(index.vectors, query, None, k)
        return _graph(index, query, k, None)
    where = np.asarray(where)
    if where.dtype == bool:
        if where.shape != (total,):
            raise ValueError("the row mask does not match the index")
        rows, mask = None, where
        count = int(np.count_nonzero(where))
    else:
        rows, mask = allowed_rows(where, total), None
        count = len(rows)
    if not count:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
    few = count < GATHER_SHARE * total if exact else count <= EXACT_ROWS
    if few:
        rows = np.flatnonzero(mask) if rows is None else rows
        return _best(rows, np.asarray(vectors[rows]) @ query, k)
    if mask is None:
        mask = np.zeros(total, dtype=bool)
        mask[rows] = True
    if exact:
        return _exact_all(index.vectors, query, mask, k)
    return _graph(index, query, k, mask)


def _exact_all(vectors, query, mask, k):
    """Every row scored in one product, those outside the mask dropped."""
    scores = np.asarray(vectors) @ query
    rows = np.arange(len(scores)) if mask is None else np.flatnonzero(mask)
    return _best(rows, scores if mask is None else scores[rows], k)


def _graph(index, query, k, mask):
    """The HNSW graph's best k, among the rows of the mask when given."""
    import faiss

    params = faiss.SearchParametersHNSW()
    params.efSearch = max(HNSW_EF_SEARCH, k)
    if mask is not None:
        # The graph walks allowed and other rows alike but keeps only allowed ones: to meet k
        # of them it must look at about k / share rows, so its breadth grows as the share falls.
        share = max(float(np.count_nonzero(mask)) / len(mask), 1e-6)
        params.efSearch = int(min(MAX_EF_SEARCH, max(params.efSearch, FILTER_EF * k / share)))
        bits = np.packbits(mask, bitorder="little")
        params.sel = faiss.IDSelectorBitmap(len(mask), faiss.swig_ptr(bits))
    scores, rows = index.search(query.reshape(1, -1), k, params=params)
    keep = rows[0] >= 0
    return rows[0][keep].astype(np.int64), scores[0][keep]


def _best(rows: np.ndarray, scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The k highest scores, highest first, equal ones in row order (rows come increasing)."""
    scores = np.asarray(scores, dtype=np.float32)
    if len(rows) > k:
        keep = np.argpartition(-scores, k - 1)[:k]
        kth = scores[keep].min()
        # Rows tied with the k-th score: the lowest ones, whichever argpartition picked.
        keep = np.concatenate([np.flatnonzero(scores > kth), np.flatnonzero(scores == kth)])[:k]
        rows, scores = rows[keep], scores[keep]
    order = np.lexsort((rows, -scores))
    return np.asarray(rows, dtype=np.int64)[order], scores[order]


class StoredVectors:
    """Row i's vector read back from an HNSW index's storage, indexed like an array."""

    def __init__(self, dense):
        self.dense = dense
        self.shape = (dense.ntotal, dense.d)
        self.dtype = np.dtype(np.float32)
        self.ndim = 2

    def __len__(self) -> int:
        return self.shape[0]

    def __getitem__(self, rows) -> np.ndarray:
        if isinstance(rows, (int, np.integer)):
            return self.dense.reconstruct(int(rows))
        picked = np.arange(self.shape[0])[rows]
        return self.dense.reconstruct_batch(np.ascontiguousarray(picked, dtype=np.int64))

    def __array__(self, dtype=None, copy=None):
        every = (
            self.dense.reconstruct_n(0, self.shape[0])
            if self.shape[0]
            else np.empty(self.shape, dtype=np.float32)
        )
        return every if dtype is None else every.astype(dtype)


def write(folder: Path, vectors: np.ndarray, kind: str) -> None:
    """Write the vectors as `kind` wants them: vectors.npy, or an HNSW index built with every
    core (the question path runs on one thread; see qa/__init__.py)."""
    if kind == FLAT:
        np.save(folder / FILES[FLAT], vectors, allow_pickle=False)
        return
    import faiss

    threads = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(max(1, os.cpu_count() or 1))
    try:
        index = faiss.IndexHNSWFlat(vectors.shape[1], HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = HNSW_EF_SEARCH
        if len(vectors):
            # One long C call, yet Ctrl-C stops it mid-way: FAISS's Python interrupt callback
            # looks for it as the graph grows (tests/test_reliability_io.py).
            index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    finally:
        faiss.omp_set_num_threads(threads)
    try:
        faiss.write_index(index, str(folder / FILES[HNSW]))
    except RuntimeError as error:  # FAISS reports a failed write (a full disk) this way
        raise OSError(f"FAISS could not write {folder / FILES[HNSW]}") from error


def open_dense(folder: Path, kind: str):
    """The vectors (array-like, row i for statement i) and the searchable index of a
    generation, both reading the files in place."""
    if kind == FLAT:
        vectors = np.load(folder / FILES[FLAT], mmap_mode="r", allow_pickle=False)
        if vectors.ndim != 2 or vectors.dtype != np.float32:
            raise ValueError("vectors.npy is not a float32 matrix")
        return vectors, FlatSearch(vectors)
    import faiss

    path = folder / FILES[HNSW]
    dense = faiss.read_index(str(path), faiss.IO_FLAG_MMAP_IFC)
    if not hasattr(dense, "hnsw"):
        raise ValueError("dense.faiss is not an HNSW index")
    dense.hnsw.efSearch = HNSW_EF_SEARCH
    return _storage_view(path, dense), dense


def _storage_view(path: Path, dense) -> np.ndarray | StoredVectors:
    """The HNSW index's vectors as an array memory-mapped from the file: FAISS writes the
    flat storage last, so they are its final ntotal * d float32s. Checked against FAISS's own
    reading on a few rows; if the layout were ever different, rows are read through FAISS."""
    count, dimension = dense.ntotal, dense.d
    size = count * dimension * 4
    stored = StoredVectors(dense)
    if not count or path.stat().st_size < size:
        return stored
    view = np.memmap(
        path, dtype=np.float32, mode="r", offset=path.stat().st_size - size,
        shape=(count, dimension),
    )  # fmt: skip
    probe = np.unique([0, count // 2, count - 1])
    if not np.array_equal(np.asarray(view[probe]), stored[probe]):
        return stored
    return view
