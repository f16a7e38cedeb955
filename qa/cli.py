"""The `qa` command. Every command reads its options (or their environment variables), calls
the engine, and prints; errors from the engine become one sentence and a non-zero exit."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from qa.errors import QaError
from qa.settings import ENV_CORPUS, ENV_INDEX_DIR, ENV_MODEL, ENV_SKIP_BAD, ENV_TOP_K, Settings

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Ask questions of a collection of news statements and get back only what was said.",
    pretty_exceptions_enable=False,
)

CorpusOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--corpus",
        help="A corpus file (.txt, .jsonl or .csv); repeat for several. Default: the bundled seeds.",
        envvar=ENV_CORPUS,
        show_default=False,
    ),
]
IndexDirOption = Annotated[
    Path | None,
    typer.Option(
        "--index-dir", help="The folder that holds the built index.", envvar=ENV_INDEX_DIR
    ),
]
ModelOption = Annotated[
    Path | None,
    typer.Option(
        "--model",
        help="A local sentence-transformers model folder to use instead of the bundled one.",
        envvar=ENV_MODEL,
    ),
]
SkipBadOption = Annotated[
    bool,
    typer.Option(
        "--skip-bad",
        help="Skip corpus lines that cannot be read, with a warning for each, instead of stopping.",
        envvar=ENV_SKIP_BAD,
    ),
]
TopKOption = Annotated[
    int | None,
    typer.Option(
        "--top-k", min=1, max=100, help="How many passages to show at most.", envvar=ENV_TOP_K
    ),
]
JsonOption = Annotated[
    bool, typer.Option("--json", help="Print JSON for machines instead of text.")
]
ColorOption = Annotated[
    bool | None,
    typer.Option("--color/--no-color", help="Force colours on or off (default: on for terminals)."),
]


def _settings(corpus, index_dir, model, top_k=None, skip_bad=False) -> Settings:
    return Settings.from_env(
        corpus=corpus, index_dir=index_dir, model=model, top_k=top_k, skip_bad=skip_bad
    )


def _warn_skipped(skipped: list[str]) -> None:
    from qa.render import neutralise

    for line in skipped:
        typer.echo(f"Warning: skipped {neutralise(line)}.", err=True)


def _color(flag: bool | None) -> bool | None:
    if flag is not None:
        return flag
    if os.environ.get("NO_COLOR"):
        return False
    return None


def _fail(error: QaError) -> None:
    from qa.render import neutralise

    typer.echo(f"Error: {neutralise(str(error))}", err=True)
    raise typer.Exit(code=2)


def _progress_printer():
    """A progress bar on stderr for index builds that take more than a moment."""
    state = {"bar": None, "task": None}

    def report(done: int, total: int) -> None:
        if total < 64:
            return
        if state["bar"] is None:
            from rich.console import Console
            from rich.progress import Progress

            state["bar"] = Progress(transient=True, console=Console(stderr=True))
            state["bar"].start()
            state["task"] = state["bar"].add_task("Embedding statements", total=total)
        state["bar"].update(state["task"], completed=done)
        if done >= total:
            state["bar"].stop()

    return report


@app.command()
def statements(
    corpus: CorpusOption = None,
    speaker: Annotated[
        str | None, typer.Option(help="Only statements by this speaker (name or surname).")
    ] = None,
    affiliation: Annotated[
        str | None, typer.Option(help="Only statements by this country or organisation.")
    ] = None,
    date: Annotated[
        str | None,
        typer.Option(
            help="Only statements said on this date or in this month, e.g. 'March 19' or 'January'."
        ),
    ] = None,
    by_date: Annotated[
        bool, typer.Option("--by-date", help="Order by date said, newest first.")
    ] = False,
    skip_bad: SkipBadOption = False,
    as_json: JsonOption = False,
    color: ColorOption = None,
) -> None:
    """List the statement records of the corpus: who said what, when."""
    from qa.corpus import load_corpus
    from qa.listing import select_statements

    try:
        loaded = load_corpus(list(corpus) if corpus else None, skip_bad)
        chosen = select_statements(loaded, speaker, affiliation, date, by_date)
    except QaError as error:
        _fail(error)
    _warn_skipped(list(loaded.skipped))
    if as_json:
        for s in chosen:
            typer.echo(json.dumps(s.to_json(), ensure_ascii=False))
        return
    from qa.render import make_console, render_statements

    render_statements(make_console(_color(color)), chosen)


@app.command()
def index(
    corpus: CorpusOption = None,
    index_dir: IndexDirOption = None,
    model: ModelOption = None,
    skip_bad: SkipBadOption = False,
) -> None:
    """Build (or rebuild) the search index for the corpus."""
    from qa.embedding import Encoder, resolve_model
    from qa.index import build

    settings = _settings(corpus, index_dir, model, skip_bad=skip_bad)
    try:
        encoder = Encoder(resolve_model(settings.model, settings.index_dir))
        built = build(
            list(settings.corpus) or None,
            settings.index_dir,
            encoder,
            _progress_printer(),
            skip_bad=settings.skip_bad,
        )
    except QaError as error:
        _fail(error)
    _warn_skipped(built.manifest["corpus"]["skipped"])
    counts = built.manifest["counts"]
    if not built.built:
        typer.echo(
            f"The index in {built.folder} is up to date ({counts['statements']} statements)."
        )
        return
    typer.echo(
        f"Indexed {counts['statements']} statements in {built.folder} "
        f"({counts['embedded']} embedded, {counts['reused']} reused; "
        f"FAISS {built.manifest['faiss']['type']})."
    )


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="The question, in quotes.")],
    top_k: TopKOption = None,
    speaker: Annotated[
        str | None, typer.Option(help="Only statements by this speaker.", envvar="QA_SPEAKER")
    ] = None,
    affiliation: Annotated[
        str | None,
        typer.Option(
            help="Only statements by this country or organisation.", envvar="QA_AFFILIATION"
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            help="Only statements said on or after this date, e.g. 'Feb. 1' or 'March'.",
            envvar="QA_SINCE",
        ),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(help="Only statements said on or before this date.", envvar="QA_UNTIL"),
    ] = None,
    corpus: CorpusOption = None,
    index_dir: IndexDirOption = None,
    model: ModelOption = None,
    skip_bad: SkipBadOption = False,
    as_json: JsonOption = False,
    color: ColorOption = None,
) -> None:
    """Answer one question with the passages that answer it, quoted and attributed."""
    from qa.answer import Engine, answer, explicit_filters

    settings = _settings(corpus, index_dir, model, top_k, skip_bad)
    try:
        engine = Engine(settings, progress=None if as_json else _progress_printer())
        filters = explicit_filters(engine, speaker, affiliation, since, until)
        result = answer(engine, question, filters=filters)
    except QaError as error:
        _fail(error)
    _warn_skipped(engine.skipped)
    if as_json:
        typer.echo(json.dumps(result.to_json(), ensure_ascii=False))
        return
    from qa.render import make_console, render_answer

    render_answer(make_console(_color(color)), result)


@app.command()
def chat(
    top_k: TopKOption = None,
    corpus: CorpusOption = None,
    index_dir: IndexDirOption = None,
    model: ModelOption = None,
    skip_bad: SkipBadOption = False,
    as_json: JsonOption = False,
    color: ColorOption = None,
) -> None:
    """Chat: ask questions and follow-ups; piped input gets one answer per line."""
    from qa.chat import run_chat

    settings = _settings(corpus, index_dir, model, top_k, skip_bad)
    try:
        code = run_chat(settings, as_json=as_json, color=_color(color))
    except QaError as error:
        _fail(error)
    raise typer.Exit(code=code)


@app.command("eval")
def evaluate(
    questions: Annotated[
        Path | None,
        typer.Option(
            "--questions",
            help="One evaluation file (default: the tuning and held-out parts in evals/).",
        ),
    ] = None,
    index_dir: IndexDirOption = None,
    as_json: JsonOption = False,
) -> None:
    """Measure the product against plain dense and plain BM25 retrieval on the evaluation set."""
    from qa.evaluation import run_parts

    settings = _settings(None, index_dir, None)
    try:
        reports = run_parts(settings, {"tuning": questions} if questions else None)
    except QaError as error:
        _fail(error)
    if as_json:
        parts = [r.to_json() for r in reports]
        typer.echo(json.dumps(parts[0] if questions else parts, ensure_ascii=False, indent=2))
        return
    from qa.render import make_console, render_evaluation

    for report in reports:
        render_evaluation(make_console(width=160), report)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted.\n")
        sys.exit(130)
    except Exception as error:  # a bug: say so in one line; QA_DEBUG=1 shows the traceback
        if os.environ.get("QA_DEBUG"):
            raise
        sys.stderr.write(
            f"Internal error ({type(error).__name__}: {error}); set QA_DEBUG=1 for details.\n"
        )
        sys.exit(1)
