"""People as entities: the forms under which a corpus names one person ("Jane Roe", "Roe",
"Sen. Roe", "Roe's office", "Jane Q. Roe") taken as one speaker with a canonical name, and a
bare surname that the corpus cannot give to one person (two people called Roe) kept apart and
flagged ambiguous, never merged or guessed."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace

from qa.corpus.attribution import (
    BODY_HEADS,
    DESCRIBED_HEADS,
    LEADING_ROLES,
    ORG_HEADS,
    PERSON_HEADS,
    TITLE_WORDS,
)
from qa.corpus.names import normal_role, speaker_owner
from qa.corpus.subject_words import ABBREVIATED, HONORIFICS

# Words that may stand before a name and are no part of it: honorifics and titles.
_TITLES = HONORIFICS | TITLE_WORDS | LEADING_ROLES
_HEADS = HONORIFICS | PERSON_HEADS | LEADING_ROLES  # a title holds one of these
_SUFFIXES = {"jr.", "jr", "sr.", "sr", "ii", "iii", "iv"}
_INITIAL = re.compile(r"^[A-Z]\.?$")
_NAME_WORD = re.compile(r"^[A-Z][\w’'\-.]*$")
_PARTICLES = {"de", "del", "della", "da", "di", "du", "van", "von", "der", "den", "bin", "al",
              "la", "le", "ter"}  # fmt: skip
# A name written as initials ("IMF", "CBO"), and the small words a name's initials leave out.
_INITIALISM = re.compile(r"^[A-Z]{2,6}$")
_SMALL_WORDS = {"of", "the", "for", "and", "on", "in", "at", "to", "&"}
# An article's statements have sources "<article>:p<paragraph>:<start>-<end>".
_ARTICLE_SOURCE = re.compile(r"^(?P<article>.+):p\d+:\d+-\d+$")

Written = tuple[str, str | None, str | None, str | None]  # speaker, role, affiliation, article


@dataclass(frozen=True)
class Form:
    """A written speaker name taken apart: the title words before it, the name's words (no
    middle initials), and the name as written without titles or possessive."""

    titles: tuple[str, ...]
    words: tuple[str, ...]
    core: str

    @property
    def key(self) -> tuple[str, ...]:
        return tuple(w.lower().rstrip(".") for w in self.words)

    @property
    def surname(self) -> str:
        words = [w for w in self.key if w not in {s.rstrip(".") for s in _SUFFIXES}]
        return words[-1] if words else self.key[-1]

    @property
    def full(self) -> bool:
        """A given name and a surname ("De Blasio" is a surname alone)."""
        return len(self.words) >= 2 and self.key[0] not in _PARTICLES


def read_form(written: str) -> Form | None:
    """A speaker's name taken apart, or None when it does not look like a person's name (an
    organisation, a place, "Democrats"): only people's names are joined."""
    text = re.sub(r"\s*\([^)]*\)", "", speaker_owner(written) or "")
    text = re.sub(r"['’]s?$", "", text.strip()).strip()
    words = text.split()
    titles: list[str] = []
    while len(words) > 1 and words[0].lower().rstrip(",") in _TITLES:
        titles.append(words.pop(0).rstrip(","))
    if titles and not any(t.lower() in _HEADS for t in titles):
        words, titles = titles + words, []  # "United States", "White House": no title
    if not words or not _NAME_WORD.match(words[0]) or not _NAME_WORD.match(words[-1]):
        return None
    if not all(_NAME_WORD.match(w) or w in _PARTICLES for w in words[1:-1]):
        return None
    lowered = [w.lower() for w in words]
    if any(w in BODY_HEADS or w in ORG_HEADS or (w in ABBREVIATED and w not in _SUFFIXES)
           for w in lowered):  # fmt: skip
        return None
    if any(w in TITLE_WORDS or w.rstrip("s") in DESCRIBED_HEADS for w in lowered[:-1]):
        return None  # "United States", "Fellow Republicans" ...
    if lowered[-1].endswith("s") and lowered[-1][:-1] in DESCRIBED_HEADS:
        return None  # "Republicans", "Democrats": a group
    if len(words) == 1 and len(words[0]) > 1 and words[0].isupper():
        return None  # "IMF": a body, not a surname
    kept = tuple(
        w for i, w in enumerate(words) if not (0 < i < len(words) - 1 and _INITIAL.match(w))
    )
    return Form(tuple(titles), kept, " ".join(words))


def is_title_word(word: str) -> bool:
    """Whether a word may be a title before a name ("Sen.", "president", "elect")."""
    return word.lower().rstrip(",") in _TITLES


def surname_of(name: str) -> str | None:
    """The surname of a person's full name ("Jane Q. Roe" -> "roe"), lower-cased; None for a
    single word or a name that is not a person's."""
    form = read_form(name)
    return form.surname if form is not None and form.full else None


@dataclass(frozen=True)
class Entities:
    """Each written speaker (with its role, affiliation and article) to the entity it names;
    each entity's written forms, most frequent first; and each bare name left ambiguous, with
    the people it may be."""

    names: dict[Written, str]
    aliases: dict[str, tuple[str, ...]]
    ambiguous: dict[str, tuple[str, ...]]

    def entity(self, written: Written) -> str | None:
        """The entity a written speaker names (as written when it was not seen)."""
        if not written[0]:
            return None
        return self.names.get(written) or speaker_owner(written[0])


def speaker_entities(speakers: Iterable[Written]) -> Entities:
    """The entities of a corpus, from each statement's (speaker as written, role, affiliation,
    article or None): full names equal but for titles and middle initials are one person,
    named by their most frequent form; a bare surname (or title and surname) is the person of
    the one full name with that surname, or, when several share it, the one its article names,
    or the one whose role or affiliation it shares; else it stays itself, flagged ambiguous."""
    seen = Counter(s for s in speakers if s[0])
    forms = {written: read_form(speaker_owner(written[0]) or "") for written in seen}
    # Full names by key; the canonical name is the most frequent form written.
    written_as: dict[tuple, Counter] = {}
    roles: dict[tuple, Counter] = {}
    places: dict[tuple, Counter] = {}
    by_article: dict[str | None, set[tuple]] = {}
    for written, count in seen.items():
        form = forms[written]
        if form is None or not form.full:
            continue
        written_as.setdefault(form.key, Counter())[form.core] += count
        if written[1]:
            roles.setdefault(form.key, Counter())[normal_role(written[1])] += count
        if written[2]:
            places.setdefault(form.key, Counter())[written[2]] += count
        by_article.setdefault(written[3], set()).add(form.key)
    canonical = {key: _most_frequent(counts) for key, counts in written_as.items()}
    people: dict[str, list[tuple]] = {}
    for key in sorted(canonical):
        people.setdefault(Form((), key, "").surname, []).append(key)
    names: dict[Written, str] = {}
    ambiguous: dict[str, tuple[str, ...]] = {}
    for written in seen:
        form = forms[written]
        if form is None:
            names[written] = speaker_owner(written[0])
            continue
        if form.full:
            names[written] = canonical[form.key]
            continue
        candidates = people.get(form.surname, [])
        chosen = _chosen(written, form, candidates, by_article, roles, places)
        if chosen is not None:
            names[written] = canonical[chosen]
        else:
            names[written] = form.core
            if candidates:
                ambiguous[form.core] = tuple(sorted(canonical[k] for k in candidates))
    names = _initialisms_joined(names)
    aliases: dict[str, Counter] = {}
    for written, count in seen.items():
        aliases.setdefault(names[written], Counter())[written[0]] += count
    return Entities(
        names,
        {name: tuple(w for w, _ in counts.most_common()) for name, counts in aliases.items()},
        ambiguous,
    )


def _initialisms_joined(names: dict[Written, str]) -> dict[Written, str]:
    """An organisation written by its initials ("IMF") and in full ("International Monetary
    Fund") is one speaker, named in full, when one full name of the corpus has those
    initials; a person's name is never one."""
    entities = set(names.values())
    spelt: dict[str, list[str]] = {}
    for name in entities:
        letters = initials(name)
        if letters is not None and read_form(name) is None:
            spelt.setdefault(letters, []).append(name)
    joined = {
        n: spelt[n][0] for n in entities if _INITIALISM.match(n) and len(spelt.get(n, ())) == 1
    }
    return {written: joined.get(name, name) for written, name in names.items()}


def initials(name: str) -> str | None:
    """The initials of a name of two or more capitalised words, small words left out
    ("Congressional Budget Office" CBO, "Bank of America" BA); None for anything else."""
    words = [w for w in name.split() if w.lower() not in _SMALL_WORDS]
    if len(words) < 2 or not all(w[:1].isupper() for w in words):
        return None
    return "".join(w[0] for w in words)


def _chosen(written: Written, form: Form, candidates, by_article, roles, places):
    """The one full name a bare surname stands for, or None when the corpus cannot tell."""
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        return None
    if written[3] is not None:
        named = [k for k in candidates if k in by_article.get(written[3], ())]
        if len(named) == 1:
            return named[0]
    role = normal_role(" ".join(form.titles) or written[1])
    if role and all(k in roles for k in candidates):
        matching = [k for k in candidates if _same_role(role, roles[k])]
        if len(matching) == 1:
            return matching[0]
    if written[2] and all(k in places for k in candidates):
        matching = [k for k in candidates if _most_frequent(places[k]) == written[2]]
        if len(matching) == 1:
            return matching[0]
    return None


def _same_role(role: str, known: Counter) -> bool:
    """Whether a title ("president", "sen.") is the usual role of a person ("president")."""
    usual = _most_frequent(known).split()
    head = role.split()[-1].rstrip(".")
    return bool(usual) and (head == usual[-1] or (len(head) <= 4 and usual[-1].startswith(head)))


def _most_frequent(counts: Counter) -> str:
    """The most frequent value; among equals the longest, then the first in order."""
    return min(counts, key=lambda v: (-counts[v], -len(v), v))


def article_of(statement) -> str | None:
    """The article a statement was read from (its label), or None for a line of a file."""
    found = _ARTICLE_SOURCE.match(statement.source)
    return found.group("article") if found else None


def written_speaker(statement) -> Written:
    """What `speaker_entities` reads of a statement."""
    return (statement.speaker, statement.role, statement.affiliation, article_of(statement))


def with_entities(statements: list, entities: Entities | None = None) -> list:
    """The statements with `speaker_entity` set from the corpus's entities (computed from
    these statements when not given)."""
    if entities is None:
        entities = speaker_entities(written_speaker(s) for s in statements)
    return [with_entity(s, entities) for s in statements]


def with_entity(statement, entities: Entities):
    """One statement with `speaker_entity` set."""
    entity = entities.entity(written_speaker(statement))
    return (
        statement
        if entity == statement.speaker_entity
        else replace(statement, speaker_entity=entity)
    )


def speaker_value(statement) -> str | None:
    """The person a statement is by, as filters compare it: its entity."""
    return statement.speaker_entity or speaker_owner(statement.speaker)


def people_by_surname(names: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """The full names among these entity names (people's only), by lower-cased surname."""
    found: dict[str, list[str]] = {}
    for name in names:
        surname = surname_of(name)
        if surname is not None:
            found.setdefault(surname, []).append(name)
    return {surname: tuple(sorted(set(people))) for surname, people in found.items()}


def ambiguous_names(names: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Each bare name among these entity names that two or more full names among them share
    as their surname, with those full names: "Clinton" -> ("Bill Clinton", "Hillary Clinton")."""
    names = list(names)
    people = people_by_surname(names)
    found = {}
    for name in names:
        form = read_form(name)
        if form is not None and not form.full and len(people.get(form.surname, ())) > 1:
            found[name] = people[form.surname]
    return found
