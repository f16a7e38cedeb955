"""Row hashes: row i of a generation's row_hashes.npy holds two hashes, of the model's weights
hash and the text embedded, then of that and the bytes of vector i. A build reuses a vector
only when both match (so a damaged, swapped or zeroed vector is embedded again from the text,
never carried over), and `qa index --check` recomputes every row's, so that vectors wrong for
their text are found even when the manifest and the pointer were rewritten to match them."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

ROW_HASH_BYTES = 16
CHECK_BATCH = 4096  # rows of vectors read at a time by `rows_problem`


def text_key(weights_sha256: str, passage: str) -> bytes:
    data = weights_sha256.encode() + b"\0" + passage.encode("utf-8", "surrogatepass")
    return hashlib.blake2b(data, digest_size=ROW_HASH_BYTES).digest()


def vector_hash(key: bytes, vector: np.ndarray) -> bytes:
    data = key + np.ascontiguousarray(vector, dtype=np.float32).tobytes()
    return hashlib.blake2b(data, digest_size=ROW_HASH_BYTES).digest()


def row_hashes(keys: list[bytes], vectors: np.ndarray) -> np.ndarray:
    rows = [key + vector_hash(key, vector) for key, vector in zip(keys, vectors)]
    return np.frombuffer(b"".join(rows), dtype=np.uint8).reshape(len(keys), 2 * ROW_HASH_BYTES)


def rows_problem(folder: Path, statements, vectors, weights_sha256: str) -> str | None:
    """The first row whose text or vector does not match its row hash, in words, or None.
    `statements` iterates the generation's records in row order; `vectors` is indexed by row."""
    try:
        hashes = np.load(folder / "row_hashes.npy", mmap_mode="r", allow_pickle=False)
    except (OSError, ValueError) as error:
        return f"its row hashes cannot be read ({error})"
    if hashes.shape != (len(vectors), 2 * ROW_HASH_BYTES) or hashes.dtype != np.uint8:
        return "its row hashes do not match the number of statements"
    batch: list[str] = []
    start = 0
    for statement in statements:
        batch.append(statement.passage)
        if len(batch) == CHECK_BATCH:
            problem = _batch_problem(batch, start, vectors, hashes, weights_sha256)
            if problem:
                return problem
            start, batch = start + len(batch), []
    return _batch_problem(batch, start, vectors, hashes, weights_sha256) if batch else None


def _batch_problem(passages, start, vectors, hashes, weights_sha256) -> str | None:
    block = np.asarray(vectors[start : start + len(passages)], dtype=np.float32)
    for offset, (passage, vector) in enumerate(zip(passages, block)):
        row = start + offset
        key = text_key(weights_sha256, passage)
        stored = bytes(hashes[row])
        if stored[:ROW_HASH_BYTES] != key:
            return f"the text of row {row} does not match its row hash"
        if stored[ROW_HASH_BYTES:] != vector_hash(key, vector):
            return f"the vector of row {row} does not match its row hash"
    return None
