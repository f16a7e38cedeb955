"""The real app through typer's runner: answers, JSON schema, exit codes and error messages."""

from __future__ import annotations

import json

import pytest
from conftest import write
from typer.testing import CliRunner

from qa.cli import app

runner = CliRunner()
PASSAGE_KEYS = {
    "id", "text", "statement", "quotes", "kind", "speaker", "role", "role_from", "affiliation",
    "affiliation_from", "cue", "channel", "said_on", "truncated", "source", "sources", "score",
    "matched_by", "further",
}  # fmt: skip


def ask(real_index_dir, *args):
    return runner.invoke(app, ["ask", *args, "--index-dir", str(real_index_dir)])


def test_statements_json_one_object_per_line():
    result = runner.invoke(app, ["statements", "--json"])
    assert result.exit_code == 0
    records = [json.loads(line) for line in result.output.splitlines()]
    assert len(records) == 39
    first = records[2]
    assert first["speaker"] == "Petr Pavel" and first["said_on"]["text"] == "March 22"
    for key in (
        "id",
        "source",
        "text",
        "kind",
        "quotes",
        "speaker",
        "role",
        "affiliation",
        "cue",
        "channel",
        "said_on",
        "truncated",
    ):
        assert key in first


def test_statements_filters_and_order():
    result = runner.invoke(app, ["statements", "--json", "--speaker", "Zelensky", "--by-date"])
    sources = [json.loads(line)["source"] for line in result.output.splitlines()]
    assert sources[0].endswith(":20") and sources[-1].endswith(":32")
    result = runner.invoke(app, ["statements", "--json", "--affiliation", "Canadian"])
    assert [json.loads(line)["speaker"] for line in result.output.splitlines()] == [
        "Bill Blair",
        "Melanie Joly",
    ]
    result = runner.invoke(app, ["statements", "--json", "--date", "Feb. 26"])
    assert len(result.output.splitlines()) == 4


def test_statements_table_for_people():
    result = runner.invoke(app, ["statements", "--speaker", "Tykhyi"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "Heorhii Tykhyi" in result.output and "(gazetteer)" in result.output
    assert "1 statements" in result.output


def test_ask_json_schema_and_verbatim(real_engine, real_index_dir):
    result = ask(real_index_dir, "What did Italy say about peacekeepers?", "--json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert set(data) >= {"question", "answered", "understood", "note", "passages"}
    assert data["answered"] is True and data["note"] is None
    assert data["understood"]["affiliations"] == ["Italy"]
    # Italy's statements on peacekeepers first; the country's others may follow, flagged as
    # further statements not judged on the topic.
    assert {p["source"].rsplit(":", 1)[1] for p in data["passages"][:2]} == {"10", "13"}
    assert [p["further"] for p in data["passages"][:2]] == [False, False]
    # Plain search's further statements (matched by the question) may come from anyone.
    further = [p for p in data["passages"] if p["further"] and "question" not in p["matched_by"]]
    assert all("words" not in p["matched_by"] for p in further)
    assert [p["further"] for p in data["passages"]] == sorted(
        p["further"] for p in data["passages"]
    )
    text = ask(real_index_dir, "What did Italy say about peacekeepers?").output
    assert text.count("further statement, not judged on the topic") == len(further)
    for passage in data["passages"]:
        assert set(passage) >= PASSAGE_KEYS
        assert passage["text"] in passage["statement"]
        assert passage["affiliation"] == "Italy" or "question" in passage["matched_by"]
        assert set(passage["said_on"]) >= {"text", "month", "day", "year", "inferred"}


def test_ask_text_output(real_engine, real_index_dir):
    result = ask(
        real_index_dir, "Who said the best security guarantee is the Ukrainians themselves?"
    )
    assert result.exit_code == 0
    assert "Antonio Costa, European Council President, European Union" in result.output
    assert '"The best security guarantee are the Ukrainians themselves,"' in result.output
    assert "\x1b[" not in result.output  # no colours when not a terminal


def test_ask_abstains_with_the_filter_that_found_nothing(real_engine, real_index_dir):
    data = json.loads(
        ask(real_index_dir, "What did Japan say about security guarantees?", "--json").output
    )
    assert data["answered"] is False
    assert data["note"] == "No statement by Japan in the corpus."
    assert data["passages"] == []


def test_ask_off_topic_shows_closest_separately(real_engine, real_index_dir):
    data = json.loads(ask(real_index_dir, "What is the best recipe for borscht?", "--json").output)
    assert data["answered"] is False
    assert data["note"] == "Nothing in the corpus answers this."
    assert data["passages"] == [] and 0 < len(data["closest"]) <= 3


def test_explicit_filters(real_engine, real_index_dir):
    data = json.loads(
        ask(
            real_index_dir,
            "security guarantees",
            "--speaker",
            "Zelensky",
            "--since",
            "Jan. 12",
            "--json",
        ).output
    )
    assert data["answered"]
    assert {p["speaker"] for p in data["passages"]} == {"Volodymyr Zelensky"}
    assert all(p["source"] != "000_8e297ec4f5d0d494.txt:31" for p in data["passages"])  # Jan. 10
    top = json.loads(ask(real_index_dir, "security guarantees", "--top-k", "2", "--json").output)
    assert len(top["passages"]) == 2
    only_filter = json.loads(
        ask(real_index_dir, "statements", "--speaker", "Lavrov", "--json").output
    )
    assert [p["speaker"] for p in only_filter["passages"]] == ["Sergey Lavrov"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ask", ""], "The question is empty"),
        (["ask", "   "], "The question is empty"),
        (["ask", "?!?"], "The question has no words"),
        (["ask", "What was said?"], "The question names no topic, speaker, country, role or date"),
        (["ask", "peace", "--since", "someday"], "Cannot read 'someday' as a date"),
        (["statements", "--corpus", "/no/such/file.txt"], "does not exist"),
        (["statements", "--date", "soon"], "Cannot read 'soon' as a date"),
        (
            ["ask", "peace", "--model", "/no/such/model"],
            "Model folder /no/such/model does not exist",
        ),
    ],
)
def test_bad_input_gets_one_sentence_and_nonzero_exit(real_engine, real_index_dir, args, message):
    result = runner.invoke(
        app, [*args, "--index-dir", str(real_index_dir)] if args[0] == "ask" else args
    )
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_corpus_option_reads_another_corpus(tmp_path):
    path = write(
        tmp_path / "other.txt", '"Hold the line," Polish President Karol Nawrocki said on May 3.\n'
    )
    result = runner.invoke(app, ["statements", "--json", "--corpus", str(path)])
    [record] = [json.loads(line) for line in result.output.splitlines()]
    assert record["speaker"] == "Karol Nawrocki" and record["affiliation"] == "Poland"


def test_corpus_from_environment(tmp_path):
    path = write(tmp_path / "env.txt", "Talks resume, a diplomat says\n")
    result = runner.invoke(app, ["statements", "--json"], env={"QA_CORPUS": str(path)})
    assert [json.loads(line)["role"] for line in result.output.splitlines()] == ["diplomat"]


# -- every command: bad input is one sentence on stderr and a non-zero exit ----------------


def run_main(monkeypatch, capsys, args, env=None, stdin=""):
    """The console script itself (usage errors included), as a shell would run it."""
    import io
    import sys

    from qa.cli import main

    for name, value in (env or {}).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(sys, "argv", ["qa", *args])
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    with pytest.raises(SystemExit) as stopped:
        main()
    out, err = capsys.readouterr()
    return stopped.value.code, out, err


BAD_INPUT = [
    (["ask", "peace", "--corpus", "/no/such/file.txt"], {}, "Corpus file /no/such/file.txt"),
    (["chat", "--corpus", "/no/such/file.txt"], {}, "Corpus file /no/such/file.txt"),
    (["statements", "--corpus", "/no/such/file.txt"], {}, "Corpus file /no/such/file.txt"),
    (["speakers", "--corpus", "/no/such/file.txt"], {}, "Corpus file /no/such/file.txt"),
    (["index", "--corpus", "/no/such/file.txt"], {}, "Corpus file /no/such/file.txt"),
    (["eval", "--questions", "/no/such/q.toml"], {}, "Cannot read /no/such/q.toml"),
    (["paths", "--collection", "nowhere"], {}, "There is no collection named 'nowhere'"),
    (["index", "--collection", "../up"], {}, "'../up' cannot name a collection"),
    (["ask", "peace", "--format", "xml"], {}, "'xml' is not one of"),
    (["ask"], {}, "No question given"),
    (["nosuch"], {}, "No such command 'nosuch'"),
    (["ask", "peace"], {"QA_TOP_K": "abc"}, "QA_TOP_K"),
    (["chat"], {"QA_TOP_K": "0"}, "QA_TOP_K"),
    (["index"], {"QA_TOP_K": "abc"}, "QA_TOP_K='abc' is not a whole number"),
    (["eval"], {"QA_TOP_K": "many"}, "QA_TOP_K='many' is not a whole number"),
    (["paths"], {"QA_SKIP_BAD": "maybe"}, "QA_SKIP_BAD='maybe' is not a yes/no value"),
    (["statements"], {"QA_SKIP_BAD": "maybe"}, "QA_SKIP_BAD"),
    (["statements"], {"QA_COLOR": "purple"}, "QA_COLOR"),
    (["speakers"], {"QA_COLLECTION": "a/b"}, "'a/b' cannot name a collection"),
    (["ask", "peace"], {"QA_MODEL": "/no/such/model"}, "Model folder /no/such/model"),
]


@pytest.mark.parametrize(("args", "env", "message"), BAD_INPUT)
def test_every_command_says_what_is_wrong_on_stderr(monkeypatch, capsys, args, env, message):
    code, out, err = run_main(monkeypatch, capsys, args, env)
    assert code == 2
    assert message in err and err.startswith("Error: ") and err.count("\n") == 1
    assert out == ""
    assert "Internal error" not in err and "Traceback" not in err


def test_a_good_run_exits_zero(monkeypatch, capsys):
    code, out, err = run_main(monkeypatch, capsys, ["statements", "--speaker", "Tykhyi"])
    assert code == 0 and "Heorhii Tykhyi" in out and err == ""


def test_statements_since_and_until_narrow_like_ask():
    def listed(*args):
        out = runner.invoke(app, ["statements", "--json", *args]).stdout
        return [json.loads(line)["source"] for line in out.splitlines()]

    february = set(listed("--date", "February"))
    assert february and set(listed("--since", "Feb. 1", "--until", "Feb. 28")) == february
    since = set(listed("--since", "March 1"))
    until = set(listed("--until", "Feb. 28"))
    assert since and until and not since & until
    assert february <= until and not february & since
