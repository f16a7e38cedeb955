"""Relevance and its cut: how well a hit answers its topic, which hits answer a question and
which are shown beside them, and the passages just under the cut judged by their parts."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import numpy as np

from qa.answer.hits import Hit, _only_names
from qa.corpus.statements import Statement
from qa.files import read_text
from qa.model.embedding import Encoder
from qa.store.base import Store

# The cut is fitted on the tuning questions (bench/cut.py, cross-validated by question; the
# values and what they were fitted on live in cut.json beside this module). A statement's
# relevance is its cosine similarity to the topic (the topic as the question words it or with
# its synonyms, whichever is closer) plus COVERAGE_WEIGHT times the share of the topic's
# distinctive words it holds. A question is answered when its best statement reaches
# RELEVANT; statements from SHOWN up are shown beside it. A statement that holds none of the
# topic's distinctive words, when other statements hold them, is most often about something
# near it ("Europe's security" for "Ukraine joining NATO"): its meaning alone answers only
# WORDLESS_MARGIN above RELEVANT (when no statement holds them, meaning alone judges at
# RELEVANT). Within the filters a question was read with (a speaker, a country, a role),
# FILTERED_MARGIN less is asked: whom it asks about speaks in words of their own.
CUT = Path(__file__).with_name("cut.json")
_FITTED = json.loads(read_text(CUT, 64 * 1024))
COVERAGE_WEIGHT = float(_FITTED["coverage_weight"])
RELEVANT = float(_FITTED["relevant"])
WORDLESS_MARGIN = float(_FITTED["wordless_margin"])
FILTERED_MARGIN = float(_FITTED["filtered_margin"])
SHOWN = RELEVANT - float(_FITTED["shown_gap"])
# Candidates this close under RELEVANT are also judged by their sentences and quotes; at most
# PART_CANDIDATES of them, so that a question costs a few short encodings at most.
PART_MARGIN = 0.12
PART_CANDIDATES = 2
# Once a question about a country or organisation, a role, or several speakers is answered,
# their statements are shown after the relevant ones from this relevance up: each speaker
# speaks in words of their own ("be a part of that" beside "protecting Ukraine"), a role may
# be held or spoken for by several, and the filters have already made the candidates few.
# (For one speaker, "What else did she say?" is how to ask for the rest.)
FILTER_SHOWN = 0.15


def relevance(hit: Hit) -> float:
    """How well a statement answers the topic: meaning, plus the topic's own words."""
    return hit.dense + COVERAGE_WEIGHT * hit.coverage


def _answers(hit: Hit) -> bool:
    """Whether a hit is relevant enough for the question to count as answered."""
    return relevance(hit) >= RELEVANT + margin(hit)


def _worth_showing(hit: Hit) -> bool:
    """Once a question is answered, which other hits are shown beside the best."""
    return relevance(hit) >= SHOWN - (FILTERED_MARGIN if hit.filtered else 0.0)


def margin(hit: Hit) -> float:
    """How much more (or less) than the cut a hit must reach: WORDLESS_MARGIN more when it
    holds none of the topic's words, FILTERED_MARGIN less within the question's filters."""
    return (WORDLESS_MARGIN if hit.wordless else 0.0) - (FILTERED_MARGIN if hit.filtered else 0.0)


def filter_shown(hits: list[Hit], relevant: list[Hit]) -> list[Hit]:
    """The hits shown after the relevant ones because the filter allows them (FILTER_SHOWN)."""
    # A few statements of the filter's own, each close enough, are all shown; not
    # every report that only names an actor asked about.
    shown = {h.row for h in relevant}
    return [
        replace(h, further=True)
        for h in hits
        if FILTER_SHOWN <= relevance(h) and h.row not in shown and not _only_names(h)
    ]


class PartJudge:
    """Judges the candidates just under the cut by their sentences and quotes, each
    passage's parts encoded once."""

    def __init__(self, store: Store, encoder: Encoder):
        self.store = store
        self.encoder = encoder
        self._part_vectors: dict[int, np.ndarray | None] = {}  # sentences and quotes, per id

    def by_parts(self, hits: list[Hit], query_vectors) -> list[Hit]:
        """A long passage can hold the answer in one sentence or quote that its whole meaning
        dilutes: the few best candidates just under the cut are judged by their parts too."""
        near = sorted(
            (h for h in hits if RELEVANT - PART_MARGIN <= relevance(h) < RELEVANT),
            key=lambda h: -relevance(h),
        )[:PART_CANDIDATES]
        missing = [h.row for h in near if h.row not in self._part_vectors]
        pieces = [
            (row, part)
            for row, statement in zip(missing, self.store.statements(missing))
            for part in passage_parts(statement)
        ]
        encoded = self.encoder.encode([text for _, text in pieces]) if pieces else []
        for row in missing:
            rows = [i for i, (r, _) in enumerate(pieces) if r == row]
            self._part_vectors[row] = np.asarray(encoded)[rows] if rows else None
        best: dict[int, float] = {}
        for hit in near:
            vectors = self._part_vectors[hit.row]
            if vectors is not None and len(vectors):
                best[hit.row] = float((vectors @ np.asarray(query_vectors).T).max())
        return [replace(h, dense=max(h.dense, best[h.row])) if h.row in best else h for h in hits]


def passage_parts(statement: Statement) -> list[str]:
    """The sentences and quoted spans of a passage that has more than one."""
    text = statement.passage
    sentences = [p for p in re.split(r"(?<=[.!?])\s+(?=[\"“A-Z])", text) if len(p) > 20]
    quotes = [q for q in statement.quotes if len(q) > 20]
    parts = list(dict.fromkeys([*quotes, *sentences]))
    return parts if len(parts) > 1 or (parts and parts[0] != text) else []
