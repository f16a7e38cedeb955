"""Output for machines and documents: JSON, JSON lines, CSV and Markdown of answers and
statement records. Corpus words are written verbatim; only fixed labels are added, the same
labels the text for people shows. A CSV cell that a spreadsheet would read as a formula is
prefixed with a single quote, which is the only change made to corpus words."""

from __future__ import annotations

import calendar
import csv
import io
import json
import re

from qa.answer.floor import from_floor
from qa.corpus.statements import SaidOn

FORMATS = ("text", "json", "jsonl", "markdown", "csv")
# The version of the JSON every command prints (the first key of each top-level object),
# described by the JSON Schemas in qa/present/schemas/. Raised when a key changes meaning or
# goes away; a new key is added to the schemas under the same version.
FORMAT_VERSION = 1
# The columns of a statement record; `attribution` is the speaker as the text shows it, with
# "(resolved)", "(gazetteer)" or "unnamed" where the record says so; `truncated` says the
# passage is cut short (the text shows " …" after it).
CSV_COLUMNS = (
    "text", "speaker", "role", "affiliation", "said_on", "kind", "channel", "source", "id",
    "attribution", "truncated",
)  # fmt: skip
# An answer's passages add what the text shows beside each: answer, further statement or
# closest-but-not-an-answer, what matched it and its score.
ANSWER_CSV_COLUMNS = (*CSV_COLUMNS, "shown_as", "matched_by", "score")
# The labels of what a shown passage is, as the text for people prints them.
ANSWER = "answer"
FURTHER = "further statement, not judged on the topic"
# A statement plain search finds for the question as asked, shown after the answer's own
# (qa/answer/floor.py): chosen by the fitted decision, not judged by the reading.
FLOOR = "further statement, close to the question as asked"
FLOOR_GROUP = "Close to the question as asked"
CLOSEST = "closest, but not an answer"
# An answer found because its text names whom the question asks about, with no speaker of its
# own: never given the name asked.
NAMED = "names whom the question asks about; the text does not name who speaks"
# The first characters that make a spreadsheet read a cell as a formula (OWASP, CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
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


def versioned(record: dict) -> dict:
    """A top-level JSON object with the format version as its first key."""
    return {"format_version": FORMAT_VERSION, **record}


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
        if said.year is not None and not re.search(rf"\b{said.year}\b", label):
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


def shown_as(passage, closest: bool = False) -> str:
    """What a passage of an answer is: an answer, a further statement, or closest."""
    if closest:
        return CLOSEST
    if passage.further:
        return further_label(passage)
    return NAMED if only_named(passage) else ANSWER


def further_label(passage) -> str:
    """What a further statement is: the filter's own, or plain search's for the question."""
    return FLOOR if from_floor(passage) else FURTHER


def only_named(passage) -> bool:
    """Whether a passage answers because it names whom the question asks about, and its text
    names no speaker."""
    return "mention" in passage.matched_by and not passage.speaker


def csv_header(columns=CSV_COLUMNS) -> str:
    return csv_line(columns)


def csv_row(item, closest: bool | None = None) -> str:
    """One statement record, or (with `closest` given) one passage of an answer, as a CSV
    line with its line end."""
    values = [
        _text_of(item),
        item.speaker or "",
        item.role or "",
        item.affiliation or "",
        date_label(item.said_on),
        item.kind,
        item.channel or "",
        ", ".join(item.sources),
        item.id,
        attribution_label(item),
        "true" if item.truncated else "false",
    ]
    if closest is not None:
        values += [shown_as(item, closest), ", ".join(item.matched_by), item.score]
    return csv_line(values)


def formula_safe(value):
    """A cell a spreadsheet would run as a formula, prefixed with a single quote."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_line(values) -> str:
    """One CSV line ending in a newline. Written with the default line end, so that a cell with
    a carriage return is quoted like one with a newline, then the end made a newline."""
    out = io.StringIO()
    csv.writer(out).writerow([formula_safe(v) for v in values])
    return out.getvalue().removesuffix("\r\n") + "\n"


def markdown_escape(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", neutralise(text))


def markdown_citation(item, closest: bool | None = None) -> str:
    """A quote block with its attribution, as the text for people shows it: speaker, date,
    kind, channel and source, and for a passage of an answer what matched it and, unless it
    is an answer, that it is a further statement or only the closest."""
    text = markdown_escape(_text_of(item)) + (" …" if item.truncated else "")
    sources = ", ".join(item.sources)
    source = f"`{sources}`" if "`" not in sources else markdown_escape(sources)
    labels = [attribution_label(item), date_label(item.said_on), item.kind]
    if item.channel and closest is not None:
        labels.append("via " + item.channel)
    cite = " · ".join(markdown_escape(label) for label in labels) + f" · source: {source}"
    if closest is not None:
        if item.matched_by:
            cite += " · matched by " + markdown_escape(", ".join(item.matched_by))
        if shown_as(item, closest) != ANSWER:
            cite += " · " + markdown_escape(shown_as(item, closest))
    return f"> {text}\n>\n> — {cite}\n"


def answer_markdown(answer) -> str:
    """A ready-to-paste answer: the question as a heading, what was understood, then each
    passage as a cited quote (or the reason there is none), as the text for people has it."""
    parts = [f"## {markdown_escape(answer.question.strip())}\n"]
    understood = understood_label(answer)
    if understood:
        parts.append(f"*Understood: {markdown_escape(understood)}*\n")
    if answer.note:
        parts.append(f"*{markdown_escape(answer.note)}*\n")
    passages = answer.passages if answer.answered else ()
    by_affiliation = bool(answer.understood.affiliations)
    for group, items in passage_groups(passages, by_affiliation, lambda: answer.whole):
        if group:
            parts.append(f"**{markdown_escape(group)}**\n")
        parts.extend(markdown_citation(p, closest=False) for p in items)
    if answer.closest:
        parts.append("Closest, but not an answer:\n")
        parts.extend(markdown_citation(p, closest=True) for p in answer.closest)
    remaining = answer.available - answer.offset - len(answer.passages)
    if answer.answered and remaining > 0:
        parts.append(f"*{remaining} more; raise --top-k to see them.*\n")
    return "\n".join(parts)


def understood_label(answer) -> str:
    """What the question was read as: "who question; by: Italy; topic: peacekeepers"."""
    u = answer.understood
    parts = []
    if u.intent != "what":
        parts.append(f"{u.intent} question")
    parts.extend(f"{typed} → {name}" for typed, name in u.corrections)
    parts.extend(f"{name} → {' or '.join(people)} (ambiguous)" for name, people in u.ambiguous)
    # An actor read from a verb of stance: reports that name it answer too
    about = "by or about: "
    if u.speakers:
        label = about if u.about_too("speaker") else "speaker: "
        parts.append(label + " or ".join(u.speakers))
    if u.unknown_speakers:
        parts.append("speaker: " + " or ".join(u.unknown_speakers))
    if u.affiliations:
        label = about if u.about_too("affiliation") else "by: "
        parts.append(label + " or ".join(u.affiliations))
    if u.sources:
        parts.append("source: " + " or ".join(u.sources))
    if u.kind:
        parts.append(f"only: {u.kind}s")
    if u.order:
        parts.append(f"{u.order} first")
    for role in u.roles:
        parts.append(role.shown())
    if u.date:
        parts.append("date: " + u.date.label)
    if u.topic:
        parts.append("topic: " + u.topic)
    if u.occasion:
        parts.append("occasion (preferred): " + u.occasion)
    if u.names_only:
        parts.append("only the names read (another language)")
    if u.follow_up:
        parts.append("(follow-up)")
    return "; ".join(parts)


def passage_groups(passages, by_affiliation: bool = False, whole=tuple):
    """Consecutive passages of one speaker (or one country, when the question named one)
    grouped under a fixed label, e.g. "Italy — 2 statements, March 15 to March 15". The label
    counts the speaker's passages in the whole answer (`whole()`, read only for a label) when
    the page is one of several."""
    from qa.corpus.names import speaker_owner

    def key_of(passage):
        if by_affiliation:
            return passage.affiliation
        return passage.speaker_entity or speaker_owner(passage.speaker)

    groups: list[tuple[str | None, list]] = []
    for passage in passages:
        key = FLOOR_GROUP if from_floor(passage) else key_of(passage)
        if groups and key and groups[-1][0] == key:
            groups[-1][1].append(passage)
        else:
            groups.append((key, [passage]))
    result = []
    for key, items in groups:
        if key == FLOOR_GROUP:
            # Plain search's statements are not the group before them, whoever says them.
            result.append((FLOOR_GROUP, items))
        elif key and len(items) > 1:
            counted = [p for p in whole() if key_of(p) == key] or items
            dated = sorted(
                (p for p in counted if p.said_order is not None), key=lambda p: p.said_order
            )
            span = ""
            if len(dated) > 1 and dated[0].said_order != dated[-1].said_order:
                span = f", {dated[0].said_on.text} to {dated[-1].said_on.text}"
            result.append((f"{key} — {len(counted)} statements{span}", items))
        else:
            result.append((None, items))
    return result
