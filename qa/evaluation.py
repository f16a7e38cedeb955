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

from qa.answer.compose import Answer, answer
from qa.answer.engine import Engine
from qa.corpus.files import read_rows
from qa.corpus.loading import load_corpus
from qa.errors import QaError
from qa.settings import Settings, bundled_path
from qa.store.where import EVERYTHING
from qa.text import tokenize

K = 5
MEASURES = [R @ K, P @ K, RR, nDCG @ K]
SYSTEMS = ("product", "dense", "bm25")
PARTS = ("tuning", "held-out")
# The gates the test suite holds the product to, per part. The tuning part is what the rules
# and thresholds were fitted on; the held-out part was written before and never tuned on. The
# held-out gates are what the product honestly reaches today; TARGETS are the figures it is
# meant to reach, and the report shows the gap.
GATES = {
    "tuning": {
        "recall@5": 0.95,
        "mrr": 0.90,
        "abstention": 0.90,
        "speaker": 0.90,
        "attribution": 1.0,
    },
    "held-out": {
        "recall@5": 0.92,
        "mrr": 0.92,
        "abstention": 0.91,
        "speaker": 0.95,
        "robust_recall": 0.86,
        "turns": 0.93,
        "attribution": 1.0,
    },
}
TARGETS = {
    "held-out": {
        "recall@5": 0.92,
        "mrr": 0.85,
        "abstention": 0.90,
        "speaker": 0.90,
        "robust_recall": 0.85,
        "turns": 0.90,
    },
}
TRIPLE_WAYS = ("plain", "role", "typo")


class EvaluationError(QaError):
    """The evaluation file is missing, malformed or refers to statements that do not exist."""


def default_questions_path() -> Path:
    return bundled_path("evals") / "questions.toml"


def default_heldout_path() -> Path:
    return bundled_path("evals") / "heldout.toml"


def default_parts() -> dict[str, Path]:
    """The evaluation parts present in the checkout: tuning always, held-out when written."""
    parts = {"tuning": default_questions_path()}
    if default_heldout_path().exists():
        parts["held-out"] = default_heldout_path()
    return parts


@dataclass(frozen=True)
class EvalQuery:
    id: str
    category: str
    question: str
    answers: tuple[str, ...]
    speaker: str | None = None
    abstain: str | None = None
    conversation: str | None = None
    said_on: str | None = None
    triple: str | None = None


def load_questions(path: Path) -> list[EvalQuery]:
    """Questions, paraphrase triples and conversation turns, in the order they are asked."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise EvaluationError(f"Cannot read {path}: {error.strerror}.") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise EvaluationError(f"{path} is not valid TOML: {error}.") from None
    queries = []
    for item in data.get("question", []):
        queries.append(_query(item, item.get("category", "other"), None, path))
    for triple in data.get("triple", []):
        asked = triple.get("questions", [])
        if len(asked) != len(TRIPLE_WAYS) or "id" not in triple:
            raise EvaluationError(f"{path}: a triple needs an id and three questions.")
        for way, question in zip(TRIPLE_WAYS, asked):
            item = {**triple, "id": f"{triple['id']}#{way}", "question": question}
            queries.append(_query(item, "triple", None, path, triple=triple["id"]))
    for conversation in data.get("conversation", []):
        for i, turn in enumerate(conversation.get("turn", [])):
            turn = {**turn, "id": f"{conversation['id']}#{i + 1}"}
            queries.append(_query(turn, "conversation", conversation["id"], path))
    ids = [q.id for q in queries]
    if len(set(ids)) != len(ids):
        raise EvaluationError(f"{path} repeats a question id.")
    return queries


def _query(
    item: dict, category: str, conversation: str | None, path: Path, triple: str | None = None
) -> EvalQuery:
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
        item.get("said_on"),
        triple,
    )


@dataclass
class SystemRun:
    """What one system returned for every query: statement ids best first, abstentions and
    their typed reasons, and the first passage's speaker and date."""

    ranked: dict[str, list[str]] = field(default_factory=dict)
    answered: dict[str, bool] = field(default_factory=dict)
    reasons: dict[str, str | None] = field(default_factory=dict)
    top_speaker: dict[str, str | None] = field(default_factory=dict)
    top_said_on: dict[str, str | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Report:
    questions: int
    seconds: float
    overall: dict  # system -> metric -> value
    categories: dict  # category -> system -> metric -> value
    failures: list  # product misses, for reading
    counts: dict
    part: str = "tuning"

    def to_json(self) -> dict:
        return {
            "part": self.part,
            "questions": self.questions,
            "seconds": round(self.seconds, 2),
            "overall": self.overall,
            "categories": self.categories,
            "gates": GATES[self.part],
            "targets": TARGETS.get(self.part, {}),
            "target_gaps": self.target_gaps(),
            "failures": self.failures,
            "counts": self.counts,
        }

    def target_gaps(self) -> list[str]:
        """The targets not reached yet, each with the figure reached."""
        product = self.overall["product"]
        return [
            f"{name} {product[name]:.3f} < {limit}"
            for name, limit in TARGETS.get(self.part, {}).items()
            if product.get(name) is not None and product[name] < limit
        ]

    def gate_failures(self) -> list[str]:
        product = self.overall["product"]
        failed = [
            f"{name} {product[name]:.3f} < {limit}"
            for name, limit in GATES[self.part].items()
            if product.get(name) is not None and product[name] < limit
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
    """Single questions through `answer()`; conversation turns through the chat's own
    conversation, so that follow-ups and references ("Who said that?") are what a user gets."""
    from qa.chat import Conversation

    run = SystemRun()
    answers = []
    conversations: dict[str, Conversation] = {}
    for q in queries:
        if q.conversation:
            chat = conversations.setdefault(q.conversation, Conversation(engine))
            reply = chat.handle(q.question)
            result = reply.answer or _no_answer(q.question, reply.lines)
        else:
            result = answer(engine, q.question, top_k=K)
        answers.append(result)
        run.ranked[q.id] = [p.id for p in result.passages] if result.answered else []
        run.answered[q.id] = result.answered
        run.reasons[q.id] = result.reason
        first = result.passages[0] if result.answered and result.passages else None
        run.top_speaker[q.id] = first.speaker if first else None
        run.top_said_on[q.id] = first.said_on.text if first and first.said_on else None
    return run, answers


def _no_answer(question: str, lines: tuple[str, ...]) -> Answer:
    """A chat reply of plain text (e.g. "Ask a question first."): no passages, no reason."""
    from qa.question.understanding import Understanding

    note = " ".join(lines) or None
    return Answer(question, False, Understanding(question), note, (), (), 0, 0, "no answer")


def _run_baselines(engine: Engine, queries: list[EvalQuery]) -> tuple[SystemRun, SystemRun]:
    store = engine.store
    dense, bm25 = SystemRun(), SystemRun()
    vectors = engine.query_encoder.encode([q.question for q in queries])
    for q, vector in zip(queries, vectors):
        found, _ = store.dense(np.ascontiguousarray(vector), K, EVERYTHING)
        _baseline_result(dense, q, [int(r) for r in found], store)
    for q in queries:
        tokens = tokenize(q.question)
        top, _ = store.keywords(tokens, K, EVERYTHING) if tokens else ([], [])
        _baseline_result(bm25, q, [int(r) for r in top], store)
    return dense, bm25


def _baseline_result(run: SystemRun, q: EvalQuery, rows: list[int], store) -> None:
    statements = store.statements(rows)
    run.ranked[q.id] = [s.id for s in statements]
    run.answered[q.id] = bool(rows)
    run.reasons[q.id] = None if rows else "relevance"
    first = statements[0] if rows else None
    run.top_speaker[q.id] = first.speaker if first else None
    run.top_said_on[q.id] = first.said_on.text if first and first.said_on else None


def _abstained_right(q: EvalQuery, run: SystemRun) -> bool:
    """Answered when an answer exists; otherwise abstained for the reason expected (a baseline
    can only abstain by returning nothing, which counts as any reason)."""
    if q.answers:
        return run.answered[q.id]
    if run.answered[q.id]:
        return False
    reason = run.reasons.get(q.id)
    return reason is None or reason == q.abstain


def _turn_right(q: EvalQuery, qrels, run: SystemRun) -> bool:
    """A conversation turn is right when it abstains as expected, or answers with an expected
    statement in its top 5 and, where the turn names them, the right speaker and date first."""
    if not _abstained_right(q, run):
        return False
    if not q.answers:
        return True
    return (
        bool(qrels[q.id] & set(run.ranked[q.id][:K]))
        and (q.speaker is None or run.top_speaker.get(q.id) == q.speaker)
        and (q.said_on is None or run.top_said_on.get(q.id) == q.said_on)
    )


def _recall(q: EvalQuery, qrels, run: SystemRun) -> float:
    expected = qrels[q.id]
    return len(expected & set(run.ranked[q.id][:K])) / len(expected)


def _metrics(queries, qrels, run: SystemRun) -> dict:
    answerable = [q for q in queries if q.answers]
    values: dict = {"recall@5": None, "precision@5": None, "mrr": None, "ndcg@5": None}
    if answerable:
        qrel_list = [ir_measures.Qrel(q.id, doc, 1) for q in answerable for doc in qrels[q.id]]
        scored = [
            ir_measures.ScoredDoc(q.id, doc, float(K - rank))
            for q in answerable
            for rank, doc in enumerate(run.ranked[q.id][:K])
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
    when = [q for q in queries if q.said_on]
    values["said_on"] = (
        sum(run.top_said_on.get(q.id) == q.said_on for q in when) / len(when) if when else None
    )
    triples = defaultdict(list)
    for q in queries:
        if q.triple:
            triples[q.triple].append(_recall(q, qrels, run))
    values["robust_recall"] = (
        sum(min(r) for r in triples.values()) / len(triples) if triples else None
    )
    turns = [q for q in queries if q.conversation]
    values["turns"] = sum(_turn_right(q, qrels, run) for q in turns) / len(turns) if turns else None
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


def run_evaluation(
    path: Path, settings: Settings | None = None, part: str = "tuning", engine: Engine | None = None
) -> Report:
    """Run every question of one part through the product and both baselines and measure them."""
    started = time.time()
    queries = load_questions(path)
    engine = engine or Engine(settings or Settings()).load()
    qrels = _resolve(queries, engine.store.statements(engine.store.ids(EVERYTHING)))
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
        if q.conversation:
            wrong = not _turn_right(q, qrels, product)
        else:
            wrong = (
                (expected and not expected <= set(got))
                or not _abstained_right(q, product)
                or (q.speaker and product.top_speaker[q.id] != q.speaker)
                or (q.said_on and product.top_said_on[q.id] != q.said_on)
            )
        if wrong:
            failures.append(
                {
                    "id": q.id,
                    "question": q.question,
                    "note": result.note,
                    "reason": result.reason,
                    "expected_reason": q.abstain,
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
            "triples": len({q.triple for q in queries if q.triple}),
            "turns": sum(1 for q in queries if q.conversation),
            "passages_shown": shown,
        },
        part=part,
    )


def run_parts(
    settings: Settings | None = None, parts: dict[str, Path] | None = None
) -> list[Report]:
    """Every evaluation part (tuning and, when present, held-out) with one loaded engine."""
    engine = Engine(settings or Settings()).load()
    parts = parts or default_parts()
    return [run_evaluation(path, part=name, engine=engine) for name, path in parts.items()]
