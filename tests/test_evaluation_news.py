"""The evaluation over real news (evals/news.toml, evals/news_heldout.toml): questions over
../shared/real/polnear-dev/statements.txt, answers by line number. Its texts are never copied
into the repository, so every test here skips when that folder is absent. No quality gates
yet: the figures are measured, not held."""

from __future__ import annotations

import pytest
from conftest import write

from qa.corpus.loading import load_corpus
from qa.evaluation.metrics import _resolve
from qa.evaluation.questions import (
    NEWS_PARTS,
    EvaluationError,
    default_news_parts,
    load_questions,
    part_of,
    question_corpus,
)
from qa.settings import bundled_path

TUNING = bundled_path("evals") / NEWS_PARTS["news tuning"]
HELDOUT = bundled_path("evals") / NEWS_PARTS["news held-out"]
CORPUS = question_corpus(TUNING)

pytestmark = pytest.mark.skipif(
    not CORPUS.is_file(), reason=f"the real-news corpus {CORPUS} is not in this checkout's parent"
)
REASONS = {"speaker", "relevance", "opinion", "forecast"}


@pytest.fixture(scope="module")
def news_statements():
    return load_corpus([CORPUS]).statements


@pytest.mark.parametrize("path", [TUNING, HELDOUT], ids=["tuning", "held-out"])
def test_every_line_number_is_exactly_one_statement(path, news_statements):
    assert question_corpus(path) == CORPUS
    queries = load_questions(path)
    qrels = _resolve(queries, news_statements, CORPUS)  # raises on a line that is not one
    for q in queries:
        assert len(qrels[q.id]) == len(set(q.answers)), q.id
        assert q.answers or q.abstain in REASONS, q.id
        assert not q.speaker or q.answers, q.id


def test_the_news_parts_cover_every_kind():
    tuning, heldout = load_questions(TUNING), load_questions(HELDOUT)
    assert len(tuning) >= 80 and len(heldout) >= 60
    assert not {q.id for q in tuning} & {q.id for q in heldout}
    kinds = ("person", "surname", "title", "who", "topic", "organisation", "role", "date")
    for queries in (tuning, heldout):
        categories = [q.category for q in queries]
        assert all(categories.count(kind) >= 3 for kind in (*kinds, "unanswerable"))
        assert {q.abstain for q in queries if q.abstain} == REASONS
        assert 0.15 <= sum(1 for q in queries if not q.answers) / len(queries) <= 0.25


def test_both_news_parts_are_found_when_their_corpus_is_there():
    assert default_news_parts() == {"news tuning": TUNING, "news held-out": HELDOUT}


def test_one_question_file_is_named_as_its_part(tmp_path):
    # `qa eval --questions FILE` reports a news file as its news part, which has no gates.
    assert part_of(TUNING) == "news tuning" and part_of(HELDOUT) == "news held-out"
    assert part_of(bundled_path("evals") / "questions.toml") == "tuning"
    other = write(tmp_path / "mine.toml", f'corpus = "{CORPUS}"\n')
    assert part_of(other) == "mine"


def test_a_line_number_that_is_no_statement_fails(tmp_path):
    corpus = write(tmp_path / "c.txt", "Smith said the bridge is closed.\nJones said it is open.\n")
    path = write(
        tmp_path / "q.toml",
        f'corpus = "{corpus}"\n[[question]]\nid = "a"\nquestion = "q"\nanswers = [2, 3]\n',
    )
    queries = load_questions(path)
    assert question_corpus(path) == corpus
    with pytest.raises(EvaluationError, match="line 3 of c.txt is no statement"):
        _resolve(queries, load_corpus([corpus]).statements, corpus)


def test_answers_must_be_line_numbers_over_a_named_corpus(tmp_path):
    corpus = write(tmp_path / "c.txt", "Smith said the bridge is closed.\n")
    for answers in ('["Smith said"]', "[0]", "[true]"):
        path = write(
            tmp_path / "q.toml",
            f'corpus = "{corpus}"\n[[question]]\nid = "a"\nquestion = "q"\nanswers = {answers}\n',
        )
        with pytest.raises(EvaluationError, match="line numbers"):
            load_questions(path)
    seeds = write(tmp_path / "s.toml", '[[question]]\nid = "a"\nquestion = "q"\nanswers = [1]\n')
    with pytest.raises(EvaluationError, match="passage prefixes"):
        load_questions(seeds)


@pytest.mark.news
def test_the_news_tuning_part_runs_beside_both_baselines(real_index_dir):
    # Builds the news corpus's own collection with the real model (a minute or two), then
    # answers the tuning part; the figures are reported, not gated.
    from qa.evaluation.report import run_parts
    from qa.settings import Settings

    [report] = run_parts(Settings(index_dir=real_index_dir), {"news tuning": TUNING})
    assert report.part == "news tuning" and report.questions == len(load_questions(TUNING))
    assert set(report.overall) == {"product", "dense", "bm25"}
    assert all(report.overall[s]["recall@5"] is not None for s in report.overall)
    assert not report.has_gates() and report.gate_failures() == []
    assert report.to_json()["gates"] == {}
    assert (real_index_dir / "collections").is_dir()  # its own collection, beside the seeds'


@pytest.fixture(scope="module")
def news_reader():
    from qa.question.reader import QuestionReader

    corpus = load_corpus([CORPUS])
    return QuestionReader(list(corpus.statements), corpus.gazetteer, corpus.timeline)


@pytest.mark.parametrize(
    "question, owner",
    [
        ("What did Clinton's campaign manager say about Trump and the generals?", "Clinton"),
        ("What did the Trump campaign spokesman say about paid leave?", "Trump"),
        ("What did the president of the NAACP say about Congress?", "NAACP"),
        ("What did the RNC's research director say about fact-checkers?", "RNC"),
        (
            "What did the founder of Iraq and Afghanistan Veterans of America say about suicides"
            " among veterans?",
            "Iraq and Afghanistan Veterans of America",
        ),
    ],  # fmt: skip
)
def test_whose_official_speaks_is_no_speaker_on_real_news(news_reader, question, owner):
    u = news_reader.read(question)
    assert u.speakers == () and u.unknown_speakers == () and u.corrections == ()
    assert [r.owner for r in u.roles] == [owner]


def test_party_adjectives_are_no_speakers_on_real_news(news_reader):
    u = news_reader.read("How did PolitiFact rate Republican and Democratic claims?")
    assert u.speakers == ("Politifact",)
