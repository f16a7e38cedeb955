"""Choosing statement records for `qa statements`: by speaker, affiliation and date."""

from __future__ import annotations

import numpy as np

from qa.answer.filters import apply
from qa.corpus.loading import Corpus
from qa.corpus.statements import Statement
from qa.question.explicit import resolve
from qa.question.reader import QuestionReader
from qa.question.understanding import Understanding
from qa.store.embedded.facts import StatementFilter


def select_statements(
    corpus: Corpus,
    speaker: str | None = None,
    affiliation: str | None = None,
    date: str | None = None,
    by_date: bool = False,
    since: str | None = None,
    until: str | None = None,
) -> list[Statement]:
    """The corpus statements that pass the given filters, in corpus order or newest first.
    A filter that matches nothing gives an empty list."""
    statements = list(corpus.statements)
    reader = QuestionReader(statements, corpus.gazetteer, corpus.timeline)
    wanted = resolve(reader, speaker, affiliation, since, until, on=date).applied_to(
        Understanding(question="")
    )
    filters = StatementFilter.from_statements(statements, corpus.gazetteer, corpus.timeline)
    result = apply(filters, wanted)
    rows = np.flatnonzero(result.mask)
    if by_date:
        rows = filters.newest_first(rows)
    return [statements[int(r)] for r in rows]
