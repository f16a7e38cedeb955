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
    guillemets). One pass over the text for each kind of mark: an unclosed mark costs nothing."""
    spans = []
    for mark in ('"', "''"):
        marks = [m.start() for m in SAME_MARKS.finditer(text) if m.group() == mark]
        for open_at, close_at in zip(marks[::2], marks[1::2]):
            spans.append((open_at + len(mark), close_at))
    for opener, closer in QUOTE_PAIRS:
        open_at = None
        for m in re.finditer(f"[{opener}{closer}]", text):
            if m.group() == opener and open_at is None:
                open_at = m.start()
            elif m.group() == closer and open_at is not None:
                spans.append((open_at + 1, m.start()))
                open_at = None
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
