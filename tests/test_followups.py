"""Follow-ups about the answer just shown (when, where, to whom, through which outlet, on what
condition, the exact words, who else, did anyone disagree), answered from the records of the
passages shown with fixed labels and verbatim words, on the bundled seeds and model."""

from __future__ import annotations

import json
import re

from conftest import own

from qa.chat.about_answer import DISAGREE, LABELS
from qa.chat.conversation import Conversation
from qa.chat.terminal import run_piped
from qa.present.render import make_console


def source(passage) -> str:
    return passage.source.rsplit(":", 1)[1]


def quoted(note: str) -> list[str]:
    """The words a note quotes from the passages (after its label; a pointer before the label
    quotes the question's pronoun)."""
    facts = note.split(" — ", 1)[1]
    return re.findall(r"“(.+?)”(?=[ .;]|$)", facts)


def assert_verbatim(reply) -> None:
    answer = reply.answer
    assert answer.passages
    for words in quoted(answer.note):
        assert any(words in p.text for p in answer.passages), words


def test_when_where_and_exact_words_of_what_meloni_said(real_engine):
    chat = Conversation(real_engine)
    first = chat.handle("What did Meloni say about peacekeepers?").answer
    assert [source(p) for p in first.passages[:2]] == ["10", "13"]

    when = chat.handle("When did she say that?").answer
    assert when.understood.intent == "when" and when.answered
    # "she": Meloni (her office's statement speaks for her; "she added" in the other).
    assert [source(p) for p in when.passages] == ["10", "13"]
    assert when.note.startswith(
        f"{LABELS['when']} — Passage 1 (Giorgia Meloni's office): March 15."
    )
    assert (
        "Passage 2 (Giorgia Meloni): the statement does not say when; "
        "undated (between March 5 and March 15, inferred)." in when.note
    )

    where = chat.handle("Where?").answer
    assert [source(p) for p in where.passages] == ["10", "13"]
    assert "Passage 1 (Giorgia Meloni's office): the statement does not say where." in where.note
    assert (
        "Passage 2 (Giorgia Meloni): the passage says “said on the sidelines of the EU leaders' "
        "meeting in Brussels”." in where.note
    )

    words = chat.handle("What were her exact words?")
    assert_verbatim(words)
    note = words.answer.note
    assert "Passage 1 (Giorgia Meloni's office): a paraphrase, not the speaker's own words" in note
    for quote in words.answer.passages[1].quotes:
        assert f"“{quote}”" in note
    assert "“We need to think about more durable solutions”" in note

    others = chat.handle("Who else talked about peacekeepers?").answer
    assert others.answered and others.understood.intent == "who"
    assert all("Meloni" not in (p.speaker or "") for p in others.passages)


def test_what_day_did_she_say_it_is_answered_not_an_error(real_engine):
    chat = Conversation(real_engine)
    chat.handle("What did Meloni say about peacekeepers?")
    reply = chat.handle("what day did she say it?")
    assert reply.show == "answer" and reply.answer.understood.intent == "when"
    assert "Passage 1 (Giorgia Meloni's office): March 15." in reply.answer.note


def test_he_and_she_point_at_the_speaker_they_fit(real_engine):
    chat = Conversation(real_engine)
    first = chat.handle("What did Canada say about security guarantees?").answer
    assert [p.speaker for p in own(first.passages)] == ["Bill Blair", "Melanie Joly"]
    # "Melanie" is a woman's given name; "Bill" tells nothing, and "he" does not contradict it.
    she = chat.handle("When did she say that?").answer
    assert she.passages == (first.passages[1],)
    assert she.note == f"{LABELS['when']} — Passage 2 (Melanie Joly): Feb. 18."
    he = chat.handle("When did he say that?").answer
    assert he.passages == (first.passages[0],)
    assert he.note == f"{LABELS['when']} — Passage 1 (Bill Blair): March 5."
    second = chat.handle("When was the second one said?").answer
    assert second.passages == (first.passages[1],)


def test_to_whom_and_through_which_outlet_is_the_records_channel_verbatim(real_engine):
    chat = Conversation(real_engine)
    chat.handle("What did Macron say?")
    outlet = chat.handle("Which outlet?")
    assert_verbatim(outlet)
    assert outlet.answer.understood.intent == "to whom"
    assert outlet.answer.note.endswith(
        "(Emmanuel Macron): “said in an interview with Le Parisien”."
    )

    chat.handle("What did Zelensky say about security guarantees?")
    told = chat.handle("Who did he tell?")
    assert_verbatim(told)
    note = told.answer.note
    assert "“said in an interview with Italian broadcaster RaiNews24”" in note
    # The passages whose records name no channel say so, one by one.
    silent = note.count("the statement does not say to whom or through which outlet")
    assert silent == sum(p.channel is None for p in told.answer.passages) > 0


def test_on_what_condition_shows_the_statements_own_words(real_engine):
    chat = Conversation(real_engine)
    chat.handle("What did Zelensky say about investment?")
    reply = chat.handle("On what condition?")
    assert_verbatim(reply)
    assert reply.answer.note.endswith(
        "its words of condition: “provided that the occupied territories are liberated and "
        "natural resources are protected”."
    )
    chat.handle("What did Canada say about security guarantees?")
    none = chat.handle("On what condition did she say it?").answer
    assert none.note.endswith(
        "(Melanie Joly): the statement does not say on what condition; the statement is below."
    )


def test_did_anyone_disagree_lists_others_and_never_claims_a_disagreement(real_engine):
    chat = Conversation(real_engine)
    chat.handle("What did Meloni say about peacekeepers?")
    reply = chat.handle("Did anyone disagree?").answer
    assert reply.answered and reply.note == DISAGREE[0]
    assert all("Meloni" not in (p.speaker or "") for p in reply.passages)


def test_without_an_answer_shown_they_stay_questions_of_their_own(real_engine):
    chat = Conversation(real_engine)
    assert chat.handle("Where?").show == "error"
    assert chat.handle("When did she say that?").lines == (
        "Nothing has been shown yet to ask that about.",
    )


def test_a_question_of_its_own_is_not_read_as_one_about_the_answer(real_engine):
    chat = Conversation(real_engine)
    chat.handle("What did Italy say about peacekeepers?")
    # Zelensky and security guarantees are not in the passages shown: a new search.
    reply = chat.handle("When did Zelensky talk about security guarantees?").answer
    assert reply.note is None
    assert {p.speaker for p in own(reply.passages)} == {"Volodymyr Zelensky"}


def test_and_canada_still_refines_the_last_question(real_engine):
    chat = Conversation(real_engine)
    chat.handle("What did Italy say about peacekeepers?")
    reply = chat.handle("And Canada?").answer
    assert reply.understood.follow_up and reply.understood.intent == "what"
    assert reply.understood.affiliations == ("Canada",)
    assert reply.understood.topic == "peacekeepers"
    # Canada's two statements speak of it in their own words ("be a part of that",
    # "protecting Ukraine"): they answer, on top, labelled as not judged on the topic.
    assert reply.answered
    assert {p.source.rsplit(":", 1)[1] for p in reply.passages[:2]} == {"15", "26"}
    assert all(p.affiliation == "Canada" and p.further for p in reply.passages[:2])
    assert reply.note == (
        "Nothing by Canada is clearly about peacekeepers; their statements closest to it "
        "follow, not judged on the topic."
    )


def test_a_follow_up_shows_the_closest_statements_never_as_judged_on_the_topic(real_engine):
    chat = Conversation(real_engine)
    chat.handle("What did Italy say about peacekeepers?")
    reply = chat.handle("And Lithuania?").answer
    assert reply.understood.follow_up and reply.understood.affiliations == ("Lithuania",)
    assert reply.passages and all(p.further for p in reply.passages)
    assert reply.note.startswith("Nothing by Lithuania is clearly about peacekeepers;")
    # A word no statement holds is refused as ever.
    assert not chat.handle("And about zorblats?").answer.answered
    # The question asked first, not a follow-up, is judged on the topic as ever.
    first = Conversation(real_engine).handle("What did Canada say about peacekeepers?").answer
    assert not first.answered and first.reason == "relevance"


def test_piped_json_carries_the_passages_and_the_note(real_engine, capsys):
    lines = ["What did Meloni say about peacekeepers?", "When did she say that?", "Where?"]
    run_piped(real_engine, lines, make_console(False), as_json=True)
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [o["understood"]["intent"] for o in out] == ["what", "when", "where"]
    assert out[1]["answered"] is True and out[1]["passages"][0]["said_on"]["text"] == "March 15"
    assert out[1]["note"].startswith(LABELS["when"])
