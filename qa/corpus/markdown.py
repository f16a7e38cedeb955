"""A Markdown file read as one article. Only what marks the structure is read as Markdown: the
first `# ` heading is the headline, other headings, list items and block quotes begin
paragraphs of their own (a block quote's later lines are text), a front matter block (between `---` lines at the top) is left out
and its `date` or `published` is the publication date, and rules (`---`) and the `===` under
a heading are left out. Everything else (emphasis, links, code) is text, so every passage is
a verbatim piece of the file.

The marks are replaced by line breaks and spaces of the same length: offsets into the article
are offsets into the file, and no passage (which never starts or ends with a space) can hold
one."""

from __future__ import annotations

import re
from dataclasses import dataclass

# A heading, list item or block quote mark at the start of a line, with the space after it.
_BLOCK_MARK = re.compile(r"^([ \t]{0,3})(#{1,6}(?=[ \t]|$)|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t])|>)")
_RULE = re.compile(r"^[ \t]{0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,}|=+[ \t]*)$")
_FRONT_DATE = re.compile(r"^(?:date|published)[ \t]*:[ \t]*[\"']?([^\"'\n]*)", re.MULTILINE)


@dataclass(frozen=True)
class Page:
    """A Markdown file as an article: its text with the marks blanked, whether it opens with
    a headline, and the publication date its front matter gives (as written), if any."""

    text: str
    headline: bool
    published: str | None


def read_page(text: str) -> Page:
    """The article of a Markdown file's text (line breaks already "\\n")."""
    lines = text.split("\n")
    original = list(lines)
    published = None
    start = 0
    if lines and lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() in {"---", "..."}), None)
        if end is not None:
            front = "\n".join(lines[1:end])
            found = _FRONT_DATE.search(front)
            published = found.group(1).strip() or None if found else None
            for i in range(end + 1):
                lines[i] = " " * len(lines[i])
            start = end + 1
    headline = False
    first = True
    for i in range(start, len(lines)):
        line = lines[i]
        if not line.strip():
            continue
        if _RULE.match(line):
            lines[i] = " " * len(line)
            continue
        mark = _BLOCK_MARK.match(line)
        if first:
            headline = bool(mark and mark.group(2) == "#") or _setext(lines, i)
            first = False
        quoted_on = mark and mark.group(2) == ">" and i > 0 and original[i - 1].lstrip()[:1] == ">"
        if mark and not quoted_on:  # a quote's later lines keep their ">": it is inside passages
            lines[i] = _blanked(line, mark)
    return Page("\n".join(lines), headline, published)


def _setext(lines: list[str], i: int) -> bool:
    """Whether line i is a heading underlined with `===`."""
    return i + 1 < len(lines) and bool(re.fullmatch(r"[ \t]{0,3}=+[ \t]*", lines[i + 1]))


def _blanked(line: str, mark: re.Match) -> str:
    """The line with its mark made line breaks: the paragraph it begins stands alone (the
    break before it and the mark's make a blank line)."""
    return mark.group(1) + "\n" * len(mark.group(2)) + line[mark.end() :]
