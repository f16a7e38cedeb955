"""The chat without a terminal: follow-ups, "more", slash commands, piped input, and the
prompt-toolkit loop driven through a pipe."""

from __future__ import annotations

import json

from conftest import own
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from qa.chat.conversation import Conversation
from qa.chat.terminal import run_chat, run_piped
from qa.present.render import make_console
from qa.settings import Settings


def sources(reply):
    """The lines of the answer's own passages."""
    return {p.source.rsplit(":", 1)[1] for p in own(reply.answer.passages)}


def test_follow_up_names_a_new_country(real_engine):
    chat = Conversation(real_engine)
    first = chat.handle("What did Italy say about sending troops?").answer.passages
    # The statements on troops first; a country's others may follow (tests/test_search.py).
    assert {p.source.rsplit(":", 1)[1] for p in first[:2]} == {"10", "13"}
    reply = chat.handle("And Canada?")
    assert reply.answer.understood.follow_up
    assert reply.answer.understood.affiliations == ("Canada",)
    assert reply.answer.understood.topic == "sending troops"


def test_follow_up_names_a_date(real_engine):
    chat = Conversation(real_engine)
    chat.handle("What did Zelensky say about security guarantees?")
    reply = chat.handle("What about in January?")
    assert reply.answer.understood.speakers == ("Volodymyr Zelensky",)
    assert sources(reply) <= {"30", "31", "32"} and {"30", "31"} <= sources(reply)


def test_more_pages_through_the_answer(real_engine):
    chat = Conversation(real_engine)
    first = chat.handle("What did Zelensky say?")
    assert len(first.answer.passages) == 5 and first.answer.available == 6
    more = chat.handle("more")
    assert len(more.answer.passages) == 1
    assert not {p.id for p in more.answer.passages} & {p.id for p in first.answer.passages}
    assert chat.handle("more").lines == ("That was all of the last answer.",)


def test_group_headers_count_the_whole_answer_not_the_page(real_engine):
    import io

    from qa.answer.compose import answer
    from qa.present.render import render_answer

    whole = answer(real_engine, "What did Zelensky say?")
    page = answer(real_engine, "What did Zelensky say?", top_k=2, offset=2)
    assert len(page.passages) == 2 and len(page.whole) == whole.available
    owner = page.passages[0].speaker
    counted = sum(p.speaker == owner for p in page.whole)
    assert counted > 2
    out = io.StringIO()
    render_answer(make_console(color=False, file=out), page)
    assert f"{owner} — {counted} statements" in out.getvalue()
    assert f"{owner} — 2 statements" not in out.getvalue()


def test_slash_commands(real_engine):
    chat = Conversation(real_engine)
    assert chat.handle("/sources").lines == ("Ask a question first.",)
    assert any("/filters" in line for line in chat.handle("/help").lines)
    chat.handle("What did the NATO chief say?")
    assert chat.handle("/sources").show == "sources"
    assert chat.handle("/filters").show == "filters"
    assert chat.handle("/nope").show == "error"
    assert chat.handle("/quit").show == "quit"


def test_piped_json_one_object_per_line(real_engine, capsys):
    lines = ["What did Italy say about peacekeepers?", "And Canada?", "", "/quit", "never asked"]
    run_piped(real_engine, lines, make_console(False), as_json=True)
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [o["question"] for o in out] == ["What did Italy say about peacekeepers?", "And Canada?"]
    assert out[1]["understood"]["follow_up"] is True


def test_piped_bad_line_is_one_sentence_and_goes_on(real_engine, capsys):
    run_piped(real_engine, ["?!", "What did Lavrov say?"], make_console(False), as_json=True)
    first, second = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert first == {
        "format_version": 1,
        "error": "The question has no words; type a question about the statements.",
    }
    assert second["passages"][0]["speaker"] == "Sergey Lavrov"


def test_prompt_loop_through_a_pipe(real_index_dir, capsys):
    with create_pipe_input() as pipe:
        pipe.send_text("What did Lithuania say?\n/filters\n")
        pipe.send_text("\x03")  # Ctrl-C cancels the line, the chat goes on
        pipe.send_text("/quit\n")
        code = run_chat(
            Settings(index_dir=real_index_dir), color=False, input=pipe, output=DummyOutput()
        )
    out = capsys.readouterr().out
    assert code == 0
    assert "Gitanas Nauseda, President, Lithuania" in out
    assert "by: Lithuania" in out


def test_references_to_the_last_answer(real_engine):
    chat = Conversation(real_engine)
    first = chat.handle("What was said about unarmed observers and a civilian mission?")
    top = first.answer.passages[0]
    who = chat.handle("Who said that?")
    assert who.answer.passages == (top,) and who.answer.understood.intent == "who"
    when = chat.handle("When was that?")
    assert when.answer.passages == (top,) and when.answer.understood.intent == "when"
    why = chat.handle("Why?")
    assert not why.answer.answered and why.answer.reason == "explanation"
    # "Why?" does not become what later references point at.
    again = chat.handle("Who said that?")
    assert again.answer.passages == (top,)
    # A word that only presses the question changes nothing.
    pressed = chat.handle("Who said that exactly?")
    assert pressed.answer.passages == (top,) and pressed.answer.understood.intent == "who"
    assert chat.handle("When was that again?").answer.understood.intent == "when"


def test_a_reason_asked_about_a_subject_lists_what_was_said_on_it_as_closest(real_engine):
    chat = Conversation(real_engine)
    why = chat.handle("Why does Italy refuse to send troops?").answer
    assert why.reason == "explanation" and why.passages == ()
    assert why.closest and why.closest[0].affiliation == "Italy"
    # "Why?" after an answer has no subject of its own: nothing is listed.
    chat.handle("What did Meloni say about NATO?")
    assert chat.handle("Why?").answer.closest == ()


def test_what_else_did_he_say_is_the_same_speaker_minus_what_was_shown(real_engine):
    chat = Conversation(real_engine)
    first = chat.handle("What did Yermak say about Jeddah?")
    shown = {p.id for p in own(first.answer.passages)}
    assert {p.speaker for p in own(first.answer.passages)} == {"Andriy Yermak"}
    more = chat.handle("What else did he say?")
    assert more.answer.understood.speakers == ("Andriy Yermak",)
    assert more.answer.passages and not {p.id for p in more.answer.passages} & shown


def test_refinements_without_and(real_engine):
    chat = Conversation(real_engine)
    chat.handle("What did Zelensky say about security guarantees?")
    january = chat.handle("Only in January")
    assert january.answer.understood.topic == "security guarantees"
    assert january.answer.understood.date.label == "in January"
    meloni = chat.handle("Just Meloni")
    assert meloni.answer.understood.speakers == ("Giorgia Meloni",)
    quotes = chat.handle("Only quotes")
    assert quotes.answer.understood.kind == "quote"
    assert all(p.kind == "quote" for p in quotes.answer.passages)


def test_earlier_goes_before_what_was_shown(real_engine):
    chat = Conversation(real_engine)
    first = chat.handle("What did Zelensky say about security guarantees?")
    # Before the answer's own passages, not plain search's shown beside them.
    oldest = min(p.said_order for p in own(first.answer.passages) if p.said_order is not None)
    earlier = chat.handle("Earlier?")
    assert earlier.answer.understood.date.end == oldest - 1


def test_an_unknown_name_does_not_stick(real_engine):
    chat = Conversation(real_engine)
    chat.handle("What did Italy say about peacekeepers?")
    unknown = chat.handle("What did Jacinda Ardern say about peacekeepers?")
    assert unknown.answer.reason == "speaker"
    later = chat.handle("What about in March?")
    assert later.answer.understood.unknown_speakers == ()
    assert later.answer.understood.topic == "peacekeepers"


def test_a_follow_up_topic_that_finds_nothing_does_not_stick(real_engine):
    chat = Conversation(real_engine)
    chat.handle("What did Italy say about peacekeepers?")
    nothing = chat.handle("And about zorblats?")
    assert nothing.answer.reason == "relevance"
    reply = chat.handle("And Meloni?")
    assert reply.answer.understood.topic == "peacekeepers"
    assert {"10", "13"} <= sources(reply)
    # A new question's topic is its own, answered or not.
    chat.handle("What did Macron say about fisheries?")
    assert chat.handle("And Italy?").answer.understood.topic == "fisheries"


def test_refinements_in_other_words(real_engine):
    chat = Conversation(real_engine)
    chat.handle("What did Meloni say?")
    nato = chat.handle("anything about NATO?").answer.understood
    assert nato.follow_up and nato.speakers == ("Giorgia Meloni",) and nato.topic == "NATO"
    chat = Conversation(real_engine)
    chat.handle("What did Canada say about security guarantees?")
    czechs = chat.handle("and the czechs?")
    assert czechs.answer.understood.affiliations == ("Czech Republic",)
    assert sources(czechs) == {"5"}
    quotes = chat.handle("just the quotes").answer.understood
    assert quotes.kind == "quote" and quotes.affiliations == ("Czech Republic",)


def test_why_did_he_say_that_is_the_named_reply(real_engine):
    chat = Conversation(real_engine)
    chat.handle("Who said a ceasefire has never seemed closer?")
    assert chat.handle("why did he say that?").answer.reason == "explanation"


def test_words_without_slash_and_sources_across_pages(real_engine):
    chat = Conversation(real_engine)
    assert chat.handle("help").show == "text"
    first = chat.handle("What did Zelensky say?")
    chat.handle("more")
    sources = chat.handle("/sources")
    assert len(sources.answer.passages) == first.answer.available
    assert chat.handle("clear").lines == ("Cleared; the next question starts afresh.",)
    assert chat.handle("/sources").lines == ("Ask a question first.",)
    assert chat.handle("quit").show == "quit"


def test_json_filters_and_sources_have_their_own_type(real_engine, capsys):
    lines = ["What did Italy say about peacekeepers?", "/filters", "/sources"]
    run_piped(real_engine, lines, make_console(False), as_json=True)
    answer, filters, sources = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert answer["answered"] is True and answer["reason"] is None
    assert filters["type"] == "filters" and filters["understood"]["affiliations"] == ["Italy"]
    assert sources["type"] == "sources" and len(answer["passages"]) >= 2
    assert [p["id"] for p in sources["passages"]] == [p["id"] for p in answer["passages"]]


def test_who_else_is_the_same_topic_by_others_than_those_shown(real_engine):
    chat = Conversation(real_engine)
    first = chat.handle("What did Macron say about allied forces?")
    assert {p.speaker for p in own(first.answer.passages)} == {"Emmanuel Macron"}
    reply = chat.handle("Who else said that?")
    assert reply.answer.understood.intent == "who"
    assert reply.answer.understood.topic == "allied forces"
    assert reply.answer.passages
    assert "Emmanuel Macron" not in {p.speaker for p in reply.answer.passages}
    # A topic of its own is asked about, still by others than those shown.
    reply = chat.handle("Who else mentioned security guarantees?")
    assert reply.answer.understood.topic == "security guarantees"


def test_a_title_in_a_follow_up_keeps_the_place_asked_about(real_engine):
    chat = Conversation(real_engine)
    first = chat.handle("What did the Canadian ministers say?")
    assert sources(first) == {"15", "26"}
    assert sources(chat.handle("Just the defence minister")) == {"15"}
    assert sources(chat.handle("And the foreign minister?")) == {"26"}


def test_she_is_the_speaker_shown_whose_given_name_fits(real_engine):
    chat = Conversation(real_engine)
    first = chat.handle("What did Russia and Canada say about guarantees?")
    assert first.answer.passages[0].speaker != "Melanie Joly"
    reply = chat.handle("What did she say about protecting Ukraine?")
    assert reply.answer.understood.speakers == ("Melanie Joly",)
    assert sources(reply) == {"26"}


def test_follow_ups_that_point_back_in_other_words(real_engine):
    chat = Conversation(real_engine)
    chat.handle("What did Italy say about peacekeepers?")
    reply = chat.handle("Same question for France")
    assert reply.answer.understood.topic == "peacekeepers"
    assert reply.answer.understood.affiliations == ("France",)
    chat = Conversation(real_engine)
    chat.handle("What was said about the minerals deal?")
    reply = chat.handle("What did the Americans say about it?")
    assert reply.answer.understood.topic == "minerals deal"
    assert reply.answer.understood.affiliations == ("United States",)
    chat = Conversation(real_engine)
    chat.handle("What was said about security guarantees in January?")
    reply = chat.handle("Any direct quotes?")
    assert reply.answer.understood.kind == "quote"
    assert reply.answer.understood.topic == "security guarantees"
    assert {p.kind for p in reply.answer.passages} == {"quote"}


def test_before_that_inside_a_question_of_its_own(real_engine):
    chat = Conversation(real_engine)
    chat.handle("What did Zelensky say about guarantees in February?")
    reply = chat.handle("What did he say about NATO before then?")
    assert reply.answer.understood.speakers == ("Volodymyr Zelensky",)
    assert reply.answer.understood.topic == "NATO"
    assert sources(reply) <= {"30", "31", "32", "34", "35"} and "30" in sources(reply)


def test_the_first_to_speak_about_a_topic_comes_first(real_engine):
    from qa.answer.compose import answer

    found = answer(real_engine, "Who was the first to talk about security guarantees?")
    dated = [p.said_order for p in found.passages if p.said_order is not None]
    assert found.understood.order == "earliest" and dated == sorted(dated) and len(dated) > 1
    found = answer(real_engine, "What is the latest on the minerals deal?")
    assert found.passages[0].speaker == "Karoline Leavitt"
    # Asked who, every relevant speaker contends, not only those close to the most relevant:
    # Leavitt (March 19) after Fitzpatrick (March 3), though his statement is the closer one.
    found = answer(real_engine, "Who was the last to speak about the minerals deal?")
    assert found.understood.intent == "who" and found.understood.order == "latest"
    assert [p.speaker for p in found.passages[:2]] == ["Karoline Leavitt", "Brian Fitzpatrick"]


def test_an_organisation_s_title_with_a_possessive(real_engine):
    from qa.answer.compose import answer

    found = answer(real_engine, "What did NATO's chief say about Europe?")
    assert [(r.words, r.place) for r in found.understood.roles] == [(("chief",), "NATO")]
    assert found.passages[0].speaker == "Mark Rutte"
