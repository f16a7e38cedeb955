"""Forecast-shaped questions answered by the plan a statement reports, the subject's own, and
declined when nobody said so (qa/question/plans.py, the forecast branch of qa/answer/compose.py).
Invented text only."""

from __future__ import annotations

import pytest
from conftest import write

from qa.answer.compose import answer
from qa.question.plans import reported_future, reported_plan


def test_a_reported_would_is_the_future_of_what_was_said():
    # "He says he would fund it" reports the speaker's "I will fund it".
    plan = "Okafor says he would fund it by selling the old depot."
    assert reported_future("How will Okafor fund the river ferry?", plan)
    quoted = "Her aide said on Monday that \u201cshe would fund the ferry from the port fees.\u201d"
    assert reported_future("How will Adaeze fund the river ferry?", quoted)
    # A conditional or a guess, with no one saying they would: no plan reported.
    assert not reported_future("How will Okafor fund the river ferry?",
                               "The ferry would fund itself within a decade.")  # fmt: skip
    assert not reported_future("How will Okafor fund the river ferry?",
                               "Auditors say the depot sale would fund the ferry.")  # fmt: skip
    # A "would" in another sentence than the verb of saying is no reported speech.
    assert not reported_future("How will Okafor fund the river ferry?",
                               "Okafor spoke on Monday. Then he would fund it.")  # fmt: skip


def test_a_question_that_asks_no_future_is_answered_by_no_future():
    plan = "Berg said the ministers will meet on May 2 to discuss the quota."
    assert not reported_future("What are the chances of a quota deal?", plan)
    assert not reported_future("Could the quota talks collapse?", plan)
    assert reported_future("When will the ministers meet?", plan)


def test_a_plan_in_other_words_answers_a_yes_or_no_question_by_the_act_it_is_for():
    # "Bring in a rule" is asked in other words than "put forward regulation"; the act the
    # rule is for ("stop the dumping Varga allowed") is the plan's own.
    plan = ("The harbour minister said she would \u201cput forward regulation to protect the "
            "bay and stop the dumping Varga allowed.\u201d")  # fmt: skip
    question = "Is the harbour minister going to bring in a rule to stop the dumping Varga allowed?"
    assert reported_plan(question, plan)
    # Only the object's words shared: another act on the same thing.
    assert not reported_plan("Is the harbour minister going to lift the dumping ban?",
                             "The harbour minister said she would defend the dumping ban.")  # fmt: skip
    signing = "Fidan says he will meet Sanchez on April 28 in Ankara to sign the port deal"
    assert not reported_plan("Would Fidan cancel the port deal in Ankara?", signing)


def test_a_plan_is_the_subjects_own_or_no_answer():
    question = "Will Norway accept the quota?"
    # Another's guess about the subject, or another's own plan: no plan of the subject's.
    assert not reported_plan(question, "Dahl said Norway will accept the quota.", "Ingrid Dahl")
    assert not reported_plan(question, "Dahl said she will accept the quota.", "Ingrid Dahl")
    # The subject's own: its speaker, or a plan of a person the passage names before it.
    berg = "Ola Berg, Norway's fisheries minister"
    assert reported_plan(question, "We will accept the quota, Berg said.", berg)
    assert reported_plan(question, "Norway's minister said she will accept the quota.", "")
    # No plan at all: a forecast still declined.
    assert not reported_plan(question, "Norway accepted the quota last year.", berg)


TRAMS = """\
Mayor Ilse Varga says she would pay for the new tram line by selling the old bus depot.
Ilse Varga said on April 9 that Otto Brenn will extend the tram line to the airport.
The tram line would cost 40 million euros, the council's auditors estimate.
Otto Brenn said on April 10 that the ski school will open a second site in May.
Bus drivers said on April 11 that the night buses run late too often.
"""


@pytest.fixture(scope="module")
def trams(tmp_path_factory):
    from qa.answer.engine import Engine
    from qa.settings import Settings

    folder = tmp_path_factory.mktemp("trams")
    corpus = write(folder / "trams.txt", TRAMS)
    return Engine(Settings(corpus=(corpus,), index_dir=folder / "index"))


def test_a_plan_said_answers_the_forecast_and_leads_the_answer(trams):
    result = answer(trams, "How will Varga pay for the tram line?")
    assert result.understood.refusal == "forecast"
    assert result.answered and result.reason is None
    assert result.passages[0].source == "trams.txt:1"


@pytest.mark.parametrize(
    "question",
    [
        "Will Brenn extend the tram line?",  # only Varga said he will: her guess, not his plan
        "Will Varga close the ski school?",  # nobody said so
    ],
)
def test_what_the_subject_did_not_say_they_will_do_stays_a_forecast(trams, question):
    result = answer(trams, question)
    assert not result.answered and result.reason == "forecast"
    assert result.passages == ()
