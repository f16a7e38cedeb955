"""Filter trees (qa/store/where.py) as Milvus filter expressions, every value quoted
(`milvus.quote`), so no text from a corpus or a question can change an expression; and the same
trees evaluated on rows already in hand, or read as a BM25 search where Milvus Lite would
otherwise match text row by row."""

from __future__ import annotations

from dataclasses import dataclass

from qa.store.milvus import rows as milvus
from qa.store.where import (
    FIELDS,
    And,
    AnyOf,
    Mentions,
    MentionsDate,
    Not,
    Or,
    Overlaps,
    Where,
    Within,
)

TRUE, FALSE = "true", "false"
SPAN_FIELDS = set(milvus.SPANS)


@dataclass(frozen=True)
class Keys:
    """Rows by primary key: what a `Mentions` selects, found in the BM25 index by the store
    (`Filters.resolved` in qa/store/milvus/filters.py), so that Milvus Lite filters them as a
    column of keys rather than matching text row by row."""

    keys: tuple[int, ...]


def compile_where(
    where: Where, mention_days: tuple[int, int] | None = None, more_spans: dict | None = None
) -> str:
    """A Milvus filter expression for a filter tree. `mention_days` bounds the days a
    `MentionsDate` lists (the smallest and largest day the collection mentions; None when
    it mentions none); `more_spans` holds the mentioned spans past a row's MENTIONS fields
    (by key, from the catalog)."""
    if isinstance(where, AnyOf):
        if where.field not in FIELDS:
            raise ValueError(f"no such field: {where.field}")
        if not where.values:
            return FALSE
        values = ", ".join(milvus.quote(milvus.fit(v)) for v in where.values)
        return f"{where.field} in [{values}]"
    if isinstance(where, Overlaps | Within):
        low_field, high_field = where.low_field, where.high_field
        if not {low_field, high_field} <= SPAN_FIELDS:
            raise ValueError(f"no such span: {low_field}, {high_field}")
        low, high = int(where.low), int(where.high)
        if isinstance(where, Overlaps):
            return f"({high_field} >= {low} and {low_field} <= {high})"
        return f"({low_field} >= {low} and {low_field} <= {high_field} and {high_field} <= {high})"
    if isinstance(where, MentionsDate):
        if mention_days is None:
            return FALSE
        low, high = max(int(where.low), mention_days[0]), min(int(where.high), mention_days[1])
        if low > high:
            return FALSE
        parts = [f"({hi} >= {low} and {lo} <= {high})" for lo, hi in milvus.MENTION_FIELDS]
        more = sorted(
            int(key) for key, spans in (more_spans or {}).items()
            if any(lo <= high and hi >= low for lo, hi in spans)
        )  # fmt: skip
        if more:
            parts.append(f"pk in [{', '.join(map(str, more))}]")
        return "(" + " or ".join(parts) + ")"
    if isinstance(where, Keys):
        return f"pk in [{', '.join(map(str, where.keys))}]" if where.keys else FALSE
    if isinstance(where, Mentions):
        if not where.words:
            return FALSE
        parts = [f"TEXT_MATCH(terms, {milvus.quote(milvus.term(w))})" for w in where.words]
        return "(" + " and ".join(parts) + ")"
    if isinstance(where, And | Or):
        # A part that changes nothing (true in a conjunction) is left out; one that decides
        # the whole (false in a conjunction) is the answer.
        neutral, deciding, joint = (TRUE, FALSE, " and ") if isinstance(where, And) else (
            FALSE, TRUE, " or ")  # fmt: skip
        parts = [compile_where(p, mention_days, more_spans) for p in where.parts]
        parts = [p for p in parts if p != neutral]
        if deciding in parts:
            return deciding
        return neutral if not parts else "(" + joint.join(parts) + ")"
    if isinstance(where, Not):
        inner = compile_where(where.part, mention_days, more_spans)
        return {TRUE: FALSE, FALSE: TRUE}.get(inner, f"not {inner}")
    raise ValueError(f"not a filter tree: {where!r}")


ROW_FIELDS = ["terms", *FIELDS, *milvus.SPANS, *(f for pair in milvus.MENTION_FIELDS for f in pair)]


def holds(where: Where, row: dict, more_spans: dict | None = None) -> bool:
    """Whether one row (with ROW_FIELDS and pk) is allowed by a filter tree: what the
    compiled expression selects, evaluated here for a few candidates already in hand."""
    if isinstance(where, AnyOf):
        return row[where.field] in {milvus.fit(v) for v in where.values}
    if isinstance(where, Overlaps):
        return row[where.high_field] >= where.low and row[where.low_field] <= where.high
    if isinstance(where, Within):
        low, high = row[where.low_field], row[where.high_field]
        return where.low <= low <= high <= where.high
    if isinstance(where, MentionsDate):
        spans = [(row[lo], row[hi]) for lo, hi in milvus.MENTION_FIELDS]
        spans += [tuple(span) for span in (more_spans or {}).get(str(row["pk"]), [])]
        return any(lo <= where.high and hi >= where.low for lo, hi in spans)
    if isinstance(where, Keys):
        return row["pk"] in where.keys
    if isinstance(where, Mentions):
        terms = set(row["terms"].split())
        return bool(where.words) and all(milvus.term(w) in terms for w in where.words)
    if isinstance(where, And):
        return all(holds(p, row, more_spans) for p in where.parts)
    if isinstance(where, Or):
        return any(holds(p, row, more_spans) for p in where.parts)
    if isinstance(where, Not):
        return not holds(where.part, row, more_spans)
    raise ValueError(f"not a filter tree: {where!r}")


def keyword_plan(where: Where) -> tuple[list[str], Where] | None:
    """For a tree "holds one of these words, and (optionally) filters naming no word": the
    words and the rest. Such rows are exactly those a BM25 search for the words scores above
    zero, which Milvus finds from its sparse index instead of matching text row by row."""
    parts = where.parts if isinstance(where, And) else (where,)
    words, rest = None, []
    for part in parts:
        single = part.parts if isinstance(part, Or) else (part,)
        if (
            words is None
            and single
            and all(isinstance(p, Mentions) and len(p.words) == 1 for p in single)
        ):
            words = [p.words[0] for p in single]
        else:
            rest.append(part)
    if words is None or any(_names_words(p) for p in rest):
        return None
    return words, And(tuple(rest))


def _names_words(where: Where) -> bool:
    if isinstance(where, Mentions):
        return True
    if isinstance(where, And | Or):
        return any(_names_words(p) for p in where.parts)
    if isinstance(where, Not):
        return _names_words(where.part)
    return False
