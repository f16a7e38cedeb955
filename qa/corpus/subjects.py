"""Where the source of a reporting cue is written: the words before the verb ("Sen. Mary Quinlan
(D-Va.) has said"), an appositive away ("Laura Fenwick, a professor of law, said"), or after it
('..." said campaign spokesperson Dan Ortiz'). Works on text whose quotations are masked, and
reads at most WINDOW characters around each cue, so a line of any length costs time in
proportion to its length.

Appositives are read in qa.corpus.appositives, and the words all of them share are in
qa.corpus.subject_words.
"""

from __future__ import annotations

import re

from qa.corpus.appositives import _appositive
from qa.corpus.cue_words import WEEKDAYS
from qa.corpus.cues import TO_VERBS, is_skippable
from qa.corpus.dates import MONTHS
from qa.corpus.subject_words import (
    DETERMINERS,
    NAME_GLUE,
    OPENERS,
    Subject,
    _after_preposition,
    _ends_sentence,
    _is_boundary,
    _name_run,
    _tokens,
    is_name_word,
)
from qa.corpus.unnamed import OWNER_PREPOSITIONS, is_unnamed_head

# How far before or after a cue a source may be written. Longer subjects are not read.
WINDOW = 240
PRONOUNS = frozenset("he she they it we i you".split())
# Words that cannot stand in a described source ("the senator", "a campaign spokesman").
NOT_IN_SOURCE = frozenset(
    """which that who whom whose what when where why how if whether because as while and or
    but to for with by from of in on at into than then also not is was were are be been has
    have had do does did will would can could should may might must said says say told
    there here it's""".split()
)
# Words that may follow a source named after its cue: '... said Ann Lee on Monday'.
AFTER_NAME = frozenset("on in at during when after before as who while to of".split())
# Words that join a sentence to the one before and stand before its subject: "But critics
# say", "And officials said" (not "When voters ask ...", whose clause is not the sentence's).
JOINING = frozenset("but and yet so still now then also meanwhile however moreover indeed".split())
# A time between the subject and the cue: "Acme this month announced", "Berg last week said".
TIME_WORDS = frozenset("today yesterday tonight".split())
TIME_NOUNS = frozenset("week month year weekend morning afternoon evening night".split())
TIME_DEICTICS = frozenset("this last next that".split())
# What a speaker issues that says what the participle after it reports: "the Council issued a
# statement calling the test a violation".
ISSUED_VERBS = frozenset(
    "issued issues released releases published publishes posted posts sent sends put puts".split()
)
ISSUED_NOUNS = frozenset("statement letter tweet post release memo note message video".split())
# An appositive between dashes that ends just before the cue.
_DASHED = re.compile(r"\s(?:--|—|–)\s[^—–]{1,200}?\s(?:--|—|–)\s*$")


def _skip_before_cue(tokens: list[tuple[int, int, str]]) -> int:
    """Drop auxiliaries, adverbs and time words between the subject and the cue."""
    i = len(tokens)
    while i > 0:
        word = tokens[i - 1][2]
        lower = word.lower()
        if word.endswith(","):
            break
        if is_skippable(word) or lower in WEEKDAYS and word[0].isupper():
            i -= 1
        elif lower == "to" and i > 1 and tokens[i - 2][2].lower() in TO_VERBS:
            i -= 2
        elif (
            lower == "to"
            and i > 2
            and tokens[i - 2][2].lower() == "on"
            and tokens[i - 3][2].lower() == "went"
        ):
            i -= 3  # "went on to say"
        elif lower == "on" and i < len(tokens) and tokens[i][2].lower() in WEEKDAYS:
            i -= 1  # "Berg on Monday said"
        elif lower in TIME_WORDS:
            i -= 1  # "Berg today said"
        elif (
            lower.rstrip(",") in ISSUED_NOUNS
            and i > 2
            and tokens[i - 2][2].lower() in ("a", "an")
            and tokens[i - 3][2].lower() in ISSUED_VERBS
        ):
            i -= 3  # "the Council issued a statement calling", "Berg posted a tweet saying"
        elif lower in TIME_NOUNS and i > 1 and tokens[i - 2][2].lower() in TIME_DEICTICS:
            i -= 2  # "Berg this month announced", "Berg earlier this week said"
        else:
            break
    return i


def _clause_tokens(masked: str, cue_start: int) -> list[tuple[int, int, str]]:
    """The tokens of the clause before the cue, back to a sentence end or a quotation."""
    tokens = _tokens(masked, max(0, cue_start - WINDOW), cue_start)
    if cue_start > WINDOW and tokens:
        tokens = tokens[1:]  # the first token may be cut
    for j in range(len(tokens) - 1, -1, -1):
        word = tokens[j][2]
        if _is_boundary(word) or _ends_sentence(word):
            return tokens[j + 1 :]
    return tokens


def _described(tokens: list[tuple[int, int, str]], end: int) -> int | None:
    """Where a described source ("the senator", "a campaign spokesman") starts, or None."""
    i = end
    while i > 0 and end - i < 6:
        word = tokens[i - 1][2]
        bare = word.lower()
        if word.endswith(",") and i < end:
            break  # "..., senior diplomat says"
        of_role = bare == "of" and i > 1 and is_unnamed_head(tokens[i - 2][2])
        opening = bare in JOINING and (i == 1 or tokens[i - 2][2].endswith(","))
        if bare in NOT_IN_SOURCE and not of_role and not opening:
            return None  # "the secretary of state" is one role; "But critics say", two words
        i -= 1
        if opening:
            break
        if bare in DETERMINERS:
            return i
        if bare.endswith(("'s", "’s")):
            return _owner_start(tokens, i)
    # A bare plural ("officials", "analysts") or a sentence-initial "Police".
    if all(w.lower() in OPENERS for _, _, w in tokens[i:end]):
        return None
    at_start = i == 0 or tokens[i - 1][2].endswith(",")
    while at_start and tokens[i][2].lower() in OPENERS - DETERMINERS:
        i += 1  # "After campaign aides insisted": the aides, not "After"
    return i if end - i <= 3 and at_start else None


def _owner_start(tokens: list[tuple[int, int, str]], owner: int) -> int:
    """Where the owner written at `owner` begins: "the mayor's campaign manager" with its name
    words ("Giorgia Meloni's office"), or back to its determiner ("the Democratic presidential
    candidate's former doctor")."""
    i = owner
    while i > 0 and owner - i < 4:
        word = tokens[i - 1][2]
        if word.lower() in DETERMINERS:
            return i - 1
        if word.endswith(",") or word.lower() in NOT_IN_SOURCE or word.lower() in OPENERS:
            break
        i -= 1
    i = owner
    while i > 0 and is_name_word(tokens[i - 1][2]) and not tokens[i - 1][2].endswith(","):
        if tokens[i - 1][2].lower() in OPENERS:
            break
        i -= 1
    return i


def _whose(tokens: list[tuple[int, int, str]], start: int) -> int | None:
    """ "a spokeswoman for Hillary Clinton", "attorneys for the family": where the unnamed
    person whose owner is written from `start` on is described, or None."""
    j = start - 1
    if j >= 0 and tokens[j][2].lower() in DETERMINERS:
        j -= 1
    if j < 1 or tokens[j][2].lower() not in OWNER_PREPOSITIONS:
        return None
    if tokens[start][2].lower().strip(".,") in MONTHS.keys() | WEEKDAYS:
        return None  # "federal prosecutors in April charged": a date, not whose they are
    head = tokens[j - 1][2]
    if head.endswith(",") or not is_unnamed_head(head):
        return None
    described = _described(tokens, j)
    if described is None or _after_preposition(tokens, 0, described):
        return None  # "In a meeting with the editors of the Herald": no one speaks
    return described


def before(masked: str, cue_start: int, participle: bool = False) -> Subject | None:
    """The source written before a cue, or None. A participle after a comma ("..., saying")
    speaks for the subject that opens the sentence."""
    closing = masked[max(0, cue_start - 4) : cue_start].rstrip().endswith(("--", "—", "–"))
    dashes = closing and _DASHED.search(masked, max(0, cue_start - WINDOW), cue_start)
    if dashes:
        return before(masked, dashes.start())  # "Ann Lee -- a former mayor -- said"
    tokens = _clause_tokens(masked, cue_start)
    end = _skip_before_cue(tokens)
    if end == 0:
        return None
    last = tokens[end - 1][2]
    if last.endswith(","):
        return _opening_subject(tokens[:end]) if participle else _appositive(tokens, end)
    if last == "and" and end > 1:
        return _opening_subject(tokens[: end - 1])  # "Berg thanked the voters ... and said"
    if participle and last.lower() in ("by", "after", "before", "while", "when", "without"):
        return _opening_subject(tokens[: end - 1])  # "Berg began by saying"
    if re.sub(r"['’](?:s|ve|d|ll)$", "", last.lower()) in PRONOUNS:
        start = tokens[end - 1][0]  # "he", "He’s claiming", "they've said"
        return Subject(start, start + len(re.sub(r"['’]\w+$", "", last)), pronoun=True)
    start = _name_run(tokens, end)
    if start < end:
        # "Ms. Lee and Mr. Berg say": the first of the speakers named together.
        if (
            start > 1
            and tokens[start - 1][2] == "and"
            and is_name_word(tokens[start - 2][2])
            and not tokens[start - 2][2].endswith(",")
        ):
            end = start - 1
            start = _name_run(tokens, end)
            if start == end:
                return None
            while (
                start > 1
                and tokens[start - 1][2].endswith(",")
                and _name_run(tokens, start) < start
            ):
                end = start  # "Sens. Ann Lee (D-Ore.), Tom Berg (D-Ohio) and ..."
                start = _name_run(tokens, end)
            if tokens[end - 1][2].endswith(","):
                end_token = tokens[end - 1]
                return Subject(
                    tokens[start][0], end_token[1] - 1, tokens[start][0], end_token[1] - 1
                )
        # "pounced on Berg's claim that ...": the claim's content is Berg's, whatever precedes
        owner = re.search(r"['’]s$", tokens[end - 1][2]) and re.match(
            r"[\w’'-]+\s+that\b", masked[cue_start : cue_start + 40]
        )
        if _after_preposition(tokens, 0, start) and not owner:
            # "of Democratic claims", "with the editors of the Herald": not a subject; but
            # "a spokeswoman for Hillary Clinton" is the spokeswoman, who is not named.
            whose = _whose(tokens, start)
            if whose is None:
                return None
            return Subject(tokens[whose][0], tokens[end - 1][1])
        phrase_start = _description_start(tokens, start)
        return Subject(
            tokens[phrase_start][0], tokens[end - 1][1], tokens[start][0], tokens[end - 1][1]
        )
    described = _described(tokens, end)
    if described is None:
        return None
    whose = _whose(tokens, described)  # "attorneys for the family": the attorneys
    start = described if whose is None else whose
    return Subject(tokens[start][0], tokens[end - 1][1])


def _opening_subject(tokens: list[tuple[int, int, str]]) -> Subject | None:
    """The subject of the clause a participle hangs on ("Berg revised his plan, saying"):
    the name just before the first verb-like word of the last clauses before the comma."""
    bounds = [0] + [j + 1 for j, (_, _, w) in enumerate(tokens[:-1]) if w.endswith(",")]
    for first in reversed(bounds[-3:]):
        for k in range(first, len(tokens)):
            word = tokens[k][2]
            if word.endswith(","):
                break
            if not _looks_like_verb(word):
                continue
            subject_end = k
            while subject_end > first and is_skippable(tokens[subject_end - 1][2]):
                subject_end -= 1  # "Mr. Berg generally supported"
            if subject_end > 0 and tokens[subject_end - 1][2].endswith(","):
                return _appositive(tokens, subject_end)  # "Tom Berg, her opponent, said"
            start = _name_run(tokens, subject_end)
            k = subject_end
            if start < k and (
                start == first
                or tokens[start - 1][2].lower() in DETERMINERS
                or tokens[start - 1][2][:1].islower()
            ):
                return Subject(
                    tokens[start][0], tokens[k - 1][1], tokens[start][0], tokens[k - 1][1]
                )
            break
    return None


def _looks_like_verb(word: str) -> bool:
    """A lower-case past tense, third person or auxiliary: "revised", "chimed", "is"."""
    if not word[:1].islower():
        return False
    return word in ("is", "was", "has", "had", "will", "would") or bool(
        re.fullmatch(r"[a-z]{3,}(?:ed|es|s)", word)
    )


def _description_start(tokens: list[tuple[int, int, str]], name_start: int) -> int:
    """Role words before a name ("campaign spokesperson", "the"), up to five, kept with it."""
    i = name_start
    while i > 0 and name_start - i < 5:
        word = tokens[i - 1][2]
        bare = word.lower()
        if word.endswith(",") or bare in NOT_IN_SOURCE or not re.fullmatch(r"[\w’'\-.]+", word):
            break
        i -= 1
        if bare in DETERMINERS:
            break
    return i


def after(masked: str, cue_end: int) -> Subject | None:
    """The source written after a cue ('..." said Sen. Mary Quinlan, a ...'), or None."""
    tokens = _tokens(masked, cue_end, min(len(masked), cue_end + WINDOW))
    if not tokens:
        return None
    first = tokens[0][2]
    if first.lower().rstrip(",.") in PRONOUNS:
        return Subject(tokens[0][0], tokens[0][0] + len(first.rstrip(",.")), pronoun=True)
    # Role words ("campaign spokesperson"), then a run of name words.
    j = 0
    while j < len(tokens) and not is_name_word(_without_full_stop(tokens[j][2])):
        word = tokens[j][2]
        if j == 6 or _is_boundary(word) or word.lower() in NOT_IN_SOURCE:
            return _described_after(tokens, j)
        if word.endswith(",") or _ends_sentence(word):
            return _described_after(tokens, j + 1)
        j += 1
    k = j
    while k < len(tokens):
        word = tokens[k][2]
        bare = word.rstrip(",:;")
        if _ends_sentence(bare):
            bare = bare[:-1]
        if not (is_name_word(bare) or (bare.lower() in NAME_GLUE and k > j)):
            break
        k += 1
        if word[-1] in ",:;" or _ends_sentence(word.rstrip(",")):
            break
    while k > j and tokens[k - 1][2].rstrip(",.").lower() in NAME_GLUE:
        k -= 1
    if k == j:
        return None
    closed = tokens[k - 1][2][-1:] in ",.;:" or k == len(tokens)
    if not closed and tokens[k][2].lower() not in AFTER_NAME:
        return None  # 'said the X-7 program has ...': a clause, not a source
    last = tokens[k - 1][2].rstrip(",:;")
    if _ends_sentence(last):
        last = last[:-1]
    name_end = tokens[k - 1][0] + len(last)
    return Subject(tokens[0][0], name_end, tokens[j][0], name_end)


def _without_full_stop(word: str) -> str:
    word = word.rstrip(",:;")
    return word[:-1] if _ends_sentence(word) else word


def _described_after(tokens: list[tuple[int, int, str]], stop: int) -> Subject | None:
    """'said a campaign spokesman': the description, when it starts with a determiner."""
    if stop == 0 or tokens[0][2].lower() not in DETERMINERS:
        return None
    if stop < len(tokens) and tokens[stop][2].lower() in OWNER_PREPOSITIONS:
        stop = _owner_end(tokens, stop)  # 'said a spokeswoman for the mayor'
    last = tokens[stop - 1]
    return Subject(tokens[0][0], last[0] + len(last[2].rstrip(",.")))


def _owner_end(tokens: list[tuple[int, int, str]], preposition: int) -> int:
    """ "a spokeswoman for the mayor, adding": where the owner after the preposition ends (at a
    comma, a sentence end or a word that is no part of it), or the preposition itself when the
    head before it is no one's post."""
    if not is_unnamed_head(tokens[preposition - 1][2]):
        return preposition
    k = preposition + 1
    while k < len(tokens) and k - preposition <= 5:
        word = tokens[k][2]
        bare = word.lower().rstrip(",.;:")
        if _is_boundary(word) or bare in NOT_IN_SOURCE or bare in MONTHS.keys() | WEEKDAYS:
            break
        k += 1
        if word[-1] in ",;:" or _ends_sentence(word):
            return k
    if k == preposition + 1 or tokens[k - 1][2].lower() in DETERMINERS:
        return preposition
    return k
