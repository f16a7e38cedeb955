"""The people one article names and where it mentions each: full names, surnames with or
without an honorific, and role nouns ("the senator"), written outside quotation marks, with
what the article shows of each person's roles and gender."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources

from qa.corpus.gazetteer import Gazetteer
from qa.corpus.quotes import mask_quotes
from qa.corpus.statements import Statement

HONORIFICS = {
    "mr": "m", "mrs": "f", "ms": "f", "miss": "f", "dr": None, "sen": None, "rep": None,
    "gov": None, "gen": None, "lt": None, "col": None, "sgt": None, "capt": None, "prof": None,
    "rev": None, "sens": None, "reps": None,
}  # fmt: skip
# What an abbreviated title stands for, so that "the senator" finds "Sen. Mary Quinlan".
TITLE_WORDS = {"sen": "senator", "rep": "representative", "gov": "governor", "gen": "general",
               "lt": "lieutenant", "col": "colonel", "prof": "professor", "dr": "doctor",
               "pres": "president", "sgt": "sergeant", "capt": "captain"}  # fmt: skip
GENDERED_ROLES = {
    "spokeswoman": "f", "congresswoman": "f", "chairwoman": "f", "businesswoman": "f",
    "lady": "f", "wife": "f", "mother": "f", "daughter": "f", "sister": "f", "queen": "f",
    "actress": "f", "widow": "f", "grandmother": "f",
    "spokesman": "m", "congressman": "m", "businessman": "m", "husband": "m", "father": "m",
    "son": "m", "brother": "m", "king": "m", "widower": "m", "grandfather": "m",
}  # fmt: skip
# Capitalised words that start no person's name, and words that make a name an organisation,
# a place or an event ("Secret Service", "Trump Tower", "Election Day").
NOT_NAMES = {
    "the", "a", "an", "and", "but", "or", "in", "on", "at", "as", "for", "if", "when", "while",
    "after", "before", "this", "that", "these", "those", "there", "his", "her", "their", "its",
    "our", "he", "she", "it", "they", "we", "i", "you", "so", "yet", "since", "though", "with",
    "from", "by", "to", "of", "asked", "still", "now", "then", "even", "also", "both", "last",
    "next", "read", "more", "most", "some", "many", "one", "two", "what", "why", "how", "where",
    "who", "not", "no", "yes", "all", "every", "according", "meanwhile", "however", "despite",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
    "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "god", "mom", "dad", "democrat", "democrats", "democratic",
    "republican", "republicans", "american", "americans", "congress", "senate", "house",
    "white", "united", "states", "new", "north", "south", "east", "west", "great", "supreme",
}  # fmt: skip
ORGANISATION_WORDS = {
    "committee", "party", "post", "times", "news", "service", "department", "center", "centre",
    "university", "college", "court", "street", "journal", "foundation", "institute", "campaign",
    "association", "council", "agency", "bureau", "club", "company", "group", "network", "press",
    "media", "fund", "bank", "airport", "hall", "tower", "hotel", "church", "school", "hospital",
    "police", "office", "administration", "commission", "convention", "caucus", "avenue",
    "road", "square", "park", "river", "island", "county", "city", "state", "magazine", "radio",
    "act", "law", "bill", "report", "day", "debate", "inc", "corp", "llc",
    "review", "project", "coalition", "union", "federation", "alliance", "forum",
    "valley", "beach", "lake", "mountain", "bay", "airlines", "motors", "studios", "records",
    "republic", "kingdom", "empire", "army", "navy", "force", "guard", "security", "reserve",
    "television", "channel", "show", "tonight", "today", "weekly", "daily", "tribune",
    "herald", "gazette", "observer", "examiner", "insider", "wire", "world", "war", "election",
    "summit", "games", "cup", "prize", "award", "awards",
}  # fmt: skip
_TOKEN = r"(?:[A-Z][’'])?[A-Z][a-z]+(?:[A-Z][a-z]+)?(?:-[A-Za-z][a-z]+)?"
NAME_PATTERN = re.compile(
    rf"(?:\b(?P<hon>Mrs?|Ms|Miss|Dr|Sens?|Reps?|Gov|Gen|Lt|Col|Sgt|Capt|Prof|Rev)\.?\s+)?"
    rf"\b(?P<name>{_TOKEN}(?:\s+(?:[A-Z]\.\s+)?{_TOKEN}){{0,6}})\b(?![’']?\w)"
)
_ROLE_WORD = re.compile(r"[A-Za-z]+")
_ATTRIBUTIVE = re.compile(
    r"\s+(?:campaign|administration|supporters?|aides?|team|camp|voters|era|presidency|family|"
    r"allies|surrogates|loyalists|backers|staff|staffers|spokes(?:man|woman|person)|advisers?)\b"
)
_ROLE_MENTION = re.compile(
    r"\b(?P<det>[Tt]he|[Mm]y|[Hh]is|[Hh]er|[Tt]heir|[Oo]ur)\s+(?:[a-z][\w-]*\s+){0,2}?"
    r"(?P<role>[a-z]+)\b(?!,?\s+(?:[A-Z]|who\b))"  # not "the mayor, Helen Okafor"
)


@dataclass
class Person:
    """A person named in the article, as far as the article tells."""

    name: str
    roles: set[str] = field(default_factory=set)
    evidence: bool = False  # the article shows it names a person, not a place or a company
    he: int = 0  # sentences about this person alone that say "he"/"his" ...
    she: int = 0  # ... or "she"/"her"
    told: str | None = None  # the gender a title, a gendered role or the given name tells

    @property
    def gender(self) -> str | None:
        if self.told is not None:  # "Mrs. Quinlan", "Tom Reyes": no "her" outvotes them
            return self.told
        if self.he > 2 * self.she:
            return "m"
        if self.she > 2 * self.he:
            return "f"
        return None


@dataclass(frozen=True)
class Mention:
    """A name written in a unit, outside quotation marks, or a role noun standing for one
    ("the president": no words, the role, and "the" as its honorific)."""

    unit: int
    start: int
    words: tuple[str, ...]
    honorific: str
    roles: frozenset[str]
    person: Person | None = None  # None: a surname that two people share


@cache
def given_names() -> dict[str, str]:
    """Common given names and the gender they tell ("m" or "f"), from qa/data/given_names.toml."""
    data = tomllib.loads(
        resources.files("qa.data").joinpath("given_names.toml").read_text(encoding="utf-8")
    )
    return {**{n: "f" for n in data["female"]}, **{n: "m" for n in data["male"]}}


def _is_name(words: list[str], gazetteer: Gazetteer) -> bool:
    if any(w.lower() in NOT_NAMES or w.lower() in ORGANISATION_WORDS for w in words):
        return False
    phrase = " ".join(words)
    return not any(m.start() == 0 for m, _ in gazetteer.find_places(phrase))


def _roles_before(text: str, start: int) -> set[str]:
    """The role word written right before a name ("presidential nominee Donald Trump", "the
    mayor, Helen Okafor"), with the role words that run up to it."""
    before = text[max(0, start - 60) : start]
    m = re.search(r"((?:[\w’'-]+\s+){1,4})$|([\w’'-]+),\s*$", before)
    if not m:
        return set()
    words = [TITLE_WORDS.get(w.lower(), w.lower()) for w in (m.group(1) or m.group(2)).split()]
    if words[-1] not in PERSON_ROLES:
        return set()
    return {w for w in words if w in PERSON_ROLES}


def _person_roles() -> set[str]:
    from qa.corpus.attribution import PERSON_HEADS

    return (PERSON_HEADS | set(GENDERED_ROLES) | set(TITLE_WORDS.values())) | {
        "nominee", "candidate", "businessman", "lawyer", "doctor", "professor", "pollster",
        "strategist", "economist", "author", "activist", "founder", "owner", "mogul",
        "anchor", "reporter", "columnist", "historian", "manager", "consultant",
        "surrogate", "runningmate", "challenger", "incumbent", "contender", "hopeful",
    }  # fmt: skip


PERSON_ROLES = _person_roles()


def _names(masked: str, unit: int, gazetteer: Gazetteer) -> list[Mention]:
    from qa.corpus.attribution import TITLE_WORDS as TITLES

    found = []
    for m in NAME_PATTERN.finditer(masked):
        if re.search(r"\b(?:[Tt]he|an?|An?)\s+$", masked[max(0, m.start() - 4) : m.start()]):
            continue  # "the Clinton campaign" names a campaign, not its candidate
        if _ATTRIBUTIVE.match(masked, m.end()):
            continue  # "Trump campaign spokesman Jason Miller"
        words = [w for w in m.group("name").split() if not re.fullmatch(r"[A-Z]\.", w)]
        titles = [i for i, w in enumerate(words) if w.lower() in TITLES | PERSON_ROLES]
        cut = titles[-1] + 1 if titles else 0  # "Homeland Security Secretary Jeh Johnson"
        leading, words = [w.lower() for w in words[:cut]], words[cut:]
        while words and words[0].lower() in NOT_NAMES - {"god"}:
            words = words[1:]  # "When Anna Lindqvist ...": the sentence's first word
        if masked.startswith(".", m.end()) and words and words[-1].lower() in TITLE_WORDS:
            words.pop()  # "Former Pennsylvania Gov." before the name
        if not words or len(words) > 4 or not _is_name(words, gazetteer):
            continue
        honorific = (m.group("hon") or "").lower()
        roles = _roles_before(masked, m.start()) | (set(leading) & PERSON_ROLES)
        if honorific:
            roles.add(TITLE_WORDS.get(honorific, honorific))
        start = m.start("name") + m.group("name").index(words[0])
        found.append(Mention(unit, start, tuple(words), honorific, frozenset(roles)))
    for m in _ROLE_MENTION.finditer(masked):  # "the president", "my father": someone unnamed
        if m.group("role") in PERSON_ROLES:
            determiner = m.group("det").lower()
            found.append(Mention(unit, m.start(), (), determiner, frozenset([m.group("role")])))
    return sorted(found, key=lambda m: m.start)


class People:
    """The people an article names: a full name, or a surname only one of them has."""

    def __init__(self, text: str, units, statements: list[Statement], gazetteer: Gazetteer):
        masked = [mask_quotes(text[start:end]) for _p, start, end in units]
        self.masked = masked  # each unit's text with quotations blanked, offsets unchanged
        raw = [m for i, unit_text in enumerate(masked) for m in _names(unit_text, i, gazetteer)]
        self.by_name: dict[str, Person] = {}
        self.by_surname: dict[str, list[Person]] = {}
        for m in raw:
            if len(m.words) >= 2:
                self._add(" ".join(m.words))
        for m in raw:  # "Mr. Novak" with no full name anywhere is still a person
            if len(m.words) == 1 and (m.honorific or m.roles) and not self.surname(m.words[0]):
                self._add(m.words[0])
        self.mentions: list[list[Mention]] = [[] for _ in units]
        # By surname, the person last named in full and where; None when two namesakes were
        # named together ("Jon Berg and Tomas Berg"), so that a later "Berg" is either.
        latest: dict[str, tuple[Person | None, int]] = {}
        by_role: dict[str, Person] = {}  # the person last named with each role word
        guessed: set[int] = set()  # units where a surname was taken for one of two namesakes
        for m in raw:
            if not m.words:  # "the president" is the president last named; "my father" no one
                person = by_role.get(next(iter(m.roles))) if m.honorific == "the" else None
                self.mentions[m.unit].append(replace(m, person=person))
                continue
            person = self.lookup(m.words)
            surname = m.words[-1]
            if len(m.words) == 1 and person is None:
                if not self.surname(surname, any_=True):
                    continue  # a lone capitalised word is no evidence of a person
                # Of namesakes, the last named; a guess, so it teaches nothing about them.
                person = latest.get(surname, (None, -1))[0]
                self.mentions[m.unit].append(replace(m, person=person))
                guessed.add(m.unit)
                continue
            elif len(m.words) >= 2:
                last, unit = latest.get(surname, (None, -1))
                together = unit == m.unit and last is not person
                latest[surname] = (None if together else person, m.unit)
            self.mentions[m.unit].append(replace(m, person=person))
            if person is not None:
                self._learn(person, m, masked[m.unit])
                by_role.update((role, person) for role in m.roles)
        for statement in statements:
            person = self.speaking(statement.speaker)
            if person is not None and statement.speaker_from in {"text", "gazetteer"}:
                person.evidence = True
        for i, unit_text in enumerate(masked):
            if i not in guessed:
                self._learn_gender(self.mentions[i], unit_text)

    def named(self, unit: int, name: str | None) -> Person | None:
        """The person a name written in a unit stands for."""
        words = tuple((name or "").split())
        found = [m.person for m in self.mentions[unit] if m.words == words]
        return found[0] if found else self.speaking(name)

    def speaking(self, speaker: str | None) -> Person | None:
        """The person a speaker's words end with ("NBC's Dante Chinni")."""
        words = tuple((speaker or "").split())
        for start in range(max(0, len(words) - 4), len(words)):
            person = self.lookup(words[start:])
            if person is not None:
                return person
        return None

    def speaker_first(self, unit: int, speaker: str | None) -> None:
        """The speaker of a statement is its unit's subject, wherever the name is written (or
        when only "he" stands for it), so a later "he said" looks at the speaker first; a
        speaker who is no person the article names ("a spokesman") stands before everyone."""
        person = self.named(unit, speaker)
        mentions = self.mentions[unit]
        if person is None:  # someone not named, or not shown to be a person: no one before
            if speaker:
                self.mentions[unit] = [Mention(unit, -1, (), "", frozenset()), *mentions]
            return
        first = Mention(unit, -1, tuple(person.name.split()), "", frozenset(), person)
        self.mentions[unit] = [first, *(m for m in mentions if m.person is not person)]

    def _add(self, name: str) -> None:
        if name not in self.by_name:
            self.by_name[name] = Person(name)
            self.by_surname.setdefault(name.split()[-1], []).append(self.by_name[name])

    def surname(self, word: str, any_: bool = False) -> list[Person]:
        """The people with this surname; with `any_` False, only when there is one."""
        found = self.by_surname.get(word, [])
        return found if any_ or len(found) == 1 else []

    def lookup(self, words: tuple[str, ...]) -> Person | None:
        if not words:
            return None
        if len(words) >= 2:
            return self.by_name.get(" ".join(words))
        found = self.surname(words[0], any_=True)
        return found[0] if len(found) == 1 else None

    def _learn(self, person: Person, m: Mention, masked: str) -> None:
        person.roles |= m.roles
        after = masked[m.start : m.start + 80]
        if m.honorific or m.roles or re.match(r"[\w\s.’'-]*?,\s+(?:who\b|\d{1,3},)", after):
            person.evidence = True
        if len(m.words) == 1 and person.name != m.words[0]:
            person.evidence = True  # the surname alone stands for the full name
        gender = HONORIFICS.get(m.honorific) or next(
            (GENDERED_ROLES[r] for r in m.roles if r in GENDERED_ROLES), None
        )
        if gender is None and len(m.words) >= 2:
            gender = given_names().get(m.words[0])
        if gender is not None:
            person.evidence = True
            person.told = gender if person.told in (None, gender) else "?"
        if gender == "m":
            person.he += 3
        elif gender == "f":
            person.she += 3

    @staticmethod
    def _learn_gender(mentions: list[Mention], masked: str) -> None:
        """A sentence about one person that says "his" or "her" tells that person's gender."""
        named = [m for m in mentions if m.words]  # "her husband" is no one else named
        people = {id(m.person): m.person for m in named}
        if len(people) != 1 or None in people.values():
            return
        person = named[0].person
        rest = masked[named[0].start :].lower()
        he = bool(re.search(r"\b(?:he|him|his|himself)\b", rest))
        she = bool(re.search(r"\b(?:she|her|hers|herself)\b", rest))
        if he != she:
            person.evidence = True
            if he:
                person.he += 1
            else:
                person.she += 1
