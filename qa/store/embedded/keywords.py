"""The keyword (BM25) index: built and saved by bm25s, scored at question time straight from
its saved arrays, so that answering a question needs neither bm25s nor scipy.

bm25s saves the BM25 score of every (token, statement) pair as a sparse matrix in compressed
sparse column form: for token t, `indices[indptr[t]:indptr[t+1]]` are the statements holding
it and `data[...]` their scores. A question's score for a statement is the sum over its tokens.

The vocabulary is also written sorted, as three .npy arrays (the tokens' UTF-8 bytes end to
end, where each starts, and its id), so that opening the index looks words up by binary
search on memory maps instead of parsing a JSON object of every word ever seen.

`Bm25Index.top(tokens, k, where)` gives the best k statements for a question's tokens,
optionally restricted to some rows, from the postings: only the statements holding a question
word are summed, and only those that can be among the best k are ranked (the k-th best score
among the rarest word's statements is a bar every one of the best k reaches, so common words
do not make every statement a candidate). Its scores are those of `Bm25Index.scores`, bit for
bit (the same float32 sums in the same order). Each token's postings are in row order (bm25s
writes them so; `build` checks it), which lets a restriction to a few rows be looked up in
them by binary search instead of read through; `scores_of(tokens, rows)` gives the scores of
a few rows (a search's candidates) the same way. `frequency(token)` is a token's document
frequency, `postings(token)` the rows holding it.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from qa.files import MIB, read_text

EMPTY_DOCUMENT = "\u2205"  # bm25s needs at least one token per statement
# bm25s's JSON files: a few parameters; the vocabulary (read once, as it is built), which
# grows with the corpus's distinct words (a 1 GiB corpus holds fewer than 1 GiB of them).
PARAMS_BYTES = 1 * MIB
VOCAB_BYTES = 2**30
# What one binary search of a row in a token's postings costs, in postings read in order.
LOOKUP_COST = 16
# Below this many postings per row asked for, every row holding a token is simply ranked.
BAR_WORTH = 40


def build(token_lists: list[list[str]], folder: Path) -> None:
    """Index the statements' tokens with bm25s and save them as JSON and .npy files."""
    import bm25s

    retriever = bm25s.BM25()
    retriever.index([tokens or [EMPTY_DOCUMENT] for tokens in token_lists], show_progress=False)
    retriever.save(str(folder))
    _check_postings_sorted(Path(folder))
    vocab = json.loads(read_text(Path(folder) / "vocab.index.json", VOCAB_BYTES))
    Vocabulary.write(vocab, Path(folder))


def _check_postings_sorted(folder: Path) -> None:
    """Every token's statements in increasing row order, as `Bm25Index.top` relies on."""
    indices = np.load(folder / "indices.csc.index.npy", allow_pickle=False)
    indptr = np.load(folder / "indptr.csc.index.npy", allow_pickle=False)
    rising = np.diff(indices.astype(np.int64)) > 0
    starts = indptr[1:-1]
    rising[starts[(starts > 0) & (starts < len(indices))] - 1] = True  # across two tokens
    if not rising.all():
        raise ValueError("bm25s wrote postings out of row order")


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
        # The binary search reads them through memoryviews: an element is a Python int and a
        # slice a bytes copy at half the cost of numpy's scalar indexing and slicing.
        self._starts = memoryview(np.ascontiguousarray(self.starts, dtype=np.int64))
        self._data = memoryview(np.ascontiguousarray(self.data))

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
        return self._data[self._starts[at] : self._starts[at + 1]].tobytes()

    def _words(self, low: int, high: int) -> list[str]:
        """Words low to high (excluded) of the sorted order, decoded in one pass."""
        if high <= low:
            return []
        starts = self.starts[low : high + 1].tolist()
        data = self.data[starts[0] : starts[-1]].tobytes()
        base = starts[0]
        return [
            data[start - base : end - base].decode("utf-8", "surrogatepass")
            for start, end in zip(starts, starts[1:])
        ]

    def __iter__(self):
        """The words in sorted order. Not in bm25s's id order: bm25s numbers the words in the
        order of a set of strings, which changes with Python's hash seed from one build to the
        next, and whoever picks the first of equally good words (a spelling correction) would
        answer differently after rebuilding the same corpus."""
        return iter(self._words(0, len(self.ids)))

    def starting_with(self, prefix: str) -> list[str]:
        """The words that begin with `prefix`, sorted, found by binary search: the words a
        spelling correction of the same first letter chooses from, without reading the rest."""
        key = prefix.encode("utf-8", "surrogatepass")
        # No UTF-8 byte is 0xff: key + 0xff sorts after every word that begins with key.
        return self._words(self._first_not_below(key), self._first_not_below(key + b"\xff"))

    def __contains__(self, token: str) -> bool:
        return self.get(token) is not None

    def __getitem__(self, token: str) -> int:
        found = self.get(token)
        if found is None:
            raise KeyError(token)
        return found

    def get(self, token: str) -> int | None:
        key = token.encode("utf-8", "surrogatepass")
        at = self._first_not_below(key)
        if at < len(self.ids) and self._word(at) == key:
            return int(self.ids[at])
        return None

    def _first_not_below(self, key: bytes) -> int:
        """Position of the first word (in sorted order) not below `key`."""
        starts, data = self._starts, self._data
        low, high = 0, len(self.ids)
        while low < high:
            middle = (low + high) // 2
            if data[starts[middle] : starts[middle + 1]].tobytes() < key:
                low = middle + 1
            else:
                high = middle
        return low


class Bm25Index:
    """Scores questions against a saved bm25s index."""

    def __init__(self, folder: Path):
        folder = Path(folder)
        params = json.loads(read_text(folder / "params.index.json", PARAMS_BYTES))
        self.vocab = Vocabulary(folder)
        self.size = int(params["num_docs"])
        load = {"mmap_mode": "r", "allow_pickle": False}
        # Plain views on the memory maps, as in Vocabulary: a question indexes them often.
        self.data = np.asarray(np.load(folder / "data.csc.index.npy", **load))
        self.indices = np.asarray(np.load(folder / "indices.csc.index.npy", **load))
        self.indptr = np.asarray(np.load(folder / "indptr.csc.index.npy", **load))
        extra = folder / "nonoccurrence_array.index.npy"
        self.nonoccurrence = np.asarray(np.load(extra, **load)) if extra.is_file() else None
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

    def ids(self, tokens: list[str]) -> list[int]:
        """The ids of the tokens the vocabulary holds, in order, repeats kept (a repeated word
        counts twice in a score, as in `scores`)."""
        return [i for i in map(self.vocab.get, tokens) if i is not None]

    def frequency(self, token: str) -> int:
        """How many statements hold this token (its document frequency)."""
        at = self.vocab.get(token)
        return 0 if at is None else int(self.indptr[at + 1]) - int(self.indptr[at])

    def postings(self, token: str) -> np.ndarray:
        """The rows holding this token, in increasing order."""
        at = self.vocab.get(token)
        if at is None:
            return np.empty(0, dtype=np.int64)
        start, end = int(self.indptr[at]), int(self.indptr[at + 1])
        return np.asarray(self.indices[start:end], dtype=np.int64)

    def holding_all(self, tokens: list[str]) -> np.ndarray:
        """The rows holding every one of the tokens, increasing: the rarest token's postings
        looked up in the others' (sorted, distinct), never a sort or a pass over every row."""
        ids = list(dict.fromkeys(self.vocab.get(token) for token in tokens))
        if not ids or None in ids:
            return np.empty(0, dtype=np.int64)
        spans = sorted(((int(self.indptr[i]), int(self.indptr[i + 1])) for i in ids),
                       key=lambda span: span[1] - span[0])  # fmt: skip
        start, end = spans[0]
        rows = np.asarray(self.indices[start:end], dtype=np.int64)
        for start, end in spans[1:]:
            rows = rows[_lookup(self.indices[start:end], rows)[0]]
        return rows

    def top(
        self, tokens: list[str], k: int, where: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """The best k statements holding at least one of the tokens, best first (equal scores in
        row order), and their scores, equal to those of `scores`.

        Args:
            where: None for every statement; a boolean mask over the statements; or the rows
                (integers) allowed.
        Returns:
            (rows as int64, scores as float32), at most k of each.
        """
        ids = self.ids(tokens)
        rows, scores = self._candidates(ids, where, k)
        if self.nonoccurrence is not None and ids and len(scores):
            scores += self.nonoccurrence[ids].sum()
        return _best(rows, scores, k)

    def scores_of(self, tokens: list[str], rows: np.ndarray) -> np.ndarray:
        """The scores of these rows (in the order given, 0 for a row holding no token), equal
        to `scores(tokens)[rows]`, looked up in the postings: for a few candidates."""
        rows = np.asarray(rows, dtype=np.int64)
        ids = self.ids(tokens)
        out = np.zeros(len(rows), dtype=np.float32)
        if not ids or not len(rows):
            return out
        allowed, back = np.unique(rows, return_inverse=True)
        spans = [(int(self.indptr[i]), int(self.indptr[i + 1])) for i in ids]
        total = np.zeros(len(allowed), dtype=np.float32)
        for start, end in spans:
            found, at = _lookup(self.indices[start:end], allowed)
            total[found] += self.data[start:end][at[found]]
        if self.nonoccurrence is not None:
            total += self.nonoccurrence[ids].sum()
        return total[back.reshape(-1)]

    def _candidates(self, ids: list[int], where, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Allowed rows holding a token, in increasing order, with their summed scores: all of
        them, or at least every one that can be among the best k."""
        if not ids or k < 1:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
        spans = [(int(self.indptr[i]), int(self.indptr[i + 1])) for i in ids]
        if where is None:
            return self._through(spans, None, k)
        where = np.asarray(where)
        if where.dtype == bool:
            if where.shape != (self.size,):
                raise ValueError("the row mask does not match the index")
            if not self._few(spans, int(np.count_nonzero(where))):
                return self._through(spans, where, k)
            allowed = np.flatnonzero(where)
        else:
            allowed = allowed_rows(where, self.size)
            if not self._few(spans, len(allowed)):
                mask = np.zeros(self.size, dtype=bool)
                mask[allowed] = True
                return self._through(spans, mask, k)
        return self._within(spans, allowed)

    def _few(self, spans, allowed: int) -> bool:
        """Whether looking each allowed row up in the postings costs less than reading them:
        a lookup costs about as much as reading a few dozen postings and a pass over every
        statement's flag (see bench/keywords.py)."""
        touched = sum(end - start for start, end in spans)
        return allowed * len(spans) * LOOKUP_COST < touched + self.size // 8

    def _through(self, spans, mask, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Sum every token's postings into a score per statement (only their rows are written),
        then keep the rows that can be among the best k."""
        total = np.zeros(self.size, dtype=np.float32)
        for start, end in spans:
            total[self.indices[start:end]] += self.data[start:end]  # once per row and token
        bar = self._bar(spans, total, mask, k)
        if bar > 0:
            # Every row of the best k scores at least the bar; untouched rows score 0.
            rows = np.flatnonzero(total >= bar)
        else:
            holds = np.zeros(self.size, dtype=bool)
            for start, end in spans:
                holds[self.indices[start:end]] = True
            rows = np.flatnonzero(holds)
        if mask is not None:
            rows = rows[mask[rows]]
        return rows, total[rows]

    def _bar(self, spans, total: np.ndarray, mask, k: int) -> float:
        """A score the k-th best allowed row reaches: the k-th best among the rows of the rarest
        tokens (a subset of the candidates), or 0 when that is not worth it or not known."""
        touched = sum(end - start for start, end in spans)
        if touched < BAR_WORTH * k:
            return 0.0
        few: list[np.ndarray] = []
        held = 0
        for start, end in sorted(set(spans), key=lambda span: span[1] - span[0]):
            rows = np.asarray(self.indices[start:end])
            few.append(rows if mask is None else rows[mask[rows]])
            held += len(few[-1])
            if held >= k:
                break
        if held < k:
            return 0.0
        rows = np.unique(np.concatenate(few)) if len(few) > 1 else few[0]
        if len(rows) < k:
            return 0.0
        return float(np.partition(total[rows], len(rows) - k)[len(rows) - k])

    def _within(self, spans, allowed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Look the allowed rows (increasing, distinct) up in each token's sorted postings."""
        total = np.zeros(len(allowed), dtype=np.float32)
        holds = np.zeros(len(allowed), dtype=bool)
        for start, end in spans:
            found, at = _lookup(self.indices[start:end], allowed)
            total[found] += self.data[start:end][at[found]]
            holds |= found
        return allowed[holds], total[holds]


def _lookup(postings: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which rows (increasing) the sorted postings hold, and where."""
    at = np.searchsorted(postings, rows)
    found = np.zeros(len(rows), dtype=bool)
    inside = at < len(postings)
    found[inside] = postings[at[inside]] == rows[inside]
    return found, at


def _best(rows: np.ndarray, scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The k highest scores, highest first, equal ones in row order (rows come increasing)."""
    if k < 1 or not len(rows):
        return rows[:0], scores[:0]
    if len(rows) > k:
        kth = np.partition(scores, len(scores) - k)[len(scores) - k]
        above = np.flatnonzero(scores > kth)
        level = np.flatnonzero(scores == kth)[: k - len(above)]
        keep = np.concatenate([above, level])
        rows, scores = rows[keep], scores[keep]
    order = np.lexsort((rows, -scores))
    return rows[order], scores[order]


def allowed_rows(where, size: int) -> np.ndarray:
    """A list of rows as increasing distinct rows within 0..size-1: as given when it already
    is (a filter's ids are), without the sort `np.unique` would do."""
    rows = np.asarray(where, dtype=np.int64).reshape(-1)
    if len(rows) > 1 and not (rows[1:] > rows[:-1]).all():
        if (rows[1:] >= rows[:-1]).all():  # sorted with repeats (a statement's several dates)
            rows = rows[np.r_[True, rows[1:] != rows[:-1]]]
        else:
            rows = np.unique(rows)
    low, high = np.searchsorted(rows, 0), np.searchsorted(rows, size)
    return rows[low:high]


def common_rows(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The rows in both increasing, distinct lists: the shorter looked up in the longer."""
    if len(a) > len(b):
        a, b = b, a
    return a[_lookup(b, a)[0]]
