"""Rendering for people: answers, statement tables and evaluation tables, with rich.
Only fixed labels are added to corpus words, and terminal control characters in corpus text
are shown neutralised."""

from __future__ import annotations

import re

from rich.console import Console
from rich.table import Table
from rich.text import Text

from qa.answer import Answer, Passage
from qa.statements import SaidOn, Statement
from qa.text import stem, words

# C0/C1 controls (but tab), DEL, and the bidirectional overrides and isolates.
_UNSAFE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f]")


def neutralise(text: str) -> str:
    """Corpus text made safe for a terminal: control characters become visible escapes."""
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def date_label(said: SaidOn | None) -> str:
    """'March 22', 'undated', or 'undated (between Jan. 15 and Feb. 17, inferred)'."""
    if said is None:
        return "undated"
    if not said.inferred:
        label = said.text or ""
        if said.year is not None:
            label += f" {said.year}" + (" (year declared)" if said.year_declared else "")
        if said.from_digest:
            label += " (digest date)"
        return label
    early = said.earliest.text if said.earliest else None
    late = said.latest.text if said.latest else None
    if early and late:
        return f"undated (between {early} and {late}, inferred)"
    if early:
        return f"undated (on or after {early}, inferred)"
    if late:
        return f"undated (on or before {late}, inferred)"
    return "undated"


def who_label(speaker, role, affiliation, affiliation_from=None, role_from=None) -> str:
    """'Giorgia Meloni, Prime Minister, Italy' from the record's fields; '(gazetteer)' marks
    facts that the statement itself does not state."""
    parts = []
    if speaker:
        parts.append(speaker)
    elif role:
        parts.append("unnamed")
    if role:
        parts.append(role + (" (gazetteer)" if role_from == "gazetteer" else ""))
    if affiliation:
        parts.append(affiliation + (" (gazetteer)" if affiliation_from == "gazetteer" else ""))
    return ", ".join(parts) if parts else "no speaker (report)"


def make_console(color: bool | None = None, file=None, width: int | None = None) -> Console:
    return Console(
        file=file,
        no_color=color is False,
        color_system="auto" if color is not False else None,
        highlight=False,
        emoji=False,
        markup=False,
        width=width,
        soft_wrap=False,
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
        console.print(Text(neutralise(answer.note), style="bold red"))
    passages = answer.passages if answer.answered else ()
    for group, items in _groups(passages, bool(answer.understood.affiliations)):
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


def understood_label(answer: Answer) -> str:
    u = answer.understood
    parts = []
    if u.intent != "what":
        parts.append(f"{u.intent} question")
    parts.extend(f"{typed} → {name}" for typed, name in u.corrections)
    if u.speakers:
        parts.append("speaker: " + " or ".join(u.speakers))
    if u.unknown_speakers:
        parts.append("speaker: " + " or ".join(u.unknown_speakers))
    if u.affiliations:
        parts.append("by: " + " or ".join(u.affiliations))
    if u.sources:
        parts.append("source: " + " or ".join(u.sources))
    if u.kind:
        parts.append(f"only: {u.kind}s")
    for role in u.roles:
        parts.append("role: " + role.label)
    if u.date:
        parts.append("date: " + u.date.label)
    if u.topic:
        parts.append("topic: " + u.topic)
    if u.follow_up:
        parts.append("(follow-up)")
    return "; ".join(parts)


def _groups(passages, by_affiliation: bool = False):
    """Consecutive passages of one speaker (or one country, when the question named one)
    grouped under a fixed label, e.g. "Italy — 2 statements, March 15 to March 15"."""
    from qa.query import speaker_owner

    groups: list[tuple[str | None, list[Passage]]] = []
    for passage in passages:
        key = passage.affiliation if by_affiliation else speaker_owner(passage.speaker)
        if groups and key and groups[-1][0] == key:
            groups[-1][1].append(passage)
        else:
            groups.append((key, [passage]))
    result = []
    for key, items in groups:
        if key and len(items) > 1:
            dated = sorted(
                (p for p in items if p.said_order is not None), key=lambda p: p.said_order
            )
            span = ""
            if len(dated) > 1 and dated[0].said_order != dated[-1].said_order:
                span = f", {dated[0].said_on.text} to {dated[-1].said_on.text}"
            result.append((f"{key} — {len(items)} statements{span}", items))
        else:
            result.append((None, items))
    return result


def _render_passage(console: Console, passage: Passage, query_words: set[str]) -> None:
    console.print()
    console.print(Text("  ") + passage_text(passage, query_words))
    meta = Text("  — ", style="dim")
    meta.append(
        neutralise(
            who_label(
                passage.speaker,
                passage.role,
                passage.affiliation,
                passage.affiliation_from,
                passage.role_from,
            )
        ),
        style="green",
    )
    meta.append(" · " + neutralise(date_label(passage.said_on)), style="dim")
    meta.append(f" · {passage.kind}", style="dim")
    if passage.channel:
        meta.append(" · via " + neutralise(passage.channel), style="dim")
    meta.append(" · " + neutralise(", ".join(passage.sources)), style="dim")
    if passage.matched_by:
        meta.append(" · matched by " + ", ".join(passage.matched_by), style="dim")
    console.print(meta)


def render_statements(console: Console, statements: list[Statement]) -> None:
    table = Table(show_lines=True, expand=True)
    for name, ratio in (("source", 1), ("kind", 1), ("speaker", 2), ("said on", 2), ("passage", 6)):
        table.add_column(name, ratio=ratio, overflow="fold")
    for s in statements:
        passage = Text(neutralise(s.passage))
        if s.truncated:
            passage.append(" …", style="dim")
        table.add_row(
            neutralise(", ".join(s.sources)),
            s.kind,
            neutralise(
                who_label(s.speaker, s.role, s.affiliation, s.affiliation_from, s.role_from)
            ),
            date_label(s.said_on),
            passage,
        )
    console.print(table)
    console.print(Text(f"{len(statements)} statements", style="dim"))


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
