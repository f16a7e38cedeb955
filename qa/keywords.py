"""The keyword (BM25) index: built and saved by bm25s, scored at question time straight from
its saved arrays, so that answering a question needs neither bm25s nor scipy.

bm25s saves the BM25 score of every (token, statement) pair as a sparse matrix in compressed
sparse column form: for token t, `indices[indptr[t]:indptr[t+1]]` are the statements holding
it and `data[...]` their scores. A question's score for a statement is the sum over its tokens.

The vocabulary is also written sorted, as three .npy arrays (the tokens' UTF-8 bytes end to
end, where each starts, and its id), so that opening the index looks words up by binary
search on memory maps instead of parsing a JSON object of every word ever seen.
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
    vocab = json.loads((Path(folder) / "vocab.index.json").read_text(encoding="utf-8"))
    Vocabulary.write(vocab, Path(folder))


class Vocabulary:
    """Token to id, looked up in the sorted vocabulary files (see the module's docstring)."""

    NAMES = ("vocab.bytes.npy", "vocab.starts.npy", "vocab.ids.npy")

    def __init__(self, folder: Path):
        load = {"mmap_mode": "r", "allow_pickle": False}
        # Plain views on the memory maps: indexing an np.memmap costs microseconds a time.
        self.data, self.starts, self.ids = (
            np.asarray(np.load(folder / name, **load)) for name in self.NAMES
        )
        if len(self.starts) != len(self.ids) + 1 or self.data.dtype != np.uint8:
            raise ValueError("the sorted vocabulary files do not match")

    @classmethod
    def write(cls, vocab: dict[str, int], folder: Path) -> None:
        words = sorted((word.encode("utf-8", "surrogatepass"), i) for word, i in vocab.items())
        starts = np.zeros(len(words) + 1, dtype=np.int64)
        starts[1:] = np.cumsum([len(word) for word, _ in words])
        data = np.frombuffer(b"".join(word for word, _ in words), dtype=np.uint8)
        ids = np.array([i for _, i in words], dtype=np.int64)
        for name, array in zip(cls.NAMES, (data, starts, ids)):
            np.save(folder / name, array, allow_pickle=False)

    def __len__(self) -> int:
        return len(self.ids)

    def _word(self, at: int) -> bytes:
        return self.data[int(self.starts[at]) : int(self.starts[at + 1])].tobytes()

    def __iter__(self):
        """The words in the order bm25s saved them (by id), as iterating its dict gives."""
        for at in np.argsort(self.ids, kind="stable"):
            yield self._word(int(at)).decode("utf-8", "surrogatepass")

    def __contains__(self, token: str) -> bool:
        return self.get(token) is not None

    def __getitem__(self, token: str) -> int:
        found = self.get(token)
        if found is None:
            raise KeyError(token)
        return found

    def get(self, token: str) -> int | None:
        key = token.encode("utf-8", "surrogatepass")
        low, high = 0, len(self.ids)
        while low < high:
            middle = (low + high) // 2
            if self._word(middle) < key:
                low = middle + 1
            else:
                high = middle
        if low < len(self.ids) and self._word(low) == key:
            return int(self.ids[low])
        return None


class Bm25Index:
    """Scores questions against a saved bm25s index."""

    def __init__(self, folder: Path):
        folder = Path(folder)
        params = json.loads((folder / "params.index.json").read_text(encoding="utf-8"))
        self.vocab = Vocabulary(folder)
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
        ids = [i for i in map(self.vocab.get, tokens) if i is not None]
        for token_id in ids:
            start, end = int(self.indptr[token_id]), int(self.indptr[token_id + 1])
            np.add.at(scores, self.indices[start:end], self.data[start:end])
        if self.nonoccurrence is not None and ids:
            scores += self.nonoccurrence[ids].sum()
        return scores
