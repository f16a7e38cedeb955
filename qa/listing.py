"""Choosing statement records for `qa statements`: by speaker, affiliation and date."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from qa.corpus import Corpus
from qa.errors import QuestionError
from qa.filters import StatementFilter
from qa.query import DateRange, QuestionReader, Understanding
from qa.statements import Statement


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
    wanted = Understanding(question="")
    if speaker:
        name = reader.resolve_speaker(speaker)
        wanted = replace(
            wanted, speakers=(name,) if name else (), unknown_speakers=() if name else (speaker,)
        )
    if affiliation:
        place = corpus.gazetteer.place(affiliation)
        wanted = replace(wanted, affiliations=(place.name if place else affiliation,))
    if date or since or until:
        wanted = replace(wanted, date=_date_range(reader, date, since, until))
    filters = StatementFilter.from_statements(statements, corpus.gazetteer, corpus.timeline)
    result = filters.apply(wanted)
    rows = np.flatnonzero(result.mask)
    if by_date:
        rows = filters.newest_first(rows)
    return [statements[int(r)] for r in rows]


def _date_range(reader: QuestionReader, date, since, until) -> DateRange:
    """One range from --date (a day or month) narrowed by --since and --until."""
    start = end = None
    labels = []
    for words, kind in ((date, None), (since, "since"), (until, "until")):
        if not words:
            continue
        rng = reader.resolve_date(words, kind)
        if rng is None:
            raise QuestionError(
                f"Cannot read {words!r} as a date; write it like 'March 19' or 'January'."
            )
        if rng.start is not None:
            start = rng.start if start is None else max(start, rng.start)
        if rng.end is not None:
            end = rng.end if end is None else min(end, rng.end)
        labels.append(rng.label)
    return DateRange(start, end, " and ".join(labels))
