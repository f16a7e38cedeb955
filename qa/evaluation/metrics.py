"""The measures of one run against the evaluation set: the statements each question expects
(qrels), recall, precision, MRR and nDCG at K from ir-measures, right abstentions, speakers and
dates, paraphrase robustness, conversation turns, and the attribution of every passage shown."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import ir_measures
from ir_measures import RR, P, R, nDCG

from qa.answer.compose import Answer
from qa.corpus.files import read_rows
from qa.corpus.loading import load_corpus
from qa.evaluation.questions import EvalQuery, EvaluationError
from qa.evaluation.runs import K, SystemRun

MEASURES = [R @ K, P @ K, RR, nDCG @ K]


def _resolve(
    queries: list[EvalQuery], statements, corpus: Path | None = None
) -> dict[str, set[str]]:
    """Statement ids each query's answers name: verbatim prefixes, or line numbers of `corpus`
    (the statement whose source is that line); an answer that names none is an error."""
    if corpus is not None:
        return _resolve_lines(queries, statements, corpus)
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


def _resolve_lines(queries: list[EvalQuery], statements, corpus: Path) -> dict[str, set[str]]:
    """Line numbers resolved to statements: each must be the source of exactly one."""
    by_source: dict[str, set[str]] = defaultdict(set)
    for s in statements:
        for source in s.sources:
            by_source[source].add(s.id)
    qrels = {}
    for q in queries:
        ids = set()
        for line in q.answers:
            found = by_source.get(f"{corpus.name}:{line}", set())
            if len(found) != 1:
                many = "no statement" if not found else f"{len(found)} statements"
                raise EvaluationError(f"{q.id}: line {line} of {corpus.name} is {many}.")
            ids |= found
        qrels[q.id] = ids
    return qrels


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
