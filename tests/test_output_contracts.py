"""The output contracts: the JSON of `qa ask`, `qa statements` and `qa speakers` carries a
format version and is described by the JSON Schemas shipped in the package, checked here against
real output; the README's examples are the commands' output; Markdown and CSV keep every label
the text shows; CSV cells that a spreadsheet would run as formulas are neutralised."""

from __future__ import annotations

import copy
import csv
import io
import json
import math
import re
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from conftest import write
from typer.testing import CliRunner

from qa.cli import app
from qa.present import formats

runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")

ANSWERED = "What did Italy say about peacekeepers?"  # with a further statement
ABSTAINED = "What did Japan say about security guarantees?"  # a filter found nothing
CLOSEST = "What does Zelensky think about Putin?"  # nothing on the topic: the closest instead
OFF_TOPIC = "What is the best recipe for borscht?"
QUESTIONS = (ANSWERED, ABSTAINED, CLOSEST, OFF_TOPIC)


def schema(name: str) -> dict:
    """A schema as the package ships it (qa/present/schemas/NAME.schema.json)."""
    path = resources.files("qa.present").joinpath("schemas", f"{name}.schema.json")
    return json.loads(path.read_text(encoding="utf-8"))


def errors(name: str, value) -> list[str]:
    validator = jsonschema.Draft202012Validator(schema(name))
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(value)]


def run(*args, env=None):
    result = runner.invoke(app, list(args), env={"COLUMNS": "80", **(env or {})})
    assert result.exit_code == 0, result.output
    return result


def ask(real_index_dir, *args):
    return run("ask", *args, "--index-dir", str(real_index_dir))


def answer_json(real_index_dir, question: str) -> dict:
    return json.loads(ask(real_index_dir, question, "--json").stdout)


def write_article(folder: Path) -> Path:
    """An article whose second statement takes its speaker from the first, which is dated by
    the publication date."""
    write(folder / "story.txt.meta.toml", 'kind = "article"\npublished = 2024-05-16\n')
    return write(
        folder / "story.txt",
        "Harbor council keeps the ferry\n\n"
        '"We cannot leave the islands without a boat," council chair Maria Olsen said Tuesday.\n\n'
        'She added that the vote was "a close call."\n',
    )


# --- the schemas, and real output against them ----------------------------------------------


@pytest.mark.parametrize("name", ["answer", "statements", "speakers"])
def test_each_schema_is_a_valid_draft_2020_12_schema(name):
    document = schema(name)
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(document)


def test_the_wheel_ships_the_schemas():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "schemas/*.schema.json" in project["tool"]["setuptools"]["package-data"]["qa.present"]
    assert any(
        r.startswith("jsonschema") for r in project["project"]["optional-dependencies"]["test"]
    )


@pytest.mark.parametrize("question", QUESTIONS)
def test_ask_json_is_valid_and_opens_with_its_version(real_engine, real_index_dir, question):
    data = answer_json(real_index_dir, question)
    assert list(data)[0] == "format_version" and data["format_version"] == formats.FORMAT_VERSION
    assert errors("answer", data) == []
    assert all("format_version" not in p for p in data["passages"] + data["closest"])


def test_the_questions_cover_every_shape_of_answer(real_engine, real_index_dir):
    answered, abstained, closest, off_topic = (answer_json(real_index_dir, q) for q in QUESTIONS)
    assert answered["answered"] and any(p["further"] for p in answered["passages"])
    assert not abstained["answered"] and not abstained["passages"] and abstained["reason"]
    assert not closest["answered"] and closest["closest"]
    assert not off_topic["answered"] and off_topic["closest"]


@pytest.mark.parametrize(
    "question",
    [
        "What did the Italian premier say at the Brussels EU summit?",  # a role; an occasion
        "What did the alliance chief say about guarantees?",  # a role read by meaning
        "What did Zelensky's chief of staff say about negotiations?",  # whose official
    ],
)
def test_every_part_of_a_reading_is_valid(real_engine, real_index_dir, question):
    data = answer_json(real_index_dir, question)
    assert data["understood"]["roles"]
    assert errors("answer", data) == []


def test_an_occasion_is_shown_as_read(real_engine, real_index_dir):
    question = "What did the Italian premier say at the Brussels EU summit?"
    data = answer_json(real_index_dir, question)
    assert data["understood"]["occasion"] == "Brussels EU summit"
    assert data["understood"]["topic"] == "" and data["answered"]
    assert "occasion (preferred): Brussels EU summit" in ask(real_index_dir, question).stdout


def test_ask_json_lines_are_valid_passage_lines(real_engine, real_index_dir):
    lines = ask(real_index_dir, ANSWERED, "--format", "jsonl").stdout.splitlines()
    assert lines
    for line in lines:
        record = json.loads(line)
        assert list(record)[0] == "format_version"
        assert errors("answer", record) == []


def test_an_answer_with_a_resolved_speaker_is_valid(tmp_path):
    article = write_article(tmp_path)
    out = run("ask", "What did Maria Olsen say?", "--corpus", str(article), "--json")
    data = json.loads(out.stdout)
    assert any(p["speaker_from"] == "resolved" for p in data["passages"])
    assert any("relative_to" in (p["said_on"] or {}) for p in data["passages"])
    assert errors("answer", data) == []


@pytest.mark.parametrize("args", [["--json"], ["--format", "jsonl"]])
def test_statement_lines_are_valid(args):
    lines = run("statements", *args).stdout.splitlines()
    assert len(lines) > 10
    for line in lines:
        record = json.loads(line)
        assert list(record)[0] == "format_version"
        assert errors("statements", record) == []


def test_the_statement_array_is_valid():
    records = json.loads(run("statements", "--format", "json").stdout)
    assert len(records) > 10 and all(list(r)[0] == "format_version" for r in records)
    assert errors("statements", records) == []


@pytest.mark.parametrize("args", [["--json"], ["--format", "json"], ["--format", "jsonl"]])
def test_speakers_are_valid(args):
    out = run("speakers", *args).stdout
    found = json.loads(out) if args[-1] != "jsonl" else [json.loads(x) for x in out.splitlines()]
    assert len(found) > 5 and all(list(sp)[0] == "format_version" for sp in found)
    assert errors("speakers", found) == []
    assert errors("speakers", found[0]) == []


# --- the schemas are strict ------------------------------------------------------------------


def without(data: dict, *path) -> dict:
    broken = copy.deepcopy(data)
    parent = broken
    for key in path[:-1]:
        parent = parent[key]
    del parent[path[-1]]
    return broken


def test_the_answer_schema_fails_a_missing_or_unknown_key(real_engine, real_index_dir):
    data = answer_json(real_index_dir, ANSWERED)
    for path in (
        ("format_version",),
        ("offset",),
        ("understood", "scope"),
        ("passages", 0, "further"),
        ("passages", 0, "matched_by"),
        ("passages", 0, "said_on", "inferred"),
    ):
        assert errors("answer", without(data, *path)), path
    assert errors("answer", {**data, "format_version": 2})
    assert errors("answer", {**data, "extra": 1})
    line = {"format_version": 1, **data["passages"][0]}
    assert errors("answer", line) == []
    assert errors("answer", without(line, "format_version"))
    nested = copy.deepcopy(data)
    nested["passages"][0]["format_version"] = 1  # only the top level carries it
    assert errors("answer", nested)


def test_the_record_and_speaker_schemas_fail_a_missing_key():
    record = json.loads(run("statements", "--json").stdout.splitlines()[0])
    for key in ("format_version", "id", "speaker_from", "said_on", "truncated"):
        assert errors("statements", without(record, key)), key
        assert errors("statements", [without(record, key)]), key
    speakers = json.loads(run("speakers", "--json").stdout)
    for key in ("format_version", "name", "statements", "first"):
        assert errors("speakers", [without(speakers[0], key)]), key


# --- the README's examples are the commands' output ------------------------------------------


def readme_example(command: str) -> str:
    """The output the README shows under `$ COMMAND` in a code block."""
    match = re.search(rf"^\$ {re.escape(command)}\n(.*?)^```$", README, re.M | re.S)
    assert match, f"the README has no example of {command}"
    return match.group(1)


def same_json(shown, real) -> bool:
    """Equal, but a score may differ in its last digits between machines."""
    if isinstance(shown, float) or isinstance(real, float):
        return isinstance(real, int | float) and math.isclose(shown, real, abs_tol=1e-4)
    if isinstance(shown, dict):
        return list(shown) == list(real) and all(same_json(shown[k], real[k]) for k in shown)
    if isinstance(shown, list):
        return len(shown) == len(real) and all(map(same_json, shown, real))
    return shown == real


def test_the_readme_json_example_is_the_output(real_engine, real_index_dir):
    question = "Who said Italy will not take part in a peacekeeping force?"
    shown = json.loads(readme_example(f'qa ask "{question}" --json'))
    real = answer_json(real_index_dir, question)
    assert same_json(shown, real), json.dumps(real, indent=1, ensure_ascii=False)
    assert errors("answer", shown) == []


@pytest.mark.parametrize("question", [ANSWERED, ABSTAINED])
def test_the_readme_text_examples_are_the_output(real_engine, real_index_dir, question):
    assert ask(real_index_dir, question).stdout == readme_example(f'qa ask "{question}"')


def test_the_readme_markdown_example_is_the_output(real_engine, real_index_dir):
    question = "Who said the best security guarantee are the Ukrainians themselves?"
    shown = readme_example(f'qa ask "{question}" --format markdown')
    assert ask(real_index_dir, question, "--format", "markdown").stdout == shown


def test_the_readme_csv_example_is_the_output():
    shown = readme_example("qa speakers --affiliation Canada --format csv")
    assert run("speakers", "--affiliation", "Canada", "--format", "csv").stdout == shown


# --- Markdown and CSV keep the labels the text shows -----------------------------------------


def csv_rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_further_statements_keep_their_label(real_engine, real_index_dir):
    data = answer_json(real_index_dir, ANSWERED)
    further = [p for p in data["passages"] if p["further"]]
    assert further
    text = ask(real_index_dir, ANSWERED).stdout
    markdown = ask(real_index_dir, ANSWERED, "--format", "markdown").stdout
    rows = csv_rows(ask(real_index_dir, ANSWERED, "--format", "csv").stdout)
    # The filter's own further statements, and plain search's (matched by the question).
    labels = [formats.FLOOR if "question" in p["matched_by"] else formats.FURTHER
              for p in further]  # fmt: skip
    assert formats.FURTHER in labels
    for label in set(labels):
        assert text.count(label) == markdown.count(label) == labels.count(label)
    labels = iter(labels)
    assert [r["shown_as"] for r in rows] == [
        next(labels) if p["further"] else "answer" for p in data["passages"]
    ]
    assert [r["matched_by"] for r in rows] == [", ".join(p["matched_by"]) for p in data["passages"]]
    assert [float(r["score"]) for r in rows] == [p["score"] for p in data["passages"]]
    for line in text.splitlines():
        if " · matched by " in line:
            assert line.split(" · matched by ")[1] in markdown
    assert "*Understood: by: Italy; topic: peacekeepers*" in markdown
    assert "**Italy — " in markdown  # the group header the text shows


def test_closest_statements_keep_their_label(real_engine, real_index_dir):
    data = answer_json(real_index_dir, CLOSEST)
    markdown = ask(real_index_dir, CLOSEST, "--format", "markdown").stdout
    result = ask(real_index_dir, CLOSEST, "--format", "csv")
    rows = csv_rows(result.stdout)
    assert [r["id"] for r in rows] == [p["id"] for p in data["closest"]]
    assert {r["shown_as"] for r in rows} == {formats.CLOSEST}
    assert markdown.count(" · " + formats.CLOSEST) == len(data["closest"])
    assert "Closest, but not an answer:" in markdown
    assert data["note"] in result.stderr
    for p in data["closest"]:
        if p["channel"]:
            assert f" · via {formats.markdown_escape(p['channel'])} · " in markdown
        assert f" · {p['kind']} · " in markdown


def test_inferred_dates_kinds_and_sources_in_markdown_and_csv(real_engine, real_index_dir):
    data = answer_json(real_index_dir, ANSWERED)
    markdown = ask(real_index_dir, ANSWERED, "--format", "markdown").stdout
    rows = csv_rows(ask(real_index_dir, ANSWERED, "--format", "csv").stdout)
    assert any(p["said_on"]["inferred"] for p in data["passages"])
    for p, row in zip(data["passages"], rows, strict=True):
        if p["said_on"]["inferred"]:
            assert "inferred" in row["said_on"]
            assert f" · {formats.markdown_escape(row['said_on'])} · " in markdown
        assert row["kind"] == p["kind"] and row["source"] == p["source"]
        assert f"source: `{p['source']}`" in markdown


def test_a_resolved_speaker_keeps_its_label(tmp_path):
    article = write_article(tmp_path)
    corpus = ["--corpus", str(article)]
    text = run("statements", *corpus).stdout
    markdown = run("statements", *corpus, "--format", "markdown").stdout
    rows = csv_rows(run("statements", *corpus, "--format", "csv").stdout)
    assert "Maria Olsen (resolved)" in text and "Maria Olsen (resolved)" in markdown
    resolved = [r for r in rows if r["text"].startswith("She added")]
    assert resolved[0]["speaker"] == "Maria Olsen"
    assert resolved[0]["attribution"].startswith("Maria Olsen (resolved)")
    question = "What did Maria Olsen say about the vote?"
    answer_rows = csv_rows(run("ask", question, *corpus, "--format", "csv").stdout)
    assert any("(resolved)" in r["attribution"] for r in answer_rows)


# --- CSV cells that would run as formulas ----------------------------------------------------

FORMULA = '=HYPERLINK("http://example.com","click"), Mayor Ann Lee said on March 3.'
MINUS = "-5 percent is what the budget loses, Mayor Ann Lee said on March 4."
PLAIN = "The budget holds at +5, Mayor Ann Lee said on March 5."


def test_csv_neutralises_formula_cells_and_keeps_the_words(tmp_path):
    corpus = write(tmp_path / "city.txt", f"{FORMULA}\n{MINUS}\n{PLAIN}\n")
    rows = csv_rows(run("statements", "--corpus", str(corpus), "--format", "csv").stdout)
    assert [r["text"] for r in rows] == ["'" + FORMULA, "'" + MINUS, PLAIN]
    records = run("statements", "--corpus", str(corpus), "--json").stdout.splitlines()
    assert [json.loads(line)["text"] for line in records] == [FORMULA, MINUS, PLAIN]
    markdown = run("statements", "--corpus", str(corpus), "--format", "markdown").stdout
    assert "'=" not in markdown and "'-5" not in markdown


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_neutralised(start):
    line = formats.csv_line([start + "SUM(A1)", "a" + start, 5, -1.5])
    assert next(csv.reader(io.StringIO(line, newline=""))) == [
        "'" + start + "SUM(A1)",
        "a" + start,
        "5",
        "-1.5",
    ]


def test_speaker_csv_cells_are_neutralised_too():
    assert formats.csv_line(["@Ann", "Mayor"]) == "'@Ann,Mayor\n"
