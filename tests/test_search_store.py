"""The searcher against a store it knows nothing about: an in-memory fake with ids that are
not row numbers, a word-count keyword score and a row-by-row filter evaluation. Ranking,
filters, the relevance cut and listing work through the Store interface alone, and no question
asks the store for more records than its candidates."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import FakeEncoder, write
from test_store import passes

from qa.answer.fusion import CANDIDATES
from qa.answer.search import Searcher
from qa.corpus.gazetteer import Gazetteer, corpus_gazetteer_files
from qa.corpus.loading import load_corpus
from qa.question.understanding import Understanding
from qa.store.base import Facts
from qa.store.facts import row_facts
from qa.store.where import EVERYTHING
from qa.text import tokenize

FEED = [
    "Portugal wants fishing quotas kept for the region, Portuguese Defence Minister Nuno Melo"
    " said on May 9.",
    "Spain backs more funding for the region, Spanish Prime Minister Pedro Sanchez said on May 4.",
    "Spain will not send troops to the region, Spanish Prime Minister Pedro Sanchez said on"
    " May 12.",
    "Portugal will send troops to the border, Portuguese Defence Minister Nuno Melo said on May 3.",
]
FILLER = "Harbour cranes number {i} were repainted in a yard, a local paper said on May {day}."
LINES = FEED + [FILLER.format(i=i, day=1 + i % 28) for i in range(3 * CANDIDATES)]


class FakeStore:
    """Statements in memory under ids 1000, 1007, 1014, ...: a backend of another kind."""

    def __init__(self, statements, gazetteer, timeline, encoder):
        self.records = {1000 + 7 * i: s for i, s in enumerate(statements)}
        self.order = sorted(self.records)
        self.size = len(statements)
        self.model_id, self.weights_sha256 = "fake", "f" * 64
        self.timeline, self.skipped = timeline, []
        self.row = {i: row_facts(s, gazetteer, timeline) for i, s in self.records.items()}
        self.words = {i: tokenize(s.passage) for i, s in self.records.items()}
        passages = [self.records[i].passage for i in self.order]
        self.vecs = dict(zip(self.order, encoder.encode(passages)))
        self.asked: list[tuple[str, int]] = []  # (method, how many ids)

    def _allowed(self, where) -> list[int]:
        return [i for i in self.order if passes(where, self.row[i], set(self.words[i]))]

    def statements(self, ids):
        self.asked.append(("statements", len(ids)))
        return [self.records[int(i)] for i in ids]

    def statement_ids(self, ids):
        return [s.id for s in self.statements(ids)]

    def vectors(self, ids):
        self.asked.append(("vectors", len(ids)))
        return np.array([self.vecs[int(i)] for i in ids], dtype=np.float32).reshape(len(ids), -1)

    def dense(self, vector, k, where):
        ranked = sorted((-float(self.vecs[i] @ vector), i) for i in self._allowed(where))[:k]
        return np.array([i for _, i in ranked]), np.array([-s for s, _ in ranked])

    def keyword_scores(self, tokens, ids):
        self.asked.append(("keyword_scores", len(ids)))
        return np.array([float(sum(self.words[int(i)].count(t) for t in tokens)) for i in ids])

    def keywords(self, tokens, k, where):
        allowed = self._allowed(where)
        scores = self.keyword_scores(tokens, allowed)
        self.asked.pop()
        ranked = sorted((-s, i) for s, i in zip(scores, allowed) if s > 0)[:k]
        return np.array([i for _, i in ranked], dtype=np.int64), np.array([-s for s, _ in ranked])

    def ids(self, where, among=None, limit=None):
        allowed = self._allowed(where)
        if among is not None:
            allowed = [i for i in allowed if i in {int(a) for a in among}]
        return np.array(allowed[:limit] if limit else allowed, dtype=np.int64)

    def count(self, where):
        return len(self._allowed(where))

    def allows_any(self, where):
        return bool(self._allowed(where))

    def allows_fewer(self, where):
        return self.count(where) < self.size

    def facts(self, ids):
        self.asked.append(("facts", len(ids)))
        rows = [self.row[int(i)] for i in ids]
        return Facts(*(np.array([r[name] for r in rows]) for name in
                       ("said_lo", "said_hi", "inferred_hi", "attributed")))  # fmt: skip

    def has_word(self, token):
        return any(token in words for words in self.words.values())

    def words_starting(self, prefix):
        return sorted({w for words in self.words.values() for w in words if w.startswith(prefix)})

    @property
    def vocabularies(self):
        return {name + "s": sorted({r[name] for r in self.row.values()} - {""})
                for name in ("speaker", "affiliation", "role", "place")}  # fmt: skip

    def speaker_places(self):
        return {r["speaker"]: r["affiliation"] for r in self.row.values() if r["speaker"]}

    def close(self):
        pass


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fake-store")
    path = write(folder / "feed.txt", "\n".join(LINES) + "\n")
    corpus = load_corpus([path])
    gazetteer = Gazetteer.load(corpus_gazetteer_files([path]))
    return FakeStore(list(corpus.statements), gazetteer, corpus.timeline, FakeEncoder())


@pytest.fixture
def searcher(store):
    store.asked.clear()
    gazetteer = Gazetteer.load([])
    return Searcher(store, FakeEncoder(), gazetteer)


def ask(searcher, top_k=5, **fields):
    concepts = tuple((w,) for w in fields.get("topic", "").split())
    return searcher.search(Understanding(question="?", concepts=concepts, **fields), top_k)


def test_hits_are_the_stores_own_ids(searcher, store):
    result = ask(searcher, topic="fishing quotas")
    assert result.answered
    first = result.hits[0]
    assert first.row == 1000 and first.statement is store.records[1000]
    assert "words" in first.matched_by and "meaning" in first.matched_by


def test_a_speaker_filter_keeps_only_that_speaker(searcher):
    result = ask(searcher, topic="troops region", speakers=("Pedro Sanchez",))
    assert result.answered
    assert {h.statement.speaker for h in result.hits} == {"Pedro Sanchez"}
    assert all(h.matched_by[0] == "speaker" for h in result.hits)
    assert result.hits[0].statement.passage.startswith("Spain will not send troops")


def test_a_filter_that_matches_nothing_is_named(searcher):
    result = ask(searcher, topic="troops", speakers=("Nobody Known",))
    assert not result.answered and result.reason == "speaker"
    assert result.note == "No statement by Nobody Known in the corpus."


def test_an_unrelated_topic_is_not_answered(searcher):
    result = ask(searcher, topic="volcano eruption forecast")
    assert not result.answered and result.hits == ()
    assert result.reason == "relevance"


def test_filters_without_a_topic_list_newest_first(searcher, store):
    result = ask(searcher, speakers=("Nuno Melo",))
    assert result.answered and result.available == 2
    assert [h.said_order for h in result.hits] == sorted(
        (h.said_order for h in result.hits), reverse=True
    )
    assert [h.row for h in result.hits] == [1000, 1021]


def test_no_question_asks_for_more_than_its_candidates(searcher, store):
    assert store.size > 3 * CANDIDATES
    for fields in (
        {"topic": "harbour cranes repainted"},
        {"topic": "troops", "speakers": ("Pedro Sanchez",)},
        {"topic": "yard"},
    ):
        store.asked.clear()
        ask(searcher, top_k=5, **fields)
        assert store.asked, fields
        assert max(n for _, n in store.asked) <= 2 * CANDIDATES, (fields, store.asked)


def test_the_same_answer_from_the_embedded_store(tmp_path, searcher):
    """The fake and the embedded store answer alike where their keyword scores agree on
    order (a word one statement holds), with ids of their own."""
    from qa.store.embedded.build import ensure
    from qa.store.embedded.store import EmbeddedStore

    path = write(tmp_path / "feed.txt", "\n".join(LINES) + "\n")
    index = ensure([path], tmp_path / "index", FakeEncoder())
    embedded = EmbeddedStore.of_index(index, Gazetteer.load([]))
    try:
        other = Searcher(embedded, FakeEncoder(), Gazetteer.load([]))
        mine = ask(searcher, topic="fishing")
        theirs = ask(other, topic="fishing")
        assert mine.answered and theirs.answered
        assert [h.statement.passage for h in mine.hits] == [
            h.statement.passage for h in theirs.hits
        ]
        assert [h.row for h in theirs.hits][:1] == [0] and [h.row for h in mine.hits][:1] == [1000]
        assert embedded.ids(EVERYTHING).tolist() == list(range(len(LINES)))
    finally:
        embedded.close()
