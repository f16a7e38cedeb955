"""The dense (vector) side of an index, stored once and searched where it lies on disk.

Vectors are L2-normalised, so inner product is cosine similarity. Below HNSW_THRESHOLD
statements the vectors are kept in `vectors.npy` and searched exactly with numpy on its memory
map; from the threshold up, in `dense.faiss`, an HNSW graph with the vectors as its storage,
opened memory-mapped, and row i's vector is read from that storage in place. Either way a cold
question reads only the pages it touches, and no vector is stored twice.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

HNSW_THRESHOLD = 200_000
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 128
FLAT, HNSW = "FlatIP", "HNSWFlat"
FILES = {FLAT: "vectors.npy", HNSW: "dense.faiss"}


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
