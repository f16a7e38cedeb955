"""Turns one corpus line into statement records: quotes, speaker, cue, channel, date, kind.

Nothing is guessed. What the line does not say stays None; facts the line does not state come
only from the gazetteer and are marked so.
"""

from __future__ import annotations

import re

from qa.corpus.clauses import _find_attributions, _Found, _main
from qa.corpus.cues import is_title_case
from qa.corpus.dates import DateMention, find_dates
from qa.corpus.gazetteer import Gazetteer
from qa.corpus.quotes import _mask_quotes, find_quotes, quote_text
from qa.corpus.statements import SaidOn, Statement, statement_id

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
CHANNEL_PLATFORMS = (
    "X|Twitter|Facebook|Telegram|Instagram|TikTok|YouTube|LinkedIn|Bluesky|Truth Social|Threads"
)
_SPEECH_EVENT_DATE = re.compile(
    r"\b(?:interview|statement|speech|address|video|post|remarks|briefing|message)\b"
    r"[^.]{0,80}?\b(?:released|published|aired|broadcast|posted|given|delivered|held)\s+on\s+$"
)
_DIGEST = re.compile(r"^(?P<header>[^*•:]{1,120}):\s*(?=[*•]\s)")
_BULLET = re.compile(r"(?:^|\s)[*•]\s+")


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


# People someone has ("Quinlan's family", "his aide"): they speak for themselves.
OWNED_PEOPLE = (
    r"(?:family|relatives|aides?|spokes(?:man|woman|person)|lawyers?|attorneys?|advisers?|"
    r"advisors?|staff|staffers|wife|husband|son|daughter|mother|father|brother|sister|friends?|"
    r"allies|supporters|doctors?|physician|surrogates?|representatives?)"
)


def _owned(masked: str, speaker: str | None) -> str | None:
    """The words "Quinlan's family" when the speaker's name is written only as the owner of
    someone lower-case (a family, an aide, a lawyer) and never on its own."""
    if not speaker or speaker.endswith(("'s", "’s")) or " " in speaker and "'" in speaker:
        return None
    name = re.escape(speaker)
    if re.search(rf"\b{name}\b(?![’']s\b)", masked):
        return None
    m = re.search(rf"\b{name}[’']s\s+(?:[a-z][\w-]*\s+){{0,2}}?{OWNED_PEOPLE}\b", masked)
    return m.group() if m else None


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
    main = _main(found, masked)
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
    owned = _owned(masked, speaker)
    if owned is not None:  # "Quinlan's family said": the family speaks, not Quinlan
        speaker = speaker_as_written = None
        role = role_from = affiliation = affiliation_from = None
    source_mention = speaker_from = None
    if owned is not None:
        source_mention = owned
    elif main is not None and speaker is None and main.who.phrase in passage:
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
