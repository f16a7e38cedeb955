"""What each system returned for every question of the evaluation set: the product through
`answer()` (and the chat's conversation for turns), and the two baselines, plain dense top-k
and plain BM25 over the same store."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from qa.answer.compose import Answer, answer
from qa.answer.engine import Engine
from qa.evaluation.questions import EvalQuery
from qa.store.where import EVERYTHING
from qa.text import tokenize

# Each system is asked for its top K passages, and every measure is taken at K.
K = 5
SYSTEMS = ("product", "dense", "bm25")


@dataclass
class SystemRun:
    """What one system returned for every query: statement ids best first, abstentions and
    their typed reasons, and the first passage's speaker and date."""

    ranked: dict[str, list[str]] = field(default_factory=dict)
    answered: dict[str, bool] = field(default_factory=dict)
    reasons: dict[str, str | None] = field(default_factory=dict)
    top_speaker: dict[str, str | None] = field(default_factory=dict)
    top_said_on: dict[str, str | None] = field(default_factory=dict)


def _run_product(engine: Engine, queries: list[EvalQuery]) -> tuple[SystemRun, list[Answer]]:
    """Single questions through `answer()`; conversation turns through the chat's own
    conversation, so that follow-ups and references ("Who said that?") are what a user gets."""
    from qa.chat.conversation import Conversation

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
