"""Appositives before a reporting cue: a source named beside a description set off by commas,
the name first ("Laura Fenwick, a professor of law, said") or the description first ("The prime
minister's spokesman, James Slack, told")."""

from __future__ import annotations

import re

from qa.corpus.attribution import DESCRIBED_HEADS
from qa.corpus.subject_words import (
    DETERMINERS,
    NAME_GLUE,
    OPENERS,
    Subject,
    _after_preposition,
    _name_run,
)

# A party or state tag between commas: "R-Ky.".
_PARTY_BARE = re.compile(r"^[DRI]-[A-Z][\w.]*,?$")


def _appositive(tokens: list[tuple[int, int, str]], end: int) -> Subject | None:
    """'Laura Fenwick, a professor of law at a state university, said': the name that ends the
    last comma-separated segment before the describing ones."""
    segments, start = [], 0
    for j in range(end):
        if tokens[j][2].endswith(","):
            segments.append((start, j + 1))
            start = j + 1
    for k in range(len(segments) - 2, -1, -1):
        s, e = segments[k]
        if not _describes(tokens[segments[k + 1][0] : segments[k + 1][1]]):
            continue
        if not tokens[s][2][:1].isupper():
            continue  # itself a description: "the foreign minister of France,"
        name_start = _name_run(tokens, e)
        segment_end = tokens[e - 1][1] - 1
        if _after_preposition(tokens, s, name_start):
            return None  # "Officials at the Lakeside Institute, a ..., said"
        if name_start < e and tokens[e - 1][2][:-1].lower() not in OPENERS:
            return Subject(
                tokens[s][0],
                segment_end,
                tokens[name_start][0],
                segment_end,
                described_start=tokens[e][0],
                described_end=tokens[end - 1][1] - 1,
            )
        if tokens[s][2].lower() in DETERMINERS and e - s <= 4:
            return Subject(tokens[s][0], segment_end)  # "Several officials, speaking ..., said"
        return None
    return _name_after_description(tokens, segments)


def _name_after_description(tokens, segments) -> Subject | None:
    """ "The prime minister's spokesman, James Slack, told": the name is the appositive."""
    if len(segments) < 2:
        return None
    (ds, de), (s, e) = segments[-2], segments[-1]
    description = tokens[ds:de]
    opens = description[0][2].lower() in DETERMINERS
    if not (opens or any(re.search(r"['’]s$", w) for _, _, w in description)):
        return None
    if not _describes(description) or _name_run(tokens, e) != s:
        return None
    name_end = tokens[e - 1][1] - 1
    return Subject(
        tokens[ds][0],
        name_end,
        tokens[s][0],
        name_end,
        described_start=tokens[ds][0],
        described_end=tokens[de - 1][1] - 1,
    )


def _describes(segment: list[tuple[int, int, str]]) -> bool:
    """A segment that describes a person rather than names one: "a professor", "56", "who
    has served", "Berg's opponent"."""
    first = segment[0][2]
    if _PARTY_BARE.match(first):
        return True
    if first.lower().rstrip(",") in DESCRIBED_HEADS:
        return True  # "Democrat of Ohio"
    if first.lower() in DETERMINERS or first.lower() in ("who", "whose", "which", "former"):
        return True
    if first[:1].isdigit() or first[:1].islower() or re.search(r"['’]s$", first):
        return True
    return any(w[:1].islower() and w.lower() not in NAME_GLUE for _, _, w in segment)
