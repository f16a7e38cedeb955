"""Attribution clauses in a passage: each reporting cue with the source it names, read into an
attribution with the span of its clause, and the one attribution that speaks for the passage."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from qa.corpus import subjects
from qa.corpus.attribution import Attribution, read_attribution, read_source
from qa.corpus.cues import (
    BASE_FORMS,
    BE_FORMS,
    BY_QUOTATIONS,
    CUE_PATTERN,
    INVERTING,
    MODALS,
    NOUN_FORMS,
    SAYING_TO_VERBS,
    TITLE_CUE_PATTERN,
    is_skippable,
)
from qa.corpus.gazetteer import Gazetteer
from qa.corpus.unnamed import OWNER_PREPOSITIONS, unnamed_source

# At most this many attributions are read in one passage (see _main for the one that counts).
MAX_FOUND = 16
# At most this many reporting verbs are examined in one passage: each costs at most a window of
# subjects.WINDOW characters, so a passage of any length is parsed in linear time.
MAX_CUES = 64
# Nouns for many people that take a plural verb without ending in s ("Police say").
COLLECTIVE = {"police", "people", "staff", "clergy", "military", "personnel"}
# Words whose full stop does not end the clause ("Sen.", "U.S.").
ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "st", "gen", "lt", "col", "sen", "rep", "gov", "jr", "sr", "prof",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "vs",
    "no", "u.s", "u.k", "u.n", "e.u", "inc", "co", "corp", "ltd", "approx", "est",
}  # fmt: skip


@dataclass(frozen=True)
class _Found:
    """One attribution found in a passage, with the span of its clause."""

    who: Attribution
    cue: str
    clause_start: int
    clause_end: int
    cue_end: int
    speaker_first: bool


def _word_before(text: str, end: int) -> str:
    """The lower-cased word that ends at `end` (only its last few characters matter)."""
    tail = text[max(0, end - 12) : end].split()
    return tail[-1].lower() if tail and not text[end - 1 : end].isspace() else ""


def _clause_end(masked: str, start: int) -> int:
    """The end of the attribution clause: the next comma or sentence end (read at most
    subjects.WINDOW characters ahead)."""
    i = start
    stop = min(len(masked), start + subjects.WINDOW)
    while i < stop:
        ch = masked[i]
        if ch == "," and re.match(r",\s?\d", masked[i : i + 3]):
            i += 1  # "May 2, 2024", "1,000"
            continue
        if ch in ',;"“”«»§*•':
            return i
        if ch in ".!?" and (i + 1 == len(masked) or masked[i + 1] == " "):
            token = _word_before(masked, i)
            if ch != "." or (token not in ABBREVIATIONS and not re.fullmatch(r"[a-z]", token)):
                return i + 1
        i += 1
    return stop


def _find_attributions(masked: str, gazetteer: Gazetteer, headline: bool) -> list[_Found]:
    found = []
    pattern = TITLE_CUE_PATTERN if headline else CUE_PATTERN
    for examined, m in enumerate(pattern.finditer(masked)):
        if len(found) == MAX_FOUND or examined == MAX_CUES:
            break
        subject = _locate(masked, m)
        who = _read(masked, subject, gazetteer) if subject is not None else None
        if who is not None:
            found.append(_attribution(masked, m, subject, who))
    return found


def _locate(masked: str, m: re.Match) -> subjects.Subject | None:
    """Where the source of the cue `m` is written, or None when the cue reports nothing."""
    cue = m.group("cue")
    if cue.lower().startswith("according"):
        subject = subjects.after(masked, m.end())
        return None if subject is None or subject.pronoun else subject
    if cue in BASE_FORMS and _after_auxiliary(masked, m.start()):
        return None  # "must admit", "did not say", "declined to comment": nothing was said
    if cue.endswith(("ed", "en")) and _passive(masked, m.start()):
        if not masked.startswith(" by ", m.end()):
            return None  # "has been mentioned": the subject is spoken of, not speaking
        return subjects.after(masked, m.end() + 4)  # "was first reported by the Herald"
    if cue.lower() in BY_QUOTATIONS and not _by_quotation(masked, m):
        return None
    if cue in NOUN_FORMS and not (
        re.match(r"\s*that\b", masked[m.end() :]) or _by_quotation(masked, m)
    ):
        return None  # "Clinton emails show ...": a noun
    participle = cue.endswith("ing")
    subject = subjects.before(masked, m.start(), participle=participle)
    if subject is not None and cue in BASE_FORMS and not _plural(masked, subject, m.start()):
        return None  # "the San Marco attack", "New York state": a noun, not a verb
    if subject is None and cue.lower() in INVERTING and not participle:
        if _opens_clause(masked, m.start()):
            subject = subjects.after(masked, m.end())  # '"...," said Ann Lee'
    return subject


def _by_quotation(masked: str, m: re.Match) -> bool:
    """Whether a quotation opens right after the cue ("continued: “...") or closed just
    before its clause ('"...," Lee continued'). Quoted words are masked as "§"."""
    after = re.match(r"\s*[:,]?\s*[\"“«']*§", masked[m.end() : m.end() + 8])
    before = re.search(
        r"§[\"”»']*,?\s+(?:\S+\s+){0,4}$", masked[max(0, m.start() - 80) : m.start()]
    )
    return bool(after or before)


def _attribution(masked: str, m: re.Match, subject: subjects.Subject, who: Attribution) -> _Found:
    """The attribution with the span of its clause (what is not the statement's content)."""
    if m.group("cue").lower().startswith("according"):
        end = _clause_end(masked, subject.end)
        return _Found(who, m.group("cue"), m.start(), end, end, False)
    start = min(subject.start, m.start())
    before = masked[:start].strip()
    speaker_first = before == "" or before[-1] in ".!?*•:"
    end = m.end() if speaker_first else _clause_end(masked, max(m.end(), subject.end))
    if re.match(r",\s+(?:a|an|the)\s", masked[end : end + 6]):
        end = _clause_end(masked, end + 1)  # '..." said Ann Lee, the city treasurer.'
    return _Found(who, m.group("cue"), start, end, m.end(), speaker_first)


def _main(found: list[_Found], masked: str) -> _Found | None:
    """The attribution that speaks for the passage: the first one, except that a described
    source ("the mayor spoke ...") yields to a named one later in the passage. A pronoun keeps
    its place ('"...," he said. Smith agreed' is his). Measured on annotated news, this gives
    other names to pronoun sources least often; preferring say-family cues or
    sentence-closing attributions does no better. A name inside what a described source says
    ("A source said he could not answer because Republicans had asked", "Lee had told police
    she wanted no escort, the source added") is reported by it, and does not speak for the
    passage."""

    def described(item: _Found) -> bool:
        return not item.who.pronoun and item.who.speaker_as_written is None

    def one_sentence(start: int, end: int) -> bool:
        return not re.search(r"[.!?]\s", masked[start:end])

    def closes_sentence(outer: _Found) -> bool:
        """ "..., the source added.": after a comma, at the sentence's end."""
        after = re.match(r"[\s\"”’'§]*(?:[.!?]|$)", masked[outer.clause_end :])
        return after is not None and masked[: outer.clause_start].rstrip().endswith(",")

    def nested(item: _Found) -> bool:
        return any(
            described(outer)
            and (
                (outer.cue_end <= item.clause_start
                 and one_sentence(outer.cue_end, item.clause_start))
                or (closes_sentence(outer) and item.clause_end <= outer.clause_start
                    and one_sentence(item.cue_end, outer.clause_start))
            )
            for outer in found
        )  # fmt: skip

    def reported(item: _Found) -> bool:
        return item.who.speaker_as_written is not None and nested(item)

    named = any(item.who.speaker_as_written is not None and not reported(item) for item in found)
    return min(found, key=lambda item: (reported(item), named and described(item)), default=None)


def _plural(masked: str, subject: subjects.Subject, cue_start: int) -> bool:
    """A subject that takes the base form of a verb ("they", "Democrats", "Ann and Tom"), or a
    base form that follows "to" or "and" ("went on to say", "... and accuse")."""
    before = masked[max(0, cue_start - 20) : cue_start].split()
    if before and before[-1].lower() in ("to", "and", "or"):
        return True
    words = masked[subject.start : subject.end].split()
    if not words:
        return False
    if subject.name_start is None:  # "Experts on North Korea say": the experts
        owner = [i for i, w in enumerate(words) if i and w.lower() in OWNER_PREPOSITIONS]
        words = words[: owner[0]] if owner else words
    last = words[-1].lower().rstrip(",")
    if subject.pronoun:
        return last in ("i", "we", "you", "they")
    between = masked[subject.start : cue_start]
    return last.endswith("s") or last in COLLECTIVE or " and " in between


def _passive(masked: str, cue_start: int) -> bool:
    """True when a form of "be" stands before the cue ("was first reported")."""
    words = masked[max(0, cue_start - 40) : cue_start].split()
    while words and is_skippable(words[-1]) and words[-1].lower() not in BE_FORMS:
        words.pop()
    return bool(words) and words[-1].lower() in BE_FORMS


def _after_auxiliary(masked: str, cue_start: int) -> bool:
    """True when a modal, a negation or "to" stands before a base form: "must admit", "did not
    say", "declined to comment"; but "went on to say" still reports what was said."""
    words = masked[max(0, cue_start - 30) : cue_start].lower().split()
    if not words or words[-1] not in MODALS:
        return False
    return not (words[-1] == "to" and len(words) > 1 and words[-2] in ("on", *SAYING_TO_VERBS))


def _opens_clause(masked: str, cue_start: int) -> bool:
    """True when nothing but a comma, a quotation or a sentence start stands before the cue."""
    before = masked[max(0, cue_start - 4) : cue_start].rstrip()
    return before == "" or before[-1] in ",\"“”«»§:;.'"


def _unnamed(who: Attribution | None, name: str | None) -> bool:
    """True when the source may be an unnamed person: a description read to no role, nothing
    at all, or a name's possessive ("Clinton's spokesman") with no name of its own."""
    if who is None:
        return name is None
    if who.pronoun:
        return False
    if who.name is not None:  # the role read is the owner's ("Prime Minister")
        return name is None and who.speaker_as_written != who.name
    return who.role is None and (who.speaker_as_written is None or name is None)


def _read(masked: str, subject: subjects.Subject, gazetteer: Gazetteer) -> Attribution | None:
    phrase = masked[subject.start : subject.end]
    if subject.pronoun:
        return Attribution(phrase, pronoun=True)
    name = masked[subject.name_start : subject.name_end] if subject.name_start is not None else None
    who = read_source(phrase, name, gazetteer)
    if _unnamed(who, name):
        # "a spokeswoman for Hillary Clinton", "Clinton's spokesman", "McConnell aides": an
        # unnamed person with a role, never the name written in the description.
        who = unnamed_source(phrase, gazetteer) or who
    if (
        who is not None
        and subject.described_start is not None
        and who.role is None
        and who.place is None
    ):
        described = read_attribution(
            masked[subject.described_start : subject.described_end], gazetteer
        )
        if described is not None and not described.name and not described.body:
            who = replace(
                who,
                role=described.role,
                place=described.place,
                place_as_written=described.place_as_written,
            )
    return who
