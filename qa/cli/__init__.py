"""The `qa` command. Every command reads its options (or their environment variables), calls
the engine, and prints; errors from the engine become one sentence on stderr and a non-zero
exit. The shared options are in qa/cli/options.py, `qa index` in qa/cli/indexing.py."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from qa import __version__
from qa.cli import corpus, evaluating, indexing, paths, serving
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
    PagerOption,
    SinceOption,
    SkipBadOption,
    Sort,
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
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"qa {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Ask questions of a collection of news statements and get back only what was said:
    exact words, who said them and when. Options come from the command line, then QA_*
    environment variables, then the configuration file (`qa paths` shows where), then the
    defaults.

    Examples:

      $ qa ask "What did Italy say about peacekeepers?"

      $ qa chat

      $ qa statements --speaker Zelensky --format csv > zelensky.csv
    """
    from qa.cli.config import defaults

    try:
        ctx.default_map = defaults(ctx.command)
    except QaError as error:
        fail(error)


@app.command(
    cls=Command,
    epilog=examples(
        "qa statements --speaker Zelensky --by-date",
        "qa statements --affiliation Canada --since Feb. --format markdown",
        "qa statements -f jsonl -c news.jsonl > records.jsonl",
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
        bool,
        typer.Option("--json", "-j", help="The same as --format jsonl (one record per line)."),
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
        'echo "What did Canada say?" | qa ask -k 3 -j',
        'qa ask -e "What did Japan say?" || echo "nothing answers"',
    ),
)
def ask(
    question: Annotated[
        str | None,
        typer.Argument(
            help="The question, in quotes. With - (or none, while input is piped in), the one "
            "line on standard input.",
            show_default=False,
        ),
    ] = None,
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
    pager: PagerOption = True,
    exit_status: Annotated[
        bool,
        typer.Option(
            "--exit-status",
            "-e",
            help="Exit with status 1 when nothing answers (without it: 0, answered or not).",
            envvar="QA_EXIT_STATUS",
        ),
    ] = False,
) -> None:
    """Answer one question with the passages that answer it, quoted and attributed."""
    from qa.answer.compose import answer, explicit_filters
    from qa.answer.engine import Engine
    from qa.cli import stdin
    from qa.cli.progress import Feedback

    if stdin.wanted(question):
        try:
            question = stdin.read_question()
        except QaError as error:
            fail(error)
    elif question is None:
        fail("No question given: pass one in quotes, or pipe one line into `qa ask -`.")

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
    kind = "json" if as_json else output_format.value
    if kind == "text":
        from qa.chat.pager import show
        from qa.present.render import render_answer

        show(lambda console: render_answer(console, result), color_of(color), pager)
    else:
        from qa.present import output

        output.answer(result, kind, color_of(color))
    if exit_status and not result.answered:
        raise typer.Exit(code=1)


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
        bool, typer.Option("--json", "-j", help="Print one JSON object per answer.")
    ] = False,
    color: ColorOption = Color.auto,
    store: StoreOption = None,
    uri: UriOption = None,
    pager: PagerOption = True,
) -> None:
    """Chat: ask questions and follow-ups; piped input gets one answer per line."""
    from qa.chat.terminal import run_chat

    settings = read_settings(
        corpus=corpus, index_dir=index_dir, model=model, top_k=top_k, skip_bad=skip_bad,
        collection=collection, store=store, uri=uri,
    )  # fmt: skip
    try:
        code = run_chat(settings, as_json=as_json, color=color_of(color), pager=pager)
    except QaError as error:
        fail(error)
    raise typer.Exit(code=code)


@app.command(
    cls=Command,
    epilog=examples(
        "qa speakers",
        "qa speakers Zel",
        "qa speakers --affiliation Canada --sort statements",
        "qa speakers --role minister -f csv",
    ),
)
def speakers(
    name: Annotated[
        str | None, typer.Argument(help="Only speakers whose name contains these letters.")
    ] = None,
    role: Annotated[
        str | None,
        typer.Option("--role", "-r", help="Only speakers whose role contains these words."),
    ] = None,
    affiliation: Annotated[
        str | None,
        typer.Option(
            "--affiliation",
            "-a",
            help="Only speakers of this country or organisation (or part of its name).",
        ),
    ] = None,
    sort: Annotated[
        Sort,
        typer.Option(
            help="Order by name, statements (most first), first or last date said, or affiliation."
        ),
    ] = Sort.name,
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
        found = find_speakers(
            loaded.statements, loaded.timeline, name, role, affiliation, sort.value
        )
    except QaError as error:
        fail(error)
    warn_skipped(list(loaded.skipped))
    from qa.present import output

    output.speakers(found, "json" if as_json else output_format.value, color_of(color))


app.command(cls=Command, epilog=indexing.EPILOG)(indexing.index)
app.command(cls=Command, epilog=serving.EPILOG)(serving.serve)
app.command(cls=Command, epilog=paths.EPILOG)(paths.paths)
app.command("eval", cls=Command, epilog=evaluating.EPILOG)(evaluating.evaluate)
app.add_typer(corpus.app, name="corpus")


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
