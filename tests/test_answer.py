"""The answer's pages: a page of a longer answer is the same passages as that stretch of the
whole answer, and knows the whole answer (its group headers count it)."""

from __future__ import annotations

import pytest

from qa.answer.compose import answer


@pytest.mark.parametrize(
    "question",
    [
        "What did Zelensky say?",  # filters only: listed newest first
        "What was said about security guarantees?",  # a topic: ranked
        "What was said in February?",  # a time: said before inferred, ties by id
        "Who was the first to speak about peacekeepers?",  # ordered by date after ranking
    ],
)
def test_a_page_is_a_stretch_of_the_whole_answer_and_knows_the_whole(real_engine, question):
    every = answer(real_engine, question, top_k=50)
    assert every.available > 4 and every.whole == ()
    page = answer(real_engine, question, top_k=2, offset=2)
    assert page.passages == every.passages[2:4]
    assert page.available == every.available
    assert page.whole == every.passages
