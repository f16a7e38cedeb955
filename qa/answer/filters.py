"""From a question to a filter tree: its speakers, countries or organisations, sources, roles
and date as a tree of field values (qa/store/where.py) that any store evaluates, with the
filter that matched nothing named instead."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np

from qa.corpus.entities import read_form
from qa.corpus.gazetteer import Gazetteer
from qa.corpus.names import normal_role
from qa.question.lexicon import role_matches
from qa.question.roles import RoleFilter
from qa.question.understanding import Understanding
from qa.question.when import DateRange
from qa.store.where import (
    EVERYTHING,
    NOTHING,
    OPEN_HIGH,
    OPEN_LOW,
    AnyOf,
    Mentions,
    MentionsDate,
    Not,
    Or,
    Overlaps,
    Where,
    Within,
    both,
    either,
)
from qa.text import tokenize

if TYPE_CHECKING:
    from qa.store.embedded.facts import StatementFilter

# Names that are an everyday word once the keyword index lower-cases them ("US": "us").
_EVERYDAY = frozenset({"us"})
# Words an acronym skips ("National Association for the Advancement of ...").
_SMALL = frozenset({"of", "and", "for", "the", "&"})


@dataclass(frozen=True)
class FilterPlan:
    """What the filters of a question allow, as a tree; `note` says which filter matched
    nothing and `reason` names its kind ("speaker", "affiliation", "role", "date"); `why`
    names each filter's own tree, to tell which matched a hit."""

    where: Where
    note: str | None
    why: dict[str, Where] = field(default_factory=dict)
    reason: str | None = None
    # An actor asked about (`Understanding.about`) with no statement of its own, only
    # statements that name it: the note and reason to give when none of those answers.
    unheard: tuple[str, str] | None = None
    # The rows of the roles read by meaning (not sure): ranked first, never filtered on.
    prefer: Where = NOTHING
    # A date the corpus cannot settle (`undated_plan`): what an answer says beside it, and
    # the date's refusal (note, reason) to give when none of the undated statements answers.
    caveat: str | None = None
    unsettled: tuple[str, str] | None = None
    # Statements with no speaker of their own whose text names a speaker or a place asked
    # (`naming`), with the question's other filters: searched when the filter's own
    # statements leave nothing that answers (`Searcher._named_answers`).
    named: Where = NOTHING


@dataclass(frozen=True)
class FilterResult:
    """A plan evaluated over every row of a StatementFilter: the rows allowed, as a mask."""

    mask: np.ndarray
    note: str | None
    why: dict
    reason: str | None = None


# -- from a question to a tree ------------------------------------------------------------
def mentions_of(name: str) -> Where:
    """Rows whose text holds every keyword of a name (none for a name with no keyword)."""
    words = tuple(sorted(set(tokenize(name))))
    return Mentions(words) if words else NOTHING


def said_in(date: DateRange) -> Where:
    """Rows said in the range: a written date meeting it, or an inferred one inside it."""
    low = OPEN_LOW if date.start is None else date.start
    high = OPEN_HIGH if date.end is None else date.end
    return either(Overlaps("said_lo", "said_hi", low, high),
                  Within("inferred_lo", "inferred_hi", low, high))  # fmt: skip


# Rows with a date: one written as said (a span that is not empty) or one inferred. An undated
# row holds empty spans (qa/store/where.py), which an open range would still "meet".
DATED = either(Overlaps("said_lo", "said_hi", OPEN_LOW + 1, OPEN_HIGH - 1),
               Within("inferred_lo", "inferred_hi", OPEN_LOW, OPEN_HIGH))  # fmt: skip
UNDATED = Not(DATED)


def date_where(date: DateRange) -> Where:
    """Rows in the range: said in it, or mentioning a date in it."""
    low = OPEN_LOW if date.start is None else date.start
    high = OPEN_HIGH if date.end is None else date.end
    return either(said_in(date), MentionsDate(low, high))


def role_where(role: RoleFilter, roles: list[str], gazetteer: Gazetteer) -> Where:
    """Rows whose role has every word asked for (or a synonym) and, when a place was named,
    serve it: by affiliation, by the place written in the role ("UN envoy"), or, for a role
    with no country, by the place the statement names ("..., defense minister says" in a
    digest of Ukraine's news)."""
    titled = AnyOf("role", tuple(r for r in roles if role_matches(role.words, r)))
    if not role.place:
        return titled if role.sure else EVERYTHING
    place = gazetteer.place_named(role.place)
    names = (place.name, *place.aliases) if place else (role.place,)
    aliases = [normal_role(a) for a in names]
    placed = AnyOf("role", tuple(r for r in roles if any(f" {a} " in f" {r} " for a in aliases)))
    allowed = either(placed, AnyOf("affiliation", (role.place,)))
    if not role.sure:
        # Read by meaning: only where it serves filters, and only by what the statement's
        # own attribution says (a digest's mention of the place is not enough).
        return allowed
    named = either(*(mentions_of(alias) for alias in names))
    return both(titled, either(allowed, both(AnyOf("affiliation", ("",)), named)))


def owned_where(role: RoleFilter, vocabularies: dict[str, list[str]]) -> Where:
    """Rows whose title is the role asked and names whom it serves ("Hillary Clinton's
    campaign manager" for "Clinton's campaign manager"; "Republican National Committee
    research director" for "the RNC's"), or whose affiliation is the owner and title the role."""
    owner = role.owner or ""
    tokens = set(tokenize(owner))

    def names_owner(value: str) -> bool:
        if tokens and tokens <= set(tokenize(value)):
            return True
        # An acronym spelt by the first letters of the words the value holds ("RNC")
        words = [w for w in re.findall(r"[\w’'\-]+", value.lower()) if w not in _SMALL]
        return owner.isupper() and len(owner) >= 2 and owner.lower() in "".join(w[0] for w in words)

    titles = tuple(r for r in vocabularies["roles"] if r and role_matches(role.words, r))
    named = tuple(r for r in titles if names_owner(r))
    affiliations = tuple(a for a in vocabularies["affiliations"] if a and names_owner(a))
    return either(
        AnyOf("role", named) if named else NOTHING,
        both(AnyOf("affiliation", affiliations), AnyOf("role", titles)) if affiliations and titles
        else NOTHING,
    )  # fmt: skip


class AttributionWords:
    """Which speakers, roles and affiliations hold each keyword token, read once from the
    vocabularies: the words of a statement's own attribution ("NATO" in "NATO Secretary
    General Mark Rutte said")."""

    def __init__(self, vocabularies: dict[str, list[str]]):
        self.fields: dict[str, dict[str, list[str]]] = {}
        for name in ("speaker", "role", "affiliation"):
            table: dict[str, list[str]] = {}
            for value in vocabularies[name + "s"]:
                for token in set(tokenize(value)):
                    table.setdefault(token, []).append(value)
            self.fields[name] = table

    def where(self, tokens: set[str]) -> Where:
        """Rows whose speaker, role or affiliation holds one of these tokens."""
        return either(*(
            AnyOf(name, tuple(sorted({v for t in tokens for v in table.get(t, ())})))
            for name, table in self.fields.items()
            if any(t in table for t in tokens)
        ))  # fmt: skip


def shared_surnames(u: Understanding, store) -> tuple[str, ...]:
    """The bare surnames, written alone in the corpus, that a person asked by full name
    shares with others, unless the corpus names another of them in full more often: "Trump"
    for Donald Trump where Ivanka Trump is named less, never for her; "Vale" for Ingrid or
    Tomas Vale, named as often. None for a speaker given as an option, which lists that
    person's statements alone."""
    if "speaker" in u.explicit:
        return ()
    found = []
    for name, people in u.ambiguous:
        asked = [p for p in people if p in u.speakers]
        if name in u.speakers or len(asked) != 1:
            continue
        counts = {p: store.count(AnyOf("speaker", (p,))) for p in people}
        if counts[asked[0]] >= max(c for p, c in counts.items() if p != asked[0]):
            found.append(name)
    return tuple(found)


def plan(u: Understanding, store, gazetteer: Gazetteer, asked: bool = False) -> FilterPlan:
    """The tree of rows the question's filters allow, in order speaker, affiliation, source,
    role, date; the first that matches nothing is named instead. `store` gives the
    vocabularies and says which trees match anything (`allows_any`). A question `asked` (not
    a listing of statements) with a date no statement is dated in is given the statements
    that say no date, with a caveat, whether it has a topic or not."""

    def empty(where: Where) -> bool:
        return where == NOTHING or not store.allows_any(where)

    why: dict[str, Where] = {}
    if u.unknown_speakers:
        return FilterPlan(NOTHING, f"No statement by {u.unknown_speakers[0]} in the corpus.",
                          why, "speaker")  # fmt: skip
    vocabularies = store.vocabularies
    where = EVERYTHING
    unheard = None
    for name, wanted in (("speaker", u.speakers), ("affiliation", u.affiliations)):
        if not wanted:
            continue
        values = tuple(v for v in wanted if v)
        matched = AnyOf(name, values)
        shared = shared_surnames(u, store) if name == "speaker" else ()
        if shared:
            # A surname the person asked shares with others, written alone: its statements
            # may be theirs or another's. They are searched too, matched by "surname" (the
            # passage shows the name as written, the reply says whom it may be).
            why["surname"] = AnyOf(name, shared)
            matched = either(matched, why["surname"])
        if name == "affiliation":
            # Rows attributed only to a role, with no country, whose line names a place
            # wanted first: the place a headline opens with is whose official speaks.
            matched = Or((matched, AnyOf("place", values)))
        note = f"No statement by {' or '.join(wanted)} in the corpus."
        named = naming(name, values, gazetteer) if u.about_too(name) else NOTHING
        if empty(matched):
            if empty(named):
                return FilterPlan(NOTHING, note, why, name)
            unheard = unheard or (note, name)
            where = both(where, named)
            why["mention"] = either(why.get("mention", NOTHING), named)
            continue
        why[name] = AnyOf(name, values) if shared else matched
        if named != NOTHING:
            why["mention"] = either(why.get("mention", NOTHING), named)
            matched = either(matched, named)
        where = both(where, matched)
    rest: list[Where] = []  # the filters that are not whose statements they are
    for source in u.sources:
        matched = mentions_of(source)
        if empty(matched):
            return FilterPlan(NOTHING, f"No statement by {source} in the corpus.", why,
                              "speaker")  # fmt: skip
        where = both(where, matched)
        rest.append(matched)
        why["source"] = matched
    prefer = NOTHING
    for role in u.roles:
        if role.owner is not None:  # whom it serves named: its titles naming them rank first
            prefer = either(prefer, owned_where(role, vocabularies))
            why["role"] = prefer
            continue
        if not role.sure:  # read by meaning: its titles rank first (FilterPlan.prefer)
            prefer = either(prefer, AnyOf("role", role.titles))
            why["role"] = prefer
        matched = role_where(role, vocabularies["roles"], gazetteer)
        if matched == EVERYTHING:
            continue
        if empty(matched):
            return FilterPlan(NOTHING, f"No statement by {indefinite(role.label)} in the corpus.", why,
                              "role")  # fmt: skip
        where = both(where, matched)
        why["role"] = matched if role.sure else prefer
    if u.date:
        matched, said = date_where(u.date), said_in(u.date)
        if u.date.event and u.date.start is None and u.date.end is not None:
            # "ahead of the Paris summit": the statements that name the event are what is asked
            # about; one whose inferred date may fall before it is not left out for that (what
            # names an event not yet dated past it most often announces it, as the statement
            # the corpus dates the event from does)
            naming_event = both(
                mentions_of(u.date.event),
                Overlaps("inferred_lo", "inferred_hi", OPEN_LOW, u.date.end),
            )
            matched, said = either(matched, naming_event), either(said, naming_event)
        # The range alone is only evaluated when nothing in it passes the other filters too
        # (to say which failed): over every row it costs more than within them.
        if empty(both(where, matched)):
            if empty(matched):
                note = f"No statement dated {u.date.label} in the corpus."
            else:
                note = f"No statement {who_phrase(u)} dated {u.date.label} in the corpus."
            undated = both(where, UNDATED)
            if not (asked or u.topic or u.occasion) or empty(undated):
                return FilterPlan(NOTHING, note, why, "date")
            # The corpus cannot settle the date for the statements that say none: they are
            # ranked by the topic as any are, and the answer says so; a known date outside
            # the range still leaves its statement out.
            why["no date"] = UNDATED
            return FilterPlan(undated, None, why, unheard=unheard, prefer=prefer,
                              caveat=undated_caveat(u), unsettled=(note, "date"),
                              named=_named(u, gazetteer, both(*rest, UNDATED)))  # fmt: skip
        where = both(where, matched)
        rest.append(matched)
        why["date"] = said
        why["date mentioned"] = both(matched, Not(said))
    return FilterPlan(where, None, why, unheard=unheard, prefer=prefer,
                      named=_named(u, gazetteer, both(*rest)))  # fmt: skip


def apply(filters: StatementFilter, u: Understanding) -> FilterResult:
    """The question's filters as a mask over every row of `filters` (for listing statements)."""
    found = plan(u, filters, filters.gazetteer)
    mask = np.zeros(filters.size, dtype=bool)
    mask[filters.ids(found.where)] = True
    why = {}
    for name, tree in found.why.items():
        why[name] = np.zeros(filters.size, dtype=bool)
        why[name][filters.ids(tree)] = True
    return FilterResult(mask, found.note, why, found.reason)


def naming(field_name: str, values: tuple[str, ...], gazetteer: Gazetteer) -> Where:
    """Reports with no named speaker whose text names one of these speakers (by surname or
    another name the gazetteer knows) or places (by any of their names: "the Kremlin",
    "Moscow" for Russia): what is said about an actor's stance, not others' own words."""
    names: list[str] = []
    for value in values:
        if field_name == "speaker":
            person = gazetteer.person(value)
            known = (value, *(person.aliases if person else ()))
            # A person by surname; an organisation that speaks ("Tax Policy Center") whole.
            forms = [(n, read_form(n)) for n in known]
            names += [form.surname if form else n for n, form in forms]
        else:
            place = gazetteer.place_named(value)
            names += [value, *(place.aliases if place else ())]
    trees = sorted({mentions_of(n) for n in names if n.lower() not in _EVERYDAY} - {NOTHING},
                   key=repr)  # fmt: skip
    return both(AnyOf("speaker", ("",)), either(*trees)) if trees else NOTHING


def _named(u: Understanding, gazetteer: Gazetteer, rest: Where) -> Where:
    """The statements with no speaker of their own whose text names a speaker or a place
    asked, within the question's other filters (`rest`): none for a stance question, whose
    filters hold them already, nor for a role, which a statement naming someone cannot show."""
    if u.about or u.roles or not u.topic:
        return NOTHING
    # A person whose surname others in the corpus bear too is not named by it.
    shared = {p for _, people in u.ambiguous for p in people}
    people = tuple(v for v in u.speakers if v and v not in shared)
    # An organisation a report names is most often who acts ("the Security Council issued a
    # statement"); a country, most often what is spoken of ("no sanctions relief for Russia").
    bodies = tuple(v for v in u.affiliations if _kind(v, gazetteer) == "organisation")
    named = either(naming("speaker", people, gazetteer),
                   naming("affiliation", bodies, gazetteer))  # fmt: skip
    return both(named, rest) if named != NOTHING else NOTHING


def _kind(name: str, gazetteer: Gazetteer) -> str | None:
    place = gazetteer.place_named(name)
    return place.kind if place else None


def undated_caveat(u: Understanding) -> str:
    """What an answer says when the statements shown give no date for the range asked."""
    who = who_phrase(replace(u, date=None)) if u.has_filters else ""
    who = "" if who.startswith("dated") else who
    return (f"No statement {who + ' ' if who else ''}is dated {u.date.label}; those shown say no"
            " date, so they may or may not be from then.")  # fmt: skip


def who_phrase(u: Understanding) -> str:
    if u.speakers:
        return ("by or about " if u.about_too("speaker") else "by ") + " or ".join(u.speakers)
    if u.affiliations:
        by = "by or about " if u.about_too("affiliation") else "by "
        return by + " or ".join(u.affiliations)
    if u.sources:
        return "from " + " or ".join(u.sources)
    if any(r.sure or r.place for r in u.roles):
        return "by " + indefinite(next(r for r in u.roles if r.sure or r.place).label)
    if u.date:
        return "dated " + u.date.label
    return ""


def indefinite(phrase: str) -> str:
    """The phrase with "a" or "an" as it is spoken: "an Italian premier", "a European
    official", "a Ukrainian minister", "an EU envoy", "a UN envoy", "a NATO official"."""
    word = phrase.split()[0] if phrase.split() else ""
    if word.lower() in ("a", "an", "the") or re.search(r"['’]s$", word):
        return phrase  # "the EU Council chief", "France's foreign minister"
    letters = word.replace(".", "")
    if letters.isupper() and 1 < len(letters) <= 3:
        # an initialism is read letter by letter: "an EU", "an FBI", "a U.S.", "a UN"
        vowel = letters[0] in "AEFHILMNORSX"
    else:
        lower = word.lower()
        vowel = lower[:1] in "aeiou" and not lower.startswith(("eu", "uk", "uni", "usu", "one"))
    return f"{'an' if vowel else 'a'} {phrase}"
