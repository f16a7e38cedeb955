"""The keyword index's sorted vocabulary finds every word bm25s saved, and no other."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from qa.store.embedded import keywords
from qa.store.embedded.keywords import Bm25Index


def test_sorted_vocabulary_agrees_with_the_saved_one(tmp_path):
    token_lists = [
        ["peac", "talk", "kyiv"], ["café", "naïv", "ceasefir"], [], ["київ", "和平", "peac"],
        ["a" * 300, "z"], ["talk"],
    ]  # fmt: skip
    keywords.build(token_lists, tmp_path)
    saved = json.loads((tmp_path / "vocab.index.json").read_text(encoding="utf-8"))
    index = Bm25Index(tmp_path)
    assert len(index.vocab) == len(saved)
    assert {word: index.vocab.get(word) for word in saved} == saved
    assert all(word in index.vocab and index.vocab[word] == i for word, i in saved.items())
    assert list(index.vocab) == sorted(saved)  # in sorted order, whatever the ids
    for prefix in ("p", "pe", "peac", "peace", "a", "z", "к", "和", "", "q"):
        expected = [word for word in sorted(saved) if word.startswith(prefix)]
        assert index.vocab.starting_with(prefix) == expected, prefix
    for unknown in ("pea", "peace", "talks", "zz", "кий", "a" * 299):
        assert index.vocab.get(unknown) is None and unknown not in index.vocab
        with pytest.raises(KeyError):
            index.vocab[unknown]
    scores = index.scores(["peac", "unknown"])
    assert np.flatnonzero(scores).tolist() == [0, 3]
    assert index.scores(["nothing"]).tolist() == [0.0] * 6


def test_the_vocabulary_iterates_alike_whatever_the_hash_seed(tmp_path):
    """bm25s numbers words in set order, which follows PYTHONHASHSEED: two builds of the same
    statements number them differently but iterate them alike."""
    script = (
        "import sys; from pathlib import Path; from qa.store.embedded import keywords; "
        "keywords.build([['line', 'like', 'link'], ['lime', 'kyiv']], Path(sys.argv[1]))"
    )
    orders = []
    for seed in ("1", "4"):
        folder = tmp_path / seed
        folder.mkdir()
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-c", script, str(folder)], check=True, env=env)
        saved = json.loads((folder / "vocab.index.json").read_text(encoding="utf-8"))
        orders.append((list(saved), list(Bm25Index(folder).vocab)))
    assert orders[0][0] != orders[1][0]  # bm25s's ids differ between the two builds
    assert orders[0][1] == orders[1][1] == ["", "kyiv", "like", "lime", "line", "link"]


def test_an_empty_vocabulary_finds_nothing(tmp_path):
    keywords.Vocabulary.write({}, tmp_path)
    vocabulary = keywords.Vocabulary(tmp_path)
    assert len(vocabulary) == 0 and vocabulary.get("peac") is None


# -- best k from the postings -------------------------------------------------------------


def _expected(index: Bm25Index, tokens: list[str], k: int, allowed: np.ndarray):
    """Best k by `scores`: every statement scored, the allowed ones holding a token kept,
    highest first, equal scores in row order."""
    scores = index.scores(tokens)
    holds = np.zeros(index.size, dtype=bool)
    for token in tokens:
        at = index.vocab.get(token)
        if at is not None:
            holds[index.indices[index.indptr[at] : index.indptr[at + 1]]] = True
    rows = np.flatnonzero(holds & allowed)
    rows = rows[np.lexsort((rows, -scores[rows]))][:k]
    return rows, scores[rows]


def _restrictions(size: int, rng) -> list:
    """No restriction, masks keeping most, half and very few rows, and lists of rows (in any
    order, with repeats and out-of-range rows ignored)."""
    return [
        None,
        rng.random(size) < 0.9,
        rng.random(size) < 0.5,
        rng.random(size) < 3 / size,
        np.zeros(size, dtype=bool),
        rng.choice(size, 7),
        rng.choice(size, size // 3),
        np.array([size - 1, 0, 0, size + 5, -1]),
        np.array([], dtype=np.int64),
    ]


def _as_mask(where, size: int) -> np.ndarray:
    if where is None:
        return np.ones(size, dtype=bool)
    if where.dtype == bool:
        return where
    mask = np.zeros(size, dtype=bool)
    mask[where[(where >= 0) & (where < size)]] = True
    return mask


def _check_top(index: Bm25Index, queries: list[list[str]], rng) -> int:
    checked = 0
    for tokens in queries:
        some = rng.choice(index.size, 50)  # in any order, repeats too
        assert index.scores_of(tokens, some).tobytes() == index.scores(tokens)[some].tobytes()
        for where in _restrictions(index.size, rng):
            for k in (1, 5, 100):
                rows, scores = index.top(tokens, k, where)
                want_rows, want_scores = _expected(index, tokens, k, _as_mask(where, index.size))
                assert rows.tolist() == want_rows.tolist(), (tokens, k)
                assert scores.dtype == np.float32
                assert scores.tobytes() == want_scores.tobytes()  # bit for bit
                checked += len(rows)
    return checked


def test_top_matches_scores_on_a_synthetic_corpus(tmp_path):
    """Zipf-distributed words, so some postings hold most statements and many statements tie."""
    rng = np.random.default_rng(7)
    words = [f"w{i}" for i in range(400)]
    weights = 1.0 / np.arange(1, len(words) + 1)
    weights /= weights.sum()
    token_lists = [
        [str(w) for w in rng.choice(words, size=rng.integers(0, 25), p=weights)]
        for _ in range(3000)
    ]
    keywords.build(token_lists, tmp_path)
    index = Bm25Index(tmp_path)
    queries = [
        ["w0"], ["w0", "w1", "w2", "w3", "w4"], ["w1", "w7", "w350"], ["w3", "w3", "w12"],
        ["w399", "nothing"], ["nothing"], [], list(rng.choice(words, 12)),
    ]  # fmt: skip
    assert _check_top(index, queries, rng) > 1000


def test_top_matches_scores_on_the_seeds(real_engine, real_index_dir):
    from qa.evaluation.questions import default_questions_path, load_questions
    from qa.store.embedded.index import load
    from qa.text import tokenize

    real_engine.load()  # the seeds' index built
    index = load(real_index_dir)
    asked = load_questions(default_questions_path())
    queries = [tokenize(q.question) for q in asked[:60]]
    try:
        assert _check_top(index.bm25, queries, np.random.default_rng(3)) > 100
    finally:
        index.close()


def test_frequency_and_postings(tmp_path):
    keywords.build([["peac", "talk"], ["talk"], [], ["peac", "peac", "kyiv"]], tmp_path)
    index = Bm25Index(tmp_path)
    assert [index.frequency(t) for t in ("peac", "talk", "kyiv", "absent")] == [2, 2, 1, 0]
    assert index.postings("peac").tolist() == [0, 3]
    assert index.postings("absent").tolist() == []
    rows, scores = index.top(["peac", "talk"], 10)
    assert sorted(rows.tolist()) == [0, 1, 3]  # not row 2, which holds neither
    assert scores.tolist() == index.scores(["peac", "talk"])[rows].tolist()
    assert scores.tolist() == sorted(scores.tolist(), reverse=True)
    assert index.top(["peac", "talk"], 10, np.array([1, 2]))[0].tolist() == [1]


def test_rows_holding_all_the_words(tmp_path):
    rng = np.random.default_rng(9)
    words = [f"w{i}" for i in range(30)]
    token_lists = [
        [str(w) for w in rng.choice(words, size=rng.integers(0, 12))] for _ in range(2000)
    ]
    keywords.build(token_lists, tmp_path)
    index = Bm25Index(tmp_path)
    for asked in (
        ["w0"],
        ["w0", "w1"],
        ["w3", "w29", "w3"],
        ["w5", "absent"],
        [],
        ["w1", "w2", "w4"],
    ):
        expected = [
            row for row, tokens in enumerate(token_lists) if asked and set(asked) <= set(tokens)
        ]
        assert index.holding_all(asked).tolist() == expected, asked


def test_a_mask_of_the_wrong_size_is_refused(tmp_path):
    keywords.build([["peac"], ["talk"]], tmp_path)
    with pytest.raises(ValueError):
        Bm25Index(tmp_path).top(["peac"], 5, np.ones(3, dtype=bool))


def test_an_initialism_with_full_stops_is_the_word_without_them(tmp_path):
    from qa.text import tokenize

    assert tokenize("a full-fledged E.U. force, the U.S. and the U.K.") == tokenize(
        "a full-fledged EU force, the US and the UK"
    )
    assert tokenize("J. Smith of D.C.") == ["j", "smith", "dc"]  # one letter is no initialism
    keywords.build([tokenize("The E.U. military force"), tokenize("Ports reopened")], tmp_path)
    assert Bm25Index(tmp_path).postings(tokenize("EU")[0]).tolist() == [0]
