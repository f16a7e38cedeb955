"""The `qa` command. Every command reads its options (or their environment variables), calls
the engine, and prints; errors from the engine become one sentence on stderr and a non-zero
exit. The shared options are in qa/cli/options.py, `qa index` in qa/cli/indexing.py."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from qa import __version__
from qa.cli import corpus, indexing, serving
from qa.cli.command import Command, check_streams, is_output_error, output_failed, say
from qa.cli.options import (
    AffiliationOption,
    CollectionOption,
    Color,
    ColorOption,
    CorpusOption,
    Format,
    FormatOption,
    IndexDirOption,
    JsonOption,
    ModelOption,
    SinceOption,
    SkipBadOption,
    SpeakerOption,
    StoreOption,
    TopKOption,
    UntilOption,
    UriOption,
    color_of,
    examples,
    fail,
    read_settings,
    warn_skipped,
)
from qa.errors import QaError

app = typer.Typer(
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"qa {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Ask questions of a collection of news statements and get back only what was said:
    exact words, who said them and when.

    Examples:

      $ qa ask "What did Italy say about peacekeepers?"

      $ qa chat

      $ qa statements --speaker Zelensky --format csv > zelensky.csv
    """


@app.command(
    cls=Command,
    epilog=examples(
        "qa statements --speaker Zelensky --by-date",
        "qa statements --affiliation Canada --since Feb. --format markdown",
        "qa statements --format jsonl --corpus news.jsonl > records.jsonl",
    ),
)
def statements(
    speaker: SpeakerOption = None,
    affiliation: AffiliationOption = None,
    date: Annotated[
        str | None,
        typer.Option(
            help="Only statements said on this date or in this month, e.g. 'March 19' or 'January'.",
            envvar="QA_DATE",
        ),
    ] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    by_date: Annotated[
        bool, typer.Option("--by-date", help="Order by date said, newest first.")
    ] = False,
    corpus: CorpusOption = None,
    collection: CollectionOption = None,
    index_dir: IndexDirOption = None,
    skip_bad: SkipBadOption = False,
    output_format: FormatOption = Format.text,
    as_json: Annotated[
        bool, typer.Option("--json", help="The same as --format jsonl (one record per line).")
    ] = False,
    color: ColorOption = Color.auto,
) -> None:
    """List the statement records of the corpus: who said what, when."""
    from qa.answer.listing import select_statements
    from qa.cli.progress import Feedback
    from qa.corpus.loading import load_corpus

    settings = read_settings(corpus=corpus, index_dir=index_dir, collection=collection)
    try:
        with Feedback("Reading the corpus"):
            loaded = load_corpus(list(settings.corpus) or None, skip_bad or settings.skip_bad)
            chosen = select_statements(loaded, speaker, affiliation, date, by_date, since, until)
    except QaError as error:
        fail(error)
    warn_skipped(list(loaded.skipped))
    kind = Format.jsonl if as_json else output_format
    from qa.present import output

    output.records(chosen, kind.value, color_of(color))


@app.command(
    cls=Command,
    epilog=examples(
        'qa ask "What did Italy say about peacekeepers?"',
        'qa ask "security guarantees" --speaker Zelensky --since "Jan. 12"',
        'qa ask "Who said the best security guarantee are the Ukrainians?" --format markdown',
        'qa ask "What did NATO say?" --corpus news.jsonl --collection news',
    ),
)
def ask(
    question: Annotated[str, typer.Argument(help="The question, in quotes.")],
    top_k: TopKOption = None,
    speaker: SpeakerOption = None,
    affiliation: AffiliationOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    corpus: CorpusOption = None,
    collection: CollectionOption = None,
    index_dir: IndexDirOption = None,
    model: ModelOption = None,
    skip_bad: SkipBadOption = False,
    output_format: FormatOption = Format.text,
    as_json: JsonOption = False,
    color: ColorOption = Color.auto,
    store: StoreOption = None,
    uri: UriOption = None,
) -> None:
    """Answer one question with the passages that answer it, quoted and attributed."""
    from qa.answer.compose import answer, explicit_filters
    from qa.answer.engine import Engine
    from qa.cli.progress import Feedback

    settings = read_settings(
        corpus=corpus, index_dir=index_dir, model=model, top_k=top_k, skip_bad=skip_bad,
        collection=collection, store=store, uri=uri,
    )  # fmt: skip
    try:
        with Feedback() as feedback:
            engine = Engine(settings, progress=feedback.report)
            filters = explicit_filters(engine, speaker, affiliation, since, until)
            result = answer(engine, question, filters=filters)
    except QaError as error:
        fail(error)
    warn_skipped(engine.skipped)
    from qa.present import output

    output.answer(result, "json" if as_json else output_format.value, color_of(color))


@app.command(
    cls=Command,
    epilog=examples(
        "qa chat",
        "qa chat --corpus news.jsonl --collection news",
        "printf 'What did NATO say about security guarantees?\\nAnd the EU?\\n' | qa chat",
    ),
)
def chat(
    top_k: TopKOption = None,
    corpus: CorpusOption = None,
    collection: CollectionOption = None,
    index_dir: IndexDirOption = None,
    model: ModelOption = None,
    skip_bad: SkipBadOption = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object per answer.")
    ] = False,
    color: ColorOption = Color.auto,
    store: StoreOption = None,
    uri: UriOption = None,
) -> None:
    """Chat: ask questions and follow-ups; piped input gets one answer per line."""
    from qa.chat.terminal import run_chat

    settings = read_settings(
        corpus=corpus, index_dir=index_dir, model=model, top_k=top_k, skip_bad=skip_bad,
        collection=collection, store=store, uri=uri,
    )  # fmt: skip
    try:
        code = run_chat(settings, as_json=as_json, color=color_of(color))
    except QaError as error:
        fail(error)
    raise typer.Exit(code=code)


@app.command(
    cls=Command,
    epilog=examples(
        "qa speakers",
        "qa speakers Zel",
        "qa speakers --affiliation Canada --sort statements",
        "qa speakers --role minister --format csv",
    ),
)
def speakers(
    name: Annotated[
        str | None, typer.Argument(help="Only speakers whose name contains these letters.")
    ] = None,
    role: Annotated[
        str | None, typer.Option(help="Only speakers whose role contains these words.")
    ] = None,
    affiliation: Annotated[
        str | None,
        typer.Option(help="Only speakers of this country or organisation (or part of its name)."),
    ] = None,
    sort: Annotated[
        str,
        typer.Option(
            help="Order by name, statements (most first), first or last date said, or affiliation."
        ),
    ] = "name",
    corpus: CorpusOption = None,
    collection: CollectionOption = None,
    index_dir: IndexDirOption = None,
    skip_bad: SkipBadOption = False,
    output_format: FormatOption = Format.text,
    as_json: JsonOption = False,
    color: ColorOption = Color.auto,
) -> None:
    """Who is in the corpus: each speaker's role, affiliation, statements and dates."""
    from qa.cli.progress import Feedback
    from qa.corpus.loading import load_corpus
    from qa.corpus.speakers import speakers as find_speakers

    settings = read_settings(corpus=corpus, index_dir=index_dir, collection=collection)
    try:
        with Feedback("Reading the corpus"):
            loaded = load_corpus(list(settings.corpus) or None, skip_bad or settings.skip_bad)
        if affiliation:
            place = loaded.gazetteer.place(affiliation)
            affiliation = place.name if place else affiliation
        found = find_speakers(loaded.statements, loaded.timeline, name, role, affiliation, sort)
    except QaError as error:
        fail(error)
    warn_skipped(list(loaded.skipped))
    from qa.present import output

    output.speakers(found, "json" if as_json else output_format.value, color_of(color))


app.command(cls=Command, epilog=indexing.EPILOG)(indexing.index)
app.command(cls=Command, epilog=serving.EPILOG)(serving.serve)
app.add_typer(corpus.app, name="corpus")


@app.command(
    cls=Command, epilog=examples("qa paths", "qa paths --collection news", "qa paths --json")
)
def paths(
    corpus: CorpusOption = None,
    collection: CollectionOption = None,
    index_dir: IndexDirOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Where qa keeps things: indexes, the chat history, configuration and the bundled data."""
    from qa.present import formats
    from qa.settings import bundled_path, config_dir, default_history_file

    settings = read_settings(corpus=corpus, index_dir=index_dir, collection=collection)
    where = {
        "index root": settings.index_root,
        "this collection": settings.index_dir,
        "chat history": default_history_file(),
        "config": config_dir(),
        "bundled seeds": bundled_path("seeds"),
        "evaluation sets": bundled_path("evals"),
        "package": Path(__file__).resolve().parents[1],
    }
    if as_json:
        typer.echo(formats.json_text({k: str(v) for k, v in where.items()}, indent=1))
        return
    for name, path in where.items():
        typer.echo(f"{name}: {path}")


@app.command(
    "eval",
    cls=Command,
    epilog=examples("qa eval", "qa eval --json", "qa eval --questions evals/heldout.toml"),
)
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
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
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


def pin_threads() -> None:
    """Answering a question multiplies one vector by a few thousand at most: one BLAS and OpenMP
    thread does it fastest, and on a busy machine a thread per core spins instead of working.
    Set before numpy and FAISS load (the command's module loads neither); a value already in
    the environment wins. Index builds take their threads back (see qa/model/embedding.py,
    qa/store/embedded/dense.py). Only the command does this: a program importing qa keeps its
    own thread settings."""
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")


def main() -> None:
    """The console script: usage errors (a bad option, a bad environment value) are one
    sentence on stderr too, not a box of usage text."""
    import click

    pin_threads()
    closed = check_streams()
    if closed is not None:
        sys.exit(closed)
    try:
        code = app(standalone_mode=False)
        sys.stdout.flush()  # help and version text too: a write error is never status 0
    except click.UsageError as error:
        command = error.ctx.command_path if error.ctx else "qa"
        if error.format_message():  # empty when the help was printed for no arguments
            say(f"Error: {error.format_message()} (see `{command} --help`)")
        sys.exit(error.exit_code)
    except click.ClickException as error:
        say(f"Error: {error.format_message()}")
        sys.exit(error.exit_code)
    except (KeyboardInterrupt, click.Abort):
        say("Interrupted.")
        sys.exit(130)
    except Exception as error:  # a bug: say so in one line; QA_DEBUG=1 shows the traceback
        if isinstance(error, OSError) and is_output_error(error):
            sys.exit(output_failed(error))  # --help or --version written to a full disk
        if os.environ.get("QA_DEBUG"):
            raise
        say(f"Internal error ({type(error).__name__}: {error}); set QA_DEBUG=1 for details.")
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)
