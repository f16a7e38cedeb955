"""Fits the relevance cut (`qa/answer/relevance.py`) on tuning questions only, reports its
cross-validation and calibration, and with `--write` ships it as `qa/answer/cut.json`.

Every tuning question is answered as the product would; the reading's own candidates (the
statements its filters allow, ranked, before the cut: their cosine to the topic, the share
of the topic's words they hold, whether they hold none where others do, whether the question
was read with a filter) are kept with the evaluation's answers. The cut has the product's
form: a statement answers when

    cosine + coverage_weight * coverage >= relevant + wordless_margin * wordless
                                           - filtered_margin * filtered

and a question is answered when one of its statements does. Its four values are chosen on a
grid to decide the most questions right (answered when an answer exists, refused when none
does), with cross-validation by question (5 folds): no question is scored by values chosen
with it. `shown_gap` (statements from `relevant - shown_gap` up are shown beside the best) is
chosen for the product's own best recall@5 over the tuning questions, the cut at its values. Approximations: the passages
judged by their parts just under the cut (`PartJudge`) are judged by their whole here.

    OMP_NUM_THREADS=1 .venv/bin/python -m bench.cut [--write]

Tuning material only: evals/questions.toml, evals/heldout.toml, evals/news.toml,
evals/fresh_tuning.toml, evals/news_fresh_tuning.toml. Never the held-out or validation
parts (evals/heldout_fresh.toml, evals/news_heldout.toml, evals/validation.toml,
evals/news_validation.toml).
"""

from __future__ import annotations

import argparse
import itertools
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qa.answer import relevance as cut
from qa.answer import search
from qa.answer.compose import answer
from qa.answer.engine import Engine
from qa.evaluation.metrics import _recall, _resolve
from qa.evaluation.questions import load_questions, question_corpus
from qa.evaluation.report import corpus_settings
from qa.evaluation.runs import _run_product
from qa.settings import Settings

SETS = ("evals/questions.toml", "evals/heldout.toml", "evals/news.toml",
        "evals/fresh_tuning.toml", "evals/news_fresh_tuning.toml")  # fmt: skip
FOLDS = 5
DEPTH = 40  # candidates kept per question
GRID = {
    "coverage_weight": (0.3, 0.4, 0.5),
    "relevant": (0.30, 0.32, 0.34, 0.36, 0.38),
    "wordless_margin": (0.0, 0.05, 0.10, 0.13, 0.16, 0.20),
    "filtered_margin": (-0.03, 0.0, 0.03, 0.06),
}
SHOWN_GAPS = (0.0, 0.01, 0.02, 0.04)


@dataclass
class Question:
    set: str
    answerable: bool
    features: np.ndarray  # per candidate: cosine, coverage, wordless, filtered, fused rank score
    labels: np.ndarray  # per candidate: it answers


def collect(path: Path) -> list[Question]:
    """The reading's candidates of each question the cut decides (one with a topic, not
    refused for its kind nor for a filter that matched nothing)."""
    corpus = question_corpus(path)
    engine = Engine(corpus_settings(Settings.from_env(), corpus)).load()
    statements = list(engine.store.statements(np.arange(engine.store.size)))
    ids = [s.id for s in statements]
    queries = [q for q in load_questions(path) if not q.conversation]
    qrels = _resolve(queries, statements, corpus)
    ranked: list = []
    rank = search.Searcher.rank

    def kept(self, u, query_vectors, where, why, filtered, place_vector=None):
        hits = rank(self, u, query_vectors, where, why, filtered, place_vector)
        ranked.append(hits)
        return hits

    search.Searcher.rank = kept
    found = []
    try:
        for q in queries:
            ranked.clear()
            result = answer(engine, q.question, top_k=5)
            if not ranked or result.reason not in (None, "relevance"):
                continue
            hits = ranked[0][:DEPTH]  # the search within the question's filters
            features = np.array(
                [(h.dense, h.coverage, h.wordless, h.filtered, h.score) for h in hits],
                dtype=np.float64,
            ).reshape(-1, 5)
            labels = np.array([ids[h.row] in qrels[q.id] for h in hits], dtype=bool)
            found.append(Question(path.name, bool(q.answers), features, labels))
    finally:
        search.Searcher.rank = rank
    return found


def passing(q: Question, values: dict, gap: float = 0.0) -> np.ndarray:
    """Which of a question's candidates reach the cut (lowered by `gap`)."""
    f = q.features
    score = f[:, 0] + values["coverage_weight"] * f[:, 1]
    need = values["relevant"] + values["wordless_margin"] * f[:, 2]
    return score >= need - values["filtered_margin"] * f[:, 3] - gap


def right(questions: list[Question], values: dict) -> int:
    """Questions decided right: answered when an answer exists, refused when none does."""
    return sum(bool(passing(q, values).any()) == q.answerable for q in questions)


def fit(questions: list[Question], start: dict) -> dict:
    """The grid's values deciding the most questions right; among equals, the closest to
    `start` (the values shipped), so that a tie never moves the cut."""
    options = [dict(zip(GRID, combo)) for combo in itertools.product(*GRID.values())]

    def distance(v: dict) -> float:
        return sum(abs(v[k] - start[k]) for k in GRID)

    return max(options, key=lambda v: (right(questions, v), -distance(v)))


def shown_gap(values: dict) -> float:
    """The gap under the cut from which statements are shown beside the best: the best mean
    recall@5 of the product itself over the tuning questions, the cut at `values`; among
    equals, the smallest gap (one value of a few, not cross-validated)."""
    saved = (cut.COVERAGE_WEIGHT, cut.RELEVANT, cut.WORDLESS_MARGIN, cut.FILTERED_MARGIN,
             cut.SHOWN)  # fmt: skip
    cut.COVERAGE_WEIGHT, cut.RELEVANT = values["coverage_weight"], values["relevant"]
    cut.WORDLESS_MARGIN, cut.FILTERED_MARGIN = values["wordless_margin"], values["filtered_margin"]
    parts = []  # each tuning part's engine, answerable questions and their answers, read once
    for path in map(Path, SETS):
        corpus = question_corpus(path)
        engine = Engine(corpus_settings(Settings.from_env(), corpus)).load()
        queries = [q for q in load_questions(path) if q.answers and not q.conversation]
        statements = list(engine.store.statements(np.arange(engine.store.size)))
        parts.append((engine, queries, _resolve(queries, statements, corpus)))
    try:
        found = {}
        for gap in SHOWN_GAPS:
            cut.SHOWN = values["relevant"] - gap
            recalls = []
            for engine, queries, qrels in parts:
                run = _run_product(engine, queries)[0]
                recalls += [_recall(q, qrels, run) for q in queries]
            found[gap] = round(float(np.mean(recalls)), 4)
            print(f"  shown_gap {gap}: recall@5 {found[gap]}")
        return max(SHOWN_GAPS, key=lambda g: (found[g], -g))
    finally:
        (cut.COVERAGE_WEIGHT, cut.RELEVANT, cut.WORDLESS_MARGIN, cut.FILTERED_MARGIN,
         cut.SHOWN) = saved  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="ship the values fitted on all")
    args = parser.parse_args()
    shipped = json.loads(cut.CUT.read_text(encoding="utf-8"))
    start = {k: float(shipped[k]) for k in GRID}
    questions = [q for s in SETS for q in collect(Path(s))]
    fold = np.random.default_rng(0).integers(0, FOLDS, len(questions))
    decided = np.zeros(len(questions), dtype=bool)
    for k in range(FOLDS):
        values = fit([q for q, f in zip(questions, fold) if f != k], start)
        print(f"fold {k}: {values}")
        for i, q in enumerate(questions):
            if fold[i] == k:
                decided[i] = bool(passing(q, values).any()) == q.answerable
    values = fit(questions, start)
    print("questions decided right: shipped / cross-validated / fitted on all")
    for name in dict.fromkeys(q.set for q in questions):
        part = [i for i, q in enumerate(questions) if q.set == name]
        chosen = [questions[i] for i in part]
        print(f"  {name:24} {len(part):4}  {right(chosen, start):4} / {int(decided[part].sum()):4}"
              f" / {right(chosen, values):4}")  # fmt: skip
    print("calibration (fitted on all): best statement's margin over its cut -> share answerable")
    margins = []
    for q in questions:
        f = q.features
        if not len(f):
            continue
        score = f[:, 0] + values["coverage_weight"] * f[:, 1]
        need = values["relevant"] + values["wordless_margin"] * f[:, 2]
        need = need - values["filtered_margin"] * f[:, 3]
        margins.append((float((score - need).max()), q.answerable))
    for lo, hi in ((-1, -0.1), (-0.1, -0.05), (-0.05, 0), (0, 0.05), (0.05, 0.1), (0.1, 0.2),
                   (0.2, 2)):  # fmt: skip
        inside = [a for m, a in margins if lo <= m < hi]
        if inside:
            print(f"  [{lo:+.2f}, {hi:+.2f}) {np.mean(inside):.3f} ({len(inside)})")
    gap = shown_gap(values)
    print(f"fitted on all: {values}, shown_gap {gap}")
    if args.write:
        data = {**values, "shown_gap": gap, "fitted_on": list(SETS)}
        cut.CUT.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {cut.CUT}")


if __name__ == "__main__":
    main()
