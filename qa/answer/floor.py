"""Plain retrieval as the floor, judged by a fitted decision.

The question as asked (not as read) is searched the plain way, by keywords, whatever filters
were read from it. Each candidate is described by measured features (cosines to the question
and to its topic, coverage of the topic's words, its keyword rank and score, whether it
passes the filters the question was read with or names whom they ask about) and one logistic
model, fitted on the tuning questions only (`bench/decision.py`, which also reports its
cross-validation and calibration), gives the probability that it answers the question. The
weights and the threshold `shown_from` live in `decision.json` beside this module.

The candidate most likely to answer that an answer's first page does not hold takes the
page's last place when it is judged likelier to answer than the passage there, or follows a
shorter page: a reading that filtered the answer out (a name read as the speaker in "Clinton's
campaign manager") no longer hides what plain retrieval finds. A page with room left is
followed by the other candidates that reach `shown_from`. Both are labelled as further
statements matched by the question.

A refusal is not overturned here: fitted on the tuning questions, a threshold on the best
candidate's probability decides the refused questions right no more often than the reading
does (`bench/decision.py` reports it), so the reading's refusals stand."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import numpy as np

from qa.answer.filters import plan
from qa.answer.hits import Hit, SearchResult
from qa.files import read_text
from qa.question.topic import topic_phrase
from qa.store.where import EVERYTHING, NOTHING, OPEN_HIGH
from qa.text import tokenize

# How deep each plain search looks.
DEPTH = 20
FEATURES = (
    "question_cosine",  # cosine of the statement to the question as asked
    "topic_cosine",  # ... to the topic as read (the question's when it has none)
    "coverage",  # share of the topic's distinctive words it holds
    "keyword_rank",  # 1 / (1 + rank) among the best keyword matches (ties alike), else 0
    "keyword_share",  # its keyword score over the best one
    "filtered",  # the question was read with a filter (speaker, country, role, date)
    "filter_miss",  # ... which this statement does not pass
    "names_asked",  # it names whom the filter asks about
    "cosine_gap",  # how far its question cosine is under the best candidate's
)
DECISION = Path(__file__).with_name("decision.json")
DECISION_LIMIT = 64 * 1024
# What a candidate of plain search is matched by, in a passage shown.
MATCHED = "question"


@dataclass(frozen=True)
class Candidates:
    """A question's plain-search candidates and their features."""

    rows: np.ndarray
    features: np.ndarray  # one row per candidate, in FEATURES order

    def __len__(self) -> int:
        return len(self.rows)


@dataclass(frozen=True)
class Decision:
    """The fitted model: standardisation, weights, and the threshold from which a candidate
    follows an answer with room left."""

    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float
    shown_from: float

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        if not len(features):
            return np.zeros(0)
        z = (features - self.mean) / self.scale @ self.weights + self.bias
        return 1.0 / (1.0 + np.exp(-z))


@cache
def decision() -> Decision | None:
    """The fitted decision shipped with the package (None before one is fitted)."""
    if not DECISION.is_file():
        return None
    data = json.loads(read_text(DECISION, DECISION_LIMIT))
    if tuple(data["features"]) != FEATURES:
        return None
    return Decision(
        np.asarray(data["mean"]),
        np.asarray(data["scale"]),
        np.asarray(data["weights"]),
        float(data["bias"]),
        float(data["shown_from"]),
    )


def plain_search_applies(u) -> bool:
    """Whether plain search judges a question's candidates: not where a date asked, a kind of
    passage, options or a follow-up hold (plain search knows none of them), nor without a
    topic or for a kind of question not answered with passages."""
    return bool(u.topic) and not (u.follow_up or u.explicit or u.kind or u.date or u.refusal)


def asked_vectors(engine, u) -> np.ndarray:
    """The vectors of the question as asked and of its topic as the searcher encodes it."""
    return np.asarray(engine.query_encoder.encode([u.question, topic_phrase(u) or u.topic]))


def candidates(engine, u, also=(), vectors=None) -> Candidates:
    """The statements that best match the question as asked by keywords, and the rows `also`
    given, with their features; `vectors` are `asked_vectors` when the search encoded them
    already. (Its closest by meaning over the whole corpus add nothing the reading's own search
    does not find, measured on the tuning questions, and cost a scan of every vector.)"""
    store = engine.store
    tokens = tokenize(u.question)
    keyword_rows, keyword_scores = (
        store.keywords(tokens, DEPTH, EVERYTHING) if tokens else (np.zeros(0, np.int64), [])
    )
    keyword_rows = np.asarray(keyword_rows, dtype=np.int64).tolist()
    rows = np.array(list(dict.fromkeys(keyword_rows + list(also))), dtype=np.int64)
    if not len(rows):
        return Candidates(rows, np.zeros((0, len(FEATURES))))
    vectors = asked_vectors(engine, u) if vectors is None else np.asarray(vectors)
    cosines = store.vectors(rows) @ vectors.T
    question_cosine = cosines[:, 0]
    topic_cosine = cosines[:, -1]
    coverage = np.asarray(engine.searcher.coverage(u.concepts, rows), dtype=np.float64)
    keyword_rank = _inverse_ranks(rows, keyword_rows, keyword_scores)
    best = float(keyword_scores[0]) if len(keyword_scores) else 0.0
    share_of = {r: float(s) / best for r, s in zip(keyword_rows, keyword_scores)} if best else {}
    keyword_share = np.array([share_of.get(r, 0.0) for r in rows.tolist()])
    filtered, miss, named = _filters(engine, u, rows)
    features = np.column_stack([
        question_cosine, topic_cosine, coverage, keyword_rank, keyword_share,
        np.full(len(rows), float(filtered)), miss, named,
        question_cosine.max() - question_cosine,
    ])  # fmt: skip
    return Candidates(rows, features)


def _inverse_ranks(rows: np.ndarray, ranked: list[int], scores) -> np.ndarray:
    """1 / (1 + how many keyword matches score higher), 0 for a row not among them: equal
    scores rank alike, as stores order them apart differently."""
    rounded = np.round(np.asarray(scores, dtype=np.float64), 6)
    place = {r: int((rounded > v).sum()) for r, v in zip(ranked, rounded.tolist())}
    return np.array([1.0 / (1 + place[r]) if r in place else 0.0 for r in rows.tolist()])


def _filters(engine, u, rows: np.ndarray) -> tuple[bool, np.ndarray, np.ndarray]:
    """Whether the question was read with a filter, which candidates it leaves out, and
    which name whom it asks about."""
    store = engine.store
    none = np.zeros(len(rows))
    allowed = plan(u, store, engine.gazetteer, asked=True)
    if allowed.note or allowed.where == EVERYTHING or not store.allows_fewer(allowed.where):
        return False, none, none
    passes = np.isin(rows, store.ids(allowed.where, among=rows))
    named = (
        np.isin(rows, store.ids(allowed.named, among=rows)).astype(np.float64)
        if allowed.named != NOTHING
        else none
    )
    return True, (~passes).astype(np.float64), named


def judged(engine, u, also=(), vectors=None) -> tuple[list[int], np.ndarray] | None:
    """The question's candidates (and the rows `also` given) and the probability that each
    answers it, most likely first; None when no decision is fitted or the question is not one
    plain search can judge."""
    fitted = decision()
    if fitted is None or not plain_search_applies(u):
        return None
    found = candidates(engine, u, also, vectors)
    if not len(found):
        return None
    p = fitted.probabilities(found.features)
    order = np.argsort(-p, kind="stable")
    return found.rows[order].tolist(), p[order]


def with_floor(engine, u, found: SearchResult, page: int) -> SearchResult:
    """An answer's whole list of hits with plain search's candidates in it (`floor_places`,
    `placed`): further statements, matched by the question; the answer's own hits keep their
    order, pages included."""
    hits = list(found.hits)
    shown = [h.row for h in hits]
    also = shown[page - 1 : page]
    scored = judged(engine, u, also, found.asked) if page > 1 else None
    if scored is None:
        return found
    rows, probabilities = scored
    chosen = floor_places(rows, probabilities, shown, page, decision().shown_from)
    if not chosen:
        return found
    said = engine.store.facts(np.array([rows[i] for i in chosen], dtype=np.int64)).said_lo
    added = {
        rows[i]: Hit(rows[i], None, round(float(probabilities[i]), 6), 0.0, 0.0, (MATCHED,),
                     int(order) if order != OPEN_HIGH else None, further=True)
        for i, order in zip(chosen, said.tolist())
    }  # fmt: skip
    hit_of = {h.row: h for h in hits} | added
    hits = [hit_of[row] for row in placed(shown, list(added), page)]
    return replace(found, hits=tuple(hits), available=len(hits))


def floor_places(
    candidates: list, probabilities, shown: list, page: int, shown_from: float
) -> list[int]:
    """Which candidates (most likely first) plain search adds to an answer that shows `shown`
    (best first), as indices into `candidates`. The most likely one the first page does not
    hold takes the page's last place when it is judged likelier to answer than the passage
    there (which must be among the candidates), or follows a shorter page; when the page has
    room left, the others that reach `shown_from` follow."""
    last = shown[page - 1] if len(shown) >= page else None
    first_page = set(shown[:page])
    places = page - min(len(shown), page - 1)  # the page's last, and any it leaves empty
    chosen: list[int] = []
    for i, candidate in enumerate(candidates):
        if len(chosen) == places or (chosen and probabilities[i] < shown_from):
            break
        if candidate in first_page:
            continue
        if not chosen and last is not None:
            if probabilities[i] <= probabilities[candidates.index(last)]:
                return []
        chosen.append(i)
    return chosen


def placed(shown: list, added: list, page: int) -> list:
    """`shown` with `added` in the first page's last place (or after a shorter page)."""
    taken = set(added)
    kept = [x for x in shown if x not in taken]
    at = min(len(kept), page - 1)
    return kept[:at] + added + kept[at:]


def from_floor(passage) -> bool:
    """Whether a passage shown is one of plain search's, not the answer's own."""
    return MATCHED in passage.matched_by
