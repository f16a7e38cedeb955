"""References across one article: "he said", "the senator added" or "Quinlan said" resolved to a
person named earlier in the same article, marked as resolved and never as stated.

The rules are few and general. A pronoun takes the person named most recently before it, the
subject (a statement's speaker, or the first name of a sentence) before the others, of a
compatible gender when the article shows one (an honorific, a gendered role word, a common
given name, or a sentence about that person alone that says "his" or "her"). A surname takes
the one full name written with it (of two namesakes, the one named last). A role noun ("the
senator") takes the person last named with that role word. Only names the article shows to be
people count, and when two readings are open the reference stays unresolved.

Who the article names, and what it shows of each person, is read in qa.corpus.people.
"""

from __future__ import annotations

import re
from dataclasses import replace

from qa.corpus.gazetteer import Gazetteer
from qa.corpus.people import PERSON_ROLES, People
from qa.corpus.statements import Statement

PRONOUN_GENDER = {"he": "m", "she": "f"}
_LEADING_PRONOUN = re.compile(r"(?:[A-Z][a-z]+,\s+)?([Hh]e|[Ss]he)\b")
MAX_PARAGRAPHS_BACK = 3  # a pronoun looks no further back than this for its person


def _role_of(mention: str) -> str | None:
    """The role noun of a definite description ("the senator", "the Republican nominee",
    "the former secretary of state"); None for anything else."""
    m = re.fullmatch(r"(?i:the)\s+(?P<words>[\w\s’'-]+?)", mention.strip())
    if not m:
        return None
    words = m.group("words").lower().split()
    if "of" in words:
        words = words[: words.index("of")]
    head = words[-1] if words else ""
    return head if head in PERSON_ROLES and not head.endswith("s") else None


def resolve_references(
    text: str,
    units: list[tuple[int, int, int]],
    kept: dict[int, Statement],
    gazetteer: Gazetteer,
) -> list[Statement]:
    """Resolve each kept statement's short reference to a person named before it.

    Args:
        units: (paragraph, start, end) of every unit of the article, narration included.
        kept: the statements, by the start offset of their unit.
    """
    people = People(text, units, list(kept.values()), gazetteer)
    named_in: dict[str, tuple[int, int]] = {}  # where each full name was last written
    result = []
    for i, (_paragraph, start, end) in enumerate(units):
        statement = kept.get(start)
        if statement is not None:
            statement = _resolve(statement, i, units, people, named_in, text, gazetteer)
            result.append(statement)
            people.speaker_first(i, statement.speaker)
        else:  # "He could not explain why ...": its subject is the person "he" stands for
            subject = _LEADING_PRONOUN.match(text, start, end)
            if subject:
                gender = PRONOUN_GENDER[subject.group(1).lower()]
                person = _referent(people, i, units, gender, None)
                people.speaker_first(i, person.name if person else None)
        for m in people.mentions[i]:
            if m.person is not None and " ".join(m.words) == m.person.name:
                named_in[m.person.name] = (start, end)
    return result


def _resolve(statement, index, units, people, named_in, text, gazetteer) -> Statement:
    if statement.speaker and statement.speaker_from == "text":
        words = tuple(statement.speaker.split())
        person = people.named(index, statement.speaker) if len(words) == 1 else None
        if person is not None and person.name != words[0] and person.name in named_in:
            return _resolved(statement, person.name, named_in[person.name], text, gazetteer)
        return statement
    mention = (statement.source_mention or "").strip()
    if statement.speaker or not mention:
        return statement
    gender = PRONOUN_GENDER.get(mention.lower())
    role = None if gender else _role_of(mention)
    if gender is None and role is None:
        return statement
    person = _referent(people, index, units, gender, role)
    if person is None or person.name not in named_in:
        return statement
    return _resolved(statement, person.name, named_in[person.name], text, gazetteer)


def _referent(people: People, index: int, units, gender: str | None, role: str | None):
    """Going back unit by unit, and in each from its first name on (the subject usually comes
    first), the first person who fits; None at a name two people share, or too far back."""
    paragraph = units[index][0]
    for i in range(index - 1, -1, -1):
        if units[i][0] < paragraph - MAX_PARAGRAPHS_BACK:
            return None
        for m in people.mentions[i]:
            person = m.person
            if person is None:
                return None
            if not person.evidence:
                if m is people.mentions[i][0]:
                    return None  # the subject may be someone the article does not show
                continue
            if role is not None:
                if role in person.roles:
                    return person
            elif person.gender in (None, gender):
                return person
    return None


def _resolved(statement: Statement, name: str, unit, text: str, gazetteer) -> Statement:
    """The statement with the resolved name, and what the gazetteer knows of that person."""
    changes = {
        "speaker": name,
        "speaker_from": "resolved",
        "resolved_from": text[unit[0] : unit[1]],
    }
    known = gazetteer.person(name)
    if known is not None:
        changes["speaker"] = known.name
        if statement.role is None and known.role:
            changes.update(role=known.role, role_from="gazetteer")
        if statement.affiliation is None and known.affiliation:
            changes.update(affiliation=known.affiliation, affiliation_from="gazetteer")
    return replace(statement, **changes)
