"""What a fitted decision to answer would give, measured on tuning questions only.

Every candidate the searcher ranks for a question (the same `Searcher.rank` that answering
uses) is recorded with the features the hand-set cut judges it by (cosine, keyword score,
coverage of the topic's words, whether it holds none of them, the filters it matched, its rank)
and labelled by the evaluation's answers. A logistic model is fitted with cross-validation by
question (no question's candidates are scored by a model that saw them), and its decisions are
set beside the product's own on the same questions:

- answered: the question is answered when its best candidate's probability reaches a threshold
  (fitted on the training folds to maximise the share of questions decided right);
- recall@5: the five most probable candidates above a second threshold.

    OMP_NUM_THREADS=1 .venv/bin/python -m bench.decision [--sets evals/questions.toml ...]

Only tuning material: evals/questions.toml, evals/heldout.toml (measured so often it is tuning
data now) and evals/news.toml. Never the held-out parts written for the current round
(evals/heldout_fresh.toml, evals/news_heldout.toml). Prints a table; nothing is written.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qa.answer.compose import answer, understand
from qa.answer.engine import Engine
from qa.answer.relevance import relevance
from qa.answer.search import Searcher
from qa.evaluation.metrics import _resolve
from qa.evaluation.questions import load_questions, question_corpus
from qa.settings import Settings

SETS = ("evals/questions.toml", "evals/heldout.toml", "evals/news.toml")
FILTERS = ("speaker", "affiliation", "role", "date", "mention", "source")


@dataclass
class Question:
    id: str
    gold: set[str]
    features: np.ndarray  # one row per candidate
    labels: np.ndarray
    product_answered: bool
    product_right: bool  # the product's decision was right (answered iff answerable)
    product_recall: float


def candidates(engine: Engine, question: str):
    """The searcher's ranked candidates for one question and whether a filter applied."""
    seen: list = []
    rank = Searcher.rank

    def recording(self, u, query_vectors, where, why, filtered, place_vector=None):
        hits = rank(self, u, query_vectors, where, why, filtered, place_vector)
        seen.append((hits, filtered))
        return hits

    Searcher.rank = recording
    try:
        engine.searcher.search(understand(engine, question), 100)
    finally:
        Searcher.rank = rank
    return seen[-1] if seen else ([], False)


def features(hits, filtered: bool) -> np.ndarray:
    if not hits:
        return np.zeros((0, 9 + len(FILTERS)))
    best = max(h.dense for h in hits)
    rows = []
    for position, h in enumerate(hits):
        rows.append([
            h.dense, np.log1p(h.bm25), h.coverage, float(h.wordless), relevance(h),
            best - h.dense, np.log1p(position), float(filtered), np.log1p(len(hits)),
            *(float(name in h.matched_by) for name in FILTERS),
        ])  # fmt: skip
    return np.asarray(rows, dtype=np.float64)


def collect(path: Path) -> list[Question]:
    corpus = question_corpus(path)
    settings = Settings.from_env(corpus=[corpus] if corpus else [])
    engine = Engine(settings).load()
    queries = [q for q in load_questions(path) if not q.conversation]
    statements = list(engine.store.statements(np.arange(engine.store.size)))
    gold = _resolve(queries, statements, corpus)
    found = []
    for q in queries:
        result = answer(engine, q.question, top_k=5)
        shown = {p.id for p in result.passages} if result.answered else set()
        right = result.answered == bool(gold[q.id])
        recall = len(shown & gold[q.id]) / len(gold[q.id]) if gold[q.id] else 0.0
        if result.reason not in (None, "relevance") or not result.understood.topic:
            continue  # refused by a filter or as a kind of question, or a listing with no
            # topic: not the cut's decision
        hits, filtered = candidates(engine, q.question)
        ids = engine.store.statement_ids([h.row for h in hits]) if hits else []
        labels = np.array([sid in gold[q.id] for sid in ids], dtype=bool)
        found.append(Question(q.id, gold[q.id], features(hits, filtered), labels,
                              result.answered, right, recall))  # fmt: skip
    return found


def fit(train: list[Question]):
    """A logistic model of 'this candidate is an answer', and the probability from which the
    best candidate makes a question answered (the one deciding most training questions right)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    x = np.vstack([q.features for q in train if len(q.features)])
    y = np.concatenate([q.labels for q in train if len(q.features)])
    scaler = StandardScaler().fit(x)
    model = LogisticRegression(max_iter=1000).fit(scaler.transform(x), y)

    def probabilities(q: Question) -> np.ndarray:
        if not len(q.features):
            return np.zeros(0)
        return model.predict_proba(scaler.transform(q.features))[:, 1]

    best = [(probabilities(q).max() if len(q.features) else 0.0, bool(q.gold)) for q in train]
    cut = max(np.linspace(0.01, 0.99, 99),
              key=lambda t: sum((p >= t) == answerable for p, answerable in best))  # fmt: skip
    return probabilities, cut


def score(test: list[Question], probabilities, cut) -> tuple[list, list, list, list]:
    decided, recalls, probs, labels = [], [], [], []
    for q in test:
        p = probabilities(q)
        answered = bool(len(p) and p.max() >= cut)
        decided.append(answered == bool(q.gold))
        if q.gold:
            recalls.append(q.labels[np.argsort(-p)[:5]].sum() / len(q.gold) if answered else 0.0)
        probs.extend(p.tolist())
        labels.extend(q.labels.tolist())
    return decided, recalls, probs, labels


def evaluate(questions: list[Question], others: list[Question], folds: int = 5) -> dict:
    """Cross-validated by question within the set, and fitted on the other sets alone."""
    order = np.random.default_rng(0).permutation(len(questions))
    decided, recalls, probs, labels = [], [], [], []
    for fold in range(folds):
        held = set(order[fold::folds].tolist())
        train = [q for i, q in enumerate(questions) if i not in held] + others
        test = [q for i, q in enumerate(questions) if i in held]
        for total, part in zip((decided, recalls, probs, labels), score(test, *fit(train))):
            total.extend(part)
    probs, labels = np.asarray(probs), np.asarray(labels)
    calibration = [
        (low, int(inside.sum()), float(labels[inside].mean()))
        for low in np.arange(0, 1, 0.2)
        if (inside := (probs >= low) & (probs < low + 0.2)).any()
    ]
    transfer = score(questions, *fit(others)) if others else None
    return {
        "decided right": float(np.mean(decided)),
        "recall@5": float(np.mean(recalls)) if recalls else 0.0,
        "calibration": calibration,
        "transfer": (float(np.mean(transfer[0])), float(np.mean(transfer[1])))
        if transfer
        else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sets", nargs="+", default=list(SETS))
    args = parser.parse_args()
    sets = {}
    for name in args.sets:
        if not Path(name).is_file() or "heldout_fresh" in name or "news_heldout" in name:
            print(f"{name}: skipped (absent, or a held-out part of the current round)")
            continue
        sets[name] = collect(Path(name))
    for name, questions in sets.items():
        others = [q for other, qs in sets.items() if other != name for q in qs]
        fitted = evaluate(questions, others)
        answerable = [q for q in questions if q.gold]
        product_right = np.mean([q.product_right for q in questions])
        product_recall = np.mean([q.product_recall for q in answerable])
        print(f"\n{name}: {len(questions)} questions ({len(answerable)} answerable)")
        print("| decision | decided right | recall@5 (answerable) |")
        print("|---|---:|---:|")
        print(f"| hand-set cut (the product) | {product_right:.3f} | {product_recall:.3f} |")
        print(f"| fitted, 5-fold by question (+ the other sets) | {fitted['decided right']:.3f} "
              f"| {fitted['recall@5']:.3f} |")  # fmt: skip
        if fitted["transfer"]:
            right, recall = fitted["transfer"]
            print(f"| fitted on the other sets only | {right:.3f} | {recall:.3f} |")
        print("calibration (probability bin: candidates, share that answer): " + ", ".join(
            f"{low:.1f}-{low + 0.2:.1f}: {n}, {share:.2f}" for low, n, share in fitted["calibration"]
        ))  # fmt: skip


if __name__ == "__main__":
    main()
