"""What a loaded corpus holds, file by file: how each file was read, the statements it gave
(counted once, in the first file that gave them), how many are dated, dated by their place
in a feed (inferred) or undated, whose speaker is named, resolved from another sentence or
missing, how many are quotes or paraphrases, and the lines skipped. Every figure is counted
from the statement records the index is built from."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path

from qa.corpus.loading import Corpus, CorpusFile
from qa.corpus.statements import KINDS, Statement


@dataclass
class Figures:
    """Counts of statement records (and of the lines they came from)."""

    read: int = 0  # lines (text, Markdown) or records (JSONL, CSV, JSON) read
    blank: int = 0  # blank lines
    skipped: int = 0  # lines or records that could not be read
    statements: int = 0  # statements first met here
    repeated: int = 0  # statements met in an earlier file (or earlier in this one), folded
    dated: int = 0  # a date of their own (written, or computed from a publication date)
    dated_with_year: int = 0
    inferred: int = 0  # dated by their place between dated statements of a feed
    undated: int = 0
    named: int = 0  # speaker named in the passage (or by the gazetteer, from an alias)
    resolved: int = 0  # speaker named in another sentence of the same article
    unresolved: int = 0  # no speaker
    kinds: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))

    def count(self, statement: Statement) -> None:
        self.statements += 1
        said = statement.said_on
        if said is not None and said.inferred:
            self.inferred += 1
        elif said is not None and said.month is not None:
            self.dated += 1
            self.dated_with_year += said.year is not None
        else:
            self.undated += 1
        if statement.speaker is None:
            self.unresolved += 1
        elif statement.speaker_from == "resolved":
            self.resolved += 1
        else:
            self.named += 1
        self.kinds[statement.kind] = self.kinds.get(statement.kind, 0) + 1

    def add(self, other: Figures) -> None:
        for item in fields(self):
            if item.name != "kinds":
                setattr(self, item.name, getattr(self, item.name) + getattr(other, item.name))
        for kind, number in other.kinds.items():
            self.kinds[kind] = self.kinds.get(kind, 0) + number

    def to_json(self) -> dict:
        return {item.name: getattr(self, item.name) for item in fields(self)}


@dataclass(frozen=True)
class FileReport:
    """One corpus file: how it was read and what it gave."""

    path: Path
    label: str
    format: str  # text, markdown, jsonl, csv, json
    read_as: str  # lines, article (the whole file), articles (each record), records
    year: int | None  # the year its metadata declares
    published: str | None  # the publication date its metadata gives (ISO)
    figures: Figures
    skipped: tuple[str, ...]

    def to_json(self) -> dict:
        return {
            "path": str(self.path),
            "label": self.label,
            "format": self.format,
            "read_as": self.read_as,
            "year": self.year,
            "published": self.published,
            **self.figures.to_json(),
            "skipped_lines": list(self.skipped),
        }


@dataclass(frozen=True)
class Inventory:
    files: tuple[FileReport, ...]
    total: Figures

    def to_json(self) -> dict:
        return {
            "files": [f.to_json() for f in self.files],
            "total": {"files": len(self.files), **self.total.to_json()},
        }


def inventory(corpus: Corpus) -> Inventory:
    """The figures of every file of a loaded corpus, and their sum."""
    records = {s.id: s for s in corpus.statements}
    seen: set[str] = set()
    reports, total = [], Figures()
    for file in corpus.files:
        figures = Figures(skipped=len(file.skipped))
        _count_rows(file, figures)
        for statement_id in file.statement_ids:
            if statement_id in seen:
                figures.repeated += 1
                continue
            seen.add(statement_id)
            figures.count(records[statement_id])
        published = file.meta.get("published")
        reports.append(
            FileReport(
                file.path,
                file.label,
                file.format,
                _read_as(file),
                file.meta.get("year"),
                published.isoformat() if published else None,
                figures,
                file.skipped,
            )  # fmt: skip
        )
        total.add(figures)
    return Inventory(tuple(reports), total)


def _count_rows(file: CorpusFile, figures: Figures) -> None:
    if file.format not in {"text", "markdown"}:
        figures.read += len(file.rows)  # records (one whose text is empty too)
        return
    rows = list(file.rows)
    if rows and not rows[-1].text:
        rows.pop()  # what follows the last line break is no line
    prefix = f"{file.path}:"
    unreadable = {  # lines skipped, kept as empty rows so that line numbers hold
        int(number)
        for line in file.skipped
        if line.startswith(prefix) and (number := line[len(prefix) :].split(" ", 1)[0]).isdigit()
    }
    for row in rows:
        if row.text.strip():
            figures.read += 1
        elif row.line_no not in unreadable:
            figures.blank += 1


def _read_as(file: CorpusFile) -> str:
    if file.format in {"text", "markdown"}:
        return "article" if file.meta.get("articles") else "lines"
    return "articles" if file.meta.get("articles") else "records"
