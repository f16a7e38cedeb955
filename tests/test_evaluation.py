"""The evaluation set, run with the real bundled model, against the gates."""

from __future__ import annotations

import pytest

from qa.evaluation import GATES, default_questions_path, load_questions, run_evaluation
from qa.settings import Settings


@pytest.fixture(scope="module")
def report(real_engine, real_index_dir):
    return run_evaluation(default_questions_path(), Settings(index_dir=real_index_dir))


def test_the_question_file_covers_every_category():
    queries = load_questions(default_questions_path())
    by_category = {}
    for q in queries:
        by_category.setdefault(q.category, []).append(q)
    assert len([q for q in queries if not q.conversation]) >= 80
    for category in (
        "affiliation",
        "person",
        "topic",
        "date",
        "who",
        "digest",
        "unanswerable",
        "conversation",
    ):
        assert len(by_category[category]) >= 5, category
    reasons = {q.abstain for q in queries if q.abstain}
    assert reasons >= {"speaker", "affiliation", "date", "relevance", "role"}


def test_gates(report):
    product = report.overall["product"]
    assert product["recall@5"] >= GATES["recall@5"]
    assert product["mrr"] >= GATES["mrr"]
    assert product["abstention"] >= GATES["abstention"]
    assert product["speaker"] == 1.0
    assert product["attribution"] == 1.0
    assert product["non_verbatim"] == 0
    assert report.gate_failures() == []


def test_baselines_are_measured_in_the_same_run(report):
    for system in ("dense", "bm25"):
        assert report.overall[system]["recall@5"] is not None
    assert report.overall["product"]["abstention"] > report.overall["dense"]["abstention"]


def test_every_passage_in_every_answer_is_verbatim(report):
    assert report.counts["passages_shown"] > 100
    assert report.overall["product"]["non_verbatim"] == 0
