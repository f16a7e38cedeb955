"""What answering reads from an index, whatever holds it: the `Store` interface, the filter
tree (`Where`) it is asked with, and `open_store`, which opens the store the settings name.

Rows are opaque int64 ids. The embedded store (qa/embedded.py) numbers them 0..n-1; another
backend may derive them from statement ids. Nothing above a store indexes a full-length array
by id, and no question costs work proportional to the corpus above it: candidates come from
`dense` and `keywords` under a filter, everything else is read for those candidates only.

The filter tree names record fields by the values both backends can store, never by codes
private to one build (several build workers writing one collection cannot share code tables):

    speaker      the person a statement is by (`speaker_owner(statement.speaker)`), "" if none
    affiliation  the country or organisation it is attributed to, "" if none
    role         the role as `lexicon.normal_role` gives it, "" if none
    place        for a statement attributed only to a role with no country, the place its
                 text names first (`filters.first_place`), else ""
    said_lo, said_hi          timeline day ordinals of the date written as said; an undated
                              row holds OPEN_HIGH, OPEN_LOW (an empty span)
    inferred_lo, inferred_hi  the earliest and latest it can have been said when the date is
                              inferred (OPEN_LOW / OPEN_HIGH for an open side; an empty span,
                              OPEN_HIGH, OPEN_LOW, when it is not inferred)
    mentioned    the dates the text mentions: (lo, hi) day-ordinal spans. Embedded: a (row, lo,
                 hi) table. Milvus: a few pairs of span fields, the spans past them kept in
                 its catalog (qa/milvus.py).
    words        the keyword tokens of the passage (`qa.text.tokenize`), for `Mentions`.
                 Embedded: its BM25 postings. Milvus: a text field its BM25 index is built
                 on, whose rows holding a word that index lists.

`filters.row_facts(statement, gazetteer, timeline)` gives these fields for one statement, so
every backend stores the same facts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import numpy as np

if TYPE_CHECKING:
    from qa.dates import Timeline
    from qa.gazetteer import Gazetteer
    from qa.settings import Settings
    from qa.statements import Statement

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


# -- the interface --------------------------------------------------------------------------
@dataclass(frozen=True)
class Facts:
    """Per-id facts read for candidates: the date said (timeline ordinals), the latest an
    inferred date can be, and whether a speaker or role is named."""

    said_lo: np.ndarray
    said_hi: np.ndarray
    inferred_hi: np.ndarray
    attributed: np.ndarray


class Store(Protocol):
    """What answering reads from an index. Ids are int64; every method taking ids answers in
    their order. `where` is a filter tree (EVERYTHING for no filter)."""

    size: int  # statements held
    model_id: str  # the embedding model it was built with
    weights_sha256: str  # and that model's weights hash
    timeline: Timeline  # how the corpus's dates are ordered
    skipped: list[str]  # corpus lines it was built without (--skip-bad)

    def statements(self, ids) -> list[Statement]:
        """The statement records of these ids."""

    def statement_ids(self, ids) -> list[str]:
        """The statement ids (`Statement.id`) of these ids, without reading whole records
        where the store can (a tie-break by statement id may read thousands)."""

    def vectors(self, ids) -> np.ndarray:
        """The normalised embeddings of these ids, one row each (float32)."""

    def dense(self, vector: np.ndarray, k: int, where: Where) -> tuple[np.ndarray, np.ndarray]:
        """The k ids `where` allows closest to a normalised vector (by inner product, which
        is cosine similarity), best first, and their scores."""

    def keywords(self, tokens: list[str], k: int, where: Where) -> tuple[np.ndarray, np.ndarray]:
        """The k ids `where` allows with the highest keyword (BM25) score for these tokens
        (summed over the tokens as given), best first (equal scores by id), only ids scoring
        above zero, and their scores."""

    def keyword_scores(self, tokens: list[str], ids) -> np.ndarray:
        """The keyword score of each of these ids for these tokens (0 where none holds)."""

    def ids(self, where: Where, among=None, limit: int | None = None) -> np.ndarray:
        """Ids `where` allows, ascending; only from `among` when given; at most `limit`."""

    def count(self, where: Where) -> int:
        """How many statements `where` allows."""

    def allows_any(self, where: Where) -> bool:
        """Whether `where` allows at least one statement."""

    def allows_fewer(self, where: Where) -> bool:
        """Whether `where` refuses at least one statement (allows fewer than all): a filter
        every statement passes filters nothing."""

    def facts(self, ids) -> Facts:
        """Date and attribution facts of these ids."""

    def has_word(self, token: str) -> bool:
        """Whether any statement's text holds this keyword token."""

    def words_starting(self, prefix: str) -> list[str]:
        """The keyword tokens of the corpus beginning with `prefix` (for spelling a typed
        word as the corpus does)."""

    @property
    def vocabularies(self) -> dict[str, list[str]]:
        """The distinct non-empty values of each of FIELDS, sorted, keyed by the field's
        plural ("speakers", "affiliations", "roles", "places")."""

    def speaker_places(self) -> dict[str, str]:
        """Each speaker's most frequent affiliation (where they serve), for speakers with one."""

    def close(self) -> None:
        """Let go of what the store holds open."""


def open_store(
    settings: Settings, corpus_paths, encoder, gazetteer: Gazetteer, progress=None
) -> Store:
    """The store the settings name: the embedded index (built first if the corpus or model
    changed) unless another backend is asked for. `encoder` is only used to build."""
    kind = getattr(settings, "store", "embedded") or "embedded"
    if kind == "embedded":
        from qa.embedded import EmbeddedStore
        from qa.index import ensure

        index = ensure(corpus_paths, settings.index_dir, encoder, progress, settings.skip_bad)
        return EmbeddedStore.of_index(index, gazetteer)
    if kind == "milvus":  # a Milvus collection, built with qa index --store milvus
        from qa.milvus_store import open_milvus

        info = encoder.info  # the model's name and weights hash: the model is not loaded
        return open_milvus(
            settings.uri, settings.collection, info.model_id, info.weights_sha256, corpus_paths
        )
    from qa.errors import QaError

    raise QaError(f"There is no store called {kind!r}; use embedded or milvus.")
