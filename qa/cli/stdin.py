"""The question of `qa ask` read from standard input: `qa ask -`, or no question with input
piped in (`echo "What did NATO say?" | qa ask`). One question, one line; bytes that are not in
the input's encoding become U+FFFD, as in a chat line."""

from __future__ import annotations

import sys

from qa.errors import QaError

LIMIT = 1 << 16  # bytes: as much as a chat line; the question reader keeps 2,000 characters


class StdinError(QaError):
    """Standard input holds no question, more than one, or more than a question can be."""


def wanted(question: str | None) -> bool:
    """True when the question is to come from standard input: `-`, or none given while the
    input is not a terminal (with a terminal and no question, the usage error stands)."""
    if question == "-":
        return True
    return question is None and sys.stdin is not None and not sys.stdin.isatty()


def read_question(stream=None) -> str:
    """The one question on standard input, without its line end."""
    stream = stream or sys.stdin
    source = getattr(stream, "buffer", None)
    if source is None:  # already text (a test's StringIO)
        raw = stream.read(LIMIT + 1).encode("utf-8", "surrogateescape")
    else:
        raw = source.read(LIMIT + 1)
    if len(raw) > LIMIT:
        raise StdinError(
            f"The question on standard input is longer than {LIMIT // 1024} KiB; ask a shorter one."
        )
    encoding = getattr(stream, "encoding", None) or "utf-8"
    lines = [line.strip() for line in raw.decode(encoding, "replace").splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        raise StdinError("No question given: pass one in quotes, or pipe one line into `qa ask -`.")
    if len(lines) > 1:
        raise StdinError(
            f"`qa ask` reads one question from standard input, and it holds {len(lines)} lines; "
            "pipe them into `qa chat` for one answer a line."
        )
    return lines[0]
