"""`qa speakers`: who is in the corpus, counted from the same records `qa statements` lists;
and the name completion the chat uses."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter

import pytest
from conftest import write
from typer.testing import CliRunner

from qa.cli import app
from qa.corpus.speakers import completions

runner = CliRunner()


def records():
    out = runner.invoke(app, ["statements", "--json"]).stdout
    return [json.loads(line) for line in out.splitlines()]


def speakers(*args):
    result = runner.invoke(app, ["speakers", "--json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_every_speaker_with_their_statement_count():
    counted = Counter(r["speaker_entity"] for r in records() if r["speaker"])
    listed = speakers()
    assert {s["name"]: s["statements"] for s in listed} == dict(counted)
    assert [s["name"] for s in listed] == sorted(counted, key=str.casefold)
    # the office speaks for the person: one speaker, written two ways
    [meloni] = speakers("Meloni")
    assert meloni["statements"] == 3
    assert set(meloni["aliases"]) == {"Giorgia Meloni", "Giorgia Meloni's office"}


def test_role_affiliation_and_date_range():
    [pavel] = speakers("Pavel")
    assert pavel["affiliation"] == "Czech Republic" and pavel["role"] == "President"
    dated = [
        r["said_on"]["text"]
        for r in records()
        if r["speaker"] == "Petr Pavel" and r["said_on"] and not r["said_on"]["inferred"]
    ]
    assert pavel["first"] in dated and pavel["last"] in dated


def test_filters_and_sorting():
    canada = speakers("--affiliation", "Canadian")
    assert {s["name"] for s in canada} == {"Bill Blair", "Melanie Joly"}
    assert all("minister" in (s["role"] or "").lower() for s in speakers("--role", "minister"))
    by_count = speakers("--sort", "statements")
    assert [s["statements"] for s in by_count] == sorted(
        (s["statements"] for s in by_count), reverse=True
    )
    assert speakers("zel")[0]["name"] == "Volodymyr Zelensky"
    assert speakers("nobody at all") == []


def test_csv_and_text(tmp_path):
    out = runner.invoke(app, ["speakers", "--format", "csv"]).stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == len(speakers()) and set(rows[0]) >= {"name", "statements", "first"}
    text = runner.invoke(app, ["speakers", "Zelensky"]).stdout
    assert text.startswith("Volodymyr Zelensky\tPresident\tUkraine\t")


def test_a_bad_sort_is_refused_with_the_orders_there_are():
    result = runner.invoke(app, ["speakers", "--sort", "height"])
    assert result.exit_code == 2
    assert "'height' is not one of 'name', 'statements', 'first', 'last', 'affiliation'" in (
        " ".join(result.stderr.replace("│", " ").split())
    )


def test_other_corpus(tmp_path):
    corpus = write(
        tmp_path / "c.txt", '"Hold the line," Polish President Karol Nawrocki said on May 3.\n'
    )
    assert [s["name"] for s in speakers("--corpus", str(corpus))] == ["Karol Nawrocki"]


NAMES = ["Volodymyr Zelensky", "Andrii Melnyk", "Andriy Yermak", "Sergey Lavrov", "/help"]


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("Zel", ["Volodymyr Zelensky"]),
        ("meln", ["Andrii Melnyk"]),
        ("Ye", ["Andriy Yermak"]),
        ("Andri", ["Andrii Melnyk", "Andriy Yermak"]),
        ("vol", ["Volodymyr Zelensky"]),
        ("/he", ["/help"]),
        ("ensky", []),
        ("", []),
        ("Sergey Lavrov", []),  # already typed in full
    ],
)
def test_completion_matches_any_word_of_a_name(word, expected):
    assert completions(word, NAMES) == expected
