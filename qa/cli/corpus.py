"""`qa corpus check`: what qa reads from a corpus, file by file, before any question is asked."""

from __future__ import annotations

from typing import Annotated

import typer

from qa.cli.command import Command
from qa.cli.options import (
    CollectionOption,
    CorpusOption,
    IndexDirOption,
    examples,
    fail,
    read_settings,
)
from qa.errors import QaError

app = typer.Typer(
    help="Check what qa reads from a corpus, file by file, before any question is asked.",
    epilog=examples("qa corpus check --corpus news/"),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.command(
    cls=Command,
    epilog=examples(
        "qa corpus check",
        "qa corpus check --corpus news/",
        "qa corpus check --corpus news.jsonl --json",
    ),
)
def check(
    corpus: CorpusOption = None,
    collection: CollectionOption = None,
    index_dir: IndexDirOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Print, for each corpus file and in total, what qa reads from it: statements, dated,
    inferred or undated, speakers named, resolved or missing, quotes and paraphrases, and the
    lines it cannot read, with why."""
    from qa.cli.progress import Feedback
    from qa.corpus.inventory import inventory
    from qa.corpus.loading import load_corpus

    settings = read_settings(corpus=corpus, index_dir=index_dir, collection=collection)
    try:
        with Feedback("Reading the corpus"):
            # Bad lines are counted and listed here, not stopped at.
            found = inventory(load_corpus(list(settings.corpus) or None, skip_bad=True))
    except QaError as error:
        fail(error)
    if as_json:
        from qa.present import formats

        typer.echo(formats.json_text(formats.versioned(found.to_json()), indent=1))
        return
    from qa.present.formats import neutralise

    units = []
    for report in found.files:
        unit = "line" if report.format in {"text", "markdown"} else "record"
        units.append(unit)
        typer.echo(f"{neutralise(report.label)}: {_how(report)}; {_read(report.figures, unit)}")
        typer.echo(f"  {_figures(report.figures)}")
        for line in report.skipped:
            typer.echo(f"  skipped {neutralise(line)}")
    total, files = found.total, len(found.files)
    unit = units[0] if len(set(units)) == 1 else "line or record"
    typer.echo(f"Total, {_count(files, 'file')}: {_read(total, unit)}")
    typer.echo(f"  {_figures(total)}")
    if total.skipped:
        typer.echo(
            f"{_count(total.skipped, 'line')} cannot be read: the other commands stop at the "
            "first unless given --skip-bad (or QA_SKIP_BAD=1)."
        )


def _how(report) -> str:
    read = {
        "lines": "one statement a line",
        "article": "one article",
        "articles": "each record an article",
        "records": "one statement a record",
    }[report.read_as]
    facts = [f"{report.format}, {read}"]
    if report.year:
        facts.append(f"year {report.year} declared")
    if report.published:
        facts.append(f"published {report.published}")
    return ", ".join(facts)


def _read(figures, unit: str) -> str:
    return f"{_count(figures.read, unit)} read, {figures.blank} blank, {figures.skipped} skipped"


def _figures(figures) -> str:
    kinds = ", ".join(_count(n, kind) for kind, n in figures.kinds.items())
    repeated = f" (and {figures.repeated} repeated, folded)" if figures.repeated else ""
    return (
        f"{_count(figures.statements, 'statement')}{repeated}: "
        f"dated {figures.dated} ({figures.dated_with_year} with a year), "
        f"inferred {figures.inferred}, undated {figures.undated}; "
        f"speaker named {figures.named}, resolved {figures.resolved}, none {figures.unresolved}; "
        f"{kinds}"
    )


def _count(number: int, noun: str) -> str:
    if number == 1 or noun == "mixed":
        return f"{number} {noun}"
    return f"{number} {'lines or records' if noun == 'line or record' else noun + 's'}"
