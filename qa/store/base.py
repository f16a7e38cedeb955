"""The `Store` interface: what answering reads from an index, whatever holds it, and the
per-id facts it reads for candidates. The filter tree it is asked with is in qa/store/where.py."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import numpy as np

from qa.store.where import OPEN_LOW, Where

if TYPE_CHECKING:
    from qa.corpus.dates import Timeline
    from qa.corpus.statements import Statement


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


def newest_first(ids, facts: Facts) -> np.ndarray:
    """Ids ordered by the date said (or the latest it can have been said), newest first;
    undated last, by id (corpus order in the embedded index)."""
    ids = np.asarray(ids, dtype=np.int64)
    said = np.where(facts.said_hi == OPEN_LOW, facts.inferred_hi, facts.said_hi)
    return ids[np.lexsort((ids, -said))]
