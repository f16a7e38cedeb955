"""Output for machines and documents: JSON, JSON lines, CSV and Markdown of answers and
statement records. Corpus words are written verbatim; only fixed labels are added."""

from __future__ import annotations

import calendar
import csv
import io
import json
import re

from qa.corpus.statements import SaidOn

FORMATS = ("text", "json", "jsonl", "markdown", "csv")
CSV_COLUMNS = (
    "text", "speaker", "role", "affiliation", "said_on", "kind", "channel", "source", "id",
)  # fmt: skip
# Line separators that JSON allows raw inside strings but that split lines for readers using
# str.splitlines() (and JavaScript before ES2019).
_LINE_BREAKERS = {"\u2028": "\\u2028", "\u2029": "\\u2029", "\u0085": "\\u0085"}
_LINE_BREAKER = re.compile("[\u2028\u2029\u0085]")
# C0/C1 controls (but tab), DEL, and the bidirectional overrides and isolates.
_UNSAFE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f]")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def neutralise(text: str) -> str:
    """Corpus text made safe for a terminal: control characters become visible escapes."""
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def json_text(value, indent: int | None = None) -> str:
    """JSON with non-ASCII text as is, except the characters that split lines: still valid
    JSON, and the same string when parsed."""
    text = json.dumps(value, ensure_ascii=False, indent=indent)
    return _LINE_BREAKER.sub(lambda m: _LINE_BREAKERS[m.group()], text)


def date_label(said: SaidOn | None) -> str:
    """'March 22', 'undated', or 'undated (between Jan. 15 and Feb. 17, inferred)'."""
    if said is None:
        return "undated"
    if said.relative_to and said.month and said.day and said.year:
        return f"{said.text} ({_day_range(said)}, computed from the publication date {said.relative_to})"
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


def _day_range(said: SaidOn) -> str:
    """'May 14, 2024' or 'May 6 - May 12, 2024' from a date's numbers."""
    first = f"{calendar.month_name[said.month]} {said.day}"
    if said.end_month and said.end_day:
        first += f" - {calendar.month_name[said.end_month]} {said.end_day}"
    return f"{first}, {said.year}"


def who_label(
    speaker,
    role,
    affiliation,
    affiliation_from=None,
    role_from=None,
    speaker_from=None,
    source_mention=None,
) -> str:
    """'Giorgia Meloni, Prime Minister, Italy' from the record's fields; '(gazetteer)' marks
    facts that the statement itself does not state, '(resolved)' a name taken from an earlier
    sentence of the same article."""
    parts = []
    if speaker:
        parts.append(speaker + (" (resolved)" if speaker_from == "resolved" else ""))
    elif source_mention:
        parts.append(f'unnamed ("{source_mention}")')
    elif role:
        parts.append("unnamed")
    if role:
        parts.append(role + (" (gazetteer)" if role_from == "gazetteer" else ""))
    if affiliation:
        parts.append(affiliation + (" (gazetteer)" if affiliation_from == "gazetteer" else ""))
    return ", ".join(parts) if parts else "no speaker (report)"


def attribution_label(item) -> str:
    """who_label of a shown passage or a statement record."""
    return who_label(
        item.speaker,
        item.role,
        item.affiliation,
        item.affiliation_from,
        item.role_from,
        item.speaker_from,
        item.source_mention,
    )


def _text_of(item) -> str:
    """The passage of a Passage (answers) or of a Statement (records)."""
    return item.text if hasattr(item, "score") else item.passage


def csv_header() -> str:
    return csv_line(CSV_COLUMNS)


def csv_row(item) -> str:
    """One passage or statement record as a CSV line (with its line end)."""
    values = {
        "text": _text_of(item),
        "speaker": item.speaker or "",
        "role": item.role or "",
        "affiliation": item.affiliation or "",
        "said_on": date_label(item.said_on),
        "kind": item.kind,
        "channel": item.channel or "",
        "source": ", ".join(item.sources),
        "id": item.id,
    }
    return csv_line([values[c] for c in CSV_COLUMNS])


def csv_line(values) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(values)
    return out.getvalue()


def markdown_escape(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", neutralise(text))


def markdown_citation(item) -> str:
    """A quote block with its attribution: speaker, date and source."""
    text = markdown_escape(_text_of(item)) + (" …" if item.truncated else "")
    sources = ", ".join(item.sources)
    source = f"`{sources}`" if "`" not in sources else markdown_escape(sources)
    cite = (
        f"— {markdown_escape(attribution_label(item))}, {markdown_escape(date_label(item.said_on))},"
        f" source: {source}"
    )
    return f"> {text}\n>\n> {cite}\n"


def answer_markdown(answer) -> str:
    """A ready-to-paste answer: the question as a heading, then each passage as a cited quote
    (or the reason there is none)."""
    parts = [f"## {markdown_escape(answer.question.strip())}\n"]
    if answer.note:
        parts.append(f"*{markdown_escape(answer.note)}*\n")
    passages = answer.passages if answer.answered else ()
    parts.extend(markdown_citation(p) for p in passages)
    if answer.closest:
        parts.append("Closest, but not an answer:\n")
        parts.extend(markdown_citation(p) for p in answer.closest)
    return "\n".join(parts)
