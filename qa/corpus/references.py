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
from qa.corpus.parser import OWNED_PEOPLE
from qa.corpus.people import PERSON_ROLES, People
from qa.corpus.statements import Statement

PRONOUN_GENDER = {"he": "m", "she": "f"}
_LEADING_PRONOUN = re.compile(r"(?:[A-Z][a-z]+,\s+)?([Hh]e|[Ss]he)\b")
UNNAMED_ROLES = {"source", "official", "aide", "adviser", "advisor", "staffer", "insider"}
MAX_PARAGRAPHS_BACK = 3  # a pronoun looks no further back than this for its person
# Someone spoken or written to right before a name: never the speaker.
_ADDRESSEE = re.compile(
    r"\b(?:told|tells?|telling|asked|asks|asking|urged|urges|thanked|thanks|called on|"
    r"(?:wrote|writes|write|written|writing|letter|email|e-mail|message|note|memo|said|says|"
    r"spoke|speaking|talked|talking|addressed|sent|replied|reply|responding|response)\s+to)"
    r"\s+(?:(?:the|a|an|[A-Z][a-z]*\.?|[a-z]+)\s+){0,3}?$"
)
# A name after a preposition ("about", "for") or before "'s": maybe not the speaker.
_OBLIQUE = re.compile(
    r"(?<!according )\b(?:about|of|on|for|against|with|from|by|at|to|than|like|toward|towards)"
    r"\s+(?:(?:the|a|an|[A-Z][a-z]*\.?|[a-z]+)\s+){0,3}?$"
)
# "A spokesman", "an aide", "officials", "one source": someone the article does not name.
_UNNAMED_SUBJECT = re.compile(
    r"(?:[Aa]n?|[Oo]ne|[Aa]nother|[Tt]wo|[Ss]ome|[Ss]everal|[Mm]any|[Oo]ther)\s+"
    r"(?:[\w’'-]+\s+){0,4}?(?:spokes(?:man|woman|person)|aides?|officials?|sources?|advisers?|"
    r"staffers?|lawyers?|attorneys?|people|members?|experts?|analysts?|officers?|"
    r"representatives?|assistants?|friends?|critics?)\b"
)


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
    if head in UNNAMED_ROLES:
        return None  # "the source", "the official": someone the article does not name
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
    said: dict[str, str] = {}  # by surname, the full name of the last record's speaker
    result = []
    for i, (_paragraph, start, end) in enumerate(units):
        for m in people.mentions[i]:  # where each full name was last written, this unit too
            if m.person is not None and " ".join(m.words) == m.person.name:
                named_in[m.person.name] = (start, end)
        statement = kept.get(start)
        if statement is not None:
            statement = _resolve(statement, i, units, people, named_in, said, text, gazetteer)
            result.append(statement)
            if statement.speaker:
                said[statement.speaker.split()[-1]] = statement.speaker
            # Whoever speaks is the unit's subject; a speaker left unnamed ("a spokesman",
            # "he" not settled) hides everyone named before from a later "he said".
            unnamed = statement.source_mention or statement.cue  # "an aide to her said"
            people.speaker_first(i, statement.speaker or unnamed)
        else:  # "He could not explain why ...": its subject is the person "he" stands for
            subject = _LEADING_PRONOUN.match(text, start, end)
            if subject:
                gender = PRONOUN_GENDER[subject.group(1).lower()]
                person = _referent(people, i, units, gender, None)
                people.speaker_first(i, person.name if person else subject.group(1))
            elif _UNNAMED_SUBJECT.match(text, start, end):
                people.speaker_first(i, text[start:end].split()[0])
    return result


def _resolve(statement, index, units, people, named_in, said, text, gazetteer) -> Statement:
    if statement.speaker and statement.speaker_from == "text":
        words = tuple(statement.speaker.split())
        if len(words) != 1:
            return statement
        # A surname alone: the last record's speaker of that surname, else the one person of
        # the article with it (of namesakes, none).
        name = said.get(words[0])
        if name is None:
            person = people.named(index, statement.speaker)
            one = person is not None and people.surname(words[0]) == [person]
            name = person.name if one else None
        if name is not None and name != words[0] and name in named_in:
            return _resolved(statement, name, named_in[name], text, gazetteer)
        return statement
    mention = (statement.source_mention or "").strip()
    if statement.speaker or not mention:
        return statement
    gender = PRONOUN_GENDER.get(mention.lower())
    role = None if gender else _role_of(mention)
    if gender is None and role is None:
        return statement
    at = re.search(rf"\b{re.escape(mention)}\b", people.masked[index])
    before = people.masked[index][max(0, at.start() - 30) : at.start()] if at else ""
    if role is not None and re.search(r"\b(?:to|for|of|with)\s+$", before):
        return statement  # "an aide to the senator said": the aide speaks, not the senator
    person = None
    if gender is not None:  # a name before "she" in its own sentence comes first
        before = [m for m in people.mentions[index] if m.start >= 0 and at and m.start < at.start()]
        found = _fitting(people, before, gender, None)
        if found is False:
            return statement  # two readings in the same sentence
        person = found
    if person is None:
        person = _referent(people, index, units, gender, role)
    if person is None or person.name not in named_in:
        return statement
    return _resolved(statement, person.name, named_in[person.name], text, gazetteer)


def _position(people: People, m) -> str:
    """ "to" for a name written right after "told", "wrote to" or "asked"; "oblique" after a
    preposition ("about", "for") or as the owner of someone ("Quinlan's aide"); else
    "subject"."""
    if m.start < 0 or not m.words:
        return "subject"
    masked = people.masked[m.unit]
    before = masked[max(0, m.start - 60) : m.start]
    if _ADDRESSEE.search(before):
        return "to"
    end = masked.find(m.words[-1], m.start) + len(m.words[-1])
    owner = re.match(rf"[’']s?\s+(?:[a-z][\w-]*\s+){{0,2}}?{OWNED_PEOPLE}\b", masked[end:])
    if _OBLIQUE.search(before) or owner:
        return "oblique"
    return "subject"


def _fitting(people: People, mentions, gender, role):
    """The one person among some mentions of a unit who fits: the first mention (the subject)
    when it fits, else the only one that fits. None when nothing is named there or every name
    there is someone who cannot be meant (the other gender or role, or spoken to): the search
    goes on. A name after "about" or before "'s" is no candidate, but stops the search when
    no one else fits. False at two readings, at a name two people share, or at a subject the
    article does not show to be a person."""
    fits, doubtful = [], 0
    for position, m in enumerate(mentions):
        person = m.person
        if person is None:
            return False
        if not person.evidence:
            if position == 0:
                return False
            continue
        ok = role in person.roles if role is not None else person.gender in (None, gender)
        where = _position(people, m) if ok else "misfit"
        if where == "subject" and position == 0 and not _joined(people, mentions):
            return person
        if where == "subject" and person not in fits:
            fits.append(person)
        doubtful += where == "oblique"
    if not fits:
        return False if doubtful else None
    return fits[0] if len(fits) == 1 else False


def _joined(people: People, mentions) -> bool:
    """Whether the first two names are one subject ("Anna Lindqvist and Helen Okafor")."""
    if len(mentions) < 2 or mentions[0].start < 0 or not mentions[0].words:
        return False
    first, second = mentions[0], mentions[1]
    masked = people.masked[first.unit]
    end = masked.find(first.words[-1], first.start) + len(first.words[-1])
    return bool(re.fullmatch(r"\s*(?:,|and|or|&|,\s*and)\s*", masked[end : second.start]))


def _referent(people: People, index: int, units, gender: str | None, role: str | None):
    """Going back unit by unit, the person of the nearest unit that names one who fits; None
    at two readings, at a name two people share, or too far back."""
    paragraph = units[index][0]
    for i in range(index - 1, -1, -1):
        if units[i][0] < paragraph - MAX_PARAGRAPHS_BACK:
            return None
        found = _fitting(people, people.mentions[i], gender, role)
        if found is not None:
            return found or None
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
