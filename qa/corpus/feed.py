"""Dates a feed's order settles: a statement with no date of its own, between two dated ones
of a feed that runs one way, is dated between them (marked as inferred); and a declared year
given to month-day dates."""

from __future__ import annotations

from dataclasses import replace

from qa.corpus.dates import DateMention, Timeline
from qa.corpus.statements import SaidOn, Statement


def _said_ordinal(statement: Statement, timeline: Timeline) -> int | None:
    said = statement.said_on
    if said is None or said.inferred or said.month is None:
        return None
    return timeline.ordinal(said.month, said.day, said.year)


def _infer_feed_dates(statements: list[Statement], timeline: Timeline) -> list[Statement]:
    """In a feed ordered by time, an undated statement lies between its dated neighbours."""
    ordinals = [_said_ordinal(s, timeline) for s in statements]
    dated = [o for o in ordinals if o is not None]
    pairs = list(zip(dated, dated[1:]))
    newest_first = feed_order(
        len(dated), all(a >= b for a, b in pairs), all(a <= b for a, b in pairs)
    )
    if newest_first is None:
        return statements
    result = []
    for i, statement in enumerate(statements):
        if ordinals[i] is not None or (statement.said_on and statement.said_on.inferred):
            result.append(statement)
            continue
        before = next(
            (statements[j] for j in range(i - 1, -1, -1) if ordinals[j] is not None), None
        )
        after = next(
            (statements[j] for j in range(i + 1, len(statements)) if ordinals[j] is not None), None
        )
        result.append(between_dated(statement, before, after, newest_first))
    return result


def feed_order(dated: int, falling: bool, rising: bool) -> bool | None:
    """Whether a file is a feed newest first (True) or oldest first (False), from how many
    of its statements are dated and whether their dates only fall or only rise; None when it
    is no feed."""
    if dated < 3:
        return None
    if falling:
        return True
    return False if rising else None


def between_dated(statement: Statement, before, after, newest_first: bool) -> Statement:
    """An undated statement of a feed, dated as lying between its dated neighbours (either
    may be None); `newest_first` says which way the feed runs."""
    earlier, later = (after, before) if newest_first else (before, after)
    said = SaidOn(
        None,
        None,
        None,
        inferred=True,
        earliest=_as_mention(earlier.said_on) if earlier else None,
        latest=_as_mention(later.said_on) if later else None,
    )
    return replace(statement, said_on=said)


def _as_mention(said: SaidOn) -> DateMention:
    return DateMention(said.text, said.month, said.day, said.end_month, said.end_day, said.year)


def _declare_year(statement: Statement, year: int, timeline: Timeline) -> Statement:
    said = statement.said_on
    if said is None or said.month is None or said.year is not None:
        return statement
    return replace(
        statement,
        said_on=replace(said, year=declared_year(said.month, year, timeline), year_declared=True),
    )


def declared_year(month: int, year: int, timeline: Timeline) -> int:
    """The year of a month in a corpus declared to end in `year`: in a corpus that runs across
    a New Year, the months before the December-January turn belong to the year before; in any
    other (its timeline starts in January) every month is in `year`."""
    wraps = timeline.start_month > 1 and month >= timeline.start_month
    return year - 1 if wraps else year
