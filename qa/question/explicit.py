"""Filters given as options (`qa ask --speaker`, `qa statements --date` ...), resolved against
the corpus once, in one typed form that `qa ask` and `qa statements` share."""

from __future__ import annotations

from dataclasses import dataclass, replace

from qa.errors import QuestionError
from qa.question.reader import QuestionReader
from qa.question.understanding import Understanding
from qa.question.when import DateRange


@dataclass(frozen=True)
class ExplicitFilters:
    """Filters given as options; each replaces what the question says of the same kind."""

    speakers: tuple[str, ...] | None = None
    unknown_speakers: tuple[str, ...] = ()
    affiliations: tuple[str, ...] | None = None
    date: DateRange | None = None
    ambiguous: tuple = ()  # as in Understanding

    def __bool__(self) -> bool:
        return self.speakers is not None or bool(self.affiliations) or self.date is not None

    def applied_to(self, u: Understanding) -> Understanding:
        changes: dict = {}
        given = []
        if self.speakers is not None:
            changes["speakers"] = self.speakers
            changes["unknown_speakers"] = self.unknown_speakers
            changes["corrections"] = ()
            changes["ambiguous"] = self.ambiguous
            given.append("speaker")
        if self.affiliations:
            changes["affiliations"] = self.affiliations
            given.append("affiliation")
        if self.date is not None:
            changes["date"] = self.date
            given.append("date")
        return replace(u, **changes, explicit=tuple(given)) if changes else u


def resolve(
    reader: QuestionReader,
    speaker: str | None = None,
    affiliation: str | None = None,
    since: str | None = None,
    until: str | None = None,
    on: str | None = None,
) -> ExplicitFilters:
    """Options resolved against the corpus: a speaker by name, surname or near spelling, a
    place by any of its names, dates as written; an unreadable date is refused."""
    speakers = None
    unknown: tuple[str, ...] = ()
    ambiguous: tuple = ()
    if speaker:
        name = reader.resolve_speaker(speaker)
        speakers, unknown = ((name,), ()) if name else ((), (speaker,))
        speakers, ambiguous = reader.expanded(speakers)
    affiliations = None
    if affiliation:
        place = reader.place(affiliation)
        affiliations = (place.name if place else affiliation,)
    date = _date_range(reader, on, since, until) if on or since or until else None
    return ExplicitFilters(speakers, unknown, affiliations, date, ambiguous)


def _date_range(reader: QuestionReader, on, since, until) -> DateRange:
    """One range from a day or month, narrowed by a start and an end."""
    start = end = None
    labels = []
    for words, kind in ((on, None), (since, "since"), (until, "until")):
        if not words:
            continue
        found = reader.resolve_date(words, kind)
        if found is None:
            raise QuestionError(
                f"Cannot read {words!r} as a date; write it like 'March 19' or 'January'."
            )
        if found.start is not None:
            start = found.start if start is None else max(start, found.start)
        if found.end is not None:
            end = found.end if end is None else min(end, found.end)
        labels.append(found.label)
    return DateRange(start, end, " and ".join(labels))
