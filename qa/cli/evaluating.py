"""`qa eval`: the product against plain dense and plain BM25 retrieval on the evaluation set."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qa.cli.options import IndexDirOption, StoreOption, UriOption, examples, fail, read_settings
from qa.errors import QaError

EPILOG = examples("qa eval", "qa eval --json", "qa eval --questions evals/heldout.toml")


def evaluate(
    questions: Annotated[
        Path | None,
        typer.Option(
            "--questions",
            help="One evaluation file, over the corpus its `corpus` key names (default: every "
            "part in evals/, the real-news parts when their corpus is there).",
            show_default="evals/questions.toml, heldout.toml, news.toml, news_heldout.toml",
        ),
    ] = None,
    index_dir: IndexDirOption = None,
    as_json: Annotated[
        bool, typer.Option("--json", "-j", help="Print the report as JSON.")
    ] = False,
    store: StoreOption = None,
    uri: UriOption = None,
) -> None:
    """Measure the product against plain dense and plain BM25 retrieval on the evaluation set:
    the bundled seeds' parts and, when ../shared/real/polnear-dev is there, the real-news parts."""
    from qa.cli.progress import Feedback
    from qa.evaluation.questions import part_of
    from qa.evaluation.report import run_parts
    from qa.present import formats

    settings = read_settings(index_dir=index_dir, store=store, uri=uri)
    try:
        with Feedback("Answering the evaluation questions"):
            reports = run_parts(settings, {part_of(questions): questions} if questions else None)
    except QaError as error:
        fail(error)
    if as_json:
        parts = [r.to_json() for r in reports]
        typer.echo(formats.json_text(parts[0] if questions else parts, indent=2))
        return
    from qa.present.render import make_console, render_evaluation

    for report in reports:
        render_evaluation(make_console(width=160), report)
