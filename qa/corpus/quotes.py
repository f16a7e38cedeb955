"""Quotation marks in a passage: the spans of quoted words, and the passage with them blanked
out, so that attribution reads only the reporter's words."""

from __future__ import annotations

import re


def mask_quotes(text: str) -> str:
    """The text with the words inside quotation marks blanked out, offsets unchanged."""
    chars = list(text)
    for start, end in find_quotes(text):
        chars[start:end] = " " * (end - start)
    return "".join(chars)


QUOTE_PAIRS = (("“", "”"), ("«", "»"))


# Marks that open and close a quotation alike: straight quotes, and two apostrophes (''so'').
SAME_MARKS = re.compile("\"|''")


def find_quotes(text: str) -> list[tuple[int, int]]:
    """Spans of the words inside quotation marks (straight, two apostrophes, curly or
    guillemets). One pass over the text for each kind of mark: an unclosed mark costs nothing.
    A curly quotation closed by a straight mark, as news often mixes them ('“We will," she
    said'), ends there: that mark opens no quotation of its own."""
    spans = []
    closing = set()  # straight marks that close a curly quotation
    for opener, closer in QUOTE_PAIRS:
        open_at, curly_close = None, -1
        for m in re.finditer(f'[{opener}{closer}"]', text):
            if m.group() == opener and open_at is None:
                open_at = m.start()
                # where this quotation's own closing mark is, before the next one opens
                next_open = text.find(opener, open_at + 1)
                curly_close = text.find(closer, open_at + 1, None if next_open < 0 else next_open)
            elif m.group() == closer and open_at is not None:
                spans.append((open_at + 1, m.start()))
                open_at = None
            elif m.group() == '"' and open_at is not None and curly_close < 0:
                spans.append((open_at + 1, m.start()))
                closing.add(m.start())
                open_at = None
    for mark in ('"', "''"):
        marks = [m.start() for m in SAME_MARKS.finditer(text)
                 if m.group() == mark and m.start() not in closing]  # fmt: skip
        for open_at, close_at in zip(marks[::2], marks[1::2]):
            spans.append((open_at + len(mark), close_at))
    return sorted(s for s in spans if s[1] > s[0])


def quote_text(text: str, span: tuple[int, int]) -> str:
    """The quoted words, verbatim, without a trailing comma the attribution brought."""
    return text[span[0] : span[1]].strip().rstrip(",").strip()


def _mask_quotes(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        for i in range(start, end):
            chars[i] = "§"
    return "".join(chars)
