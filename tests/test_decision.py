"""Plain retrieval is the floor of every answer, judged by the fitted decision: an answer's
first page holds plain search's most likely candidate when it is judged likelier to answer
than the page's last hit, a short page is followed by the candidates reaching the fitted
threshold, each labelled as a further statement matched by the question; a refusal, a
listing, a follow-up and an explicit filter are left as the reading makes them."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from qa.answer import floor
from qa.answer.compose import answer, explicit_filters
from qa.chat.conversation import Conversation
from qa.cli import app
from qa.present import formats

runner = CliRunner()
SHORT = "What did Yermak say about Jeddah?"  # one passage of his own answers
HELD_OUT = ("heldout_fresh", "news_heldout", "validation")


def floor_passages(result) -> list:
    return [p for p in result.passages if "question" in p.matched_by]


def test_the_shipped_decision_is_fitted_on_tuning_questions_only():
    data = json.loads(floor.DECISION.read_text(encoding="utf-8"))
    assert tuple(data["features"]) == floor.FEATURES
    assert len(data["weights"]) == len(data["mean"]) == len(data["scale"]) == len(floor.FEATURES)
    assert 0.0 <= data["shown_from"] < 1.0
    assert data["fitted_on"] and not any(
        part in path for path in data["fitted_on"] for part in HELD_OUT
    )
    fitted = floor.decision()
    p = fitted.probabilities(np.asarray([data["mean"]]))
    assert 0.0 < p[0] < 1.0


def test_a_short_answer_is_followed_by_plain_search_labelled_as_further(real_engine):
    result = answer(real_engine, SHORT, top_k=5)
    assert result.answered
    own = [p for p in result.passages if "question" not in p.matched_by]
    added = floor_passages(result)
    assert own and added
    assert result.passages[: len(own)] == tuple(own)  # the answer's own come first
    assert all(p.further for p in added)
    shown_from = floor.decision().shown_from
    # The first added is the most likely candidate; the others reach the fitted threshold.
    assert all(p.score >= shown_from for p in added[1:])
    assert [p.score for p in added] == sorted((p.score for p in added), reverse=True)
    assert len(result.passages) <= 5 and len({p.id for p in result.passages}) == len(
        result.passages
    )


def test_a_full_page_gives_plain_search_at_most_its_last_place(real_engine):
    for question in (
        "What was said about security guarantees?",
        "What did Zelensky say about security guarantees?",
        "What has been said about a ceasefire?",
    ):
        whole = answer(real_engine, question, top_k=50)
        page = answer(real_engine, question, top_k=5)
        added = [i for i, p in enumerate(page.passages) if "question" in p.matched_by]
        assert added in ([], [4])
        # Pages stay stretches of one whole answer, the floor's place included.
        assert page.passages == whole.passages[:5]
        assert answer(real_engine, question, top_k=5, offset=5).passages == whole.passages[5:10]


@pytest.mark.parametrize(
    "question",
    [
        "What did Macron say about the Russian economy?",  # the speaker said nothing on it
        "What is the capital of Australia?",  # nothing in the corpus
        "Will Russia accept peacekeepers next year?",  # a forecast
    ],
)
def test_a_refusal_stands(real_engine, question):
    result = answer(real_engine, question, top_k=5)
    assert not result.answered and not result.passages


def test_listings_and_explicit_filters_get_no_floor(real_engine):
    assert not floor_passages(answer(real_engine, "What did Zelensky say?", top_k=5))
    filters = explicit_filters(real_engine, speaker="Yermak")
    result = answer(real_engine, "What was said about Jeddah?", top_k=5, filters=filters)
    assert result.answered and not floor_passages(result)


def test_what_else_still_lists_a_statement_shown_only_as_plain_searchs(real_engine):
    chat = Conversation(real_engine)
    first = chat.handle(SHORT).answer
    speaker = first.passages[0].speaker
    added = [p for p in floor_passages(first) if p.speaker == speaker]
    assert added, "the first answer shows another of the speaker's statements from plain search"
    again = chat.handle("What else did he say?").answer
    assert again.answered
    assert {p.id for p in added} <= {p.id for p in again.passages}
    assert first.passages[0].id not in {p.id for p in again.passages}


def test_every_format_labels_plain_searchs_statements(real_engine, real_index_dir):
    args = ["ask", "--index-dir", str(real_index_dir), SHORT]
    data = json.loads(runner.invoke(app, [*args, "--json"]).stdout)
    added = [p for p in data["passages"] if "question" in p["matched_by"]]
    assert added and all(p["further"] for p in added)
    text = runner.invoke(app, args).stdout
    markdown = runner.invoke(app, [*args, "--format", "markdown"]).stdout
    assert text.count(formats.FLOOR) == markdown.count(formats.FLOOR) == len(added)
    csv_text = runner.invoke(app, [*args, "--format", "csv"]).stdout
    assert csv_text.count(formats.FLOOR) == len(added)


def test_equal_keyword_scores_rank_alike_whatever_order_a_store_gives_them():
    # Stores order equal scores apart differently (by position, by key): the rank feature
    # must not depend on it, or the two stores would fill a page differently.
    rows = np.array([7, 3, 5])
    first = floor._inverse_ranks(rows, [7, 3, 5], [2.0, 2.0, 1.0])
    second = floor._inverse_ranks(rows, [3, 7, 5], [2.0, 2.0, 1.0])
    assert first.tolist() == second.tolist() == [1.0, 1.0, 1 / 3]
