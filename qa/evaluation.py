"""`qa eval`: the evaluation set run through the same `answer()` as every front door, beside
two baselines (plain dense FAISS top-k and plain BM25), with IR metrics from ir-measures."""

from __future__ import annotations

import time
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import ir_measures
import numpy as np
from ir_measures import RR, P, R, nDCG

from qa.answer import Answer, Engine, answer
from qa.corpus import load_corpus, read_rows
from qa.errors import QaError
from qa.settings import Settings, bundled_path
from qa.text import tokenize

K = 5
MEASURES = [R @ K, P @ K, RR, nDCG @ K]
SYSTEMS = ("product", "dense", "bm25")
# The gates the test suite holds the product to.
GATES = {
    "recall@5": 0.95,
    "mrr": 0.90,
    "abstention": 0.90,
    "speaker": 1.0,
    "attribution": 1.0,
}


class EvaluationError(QaError):
    """The evaluation file is missing, malformed or refers to statements that do not exist."""


def default_questions_path() -> Path:
    return bundled_path("evals") / "questions.toml"


@dataclass(frozen=True)
class EvalQuery:
    id: str
    category: str
    question: str
    answers: tuple[str, ...]
    speaker: str | None = None
    abstain: str | None = None
    conversation: str | None = None


def load_questions(path: Path) -> list[EvalQuery]:
    """Questions and conversation turns, in the order they are asked."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise EvaluationError(f"Cannot read {path}: {error.strerror}.") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise EvaluationError(f"{path} is not valid TOML: {error}.") from None
    queries = []
    for item in data.get("question", []):
        queries.append(_query(item, item.get("category", "other"), None, path))
    for conversation in data.get("conversation", []):
        for i, turn in enumerate(conversation.get("turn", [])):
            turn = {**turn, "id": f"{conversation['id']}#{i + 1}"}
            queries.append(_query(turn, "conversation", conversation["id"], path))
    ids = [q.id for q in queries]
    if len(set(ids)) != len(ids):
        raise EvaluationError(f"{path} repeats a question id.")
    return queries


def _query(item: dict, category: str, conversation: str | None, path: Path) -> EvalQuery:
    if "question" not in item or "id" not in item:
        raise EvaluationError(f"{path}: every question needs an id and a question.")
    answers = tuple(item.get("answers", []))
    if not answers and not item.get("abstain"):
        raise EvaluationError(f"{path}: {item['id']} has no answers and no abstain reason.")
    return EvalQuery(
        item["id"],
        category,
        item["question"],
        answers,
        item.get("speaker"),
        item.get("abstain"),
        conversation,
    )


@dataclass
class SystemRun:
    """What one system returned for every query: statement ids best first, and abstentions."""

    ranked: dict[str, list[str]] = field(default_factory=dict)
    answered: dict[str, bool] = field(default_factory=dict)
    notes: dict[str, str | None] = field(default_factory=dict)
    top_speaker: dict[str, str | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Report:
    questions: int
    seconds: float
    overall: dict  # system -> metric -> value
    categories: dict  # category -> system -> metric -> value
    failures: list  # product misses, for reading
    counts: dict

    def to_json(self) -> dict:
        return {
            "questions": self.questions,
            "seconds": round(self.seconds, 2),
            "overall": self.overall,
            "categories": self.categories,
            "gates": GATES,
            "failures": self.failures,
            "counts": self.counts,
        }

    def gate_failures(self) -> list[str]:
        product = self.overall["product"]
        failed = [
            f"{name} {product[name]:.3f} < {limit}"
            for name, limit in GATES.items()
            if product[name] is not None and product[name] < limit
        ]
        if product["non_verbatim"] != 0:
            failed.append(f"non_verbatim {product['non_verbatim']} != 0")
        return failed


def _resolve(queries: list[EvalQuery], statements) -> dict[str, set[str]]:
    """Statement ids each query's answer prefixes name; a prefix that names none is an error."""
    qrels = {}
    for q in queries:
        ids = set()
        for prefix in q.answers:
            found = {s.id for s in statements if s.passage.startswith(prefix)}
            if not found:
                raise EvaluationError(f"{q.id}: no statement starts with {prefix!r}.")
            ids |= found
        qrels[q.id] = ids
    return qrels


def _run_product(engine: Engine, queries: list[EvalQuery]) -> tuple[SystemRun, list[Answer]]:
    run = SystemRun()
    answers = []
    context = {}
    for q in queries:
        previous = context.get(q.conversation) if q.conversation else None
        result = answer(engine, q.question, previous, top_k=K)
        if q.conversation:
            context[q.conversation] = result.understood
        answers.append(result)
        run.ranked[q.id] = [p.id for p in result.passages] if result.answered else []
        run.answered[q.id] = result.answered
        run.notes[q.id] = result.note
        run.top_speaker[q.id] = result.passages[0].speaker if result.passages else None
    return run, answers


def _run_baselines(engine: Engine, queries: list[EvalQuery]) -> tuple[SystemRun, SystemRun]:
    index = engine.searcher.index
    statements = index.statements
    dense, bm25 = SystemRun(), SystemRun()
    vectors = engine.query_encoder.encode([q.question for q in queries])
    scores, rows = index.dense.search(np.ascontiguousarray(vectors), K)
    for q, found in zip(queries, rows):
        ids = [statements[r].id for r in found if r >= 0]
        dense.ranked[q.id] = ids
        dense.answered[q.id] = bool(ids)
        dense.top_speaker[q.id] = statements[found[0]].speaker if len(found) else None
    for q in queries:
        tokens = tokenize(q.question)
        all_scores = np.asarray(index.bm25.scores(tokens)) if tokens else np.zeros(len(statements))
        top = [int(r) for r in np.argsort(-all_scores)[:K] if all_scores[r] > 0]
        bm25.ranked[q.id] = [statements[r].id for r in top]
        bm25.answered[q.id] = bool(top)
        bm25.top_speaker[q.id] = statements[top[0]].speaker if top else None
    return dense, bm25


def _abstained_right(q: EvalQuery, run: SystemRun) -> bool:
    if q.answers:
        return run.answered[q.id]
    if run.answered[q.id]:
        return False
    note = run.notes.get(q.id)
    if note is None:  # a baseline that returned nothing
        return True
    return (
        note.startswith("Nothing") if q.abstain == "relevance" else note.startswith("No statement")
    )


def _metrics(queries, qrels, run: SystemRun) -> dict:
    answerable = [q for q in queries if q.answers]
    values: dict = {"recall@5": None, "precision@5": None, "mrr": None, "ndcg@5": None}
    if answerable:
        qrel_list = [ir_measures.Qrel(q.id, doc, 1) for q in answerable for doc in qrels[q.id]]
        scored = [
            ir_measures.ScoredDoc(q.id, doc, float(K - rank))
            for q in answerable
            for rank, doc in enumerate(run.ranked[q.id])
        ]
        aggregate = ir_measures.calc_aggregate(MEASURES, qrel_list, scored) if scored else {}
        values["recall@5"] = float(aggregate.get(R @ K, 0.0))
        values["precision@5"] = float(aggregate.get(P @ K, 0.0))
        values["mrr"] = float(aggregate.get(RR, 0.0))
        values["ndcg@5"] = float(aggregate.get(nDCG @ K, 0.0))
    values["abstention"] = sum(_abstained_right(q, run) for q in queries) / len(queries)
    who = [q for q in queries if q.speaker]
    values["speaker"] = (
        sum(run.top_speaker.get(q.id) == q.speaker for q in who) / len(who) if who else None
    )
    return values


def _attribution(answers: list[Answer], corpus_paths) -> tuple[float, int, int]:
    """Share of returned passages whose speaker and date equal a fresh parse of the corpus,
    and how many passages are not verbatim corpus text."""
    fresh = {s.id: s for s in load_corpus(corpus_paths).statements}
    lines = [row.text for path in corpus_paths for row in read_rows(Path(path))]
    shown = [p for a in answers for p in (*a.passages, *a.closest)]
    if not shown:
        return 1.0, 0, 0
    right = sum(
        1
        for p in shown
        if p.id in fresh and fresh[p.id].speaker == p.speaker and fresh[p.id].said_on == p.said_on
    )
    non_verbatim = sum(1 for p in shown if not any(p.text in line for line in lines))
    return right / len(shown), non_verbatim, len(shown)


def run_evaluation(path: Path, settings: Settings | None = None) -> Report:
    """Run every question through the product and both baselines and measure them."""
    started = time.time()
    queries = load_questions(path)
    engine = Engine(settings or Settings()).load()
    qrels = _resolve(queries, list(engine.searcher.index.statements))
    product, answers = _run_product(engine, queries)
    dense, bm25 = _run_baselines(engine, queries)
    runs = {"product": product, "dense": dense, "bm25": bm25}
    attribution, non_verbatim, shown = _attribution(answers, engine.corpus_paths)
    overall = {name: _metrics(queries, qrels, run) for name, run in runs.items()}
    overall["product"]["attribution"] = attribution
    overall["product"]["non_verbatim"] = non_verbatim
    for name in ("dense", "bm25"):
        overall[name]["attribution"] = None
        overall[name]["non_verbatim"] = None
    by_category = defaultdict(list)
    for q in queries:
        by_category[q.category].append(q)
    categories = {
        category: {name: _metrics(items, qrels, run) for name, run in runs.items()}
        for category, items in by_category.items()
    }
    failures = []
    for q, result in zip(queries, answers):
        expected = qrels[q.id]
        got = product.ranked[q.id][:K]
        if (
            (expected and not expected <= set(got))
            or not _abstained_right(q, product)
            or (q.speaker and product.top_speaker[q.id] != q.speaker)
        ):
            failures.append(
                {
                    "id": q.id,
                    "question": q.question,
                    "note": result.note,
                    "missing": sorted(expected - set(got)),
                    "got": got,
                }
            )
    return Report(
        questions=len(queries),
        seconds=time.time() - started,
        overall=overall,
        categories=categories,
        failures=failures,
        counts={
            "answerable": sum(1 for q in queries if q.answers),
            "unanswerable": sum(1 for q in queries if not q.answers),
            "who": sum(1 for q in queries if q.speaker),
            "passages_shown": shown,
        },
    )
