"""The facts every store keeps per row (see qa/store/where.py for the fields): speaker,
affiliation, role, place, whether attributed, the date said or inferred, the dates mentioned."""

from __future__ import annotations

import numpy as np

from qa.corpus.dates import DateMention, Timeline
from qa.corpus.entities import speaker_value
from qa.corpus.gazetteer import Gazetteer
from qa.corpus.names import normal_role
from qa.store.where import (
    OPEN_HIGH,
    OPEN_LOW,
)


def first_place(statement, gazetteer: Gazetteer) -> str:
    """For a statement attributed only to a role, with no country, the place its words name
    first; otherwise ""."""
    if statement.affiliation or not statement.role:
        return ""
    found = gazetteer.find_places(statement.passage)
    return found[0][1].name if found else ""


def row_facts(statement, gazetteer: Gazetteer, timeline: Timeline) -> dict:
    """The filter fields of one statement, as every store keeps them (see qa/store/where.py):
    speaker, affiliation, role, place (strings, "" for none), attributed, the said and
    inferred spans, and `mentioned`, the (lo, hi) spans of the dates its text mentions."""
    facts = {
        "speaker": speaker_value(statement) or "",
        "affiliation": statement.affiliation or "",
        "role": normal_role(statement.role),
        "place": first_place(statement, gazetteer),
        "attributed": bool(statement.speaker or statement.role),
        "said_lo": OPEN_HIGH, "said_hi": OPEN_LOW,
        "inferred_lo": OPEN_HIGH, "inferred_hi": OPEN_LOW,
    }  # fmt: skip
    said = statement.said_on
    if said and not said.inferred and said.month:
        written = DateMention(
            said.text or "", said.month, said.day, said.end_month, said.end_day, said.year
        )
        facts["said_lo"], facts["said_hi"] = timeline.span(written)
    elif said and said.inferred:
        earliest, latest = said.earliest, said.latest
        facts["inferred_lo"] = timeline.span(earliest)[0] if earliest else OPEN_LOW
        facts["inferred_hi"] = timeline.span(latest)[1] if latest else OPEN_HIGH
    facts["mentioned"] = [timeline.span(m) for m in statement.dates_mentioned]
    return facts


def _codes(values: list[str]) -> tuple[list[str], np.ndarray]:
    """Distinct values (the empty string first) and each row's index into them."""
    vocabulary = [""] + sorted({v for v in values if v})
    position = {v: i for i, v in enumerate(vocabulary)}
    return vocabulary, np.array([position[v] for v in values], dtype=np.int32)
