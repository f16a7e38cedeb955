"""Output for pipes and scripts: whole passages on a pipe, colours only when asked, the
machine formats (JSON, JSON lines, CSV) and the ready-to-paste Markdown answer."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from conftest import write
from typer.testing import CliRunner

from qa.cli import app
from qa.present import formats
from qa.present.render import TABLE_CHUNK, make_console, render_statements

runner = CliRunner()
QUESTION = "What did Italy say about peacekeepers?"


def ask(real_index_dir, *args, env=None):
    result = runner.invoke(
        app,
        ["ask", *args, "--index-dir", str(real_index_dir)],
        env={"COLUMNS": "80", **(env or {})},
    )
    assert result.exit_code == 0, result.output
    return result


def passages(real_index_dir, question=QUESTION):
    return json.loads(ask(real_index_dir, question, "--json").stdout)["passages"]


def test_piped_answer_has_each_passage_whole_on_one_line(real_engine, real_index_dir):
    expected = passages(real_index_dir)
    assert expected and all(len(p["text"]) > 80 for p in expected)
    lines = ask(real_index_dir, QUESTION).stdout.splitlines()
    for passage in expected:
        assert any(line.strip() == passage["text"] for line in lines), passage["text"]
    assert all(line == line.rstrip() for line in lines)  # no trailing spaces


@pytest.mark.parametrize(
    ("args", "env", "coloured"),
    [
        ([], {}, False),
        (["--color", "always"], {}, True),
        (["--color", "never"], {}, False),
        (["--color", "always"], {"NO_COLOR": "1"}, True),  # an explicit choice wins
        ([], {"QA_COLOR": "always"}, True),
    ],
)
def test_colour_choice(real_engine, real_index_dir, args, env, coloured):
    output = ask(real_index_dir, QUESTION, *args, env=env).stdout
    assert ("\x1b[" in output) is coloured


def test_no_color_turns_colour_off_on_a_terminal():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    assert make_console(None, file=Terminal()).no_color is False
    import os

    os.environ["NO_COLOR"] = "1"
    try:
        assert make_console(None, file=Terminal()).no_color is True
    finally:
        del os.environ["NO_COLOR"]


def test_markdown_answer_cites_each_quote(real_engine, real_index_dir):
    expected = passages(real_index_dir)
    text = ask(real_index_dir, QUESTION, "--format", "markdown").stdout
    assert text.startswith(f"## {QUESTION}\n")
    for p in expected:
        assert f"> {formats.markdown_escape(p['text'])}\n" in text
        # A role or country the gazetteer supplied is marked so.
        assert f"— {p['speaker']}, {p['role']}" in text and p["affiliation"] in text
        assert f"source: `{p['source']}`" in text
    assert text.count("\n> — ") == len(expected)


def test_markdown_escapes_what_markdown_would_eat():
    assert formats.markdown_escape("a *b* [c](d) <e> #f_g") == r"a \*b\* \[c\](d) \<e\> \#f\_g"


def test_csv_and_jsonl_answers(real_engine, real_index_dir):
    expected = passages(real_index_dir)
    rows = list(
        csv.DictReader(io.StringIO(ask(real_index_dir, QUESTION, "--format", "csv").stdout))
    )
    assert [r["text"] for r in rows] == [p["text"] for p in expected]
    assert [r["source"] for r in rows] == [p["source"] for p in expected]
    lines = ask(real_index_dir, QUESTION, "--format", "jsonl").stdout.splitlines()
    assert [json.loads(line)["text"] for line in lines] == [p["text"] for p in expected]


def test_unanswered_csv_has_only_the_header_and_the_reason_on_stderr(real_engine, real_index_dir):
    result = ask(real_index_dir, "What did Japan say about security guarantees?", "--format", "csv")
    assert result.stdout.splitlines() == [",".join(formats.ANSWER_CSV_COLUMNS)]
    assert "No statement by Japan" in result.stderr


@pytest.mark.parametrize("kind", ["json", "jsonl", "csv", "markdown", "text"])
def test_statement_formats_carry_every_record(kind):
    records = [
        json.loads(line)
        for line in runner.invoke(app, ["statements", "--json"]).stdout.splitlines()
    ]
    out = runner.invoke(app, ["statements", "--format", kind]).stdout
    if kind == "json":
        assert [r["id"] for r in json.loads(out)] == [r["id"] for r in records]
    elif kind == "jsonl":
        assert [json.loads(line)["id"] for line in out.splitlines()] == [r["id"] for r in records]
    elif kind == "csv":
        assert [r["id"] for r in csv.DictReader(io.StringIO(out))] == [r["id"] for r in records]
    else:
        for r in records:
            passage = r["text"] if r["part"] is None else r["part"]
            shown = formats.markdown_escape(passage) if kind == "markdown" else passage
            assert shown in out


LINE_BREAKERS = "\u2028\u2029\u0085"


def test_json_lines_escape_the_characters_that_split_lines(tmp_path):
    text = f'"We hold{LINE_BREAKERS}the line," Polish President Karol Nawrocki said on May 3.'
    corpus = write(tmp_path / "odd.jsonl", json.dumps({"text": text}) + "\n")
    out = runner.invoke(app, ["statements", "--json", "--corpus", str(corpus)]).stdout
    assert not any(ch in out for ch in LINE_BREAKERS)
    assert "\\u2028\\u2029\\u0085" in out
    [line] = out.splitlines()
    assert json.loads(line)["text"] == text  # verbatim once parsed
    assert (
        formats.json_text({"a": LINE_BREAKERS, "b": "é"})
        == '{"a": "\\u2028\\u2029\\u0085", "b": "é"}'
    )


def test_statement_table_streams_in_chunks():
    """The table is printed while records are still being produced, not after all of them."""
    records = [
        json.loads(line)
        for line in runner.invoke(app, ["statements", "--json"]).stdout.splitlines()
    ]
    from qa.corpus.loading import default_corpus_paths, load_corpus

    statements = load_corpus(default_corpus_paths()).statements
    out = io.StringIO()
    seen_while_producing = []

    def produce():
        for i in range(3 * TABLE_CHUNK + 5):
            if i == 2 * TABLE_CHUNK + 1:
                seen_while_producing.append(out.getvalue())
            yield statements[i % len(statements)]

    console = make_console(False, file=out, width=300, terminal=True)
    assert render_statements(console, produce()) == 3 * TABLE_CHUNK + 5
    assert seen_while_producing[0].count(records[0]["source"]) > TABLE_CHUNK // len(records)
    assert len(re.findall(r"┃ *source *┃", out.getvalue())) == 1  # one header


def test_a_date_computed_from_the_publication_date_says_so():
    from qa.corpus.statements import SaidOn
    from qa.present.formats import date_label

    tuesday = SaidOn("Tuesday", 5, 14, year=2024, relative_to="2024-05-16")
    assert date_label(tuesday) == (
        "Tuesday (May 14, 2024, computed from the publication date 2024-05-16)"
    )
    week = SaidOn("last week", 5, 6, 5, 12, 2024, relative_to="2024-05-16")
    assert date_label(week) == (
        "last week (May 6 - May 12, 2024, computed from the publication date 2024-05-16)"
    )
    assert date_label(SaidOn("March 4", 3, 4)) == "March 4"


def test_a_resolved_or_described_speaker_is_marked_as_such():
    from qa.present.formats import who_label

    assert who_label("Ann Lee", None, None, speaker_from="resolved") == "Ann Lee (resolved)"
    assert who_label("Ann Lee", "mayor", None, speaker_from="text") == "Ann Lee, mayor"
    assert who_label(None, None, None, source_mention="a spokesman") == 'unnamed ("a spokesman")'
    assert who_label(None, None, None) == "no speaker (report)"


def test_an_article_answer_says_where_a_resolved_name_came_from(tmp_path):
    article = write(
        tmp_path / "story.txt",
        "Harbor council keeps the ferry\n\n"
        '"We cannot leave the islands without a boat," council chair Maria Olsen said.\n\n'
        'She added that the vote was "a close call."\n',
    )
    write(tmp_path / "story.txt.meta.toml", 'kind = "article"\npublished = 2024-05-16\n')
    result = CliRunner().invoke(
        app,
        ["ask", "What did Maria Olsen say about the vote?", "--corpus", str(article), "--json"],
    )
    assert result.exit_code == 0, result.output
    shown = {p["text"]: p for p in json.loads(result.output)["passages"]}
    resolved = shown['She added that the vote was "a close call."']
    assert resolved["speaker"] == "Maria Olsen"
    assert resolved["speaker_from"] == "resolved"
    assert "Maria Olsen said" in resolved["resolved_from"]
