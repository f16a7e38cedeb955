"""Fits the decision to answer (`qa/answer/floor.py`) on tuning questions only, reports its
cross-validation and calibration, and with `--write` ships it as `qa/answer/decision.json`.

Every tuning question is answered as the product would without the decision; the plain-search
candidates of the question as asked (`floor.candidates`, the very features the product uses)
are labelled by the evaluation's answers. A logistic model of "this candidate answers" is
fitted with cross-validation by question: no question is scored by a model that saw it. Its
thresholds are fitted on the training folds too:

- shown_from (shipped): a candidate follows an answer with room left when it reaches it (the
  threshold with the best recall@5 over the training questions, the highest among equals);
- answer_from (measured, not shipped): were a question the reading refused for relevance
  answered when its best candidate reaches it, the threshold deciding most training
  questions right (answered when an answer exists, refused when none does). The table says
  how many refused questions it decides right beside the reading's own refusals.

    OMP_NUM_THREADS=1 .venv/bin/python -m bench.decision [--write]

Tuning material only: evals/questions.toml, evals/heldout.toml (measured so often it is tuning
data now), evals/news.toml, the second fresh tuning parts (evals/fresh_tuning.toml,
evals/news_fresh_tuning.toml), and the released external sets round1 and round2 when
../shared/external-evals is present. Never the held-out parts written for the current round
(evals/heldout_fresh.toml, evals/news_heldout.toml).
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from qa.answer import floor
from qa.answer.compose import answer, understand
from qa.answer.engine import Engine
from qa.evaluation.metrics import _resolve
from qa.evaluation.questions import load_questions, question_corpus
from qa.evaluation.report import corpus_settings
from qa.settings import Settings

SETS = (
    "evals/questions.toml",
    "evals/heldout.toml",
    "evals/news.toml",
    "evals/fresh_tuning.toml",
    "evals/news_fresh_tuning.toml",
)
EXTERNAL = Path("../shared/external-evals")
SEEDS = Path("seeds/000_8e297ec4f5d0d494.txt")
FOLDS = 5
PAGE = 5


@dataclass
class Question:
    set: str
    question: str
    gold: set[str]
    refused: bool  # refused for relevance by the reading (the decision may answer it)
    features: np.ndarray
    labels: np.ndarray
    ids: list[str]  # the candidates' statement ids
    shown: list[str]  # what the product shows without the decision, best first


def _questions(path: Path) -> tuple[Path | None, list[tuple[str, set | list]]]:
    """(corpus, [(question, answers)]) of an evaluation file or an external set."""
    if path.suffix == ".jsonl":
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        return None, [(r["q"], r["gold"]) for r in rows if "q" in r]
    queries = [q for q in load_questions(path) if not q.conversation]
    return question_corpus(path), queries


def collect(path: Path) -> list[Question]:
    corpus, queries = _questions(path)
    settings = corpus_settings(Settings.from_env(), corpus)
    engine = Engine(settings).load()
    statements = list(engine.store.statements(np.arange(engine.store.size)))
    row_of = {s.id: row for row, s in enumerate(statements)}
    if path.suffix == ".jsonl":
        golds = [
            {s.id for s in statements for p in prefixes if s.text.startswith(p)}
            for _, prefixes in queries
        ]
        texts = [q for q, _ in queries]
    else:
        qrels = _resolve(queries, statements, corpus)
        golds = [qrels[q.id] for q in queries]
        texts = [q.question for q in queries]
    found = []
    for text, gold in zip(texts, golds):
        result = answer(engine, text, top_k=5)
        if result.reason not in (None, "relevance"):
            continue  # a kind of question, or a filter that matched nothing: not judged here
        u = understand(engine, text)
        if u.follow_up or u.explicit or u.kind:
            continue
        shown = [p.id for p in result.passages] if result.answered else []
        last = [row_of[shown[PAGE - 1]]] if len(shown) >= PAGE else []
        cands = floor.candidates(engine, u, also=last)
        ids = engine.store.statement_ids(cands.rows) if len(cands) else []
        labels = np.array([i in gold for i in ids], dtype=bool)
        found.append(Question(path.name, text, gold, not result.answered, cands.features,
                              labels, list(ids), shown))  # fmt: skip
    return found


def fit(train: list[Question]):
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    x = np.vstack([q.features for q in train if len(q.features)])
    y = np.concatenate([q.labels for q in train if len(q.features)])
    scaler = StandardScaler().fit(x)
    model = LogisticRegression(max_iter=2000, C=1.0).fit(scaler.transform(x), y)
    mean, scale = scaler.mean_, np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    fitted = floor.Decision(mean, scale, model.coef_[0], float(model.intercept_[0]), 0.5)
    probabilities = [fitted.probabilities(q.features) for q in train]
    fitted = replace(fitted, shown_from=_shown_from(train, probabilities))
    return fitted, _answer_from(train, probabilities)


def _answer_from(questions, probabilities) -> float:
    """The threshold on the best candidate deciding most refused questions right."""
    best = [(p.max() if len(p) else 0.0, bool(q.gold)) for q, p in zip(questions, probabilities)
            if q.refused]  # fmt: skip
    if not best:
        return 1.0
    options = sorted({b for b, _ in best} | {1.0})
    return max(options, key=lambda t: (sum((b >= t) == a for b, a in best), t))


# The thresholds `shown_from` is chosen among.
SHOWN_FROM = (0.0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5)


def _shown_from(questions, probabilities) -> float:
    """The threshold from which plain search's candidates follow a short page: the best
    recall@5 over the answerable questions (what follows is labelled, after the answer's own
    passages, so MRR and abstention do not change); among equals, the highest."""

    def recall(threshold: float) -> float:
        rows = [(q, p) for q, p in zip(questions, probabilities) if q.gold and q.shown]
        found = [_recall_rr(_floored(q, p, threshold), q.gold)[0] for q, p in rows]
        return round(float(np.mean(found)), 4) if found else 0.0

    return max(SHOWN_FROM, key=lambda t: (recall(t), t))


def cross_validate(questions: list[Question]):
    """Each question's probabilities and thresholds from a model fitted without it."""
    rng = np.random.default_rng(0)
    fold = rng.integers(0, FOLDS, len(questions))
    out = [None] * len(questions)
    for k in range(FOLDS):
        model, answer_from = fit([q for q, f in zip(questions, fold) if f != k])
        for i, (q, f) in enumerate(zip(questions, fold)):
            if f == k:
                out[i] = (model.probabilities(q.features), answer_from, model.shown_from)
    return out


def report(questions: list[Question], scored) -> None:
    print("set                 refused  right(before)  right(after)  answerable-answered")
    for name in sorted({q.set for q in questions}):
        rows = [(q, s) for q, s in zip(questions, scored) if q.set == name and q.refused]
        before = sum(not q.gold for q, _ in rows)
        after = sum(((p.max() if len(p) else 0) >= a) == bool(q.gold) for q, (p, a, _) in rows)
        gained = sum(bool(q.gold) and (p.max() if len(p) else 0) >= a for q, (p, a, _) in rows)
        print(f"{name:20} {len(rows):7} {before:14} {after:13} {gained:20}")
    print("answerable questions, recall@5 / MRR: the reading alone -> with the floor")
    for name in sorted({q.set for q in questions}):
        rows = [(q, s) for q, s in zip(questions, scored) if q.set == name and q.gold]
        before = [_recall_rr(q.shown, q.gold) for q, _ in rows]
        after = [_recall_rr(_floored(q, p, shown), q.gold) for q, (p, _, shown) in rows]
        print(
            f"  {name:20} {np.mean(before, axis=0).round(3)} -> {np.mean(after, axis=0).round(3)}"
        )
    p = np.concatenate([s[0] for s in scored])
    y = np.concatenate([q.labels for q in questions])
    print("calibration (cross-validated): predicted -> observed share answering, candidates")
    for lo, hi in (
        (0, 0.05),
        (0.05, 0.1),
        (0.1, 0.2),
        (0.2, 0.35),
        (0.35, 0.5),
        (0.5, 0.7),
        (0.7, 1.01),
    ):
        inside = (p >= lo) & (p < hi)
        if inside.any():
            print(f"  [{lo:.2f}, {hi:.2f}) {p[inside].mean():.3f} -> {y[inside].mean():.3f}"
                  f"  ({inside.sum()})")  # fmt: skip


def _floored(q: Question, p: np.ndarray, shown_from: float, page: int = PAGE) -> list[str]:
    """What `floor.with_floor` makes of the product's list (first page)."""
    if not q.shown:
        return []
    order = np.argsort(-p, kind="stable")
    candidates = [q.ids[i] for i in order]
    chosen = floor.floor_places(candidates, p[order], q.shown, page, shown_from)
    return floor.placed(q.shown, [candidates[i] for i in chosen], page)


def _recall_rr(ranked: list[str], gold: set[str]) -> tuple[float, float]:
    top = ranked[:5]
    rr = next((1 / (i + 1) for i, x in enumerate(top) if x in gold), 0.0)
    return len(gold & set(top)) / len(gold), rr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="ship the model fitted on all")
    args = parser.parse_args()
    floor.decision = lambda: None  # the product as it answers without the decision
    paths = [Path(s) for s in SETS]
    paths += [EXTERNAL / f"{name}.jsonl" for name in ("round1", "round2")
              if (EXTERNAL / f"{name}.jsonl").is_file()]  # fmt: skip
    questions = [q for path in paths for q in collect(path)]
    report(questions, cross_validate(questions))
    model, answer_from = fit(questions)
    weights = {name: round(float(w), 3) for name, w in zip(floor.FEATURES, model.weights)}
    print("fitted on all:", weights, f"bias {model.bias:.3f}",
          f"shown_from {model.shown_from:.3f} (answer_from {answer_from:.3f}, not shipped)")  # fmt: skip
    if args.write:
        data = {
            "features": list(floor.FEATURES),
            "mean": model.mean.tolist(),
            "scale": model.scale.tolist(),
            "weights": model.weights.tolist(),
            "bias": model.bias,
            "shown_from": model.shown_from,
            "fitted_on": [str(p) for p in paths],
        }
        floor.DECISION.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {floor.DECISION}")


if __name__ == "__main__":
    main()
