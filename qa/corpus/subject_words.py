"""The words around a reporting cue as the subject readers see them: masked text cut into
tokens, the word lists and tests that tell a name word from the rest, the run of name words
before a point, and the `Subject` span the readers return."""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.corpus.attribution import ORG_HEADS
from qa.corpus.cue_words import WEEKDAYS

HONORIFICS = frozenset(
    """mr. mrs. ms. dr. sen. sens. rep. reps. gov. gen. lt. col. sgt. capt. rev. prof. adm. maj.
    cmdr. atty. amb. supt. insp. cpl. pvt. gens. govs.""".split()
)
ABBREVIATED = frozenset(
    """u.s. u.k. u.n. e.u. d.c. inc. co. corp. ltd. jr. sr. st. l.p. n.y. l.a. a.p.""".split()
)
# Words written with a capital at the start of a sentence that never begin a name.
OPENERS = (
    frozenset(
        """while but and or when as after before although though if because since so yet still
    now then also meanwhile however in on at last this that later earlier instead even both
    neither only here there asked speaking separately finally overall for with by from of to
    during despite under over about against like unlike until once where whereas whether
    moreover indeed thus hence otherwise besides nonetheless nevertheless what why how who
    which it its his her their our my your we they he she i you a an the these those some
    many several most all every each another other one two three four five six seven eight
    nine ten recently again everything everyone everybody nothing nobody something someone
    anything anyone say no any""".split()
    )
    | WEEKDAYS
)
DETERMINERS = frozenset(
    """a an the his her its their our my your this that these those one two three several some
    many other another both each every no any""".split()
)
# Small words inside names: "Secretary of State", "Ursula von der Leyen", "Procter & Gamble".
NAME_GLUE = frozenset("of the for & de van von der da di du al la le del bin".split())
PREPOSITIONS = frozenset(
    "of in on for with by from about to at into over under against between among".split()
)
_TOKEN = re.compile(r"\S+")
# A party or state tag after a name: "(D-Conn.)", "(R)", "(Vt.)".
_PARTY = re.compile(r"^\([A-Z][\w.]*(?:-[\w. ]+)?\),?$")
_INITIAL = re.compile(r"^(?:[A-Z]\.)+$")  # "J.", "G.K."
_CAPITAL = re.compile(r"^[A-ZÀ-Ý0-9][\w’'\-.&]*$")
_BOUNDARY = set(';:"“”«»§*•()[]—–')


@dataclass(frozen=True)
class Subject:
    """Where the source's words are: the noun phrase span and, inside it, the name span."""

    start: int
    end: int
    name_start: int | None = None
    name_end: int | None = None
    pronoun: bool = False
    described_start: int | None = None  # an appositive that describes the named person
    described_end: int | None = None


def _tokens(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    return [
        (start + m.start(), start + m.end(), m.group()) for m in _TOKEN.finditer(text[start:end])
    ]


def _ends_sentence(word: str) -> bool:
    """A token that closes a sentence: a full stop that is not an abbreviation's."""
    if word[-1:] in "!?":
        return True
    if not word.endswith("."):
        return False
    bare = word.lower()
    return not (bare in HONORIFICS or bare in ABBREVIATED or _INITIAL.match(word))


def _is_boundary(word: str) -> bool:
    return any(ch in _BOUNDARY for ch in word) and not _PARTY.match(word)


def is_name_word(word: str) -> bool:
    """A word that may be part of a name: capitalised, an initial, an honorific, a party tag."""
    word = word.rstrip(",")
    if not word:
        return False
    if word.lower() in HONORIFICS or _INITIAL.match(word) or _PARTY.match(word):
        return True
    if word.lower() in ABBREVIATED:
        return True
    if re.sub(r"['’]s$", "", word.lower()) in WEEKDAYS or re.search(r"n['’]t$", word):
        return False  # "Thursday's vote", "Don't"
    return bool(_CAPITAL.match(word)) and not _ends_sentence(word) and not word[0].isdigit()


def _name_run(tokens: list[tuple[int, int, str]], end: int) -> int:
    """The index where the run of name words ending just before `end` begins."""
    i = end
    while i > 0:
        word = tokens[i - 1][2]
        if i < end and word.endswith(","):
            break
        if is_name_word(word):
            i -= 1
        elif (
            (word.lower() in NAME_GLUE or word == "on" and tokens[i - 2][2].lower() in ORG_HEADS)
            and 1 < i < end
            and is_name_word(tokens[i - 2][2])
            and not tokens[i - 2][2].endswith(",")
        ):
            i -= 1
        else:
            break
    # The first words of a sentence may be capitalised openers: "While Alvarez said".
    while i < end and tokens[i][2].lower().strip(",") in OPENERS:
        i += 1
    return i


def _after_preposition(tokens: list[tuple[int, int, str]], first: int, start: int) -> bool:
    """True when a preposition (and perhaps a determiner) stands before the name at `start`."""
    j = start - 1
    if j >= first and tokens[j][2].lower() in DETERMINERS:
        j -= 1
    return j >= first and tokens[j][2].lower() in PREPOSITIONS
