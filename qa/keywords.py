"""The keyword (BM25) index: built and saved by bm25s, scored at question time straight from
its saved arrays, so that answering a question needs neither bm25s nor scipy.

bm25s saves the BM25 score of every (token, statement) pair as a sparse matrix in compressed
sparse column form: for token t, `indices[indptr[t]:indptr[t+1]]` are the statements holding
it and `data[...]` their scores. A question's score for a statement is the sum over its tokens.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

EMPTY_DOCUMENT = "\u2205"  # bm25s needs at least one token per statement


def build(token_lists: list[list[str]], folder: Path) -> None:
    """Index the statements' tokens with bm25s and save them as JSON and .npy files."""
    import bm25s

    retriever = bm25s.BM25()
    retriever.index([tokens or [EMPTY_DOCUMENT] for tokens in token_lists], show_progress=False)
    retriever.save(str(folder))


class Bm25Index:
    """Scores questions against a saved bm25s index."""

    def __init__(self, folder: Path):
        folder = Path(folder)
        params = json.loads((folder / "params.index.json").read_text(encoding="utf-8"))
        self.vocab: dict[str, int] = json.loads(
            (folder / "vocab.index.json").read_text(encoding="utf-8")
        )
        self.size = int(params["num_docs"])
        load = {"mmap_mode": "r", "allow_pickle": False}
        self.data = np.load(folder / "data.csc.index.npy", **load)
        self.indices = np.load(folder / "indices.csc.index.npy", **load)
        self.indptr = np.load(folder / "indptr.csc.index.npy", **load)
        extra = folder / "nonoccurrence_array.index.npy"
        self.nonoccurrence = np.load(extra, **load) if extra.is_file() else None
        if len(self.indptr) != len(self.vocab) + 1 and len(self.indptr) < 1:
            raise ValueError("the BM25 arrays do not match the vocabulary")

    def scores(self, tokens: list[str]) -> np.ndarray:
        """BM25 score of every statement for these (already tokenized) words."""
        scores = np.zeros(self.size, dtype=np.float32)
        ids = [self.vocab[t] for t in tokens if t in self.vocab]
        for token_id in ids:
            start, end = int(self.indptr[token_id]), int(self.indptr[token_id + 1])
            np.add.at(scores, self.indices[start:end], self.data[start:end])
        if self.nonoccurrence is not None and ids:
            scores += self.nonoccurrence[ids].sum()
        return scores
