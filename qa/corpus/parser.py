"""Turns one corpus line into statement records: quotes, speaker, cue, channel, date, kind.

Nothing is guessed. What the line does not say stays None; facts the line does not state come
only from the gazetteer and are marked so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from qa.corpus import subjects
from qa.corpus.attribution import Attribution, read_attribution, read_source
from qa.corpus.cues import (
    BASE_FORMS,
    BE_FORMS,
    CUE_PATTERN,
    INVERTING,
    MODALS,
    SAYING_TO_VERBS,
    TITLE_CUE_PATTERN,
    is_skippable,
    is_title_case,
)
from qa.corpus.dates import DateMention, find_dates
from qa.corpus.gazetteer import Gazetteer
from qa.corpus.quotes import _mask_quotes, find_quotes, quote_text
from qa.corpus.statements import SaidOn, Statement, statement_id

# At most this many attributions are read in one passage (see _main for the one that counts).
MAX_FOUND = 16
# At most this many reporting verbs are examined in one passage: each costs at most a window of
# subjects.WINDOW characters, so a passage of any length is parsed in linear time.
MAX_CUES = 64
# Nouns for many people that take a plural verb without ending in s ("Police say").
COLLECTIVE = {"police", "people", "staff", "clergy", "military", "personnel"}
# Words that cannot end a finished sentence or headline: a passage ending on one was cut off.
OPEN_ENDINGS = {
    "a", "an", "the", "of", "to", "for", "about", "or", "and", "but", "with", "on", "in", "at",
    "by", "from", "as", "than", "that", "which", "who", "whose", "whom", "its", "their", "his",
    "her", "our", "my", "your", "is", "are", "was", "were", "be", "been", "will", "would",
    "can", "could", "should", "may", "might", "must", "has", "have", "had", "not", "very",
    "more", "most", "into", "over", "under", "between", "against", "if", "while", "because",
    "so", "such", "this", "these", "those", "amid", "including", "nor", "both", "either",
    # attributive words that always wait for their noun
    "reported", "alleged", "so-called", "would-be", "potential", "possible", "proposed",
    "planned", "key", "main", "former", "new",
}  # fmt: skip
ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "st", "gen", "lt", "col", "sen", "rep", "gov", "jr", "sr", "prof",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "vs",
    "no", "u.s", "u.k", "u.n", "e.u", "inc", "co", "corp", "ltd", "approx", "est",
}  # fmt: skip
CHANNEL_PLATFORMS = (
    "X|Twitter|Facebook|Telegram|Instagram|TikTok|YouTube|LinkedIn|Bluesky|Truth Social|Threads"
)
_SPEECH_EVENT_DATE = re.compile(
    r"\b(?:interview|statement|speech|address|video|post|remarks|briefing|message)\b"
    r"[^.]{0,80}?\b(?:released|published|aired|broadcast|posted|given|delivered|held)\s+on\s+$"
)
_DIGEST = re.compile(r"^(?P<header>[^*•:]{1,120}):\s*(?=[*•]\s)")
_BULLET = re.compile(r"(?:^|\s)[*•]\s+")


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
    participle = cue.endswith("ing")
    subject = subjects.before(masked, m.start(), participle=participle)
    if subject is not None and cue in BASE_FORMS and not _plural(masked, subject, m.start()):
        return None  # "the San Marco attack", "New York state": a noun, not a verb
    if subject is None and cue.lower() in INVERTING and not participle:
        if _opens_clause(masked, m.start()):
            subject = subjects.after(masked, m.end())  # '"...," said Ann Lee'
    return subject


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


def _main(found: list[_Found]) -> _Found | None:
    """The attribution that speaks for the passage: the first one, except that a described
    source ("the mayor spoke ...") yields to a named one later in the passage. A pronoun keeps
    its place ('"...," he said. Smith agreed' is his). Measured on annotated news, this gives
    other names to pronoun sources least often; preferring say-family cues or
    sentence-closing attributions does no better."""

    def described(item: _Found) -> bool:
        return not item.who.pronoun and item.who.speaker_as_written is None

    named = any(item.who.speaker_as_written is not None for item in found)
    return min(found, key=lambda item: named and described(item)) if found else None


def _plural(masked: str, subject: subjects.Subject, cue_start: int) -> bool:
    """A subject that takes the base form of a verb ("they", "Democrats", "Ann and Tom"), or a
    base form that follows "to" or "and" ("went on to say", "... and accuse")."""
    before = masked[max(0, cue_start - 20) : cue_start].split()
    if before and before[-1].lower() in ("to", "and", "or"):
        return True
    words = masked[subject.start : subject.end].split()
    if not words:
        return False
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


def _read(masked: str, subject: subjects.Subject, gazetteer: Gazetteer) -> Attribution | None:
    phrase = masked[subject.start : subject.end]
    if subject.pronoun:
        return Attribution(phrase, pronoun=True)
    name = masked[subject.name_start : subject.name_end] if subject.name_start is not None else None
    who = read_source(phrase, name, gazetteer)
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


def _channel(passage: str, clause: str) -> str | None:
    patterns = [
        r"\btold\s+(?P<ch>[A-Z][\w’'.\-]*(?:\s+[A-Z][\w’'.\-]*)*|reporters|journalists)",
        r"\b(?:in|during)\s+an?\s+interview\s+(?:with|on|to)\s+(?P<ch>.+?)(?=\s+on\s+[A-Z]|\s+"
        r"released|[,;]|\.\s|\.$|$)",
        rf"\bon\s+(?P<ch>{CHANNEL_PLATFORMS})\b",
        r"\bin\s+an?\s+(?:post|statement|video|message)\s+on\s+(?P<ch>[A-Z][\w]*(?:\s[A-Z]\w*)*)",
    ]
    for text in (clause, passage):
        for pattern in patterns:
            m = re.search(pattern, text)
            if m:
                return _tidy_channel(m.group("ch"))
    m = re.search(
        r"\binterview\s+(?:with|on|to)\s+(?P<ch>[^,.;]+?)(?=\s+released|[,.;]|$)", passage
    )
    return _tidy_channel(m.group("ch")) if m else None


def _tidy_channel(words: str) -> str:
    """Drop the sentence's full stop, but not the one of an abbreviation ("U.S.")."""
    words = words.strip()
    if re.search(r"[a-z0-9]\.$", words):
        words = words[:-1]
    return words


def is_truncated(passage: str) -> bool:
    """True when the passage stops mid-sentence."""
    text = passage.rstrip()
    if not text:
        return False
    if re.search(r"[.!?…\"”’»)\]]$", text):
        return False
    if re.search(r"[,;:–—\-]$", text):
        return True
    last = re.findall(r"[\w’'\-]+", text)
    if last and last[-1].lower() in OPEN_ENDINGS:
        return True
    # Prose (it has finished sentences inside) must end with one too; a headline need not.
    return bool(re.search(r"[a-z0-9][.!?]\s+[A-Z\"“]", text))


def _said_on(passage, masked, found, digest_date) -> SaidOn | None:
    for item in found:
        if item.speaker_first:
            after = passage[item.cue_end :]
            dates = find_dates(after[:40])
            if dates and re.match(r"\s*,?\s*on\s*$", after[: dates[0].start]):
                return SaidOn.written(dates[0])
        else:
            dates = find_dates(passage[item.clause_start : item.clause_end])
            if dates:
                return SaidOn.written(dates[0])
    for mention in find_dates(passage):
        # The pattern spans at most about 120 characters: read only those before the date.
        if _SPEECH_EVENT_DATE.search(masked[max(0, mention.start - 160) : mention.start]):
            return SaidOn.written(mention)
    if digest_date is not None:
        return SaidOn.written(digest_date, from_digest=True)
    return None


def _kind(passage: str, quotes: list[tuple[int, int]], found: list[_Found]) -> str:
    if not found:
        return "report"
    if not quotes:
        return "paraphrase"
    keep = [True] * len(passage)
    for start, end in quotes:
        for i in range(max(0, start - 1), min(len(passage), end + 1)):
            keep[i] = False
    for item in found:
        for i in range(item.clause_start, item.clause_end):
            keep[i] = False
    outside = "".join(c if k else " " for c, k in zip(passage, keep))
    words = re.findall(r"[A-Za-z]{2,}", outside)
    return "mixed" if len(words) >= 3 else "quote"


def parse_passage(
    line: str,
    passage: str,
    source: str,
    gazetteer: Gazetteer,
    digest_date: DateMention | None = None,
    may_be_truncated: bool = True,
) -> Statement:
    """Parse one passage (a whole line, or one item of a digest line)."""
    spans = find_quotes(passage)
    masked = _mask_quotes(passage, spans)
    found = _find_attributions(masked, gazetteer, is_title_case(passage))
    main = _main(found)
    primary = main.who if main is not None and not main.who.pronoun else None
    speaker = speaker_as_written = role = affiliation = None
    role_from = affiliation_from = None
    if primary is not None:
        speaker_as_written = primary.speaker_as_written
        role = primary.role
        role_from = "text" if role else None
        if primary.place is not None:
            affiliation, affiliation_from = primary.place.name, "text"
        person = gazetteer.person(primary.name) if primary.name else None
        if person is not None:
            if speaker_as_written == primary.name:
                speaker = person.name
            else:  # "Giorgia Meloni's office" keeps its own words
                speaker = speaker_as_written
            if role is None and person.role:
                role, role_from = person.role, "gazetteer"
            if affiliation is None and person.affiliation:
                affiliation, affiliation_from = person.affiliation, "gazetteer"
        else:
            speaker = speaker_as_written
            if primary.body and speaker and speaker.startswith("the "):
                speaker = speaker[4:]
            if speaker is not None and speaker.islower():
                speaker = speaker_as_written = None  # "the agency said": described, not named
    source_mention = speaker_from = None
    if main is not None and speaker is None and main.who.phrase in passage:
        source_mention = main.who.phrase
    if speaker is not None:
        speaker_from = "text" if speaker in passage else "gazetteer"
    cue = main.cue if main else None
    clause = passage[main.clause_start : main.clause_end] if main else ""
    channel = _channel(passage, clause) if main else None
    return Statement(
        id=statement_id(passage),
        sources=(source,),
        text=line,
        part=passage if passage != line else None,
        kind=_kind(passage, spans, found),
        quotes=tuple(q for q in (quote_text(passage, s) for s in spans) if q),
        speaker=speaker,
        speaker_as_written=speaker_as_written,
        source_mention=source_mention,
        speaker_from=speaker_from,
        role=role,
        role_from=role_from,
        affiliation=affiliation,
        affiliation_from=affiliation_from,
        cue=cue,
        channel=channel,
        said_on=_said_on(passage, masked, found, digest_date),
        dates_mentioned=tuple(find_dates(passage)),
        truncated=may_be_truncated and is_truncated(passage),
    )


def digest_items(line: str) -> tuple[str, list[str]] | None:
    """A digest line ("Key developments on Feb. 26: * ... * ...") split into its header and
    its verbatim items; None when the line is not a digest."""
    head = _DIGEST.match(line)
    if not head:
        return None
    body = line[head.end() :]
    marks = list(_BULLET.finditer(body))
    if len(marks) < 2:
        return None
    items = []
    for i, mark in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(body)
        item = body[mark.end() : end].strip()
        if item:
            items.append(item)
    return head.group("header"), items


def parse_line(line: str, source_file: str, line_no: int, gazetteer: Gazetteer) -> list[Statement]:
    """Every statement in one corpus line (several for a digest, none for a blank line)."""
    if not line.strip():
        return []
    source = f"{source_file}:{line_no}"
    digest = digest_items(line)
    if digest is None:
        return [parse_passage(line, line.strip(), source, gazetteer)]
    header, items = digest
    dates = find_dates(header)
    date = dates[0] if dates else None
    return [
        parse_passage(line, item, source, gazetteer, date, may_be_truncated=i == len(items) - 1)
        for i, item in enumerate(items)
    ]
