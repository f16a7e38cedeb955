"""Printing a result in the format asked for: text for people (through qa.render), or JSON,
JSON lines, CSV or Markdown (through qa.formats). Records are written as they come, so a long
listing streams rather than being held. Every top-level JSON object (an answer, a record, a
speaker, a line of JSON lines) opens with `format_version`."""

from __future__ import annotations

import sys

from qa.present.formats import (
    ANSWER_CSV_COLUMNS,
    answer_markdown,
    csv_header,
    csv_line,
    csv_row,
    json_text,
    markdown_citation,
    markdown_escape,
    versioned,
)

SPEAKER_COLUMNS = ("name", "role", "affiliation", "statements", "first", "last")


def _line(text: str) -> None:
    sys.stdout.write(text + "\n")


def records(statements, kind: str, color: bool | None) -> None:
    """Statement records in the chosen format, each written as it comes."""
    out = sys.stdout
    if kind == "jsonl":
        for s in statements:
            out.write(json_text(versioned(s.to_json())) + "\n")
    elif kind == "json":
        out.write("[")
        for i, s in enumerate(statements):
            out.write(("," if i else "") + "\n" + json_text(versioned(s.to_json())))
        out.write("\n]\n")
    elif kind == "csv":
        out.write(csv_header())
        for s in statements:
            out.write(csv_row(s))
    elif kind == "markdown":
        for i, s in enumerate(statements):
            out.write(("\n" if i else "") + markdown_citation(s))
    else:
        from qa.present.render import make_console, render_statements

        render_statements(make_console(color), statements)


def answer(result, kind: str, color: bool | None) -> None:
    """One answer; in JSON lines its passages, in CSV its passages and closest statements,
    each labelled (the reason for none, or any note, goes to stderr)."""
    passages = result.passages if result.answered else ()
    if kind == "json":
        _line(json_text(versioned(result.to_json())))
    elif kind == "jsonl":
        for passage in passages:
            _line(json_text(versioned(passage.to_json())))
    elif kind == "csv":
        sys.stdout.write(csv_header(ANSWER_CSV_COLUMNS))
        for passage in passages:
            sys.stdout.write(csv_row(passage, closest=False))
        for passage in result.closest:
            sys.stdout.write(csv_row(passage, closest=True))
    elif kind == "markdown":
        sys.stdout.write(answer_markdown(result))
    else:
        from qa.present.render import make_console, render_answer

        render_answer(make_console(color), result)
    if kind in ("jsonl", "csv") and result.note:
        sys.stderr.write(result.note + "\n")


def speakers(found, kind: str, color: bool | None) -> None:
    """The speakers of `qa speakers`: one object, line or row each."""
    columns = SPEAKER_COLUMNS
    if kind == "json":
        _line(json_text([versioned(sp.to_json()) for sp in found], indent=1))
    elif kind == "jsonl":
        for sp in found:
            _line(json_text(versioned(sp.to_json())))
    elif kind == "csv":
        sys.stdout.write(csv_line(columns))
        for sp in found:
            sys.stdout.write(csv_line([getattr(sp, c) or "" for c in columns]))
    elif kind == "markdown":
        _line("| " + " | ".join(columns) + " |")
        _line("|" + "---|" * len(columns))
        for sp in found:
            cells = [markdown_escape(str(getattr(sp, c) or "")) for c in columns]
            _line("| " + " | ".join(cells) + " |")
    else:
        from qa.present.render import make_console, render_speakers

        render_speakers(make_console(color), found)
