"""Rendering for people: answers, statement tables and evaluation tables, with rich.
Only fixed labels are added to corpus words, and terminal control characters in corpus text
are shown neutralised."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable

from rich.console import Console
from rich.table import Table
from rich.text import Text

from qa.answer.compose import Answer, Passage
from qa.corpus.statements import Statement
from qa.present.formats import (
    NAMED,
    attribution_label,
    date_label,
    further_label,
    neutralise,
    only_named,
    passage_groups,
    understood_label,
)
from qa.text import stem, words

__all__ = ["date_label", "make_console", "neutralise", "understood_label"]
# Rows of `qa statements` printed per table, so a long listing streams.
TABLE_CHUNK = 200


def make_console(
    color: bool | None = None, file=None, width: int | None = None, terminal: bool | None = None
) -> Console:
    """A console for people. `color` None means colours on a terminal only (and never with
    NO_COLOR). Off a terminal nothing is wrapped or padded, so each passage stays whole."""
    stream = file or sys.stdout
    if terminal is None:
        terminal = bool(getattr(stream, "isatty", lambda: False)())
    if color is None:
        color = terminal and not os.environ.get("NO_COLOR")
    return Console(
        file=file,
        force_terminal=True if color else None,
        no_color=not color,
        color_system="auto" if color else None,
        highlight=False,
        emoji=False,
        markup=False,
        width=width,
        soft_wrap=not terminal,
    )


def _highlighted(text: str, query_words: set[str]) -> Text:
    body = Text(neutralise(text))
    for m in re.finditer(r"[^\W_]+", body.plain):
        if stem(m.group().lower()) in query_words:
            body.stylize("bold yellow", m.start(), m.end())
    return body


def passage_text(passage: Passage, query_words: set[str]) -> Text:
    out = Text()
    out.append_text(_highlighted(passage.text, query_words))
    if passage.truncated:
        out.append(" …", style="dim")
    return out


def render_answer(
    console: Console, answer: Answer, show_filters: bool = True, chat: bool = False
) -> None:
    query_words = {stem(w) for w in words(answer.understood.topic)}
    if show_filters:
        understood = understood_label(answer)
        if understood:
            console.print(
                Text("Understood: ", style="dim") + Text(neutralise(understood), style="dim")
            )
    if answer.note:
        # A note beside an answer (what a follow-up asked of the passages shown) is no refusal.
        style = "bold" if answer.answered else "bold red"
        console.print(Text(neutralise(answer.note), style=style))
    passages = answer.passages if answer.answered else ()
    for group, items in passage_groups(
        passages, bool(answer.understood.affiliations), lambda: answer.whole
    ):
        if group:
            console.print(Text(neutralise(group), style="bold cyan"))
        for passage in items:
            _render_passage(console, passage, query_words)
    if answer.closest:
        console.print(Text("Closest, but not an answer:", style="bold magenta"))
        for passage in answer.closest:
            _render_passage(console, passage, query_words)
    remaining = answer.available - answer.offset - len(answer.passages)
    if answer.answered and remaining > 0:
        hint = "type 'more' to see them" if chat else "type 'more' in chat or raise --top-k"
        console.print(Text(f"{remaining} more; {hint}.", style="dim"))


def _render_passage(console: Console, passage: Passage, query_words: set[str]) -> None:
    console.print()
    console.print(Text("  ") + passage_text(passage, query_words))
    meta = Text("  — ", style="dim")
    meta.append(
        neutralise(attribution_label(passage)),
        style="green",
    )
    meta.append(" · " + neutralise(date_label(passage.said_on)), style="dim")
    meta.append(f" · {passage.kind}", style="dim")
    if passage.channel:
        meta.append(" · via " + neutralise(passage.channel), style="dim")
    meta.append(" · " + neutralise(", ".join(passage.sources)), style="dim")
    if passage.matched_by:
        meta.append(" · matched by " + ", ".join(passage.matched_by), style="dim")
    if passage.further:
        meta.append(" · " + further_label(passage), style="dim")
    elif only_named(passage):
        meta.append(" · " + NAMED, style="dim")
    console.print(meta)


def render_statements(console: Console, statements: Iterable[Statement]) -> int:
    """Statement records as a table on a terminal (printed in chunks, so a long listing
    streams), or as one passage line and one attribution line each off a terminal.
    Returns how many were shown."""
    count = 0
    if console.soft_wrap:
        for s in statements:
            console.print(_record_text(s))
            console.print(_record_meta(s))
            count += 1
    else:
        chunk: list[Statement] = []
        for s in statements:
            chunk.append(s)
            count += 1
            if len(chunk) == TABLE_CHUNK:
                console.print(_statements_table(chunk, header=count == TABLE_CHUNK))
                chunk = []
        if chunk or not count:
            console.print(_statements_table(chunk, header=count <= TABLE_CHUNK))
    console.print(Text(f"{count} statements", style="dim"))
    return count


def _record_text(s: Statement) -> Text:
    passage = Text(neutralise(s.passage))
    if s.truncated:
        passage.append(" …", style="dim")
    return passage


def _record_meta(s: Statement) -> Text:
    meta = Text("  — ", style="dim")
    meta.append(
        neutralise(attribution_label(s)),
        style="green",
    )
    meta.append(f" · {neutralise(date_label(s.said_on))} · {s.kind}", style="dim")
    meta.append(" · " + neutralise(", ".join(s.sources)), style="dim")
    return meta


def _statements_table(statements: list[Statement], header: bool) -> Table:
    table = Table(show_lines=True, expand=True, show_header=header)
    table.add_column("source", no_wrap=True)
    table.add_column("kind", no_wrap=True)
    for name, ratio in (("speaker", 2), ("said on", 2), ("passage", 6)):
        table.add_column(name, ratio=ratio, overflow="fold")
    for s in statements:
        table.add_row(
            neutralise(", ".join(s.sources)),
            s.kind,
            neutralise(attribution_label(s)),
            neutralise(date_label(s.said_on)),
            _record_text(s),
        )
    return table


def render_sources(console: Console, answer: Answer) -> None:
    for passage in answer.passages or answer.closest:
        console.print(Text(neutralise(", ".join(passage.sources)), style="bold"))
        console.print(Text(neutralise(passage.statement)))
        console.print()


def render_evaluation(console: Console, report) -> None:
    """The evaluation table: the product beside the two baselines, overall and by category."""
    names = [
        "recall@5",
        "precision@5",
        "mrr",
        "ndcg@5",
        "abstention",
        "speaker",
        "robust_recall",
        "turns",
        "attribution",
        "non_verbatim",
    ]

    def cell(value) -> str:
        if value is None:
            return "–"
        return str(value) if isinstance(value, int) else f"{value:.3f}"

    title = f"Evaluation, {report.part} part: {report.questions} questions, {report.seconds:.1f} s"
    table = Table(title=title)
    table.add_column("scope")
    table.add_column("system")
    for name in names:
        table.add_column(name, justify="right")
    scopes = [("overall", report.overall)] + sorted(report.categories.items())
    for scope, systems in scopes:
        for i, (system, values) in enumerate(systems.items()):
            table.add_row(
                scope if i == 0 else "",
                system,
                *(cell(values.get(n)) for n in names),
                end_section=i == len(systems) - 1,
            )
    console.print(table)
    failed = report.gate_failures()
    if hasattr(report, "has_gates") and not report.has_gates():
        console.print(Text("Gates: none for this part; measured only."))
    else:
        console.print(
            Text(
                "Gates: " + ("all pass" if not failed else "FAILED: " + "; ".join(failed)),
                style="bold green" if not failed else "bold red",
            )
        )
    gaps = report.target_gaps() if hasattr(report, "target_gaps") else []
    if gaps:
        console.print(Text("Targets not reached yet: " + "; ".join(gaps), style="bold yellow"))
    for miss in report.failures:
        console.print(
            Text(
                f"  miss {miss['id']}: {miss['question']} ({miss.get('reason') or miss['note'] or 'missing ' + ', '.join(miss['missing'])})",
                style="dim",
            )
        )


def render_speakers(console: Console, speakers) -> None:
    """Speakers as a table on a terminal, one tab-separated line each off a terminal."""
    columns = ("name", "role", "affiliation", "statements", "first", "last")
    if console.soft_wrap:
        for sp in speakers:  # tab-separated for cut and sort: written as is
            console.file.write("\t".join(neutralise(str(getattr(sp, c) or "–")) for c in columns))
            console.file.write("\n")
        return
    table = Table(expand=False)
    for name in columns:
        table.add_column(name, justify="right" if name == "statements" else "left")
    for sp in speakers:
        table.add_row(*(neutralise(str(getattr(sp, c) or "–")) for c in columns))
    console.print(table)
    console.print(Text(f"{len(speakers)} speakers", style="dim"))
