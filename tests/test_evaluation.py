"""The evaluation, run with the real bundled model, against the gates: the tuning part (what
rules and thresholds were fitted on) and the held-out part (never tuned on), when present."""

from __future__ import annotations

import pytest
from conftest import write

from qa.evaluation.questions import (
    EvaluationError,
    default_heldout_path,
    default_questions_path,
    load_questions,
)
from qa.evaluation.report import GATES, run_evaluation
from qa.settings import Settings


@pytest.fixture(scope="module")
def report(real_engine):
    return run_evaluation(default_questions_path(), engine=real_engine)


@pytest.fixture(scope="module")
def heldout(real_engine):
    if not default_heldout_path().exists():
        pytest.skip("no held-out part in this checkout")
    return run_evaluation(default_heldout_path(), part="held-out", engine=real_engine)


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
        "filter-relevance",
        "synonyms",
        "intent",
        "who-asked",
        "dates",
        "names",
        "refusal",
        "breadth",
        "triple",
    ):
        assert len(by_category[category]) >= 3, category
    reasons = {q.abstain for q in queries if q.abstain}
    assert reasons >= {"speaker", "affiliation", "date", "relevance", "role", "opinion",
                       "forecast", "instruction", "quantity", "language"}  # fmt: skip


def test_gates(report):
    product = report.overall["product"]
    assert product["recall@5"] >= GATES["tuning"]["recall@5"]
    assert product["mrr"] >= GATES["tuning"]["mrr"]
    assert product["abstention"] >= GATES["tuning"]["abstention"]
    assert product["attribution"] == 1.0
    assert product["non_verbatim"] == 0
    assert report.gate_failures() == []


def test_heldout_gates(heldout):
    product = heldout.overall["product"]
    assert product["non_verbatim"] == 0
    assert product["attribution"] == 1.0
    assert heldout.gate_failures() == []


def test_baselines_are_measured_in_the_same_run(report):
    for system in ("dense", "bm25"):
        assert report.overall[system]["recall@5"] is not None
    assert report.overall["product"]["abstention"] > report.overall["dense"]["abstention"]


def test_every_passage_in_every_answer_is_verbatim(report):
    assert report.counts["passages_shown"] > 100
    assert report.overall["product"]["non_verbatim"] == 0


def test_abstentions_are_judged_by_their_typed_reason(report):
    # The evaluation reads the answer's "reason", never its wording.
    refusals = report.categories["refusal"]["product"]
    assert refusals["abstention"] == 1.0
    assert report.counts["triples"] >= 3 and report.counts["turns"] >= 10


def test_triples_and_turns_are_read(tmp_path):
    path = write(
        tmp_path / "q.toml",
        """
[[triple]]
id = "t"
answers = ["x"]
questions = ["a", "b", "c"]

[[conversation]]
id = "c"
[[conversation.turn]]
question = "q"
answers = ["x"]
[[conversation.turn]]
question = "Why?"
abstain = "explanation"
""",
    )
    queries = load_questions(path)
    assert [q.id for q in queries] == ["t#plain", "t#role", "t#typo", "c#1", "c#2"]
    assert {q.triple for q in queries[:3]} == {"t"}
    assert queries[4].abstain == "explanation"
    bad = write(tmp_path / "bad.toml", '[[triple]]\nid = "t"\nquestions = ["a"]\n')
    with pytest.raises(EvaluationError):
        load_questions(bad)


def test_settings_path_still_runs(real_index_dir):
    # The CLI's way in: a path and settings, no engine.
    result = run_evaluation(default_questions_path(), Settings(index_dir=real_index_dir))
    assert result.part == "tuning" and result.questions > 100
