"""The filter tree (`Where`) a store is asked with, over the facts every backend keeps per row.

Rows are opaque int64 ids. The embedded store (qa/store/embedded/store.py) numbers them 0..n-1; another
backend may derive them from statement ids. Nothing above a store indexes a full-length array
by id, and no question costs work proportional to the corpus above it: candidates come from
`dense` and `keywords` under a filter, everything else is read for those candidates only.

The filter tree names record fields by the values both backends can store, never by codes
private to one build (several build workers writing one collection cannot share code tables):

    speaker      the person a statement is by (its entity, qa/corpus/entities.py), "" if none
    affiliation  the country or organisation it is attributed to, "" if none
    role         the role as `qa.corpus.names.normal_role` gives it, "" if none
    place        for a statement attributed only to a role with no country, the place its
                 text names first (`facts.first_place`), else ""
    said_lo, said_hi          timeline day ordinals of the date written as said; an undated
                              row holds OPEN_HIGH, OPEN_LOW (an empty span)
    inferred_lo, inferred_hi  the earliest and latest it can have been said when the date is
                              inferred (OPEN_LOW / OPEN_HIGH for an open side; an empty span,
                              OPEN_HIGH, OPEN_LOW, when it is not inferred)
    mentioned    the dates the text mentions: (lo, hi) day-ordinal spans. Embedded: a (row, lo,
                 hi) table. Milvus: a few pairs of span fields, the spans past them kept in
                 its catalog (qa/store/milvus/collection.py).
    words        the keyword tokens of the passage (`qa.text.tokenize`), for `Mentions`.
                 Embedded: its BM25 postings. Milvus: a text field its BM25 index is built
                 on, whose rows holding a word that index lists.

`qa.store.facts.row_facts(statement, gazetteer, timeline)` gives these fields for one statement, so
every backend stores the same facts.
"""

from __future__ import annotations

from dataclasses import dataclass

OPEN_LOW, OPEN_HIGH = -(10**9), 10**9
FIELDS = ("speaker", "affiliation", "role", "place")
SPANS = (("said_lo", "said_hi"), ("inferred_lo", "inferred_hi"))


# -- the filter tree ------------------------------------------------------------------------
@dataclass(frozen=True)
class AnyOf:
    """Rows whose `field` (one of FIELDS) is one of `values` ("" is a row without one)."""

    field: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Overlaps:
    """Rows whose span [row.low_field, row.high_field] meets [low, high]:
    row.high_field >= low and row.low_field <= high."""

    low_field: str
    high_field: str
    low: int
    high: int


@dataclass(frozen=True)
class Within:
    """Rows whose span lies wholly inside [low, high] and is not empty:
    low <= row.low_field <= row.high_field <= high."""

    low_field: str
    high_field: str
    low: int
    high: int


@dataclass(frozen=True)
class MentionsDate:
    """Rows whose text mentions a date whose span meets [low, high]."""

    low: int
    high: int


@dataclass(frozen=True)
class Mentions:
    """Rows whose text holds every one of these keyword tokens (as `qa.text.tokenize` gives
    them). With no token it matches nothing: a name without a keyword names nothing."""

    words: tuple[str, ...]


@dataclass(frozen=True)
class And:
    """Rows every part allows; with no part, every row."""

    parts: tuple[Where, ...]


@dataclass(frozen=True)
class Or:
    """Rows some part allows; with no part, none."""

    parts: tuple[Where, ...]


@dataclass(frozen=True)
class Not:
    """Rows the part does not allow."""

    part: Where


Where = AnyOf | Overlaps | Within | MentionsDate | Mentions | And | Or | Not
EVERYTHING: Where = And(())
NOTHING: Where = Or(())


def both(*parts: Where) -> Where:
    """The conjunction, without the EVERYTHING parts (and EVERYTHING for none)."""
    kept = tuple(p for p in parts if p != EVERYTHING)
    return kept[0] if len(kept) == 1 else And(kept)


def either(*parts: Where) -> Where:
    """The disjunction, without the NOTHING parts (and NOTHING for none)."""
    kept = tuple(p for p in parts if p != NOTHING)
    return kept[0] if len(kept) == 1 else Or(kept)
