"""Corpora as users have them: every format by extension or content, folders read recursively,
a folder's meta.toml with per-file tables, a file's own meta by either name, a declared year
crossing New Year or not, and one sentence for what cannot be read. One test per cell."""

from __future__ import annotations

import json
import os

import pytest
from conftest import write as write_file
from typer.testing import CliRunner

from qa.cli import app
from qa.corpus.loading import load_corpus
from qa.store.fingerprint import corpus_fingerprint, corpus_signature

runner = CliRunner()


def write(path, text: str):
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_file(path, text)


LINES = (
    "Zelensky said on Dec. 28 that Ukraine needs air defence.\n"
    "French President Emmanuel Macron said on Jan. 3 that Europe will help.\n"
)
MARKDOWN = """---
title: Talks in Paris
date: 2025-03-14
---
# Zelensky says talks must include Ukraine

Ukrainian President Volodymyr Zelensky said on Friday that **no deal** about Ukraine can be
made without Ukraine, in a [statement](https://example.org/statement).

- "We will not accept it," Zelensky said.
- The weather in Paris was cold.

## Reactions

> "Europe stands ready," German Chancellor Friedrich Merz said.
"""


def by_source(corpus) -> dict:
    return {s.source: s for s in corpus.statements}


def said(statement) -> tuple:
    on = statement.said_on
    return (on.year, on.month, on.day) if on else None


# --- formats -------------------------------------------------------------------------------


def test_plain_text_is_one_statement_a_line(tmp_path):
    path = write(tmp_path / "feed.txt", LINES)
    found = by_source(load_corpus([path]))
    assert list(found) == ["feed.txt:1", "feed.txt:2"]
    assert found["feed.txt:2"].speaker == "Emmanuel Macron"


def test_jsonl_fields_say_who(tmp_path):
    path = write(
        tmp_path / "news.jsonl",
        json.dumps({"text": "Allies must spend more, he said.", "speaker": "Mark Rutte"}) + "\n",
    )
    (statement,) = load_corpus([path]).statements
    assert statement.source == "news.jsonl:1" and statement.speaker == "Mark Rutte"


def test_jsonl_with_iso_dates(tmp_path):
    records = [
        {"text": "Ukraine will not give up, Zelensky said.", "date": "2025-02-03"},
        {"text": "Europe will help, Macron said.", "date": "2025-02-04T09:30:00Z"},
    ]
    path = write(tmp_path / "news.jsonl", "".join(json.dumps(r) + "\n" for r in records))
    found = by_source(load_corpus([path]))
    assert said(found["news.jsonl:1"]) == (2025, 2, 3)
    assert said(found["news.jsonl:2"]) == (2025, 2, 4)


def test_csv_columns(tmp_path):
    path = write(
        tmp_path / "news.csv",
        'text,speaker\n"We stand with Ukraine, Starmer told reporters on March 4.",Keir Starmer\n',
    )
    (statement,) = load_corpus([path]).statements
    assert statement.source == "news.csv:2" and statement.speaker == "Keir Starmer"
    assert said(statement) == (None, 3, 4)


def test_markdown_is_an_article_its_passages_verbatim(tmp_path):
    path = write(tmp_path / "talks.md", MARKDOWN)
    found = load_corpus([path]).statements
    text = MARKDOWN
    passages = [s.passage for s in found]
    # Every passage is a verbatim piece of the file; the marks of structure are not in it.
    assert all(p in text for p in passages)
    assert passages[0] == "Zelensky says talks must include Ukraine"  # the headline, no "# "
    assert found[0].source.startswith("talks.md:p0:")
    body = next(s for s in found if s.passage.startswith("Ukrainian President"))
    assert (
        "**no deal**" in body.passage
        and "[statement](https://example.org/statement)" in body.passage
    )
    assert body.speaker == "Volodymyr Zelensky"
    assert said(body) == (2025, 3, 14)  # "on Friday" of the front matter's date, a Friday
    assert '"We will not accept it," Zelensky said.' in passages  # a list item, no "- "
    assert '"Europe stands ready," German Chancellor Friedrich Merz said.' in passages
    assert not any(p.startswith(("-", "#", ">", "---")) or "title:" in p for p in passages)
    start, end = (int(n) for n in body.source.rsplit(":", 1)[1].split("-"))
    assert text[start:end] == body.passage  # offsets into the file itself


def test_markdown_with_kind_lines_is_a_statement_a_line(tmp_path):
    write(tmp_path / "feed.md.meta.toml", 'kind = "lines"\n')
    path = write(tmp_path / "feed.md", LINES)
    assert [s.source for s in load_corpus([path]).statements] == ["feed.md:1", "feed.md:2"]


def test_json_array_of_records_cites_record_numbers(tmp_path):
    records = [
        {"text": "Italy will not send troops, Meloni said."},
        {"text": "Aid will continue, he said.", "speaker": "Jonas Gahr Store"},
    ]
    path = write(tmp_path / "news.json", json.dumps(records, indent=2))
    found = by_source(load_corpus([path]))
    assert list(found) == ["news.json:1", "news.json:2"]
    assert found["news.json:2"].speaker == "Jonas Gahr Store"


def test_json_object_is_one_article(tmp_path):
    article = {
        "title": "Merz on defence",
        "published": "2025-03-14",
        "text": "German Chancellor Friedrich Merz said on Friday that Europe must do more.\n\n"
        "The weather was cold.",
    }
    path = write(tmp_path / "story.json", json.dumps(article))
    (statement,) = load_corpus([path]).statements
    assert statement.source.startswith("story.json:1:p1:")
    assert statement.speaker == "Friedrich Merz" and said(statement) == (2025, 3, 14)


@pytest.mark.parametrize(
    ("content", "source"),
    [
        (json.dumps([{"text": "Italy will help, Meloni said."}]), "news:1"),
        (json.dumps({"text": "Italy will help, Meloni said."}) + "\n", "news:1"),
        ('text,speaker\n"Italy will help, she said.",Giorgia Meloni\n', "news:2"),
        ("# Meloni says Italy will help\n\nItaly will help, Meloni said.\n", "news:p1:"),
        ("Italy will help, Meloni said.\n", "news:1"),
    ],
    ids=["json", "jsonl", "csv", "markdown", "text"],
)
def test_a_file_with_no_extension_is_read_as_its_content_shows(tmp_path, content, source):
    path = write(tmp_path / "news", content)
    statements = load_corpus([path]).statements
    assert any(s.source.startswith(source) and "Meloni" in (s.speaker or "") for s in statements)


def test_any_other_file_is_one_sentence(tmp_path):
    path = write(tmp_path / "scan.pdf", "%PDF-1.4")
    result = runner.invoke(app, ["statements", "--corpus", str(path)])
    assert result.exit_code == 2
    assert result.output == (
        f"Error: qa reads .txt, .jsonl, .csv, .md and .json files; {path} is a .pdf file.\n"
    )


# --- folders -------------------------------------------------------------------------------


def corpus_folder(tmp_path):
    root = tmp_path / "corpus"
    write(root / "b.txt", "Italy will not send troops, Meloni said.\n")
    write(root / "a" / "z.jsonl", json.dumps({"text": "Spain said it would wait."}) + "\n")
    write(root / "a" / "talks.md", MARKDOWN)
    write(root / "gazetteer.toml", '["Giorgia Meloni"]\naliases = ["Meloni"]\n')
    write(root / "b.txt.meta.toml", "")
    write(root / ".drafts" / "x.pdf", "not read")
    write(root / ".notes.txt", "Not read either, Meloni said.\n")
    return root


def test_a_folder_is_read_recursively_in_path_order(tmp_path):
    corpus = load_corpus([corpus_folder(tmp_path)])
    assert [f.label for f in corpus.files] == ["a/talks.md", "a/z.jsonl", "b.txt"]
    sources = [s.source for s in corpus.statements]
    assert sources[-2:] == ["a/z.jsonl:1", "b.txt:1"] and sources[0].startswith("a/talks.md:p0:")
    # The gazetteer of the folder given applies to the files under it.
    assert corpus.statements[-1].speaker == "Giorgia Meloni"


def test_a_folder_through_the_cli_and_the_environment(tmp_path, monkeypatch):
    root = corpus_folder(tmp_path)
    monkeypatch.setenv("QA_CORPUS", str(root))
    result = runner.invoke(app, ["statements", "--json"])
    assert result.exit_code == 0, result.output
    sources = [json.loads(line)["source"] for line in result.output.splitlines()]
    assert "b.txt:1" in sources and "a/z.jsonl:1" in sources


def test_the_index_follows_the_folder(tmp_path):
    root = corpus_folder(tmp_path)
    marks = [(corpus_fingerprint([root]), corpus_signature([root]))]
    write(root / "a" / "new.txt", "Norway will help, Store said.\n")  # added
    marks.append((corpus_fingerprint([root]), corpus_signature([root])))
    write(root / "a" / "new.txt", "Norway will help more, Store said.\n")  # changed
    marks.append((corpus_fingerprint([root]), corpus_signature([root])))
    (root / "a" / "new.txt").rename(root / "new.txt")  # moved
    marks.append((corpus_fingerprint([root]), corpus_signature([root])))
    (root / "new.txt").unlink()  # removed: as it was
    write(root / "meta.toml", "year = 2025\n")  # a folder's meta
    marks.append((corpus_fingerprint([root]), corpus_signature([root])))
    assert len({f for f, _ in marks}) == len(marks)
    assert all(a[1] != b[1] for a, b in zip(marks, marks[1:]))
    (root / "meta.toml").unlink()
    assert corpus_fingerprint([root]) == marks[0][0]


def test_an_index_kept_inside_the_corpus_folder_is_not_read(tmp_path):
    root = corpus_folder(tmp_path)
    result = runner.invoke(app, ["statements", "--corpus", str(root), "--index-dir", str(root)])
    assert result.exit_code == 0, result.output
    assert list((root / "collections").iterdir())  # the collection is recorded in the folder
    again = runner.invoke(app, ["statements", "--corpus", str(root), "--index-dir", str(root)])
    assert again.exit_code == 0 and again.output == result.output


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda root: None, "Corpus folder {root} holds no corpus files; qa reads"),
        (
            lambda root: write(root / "sub" / "notes.docx", "x"),
            "qa reads .txt, .jsonl, .csv, .md and .json files; {root}/sub/notes.docx is a .docx file.",
        ),
        (
            lambda root: write(root / "README", "x"),
            "{root}/README is a file with no extension.",
        ),
        (
            lambda root: os.symlink(root, root / "loop"),
            "Corpus folder {root}/loop links back to a folder above it; remove the link.",
        ),
        (
            lambda root: os.symlink(root / "gone.txt", root / "a.txt"),
            "Corpus file {root}/a.txt is a link to nothing.",
        ),
        (
            lambda root: (
                os.symlink(root / "l2.txt", root / "l1.txt"),
                os.symlink(root / "l1.txt", root / "l2.txt"),
            ),
            "Cannot read corpus file {root}/l1.txt: its symbolic links form a loop.",
        ),
    ],
    ids=["empty", "unsupported", "no extension", "link loop", "dangling link", "file link loop"],
)
def test_a_folder_that_cannot_be_read_is_one_sentence(tmp_path, make, message):
    root = tmp_path / "corpus"
    root.mkdir()
    write(root / "ok.txt", "Italy will help, Meloni said.\n") if "holds no" not in message else None
    make(root)
    result = runner.invoke(app, ["statements", "--corpus", str(root)])
    assert result.exit_code == 2
    assert message.format(root=root) in result.output and result.output.count("\n") == 1


# --- metadata ------------------------------------------------------------------------------


def test_folder_meta_gives_defaults_and_per_file_overrides(tmp_path):
    root = tmp_path / "corpus"
    write(
        root / "meta.toml",
        'kind = "article"\npublished = 2025-03-14\n[files."feed.txt"]\nkind = "lines"\n',
    )
    write(
        root / "story.txt",
        "Merz speaks\n\nGerman Chancellor Friedrich Merz said on Friday that Europe must act.\n",
    )
    write(root / "feed.txt", LINES)
    write(root / "later" / "meta.toml", "published = 2025-03-21\n")
    write(
        root / "later" / "story.txt",
        "Merz again\n\nGerman Chancellor Friedrich Merz said on Friday that Europe acts.\n",
    )
    found = by_source(load_corpus([root]))
    story = next(s for k, s in found.items() if k.startswith("story.txt:p1:"))
    assert said(story) == (2025, 3, 14)  # the folder's kind and date
    assert {"feed.txt:1", "feed.txt:2"} <= set(found)  # its table's kind
    later = next(s for k, s in found.items() if k.startswith("later/story.txt:p1:"))
    assert said(later) == (2025, 3, 21)  # the deeper folder's date wins


def test_a_files_own_meta_by_either_name_wins_over_the_folder(tmp_path):
    root = tmp_path / "corpus"
    write(root / "meta.toml", 'kind = "article"\n')
    write(root / "a.txt", LINES)
    write(root / "a.meta.toml", 'kind = "lines"\n')
    write(root / "b.txt", "Headline, not an article\nItaly will help, Meloni said.\n")
    write(root / "b.txt.meta.toml", 'kind = "lines"\n')
    sources = [s.source for s in load_corpus([root]).statements]
    assert sources == ["a.txt:1", "a.txt:2", "b.txt:1", "b.txt:2"]


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            {"a.txt.meta.toml": "year = 2025\n", "a.meta.toml": "year = 2024\n"},
            "Both a.txt.meta.toml and a.meta.toml describe {root}/a.txt; keep one.",
        ),
        (
            {"a.txt.meta.toml": "yaer = 2025\n"},
            "{root}/a.txt.meta.toml has an unknown key 'yaer'; a meta file takes year, kind,",
        ),
        (
            {"meta.toml": 'kind = "article"\n[files."b.txt"]\nyear = 2025\n'},
            '{root}/meta.toml: [files."b.txt"] names no file in {root}.',
        ),
        (
            {"meta.toml": '[files."a.txt"]\nlanguage = "en"\n'},
            "{root}/meta.toml [files.\"a.txt\"] has an unknown key 'language'",
        ),
        ({"meta.toml": "year = 25\n"}, "{root}/meta.toml: year must be a four-digit number."),
    ],
    ids=["both sidecars", "unknown key", "no such file", "unknown key in a table", "bad year"],
)
def test_metadata_that_cannot_be_used_is_one_sentence(tmp_path, files, message):
    root = tmp_path / "corpus"
    write(root / "a.txt", LINES)
    for name, content in files.items():
        write(root / name, content)
    result = runner.invoke(app, ["statements", "--corpus", str(root)])
    assert result.exit_code == 2
    assert message.format(root=root) in result.output and result.output.count("\n") == 1


def test_declared_year_crossing_new_year(tmp_path):
    root = tmp_path / "corpus"
    write(root / "meta.toml", '[files."winter.txt"]\nyear = 2025\n')
    write(root / "winter.txt", LINES)
    found = by_source(load_corpus([root]))
    assert said(found["winter.txt:1"]) == (2024, 12, 28)  # before the turn: the year before
    assert said(found["winter.txt:2"]) == (2025, 1, 3)
    assert found["winter.txt:1"].said_on.year_declared


def test_declared_year_not_crossing_new_year(tmp_path):
    root = tmp_path / "corpus"
    write(root / "meta.toml", "year = 2025\n")
    write(
        root / "spring.txt",
        "Zelensky said on March 3 that Ukraine needs air defence.\n"
        "French President Emmanuel Macron said on May 5 that Europe will help.\n",
    )
    found = by_source(load_corpus([root]))
    assert said(found["spring.txt:1"]) == (2025, 3, 3)
    assert said(found["spring.txt:2"]) == (2025, 5, 5)


def test_markdown_marks_are_blanked_in_place():
    from qa.corpus.markdown import read_page

    text = (
        "Merz speaks\n===========\n\nFirst paragraph, wrapped\nonto a second line.\n\n"
        "1. An item, Merz said.\n\n***\n\n> A quote that runs\n> onto a quoted line.\n"
    )
    page = read_page(text)
    assert page.headline and page.published is None and len(page.text) == len(text)
    assert "===" not in page.text and "***" not in page.text and "1." not in page.text
    assert "First paragraph, wrapped\nonto a second line." in page.text  # one paragraph still
    assert "A quote that runs\n> onto a quoted line." in page.text  # a quote's later ">" kept
    assert not read_page("Just a line.\n# Later heading\n").headline
