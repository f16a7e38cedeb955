"""`qa corpus check`: the figures it prints for each file and in total are those of the records
`qa statements --json` prints, counted here independently of the code that prints them."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from conftest import write as write_file
from typer.testing import CliRunner

from qa.cli import app

runner = CliRunner()
REAL = Path(__file__).resolve().parents[2] / "shared" / "real" / "polnear-dev"
FIGURES = (
    "statements", "dated", "dated_with_year", "inferred", "undated", "named", "resolved",
    "unresolved",
)  # fmt: skip


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_file(path, text)


def check(*args: str) -> dict:
    result = runner.invoke(app, ["corpus", "check", "--json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def records(*args: str) -> list[dict]:
    result = runner.invoke(app, ["statements", "--json", *args])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def counted(chosen: list[dict]) -> dict:
    """The figures of a list of statement records, from their JSON alone."""
    figures = Counter()
    for record in chosen:
        said = record["said_on"]
        figures["statements"] += 1
        if said and said["inferred"]:
            figures["inferred"] += 1
        elif said and said["month"] is not None:
            figures["dated"] += 1
            figures["dated_with_year"] += said["year"] is not None
        else:
            figures["undated"] += 1
        if record["speaker"] is None:
            figures["unresolved"] += 1
        elif record["speaker_from"] == "resolved":
            figures["resolved"] += 1
        else:
            figures["named"] += 1
        figures[record["kind"]] += 1
    return figures


def as_counted(figures: dict) -> dict:
    return Counter({k: figures[k] for k in FIGURES} | figures["kinds"])


def file_of(record: dict, labels: list[str]) -> str:
    """The file a record's first source cites: the longest label it starts with."""
    source = record["source"]
    return max((label for label in labels if source.startswith(label + ":")), key=len)


def assert_figures_match(report: dict, chosen: list[dict]) -> None:
    labels = [f["label"] for f in report["files"]]
    by_file: dict[str, list[dict]] = {label: [] for label in labels}
    for record in chosen:
        by_file[file_of(record, labels)].append(record)
    for figures in report["files"]:
        assert +as_counted(figures) == +counted(by_file[figures["label"]]), figures["label"]
    assert +as_counted(report["total"]) == +counted(chosen)
    assert report["total"]["statements"] == len(chosen) > 0


def test_the_seeds_figures_are_those_of_their_records():
    report = check()
    assert report["format_version"] == 1
    assert_figures_match(report, records())
    (seed,) = report["files"]
    assert seed["format"] == "text" and seed["read_as"] == "lines" and seed["skipped"] == 0
    lines = Path(seed["path"]).read_text(encoding="utf-8").splitlines()
    assert seed["read"] + seed["blank"] == len(lines)


@pytest.mark.skipif(not REAL.is_dir(), reason="../shared/real/polnear-dev is not here")
def test_the_real_news_figures_are_those_of_their_records():
    corpus = str(REAL / "statements.txt")
    report = check("--corpus", corpus)
    chosen = records("--corpus", corpus)
    assert_figures_match(report, chosen)
    assert report["total"]["read"] == 956 and report["total"]["resolved"] == 0


@pytest.mark.skipif(not REAL.is_dir(), reason="../shared/real/polnear-dev is not here")
def test_the_real_articles_as_a_folder(tmp_path):
    root = tmp_path / "news"
    root.mkdir()
    (root / "articles").symlink_to(REAL / "articles")
    write(root / "meta.toml", 'kind = "article"\n')
    report = check("--corpus", str(root))
    assert len(report["files"]) == 84
    assert {f["read_as"] for f in report["files"]} == {"article"}
    assert_figures_match(report, records("--corpus", str(root)))
    assert report["total"]["resolved"] > 0  # "he said" after a name, within an article


def test_a_mixed_folder_with_repeats_and_bad_lines(tmp_path):
    root = tmp_path / "corpus"
    write(root / "a.txt", "Italy will help, Meloni said on March 3.\n\nSpain said it would wait.\n")
    write(
        root / "b.jsonl",
        '{"text": "Italy will help, Meloni said on March 3."}\nnot json\n'
        '{"text": "Aid will continue, Store said."}\n',
    )
    write(root / "c.md", "# Merz says Europe must act\n\nEurope must act, Merz said.\n")
    write(root / "meta.toml", '[files."a.txt"]\nyear = 2025\n')
    report = check("--corpus", str(root))
    chosen = records("--corpus", str(root), "--skip-bad")
    assert_figures_match(report, chosen)
    a, b, c = report["files"]
    assert (a["read"], a["blank"], a["statements"], a["year"]) == (2, 1, 2, 2025)
    assert (a["dated"], a["dated_with_year"]) == (1, 1)
    assert (b["read"], b["skipped"], b["statements"], b["repeated"]) == (2, 1, 1, 1)
    assert b["skipped_lines"] == [f"{root}/b.jsonl:2 is not valid JSON"]
    assert (c["format"], c["read_as"], c["statements"]) == ("markdown", "article", 2)
    assert report["total"]["statements"] == 5 and report["total"]["repeated"] == 1


def test_the_text_report_says_what_was_read(tmp_path):
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "a.txt").write_bytes(b"Italy will help, Meloni said on March 3.\n\n\xff\n")
    write(root / "a.txt.meta.toml", "year = 2025\n")
    result = runner.invoke(app, ["corpus", "check", "--corpus", str(root)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "a.txt: text, one statement a line, year 2025 declared; 1 line read, 1 blank, 1 skipped",
        "  1 statement: dated 1 (1 with a year), inferred 0, undated 0; speaker named 1, "
        "resolved 0, none 0; 0 quotes, 1 paraphrase, 0 mixed, 0 reports",
        f"  skipped {root}/a.txt:3 is not UTF-8 text",
        "Total, 1 file: 1 line read, 1 blank, 1 skipped",
        "  1 statement: dated 1 (1 with a year), inferred 0, undated 0; speaker named 1, "
        "resolved 0, none 0; 0 quotes, 1 paraphrase, 0 mixed, 0 reports",
        "1 line cannot be read: the other commands stop at the first unless given --skip-bad "
        "(or QA_SKIP_BAD=1).",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--corpus", "{tmp}/nope.txt"], "Corpus file {tmp}/nope.txt does not exist."),
        (["--corpus", "{tmp}/x.pdf"], "{tmp}/x.pdf is a .pdf file."),
    ],
)
def test_a_corpus_that_cannot_be_read_is_one_sentence(tmp_path, args, message):
    write(tmp_path / "x.pdf", "%PDF")
    result = runner.invoke(app, ["corpus", "check", *(a.format(tmp=tmp_path) for a in args)])
    assert result.exit_code == 2
    assert message.format(tmp=tmp_path) in result.output and result.output.count("\n") == 1


def test_the_help_has_examples_and_every_option_its_help():
    result = runner.invoke(app, ["corpus", "check", "--help"], env={"COLUMNS": "300"})
    assert result.exit_code == 0
    text = " ".join(result.output.replace("│", " ").split())
    assert "Examples:" in text and "$ qa corpus check --corpus news/" in text
    assert "Print the figures as JSON." in text and "or a folder of them" in text
    group = runner.invoke(app, ["corpus"])
    assert "check" in group.output and "Check what qa reads from a corpus" in group.output
