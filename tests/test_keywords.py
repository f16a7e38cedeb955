"""The keyword index's sorted vocabulary finds every word bm25s saved, and no other."""

from __future__ import annotations

import json

import numpy as np
import pytest

from qa import keywords
from qa.keywords import Bm25Index


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
    assert list(index.vocab) == list(saved)  # iterated in the saved order
    for unknown in ("pea", "peace", "talks", "zz", "кий", "a" * 299):
        assert index.vocab.get(unknown) is None and unknown not in index.vocab
        with pytest.raises(KeyError):
            index.vocab[unknown]
    scores = index.scores(["peac", "unknown"])
    assert np.flatnonzero(scores).tolist() == [0, 3]
    assert index.scores(["nothing"]).tolist() == [0.0] * 6


def test_an_empty_vocabulary_finds_nothing(tmp_path):
    keywords.Vocabulary.write({}, tmp_path)
    vocabulary = keywords.Vocabulary(tmp_path)
    assert len(vocabulary) == 0 and vocabulary.get("peac") is None
