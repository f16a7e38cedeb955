"""Whole news articles cut into statements: the sentence or sentences that carry one attribution,
with quotes that run across sentences or paragraphs kept whole, each passage a verbatim piece of
the article found again by its paragraph and character offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime

from qa.corpus.dates import (
    find_dates,
    find_relative_dates,
    resolve_relative,
    speech_date,
    year_of,
)
from qa.corpus.gazetteer import Gazetteer
from qa.corpus.quotes import mask_quotes
from qa.corpus.statements import SaidOn, Statement
from qa.errors import CorpusError

# A period after one of these ends no sentence ("Sen. Mary Quinlan", "Jan. 5").
TITLES = {
    "mr", "mrs", "ms", "dr", "sen", "sens", "rep", "reps", "gov", "gen", "lt", "col", "sgt",
    "capt", "prof", "rev", "st", "ft", "mt", "jr", "sr", "no", "vs", "inc", "corp", "co", "ltd",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "pres",
    "atty", "supt", "det", "cpl", "pvt", "adm", "cmdr", "maj", "messrs", "mmes",
}  # fmt: skip
# After an initialism ("U.S.", "D.C.") a sentence ends only when one of these words follows.
SENTENCE_STARTERS = {
    "the", "a", "an", "he", "she", "it", "they", "we", "i", "you", "but", "and", "in", "on",
    "at", "this", "that", "these", "those", "there", "his", "her", "their", "its", "our", "as",
    "if", "when", "while", "after", "before", "for", "so", "yet", "still", "however", "now",
}  # fmt: skip
_BOUNDARY = re.compile(r"[.!?…]+(?:[\"”’'»)\]]|'')*(?=\s+[\"“'‘«(\[]*[A-Z0-9])")
_LAST_WORD = re.compile(r"([\w.’'-]+)$")
# Quotation marks: curly and guillemets open and close; straight ones (and the two-apostrophe
# quotes some papers print) open when closed and close when open.
_QUOTE_MARK = re.compile(r"''|[\"“”«»]")
MAX_UNIT_SENTENCES = 12  # a stray quotation mark never swallows a whole article


@dataclass(frozen=True)
class Article:
    """One article: its full text (offsets count from its first character), where it came
    from, its publication date, and whether the text opens with its headline."""

    text: str
    label: str  # "file.txt", or "file.jsonl:3" for the third record of a JSONL file
    published: date | None = None
    headline: bool = True  # a JSONL record keeps its headline in "title", not in "text"


@dataclass(frozen=True)
class Unit:
    """A run of sentences kept together: one sentence, or several that one quote spans."""

    paragraph: int  # 0 is the headline, 1 the first paragraph of the body
    start: int
    end: int

    def source(self, label: str) -> str:
        return f"{label}:p{self.paragraph}:{self.start}-{self.end}"


def paragraphs(text: str, headline: bool = True) -> list[tuple[int, int]]:
    """Spans of the paragraphs: the headline (the first non-blank line) when the text has one,
    then blocks separated by blank lines, or single lines when the body has no blank line."""
    lines = []
    for m in re.finditer(r"[^\n]*\S[^\n]*", text):
        stripped = m.group().strip()
        start = m.start() + m.group().index(stripped)
        lines.append((start, start + len(stripped)))
    head, body = (lines[:1], lines[1:]) if headline else ([], lines)
    if not body or not re.search(r"\n[ \t\r]*\n", text[body[0][0] :]):
        return head + body
    spans: list[tuple[int, int]] = []
    for start, end in body:
        if spans and text.count("\n", spans[-1][1], start) == 1:
            spans[-1] = (spans[-1][0], end)  # a line wrapped inside a paragraph
        else:
            spans.append((start, end))
    return head + spans


def sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans inside text[start:end]."""
    spans, begin = [], start
    for m in _BOUNDARY.finditer(text, start, end):
        if not _ends_sentence(text, m):
            continue
        spans.append((begin, m.end()))
        begin = m.end()
        while begin < end and text[begin].isspace():
            begin += 1
    if begin < end:
        spans.append((begin, end))
    return spans


def _ends_sentence(text: str, m: re.Match) -> bool:
    if m.group()[0] != ".":
        return True
    word = _LAST_WORD.search(text, max(0, m.start() - 20), m.start())
    token = word.group(1) if word else ""
    bare = token.lower().strip("’'")
    if "." not in m.group()[1:] and (bare in TITLES or re.fullmatch(r"[A-Z]", token)):
        return False  # "Sen. Quinlan", "John F. Kennedy"
    if re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", token):  # "U.S.", "D.C."
        following = re.match(r"\s+[\"“'‘(]*([\w’']+)", text[m.end() : m.end() + 40])
        return bool(following) and following.group(1).lower() in SENTENCE_STARTERS
    return True


def _quote_open_after(text: str, start: int, end: int, open_: bool) -> bool:
    """Whether a quotation is still open at `end`, given the state at `start`."""
    for m in _QUOTE_MARK.finditer(text, start, end):
        mark = m.group()
        if mark in "“«":
            open_ = True
        elif mark in "”»":
            open_ = False
        else:
            open_ = not open_
    return open_


def _opens_with_quote(text: str, start: int) -> bool:
    return bool(re.match(r"''|[\"“«]", text[start : start + 2]))


def units(text: str, headline: bool = True) -> list[Unit]:
    """The article cut into units: sentences, joined while a quotation runs on. A paragraph that
    ends inside a quotation continues into the next when that one opens with a quotation mark
    (the news convention for a quote of several paragraphs)."""
    result: list[Unit] = []
    current: list = []  # [paragraph, start, end, sentence count]
    open_ = False
    first = 0 if headline else 1  # paragraph 0 is the headline
    for number, (p_start, p_end) in enumerate(paragraphs(text, headline), start=first):
        continues = open_ and current and _opens_with_quote(text, p_start)
        if not continues:
            if current:
                result.append(Unit(*current[:3]))
            current, open_ = [], False
        for index, (s_start, s_end) in enumerate(sentences(text, p_start, p_end)):
            scan_from = s_start
            if continues and index == 0:
                scan_from = s_start + (2 if text.startswith("''", s_start) else 1)
            if current and (open_ and current[3] < MAX_UNIT_SENTENCES):
                current[2], current[3] = s_end, current[3] + 1
            else:
                if current:
                    result.append(Unit(*current[:3]))
                current, open_ = [number, s_start, s_end, 1], False
            open_ = _quote_open_after(text, scan_from, s_end, open_)
    if current:
        result.append(Unit(*current[:3]))
    return result


def _attributed(statement: Statement) -> bool:
    return bool(statement.speaker or statement.role or statement.source_mention)


def article_statements(article: Article, gazetteer: Gazetteer) -> list[Statement]:
    """The statements of one article: every unit that names a source or quotes someone, with a
    quote-only unit right after an attributed one in the same paragraph joined to it (the
    speaker goes on), and the headline when it names who speaks. The reporter's own narration
    is not a statement of anyone and is left out. References ("he said", "Quinlan added") are
    resolved within the article."""
    from qa.corpus.parser import parse_passage
    from qa.corpus.references import resolve_references

    text = article.text
    kept: list[tuple[Unit, Statement]] = []
    all_units = units(text, article.headline)
    for unit in all_units:
        passage = text[unit.start : unit.end]
        statement = parse_passage(passage, passage, unit.source(article.label), gazetteer)
        if unit.paragraph == 0:  # a headline counts when it says who speaks ("X says Y")
            if _attributed(statement):
                kept.append((unit, statement))
            continue
        previous = kept[-1] if kept else None
        if (
            previous is not None
            and not _attributed(statement)
            and statement.quotes
            and _opens_with_quote(text, unit.start)
            and previous[0].paragraph == unit.paragraph
            and _attributed(previous[1])
        ):
            joined = Unit(unit.paragraph, previous[0].start, unit.end)
            passage = text[joined.start : joined.end]
            statement = parse_passage(passage, passage, joined.source(article.label), gazetteer)
            kept[-1] = (joined, statement)
            continue
        if _attributed(statement) or statement.quotes:
            kept.append((unit, statement))
    every = [(u.paragraph, u.start, u.end) for u in all_units]
    statements = resolve_references(text, every, {u.start: s for u, s in kept}, gazetteer)
    if article.published is not None:
        statements = [date_from_publication(s, article.published) for s in statements]
    return statements


def date_from_publication(statement: Statement, published: date) -> Statement:
    """Give a statement with no written date the day its relative date words mean ("said
    Tuesday", "last week"), and a written date with no year ("said on March 4") the year that
    puts it on or before the publication day, or after it when the speech verb speaks of the
    future ("will speak on Nov. 4"); both marked as computed from that date. Only a date in the
    speech verb's own clause counts: a date inside a quotation, or of an event the statement
    talks about ("said the vote on Monday was lost"), dates no speech, and a written date
    found there (with no year) is dropped."""
    said = statement.said_on
    if said is not None and (said.year is not None or said.inferred or said.month and not said.day):
        return statement
    from qa.corpus.cues import CUE_PATTERN

    masked = _without_quotations(statement.passage)  # a date inside a quote is what was said
    cues = [statement.cue] if statement.cue else []
    if not statement.cue or statement.cue.lower().startswith("according"):
        # "he said Tuesday" has no cue of its own; "according to ..., who said Friday" has two.
        first = CUE_PATTERN.search(masked)
        cues += [first.group(1)] if first else []
    stamp = published.isoformat()
    if said is not None:  # a month and day written without a year
        written = [d for d in find_dates(masked) if d.text == said.text and d.year is None]
        for cue in dict.fromkeys(cues):
            found = speech_date(masked, cue, written)
            if found:
                year = year_of(said.month, said.day, published, future=found[1])
                return replace(statement, said_on=replace(said, year=year, relative_to=stamp))
        statement = replace(statement, said_on=None)
    for cue in dict.fromkeys(cues):
        found = speech_date(masked, cue, find_relative_dates(masked))
        mention = resolve_relative(found[0].text, published, found[1]) if found else None
        if mention is not None:
            said = replace(SaidOn.written(mention), relative_to=stamp)
            return replace(statement, said_on=said)
    return statement


def _without_quotations(passage: str) -> str:
    """The passage with every quotation blanked out, including one whose closing mark is in
    another passage (a quote that runs on past the passage's end, or began before it)."""
    masked = mask_quotes(passage)
    opening = max(masked.rfind("“"), masked.rfind("«"))
    if opening >= 0 and not re.search("[”»]", masked[opening:]):
        masked = masked[: opening + 1] + " " * (len(masked) - opening - 1)
    closing = min((i for i in (masked.find("”"), masked.find("»")) if i >= 0), default=-1)
    if closing >= 0 and not re.search("[“«]", masked[:closing]):
        masked = " " * closing + masked[closing:]
    return masked


def publication_date(value, where: str) -> date | None:
    """A publication date from a TOML date or an ISO string ("2016-09-12", or a timestamp
    that starts with one); None when absent."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value.date() if isinstance(value, datetime) else value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            pass
    raise CorpusError(f"{where}: published must be a date written 2016-09-12.")


def read_article(text: str, label: str, published, where: str, headline: bool = True) -> Article:
    """An article from its text, with a publication date as its corpus gives it."""
    if not paragraphs(text, headline)[1 if headline else 0 :]:
        what = "a headline but no article text after it" if headline else "no article text"
        raise CorpusError(f"{where} has {what}.")
    return Article(text, label, publication_date(published, where), headline)
