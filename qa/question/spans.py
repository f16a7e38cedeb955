"""Stretches of a question's text: a span read like a regular-expression match, and whether
one overlaps the stretches a reader has already taken."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    """A stretch of the question read like a regular-expression match."""

    string: str
    begin: int
    finish: int

    def group(self, _=0) -> str:
        return self.string[self.begin : self.finish]

    def span(self) -> tuple[int, int]:
        return self.begin, self.finish

    def start(self) -> int:
        return self.begin

    def end(self) -> int:
        return self.finish


def overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    """Whether a stretch overlaps any of those taken."""
    return any(span[0] < end and start < span[1] for start, end in taken)
