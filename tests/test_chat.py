"""The chat without a terminal: follow-ups, "more", slash commands, piped input, and the
prompt-toolkit loop driven through a pipe."""

from __future__ import annotations

import json

from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from qa.chat import Conversation, run_chat, run_piped
from qa.render import make_console
from qa.settings import Settings


def sources(reply):
    return {p.source.rsplit(":", 1)[1] for p in reply.answer.passages}


def test_follow_up_names_a_new_country(real_engine):
    chat = Conversation(real_engine)
    assert sources(chat.handle("What did Italy say about sending troops?")) == {"10", "13"}
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
    assert first == {"error": "The question has no words; type a question about the statements."}
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
