"""The `qa` command. Every command reads its options (or their environment variables), calls
the engine, and prints; errors from the engine become one sentence on stderr and a non-zero
exit."""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from qa import __version__
from qa.errors import QaError
from qa.settings import (
    ENV_COLLECTION,
    ENV_CORPUS,
    ENV_INDEX_DIR,
    ENV_MODEL,
    ENV_SKIP_BAD,
    ENV_STORE,
    ENV_TOP_K,
    ENV_URI,
    Settings,
    default_index_dir,
)

app = typer.Typer(
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


class Format(StrEnum):
    text = "text"
    json = "json"
    jsonl = "jsonl"
    markdown = "markdown"
    csv = "csv"


class Color(StrEnum):
    auto = "auto"
    always = "always"
    never = "never"


CorpusOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--corpus",
        help="A corpus file (.txt, .jsonl or .csv); repeat for several. Default: the bundled seeds.",
        envvar=ENV_CORPUS,
        show_default=False,
    ),
]


def _collection_names(incomplete: str) -> list[str]:
    """Shell completion for --collection: the collections in the index folder."""
    from qa.collections import FOLDER

    root = Path(os.environ.get(ENV_INDEX_DIR) or default_index_dir()) / FOLDER
    names = sorted(p.name for p in root.glob("*") if p.is_dir()) if root.is_dir() else []
    return [name for name in names if name.startswith(incomplete)]


CollectionOption = Annotated[
    str | None,
    typer.Option(
        "--collection",
        help="Name the index of this corpus, to use it again later without --corpus.",
        envvar=ENV_COLLECTION,
        autocompletion=_collection_names,
    ),
]
IndexDirOption = Annotated[
    Path | None,
    typer.Option(
        "--index-dir",
        help="The folder that holds the built indexes (see `qa paths`).",
        envvar=ENV_INDEX_DIR,
        show_default=str(default_index_dir()),
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
StoreOption = Annotated[
    str | None,
    typer.Option(
        "--store",
        help="Where the index is: embedded (files on this machine, the default) or milvus.",
        envvar=ENV_STORE,
        show_default="embedded",
    ),
]
UriOption = Annotated[
    str | None,
    typer.Option(
        "--uri",
        help="With --store milvus, the Milvus Lite file (ending in .db) or http(s):// server.",
        envvar=ENV_URI,
    ),
]
TopKOption = Annotated[
    int | None,
    typer.Option(
        "--top-k",
        min=1,
        max=100,
        help="How many passages to show at most.",
        envvar=ENV_TOP_K,
        show_default="5",
    ),
]
SpeakerOption = Annotated[
    str | None,
    typer.Option(help="Only statements by this speaker (name or surname).", envvar="QA_SPEAKER"),
]
AffiliationOption = Annotated[
    str | None,
    typer.Option(help="Only statements by this country or organisation.", envvar="QA_AFFILIATION"),
]
SinceOption = Annotated[
    str | None,
    typer.Option(
        help="Only statements said on or after this date, e.g. 'Feb. 1' or 'March'.",
        envvar="QA_SINCE",
    ),
]
UntilOption = Annotated[
    str | None,
    typer.Option(help="Only statements said on or before this date.", envvar="QA_UNTIL"),
]
FormatOption = Annotated[
    Format,
    typer.Option(
        "--format",
        help="How to print: text for people, or json, jsonl, markdown or csv.",
        envvar="QA_FORMAT",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="The same as --format json.")]
ColorOption = Annotated[
    Color,
    typer.Option(
        "--color",
        help="Colours: auto (on a terminal, unless NO_COLOR is set), always or never.",
        envvar="QA_COLOR",
    ),
]


def _examples(*lines: str) -> str:
    """An 'Examples' paragraph for a command's help, one command per line."""
    return "Examples:\n\n" + "\n\n".join(f"  $ {line}" for line in lines)


def _settings(
    corpus=None, index_dir=None, model=None, top_k=None, skip_bad=False, collection=None,
    store=None, uri=None,
) -> Settings:  # fmt: skip
    try:
        return Settings.from_env(
            corpus=corpus,
            index_dir=index_dir,
            model=model,
            top_k=top_k,
            skip_bad=skip_bad,
            collection=collection,
            store=store,
            uri=uri,
        )
    except QaError as error:
        _fail(error)


def _warn_skipped(skipped: list[str]) -> None:
    from qa.formats import neutralise

    for line in skipped:
        typer.echo(f"Warning: skipped {neutralise(line)}.", err=True)


def _color(color: Color) -> bool | None:
    if color is Color.always:
        return True
    if color is Color.never:
        return False
    return None


def _fail(error: QaError | str) -> None:
    from qa.formats import neutralise

    typer.echo(f"Error: {neutralise(str(error))}", err=True)
    raise typer.Exit(code=2)


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
    epilog=_examples(
        "qa statements --speaker Zelensky --by-date",
        "qa statements --affiliation Canada --since Feb. --format markdown",
        "qa statements --format jsonl --corpus news.jsonl > records.jsonl",
    )
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
    from qa.corpus import load_corpus
    from qa.listing import select_statements
    from qa.progress import Feedback

    settings = _settings(corpus=corpus, index_dir=index_dir, collection=collection)
    try:
        with Feedback("Reading the corpus"):
            loaded = load_corpus(list(settings.corpus) or None, skip_bad or settings.skip_bad)
            chosen = select_statements(loaded, speaker, affiliation, date, by_date, since, until)
    except QaError as error:
        _fail(error)
    _warn_skipped(list(loaded.skipped))
    kind = Format.jsonl if as_json else output_format
    from qa import output

    output.records(chosen, kind.value, _color(color))


@app.command(
    epilog=_examples(
        'qa ask "What did Italy say about peacekeepers?"',
        'qa ask "security guarantees" --speaker Zelensky --since "Jan. 12"',
        'qa ask "Who said the best security guarantee are the Ukrainians?" --format markdown',
        'qa ask "What did NATO say?" --corpus news.jsonl --collection news',
    )
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
    from qa.answer import Engine, answer, explicit_filters
    from qa.progress import Feedback

    settings = _settings(
        corpus=corpus,
        index_dir=index_dir,
        model=model,
        top_k=top_k,
        skip_bad=skip_bad,
        collection=collection,
        store=store,
        uri=uri,
    )
    try:
        with Feedback() as feedback:
            engine = Engine(settings, progress=feedback.report)
            filters = explicit_filters(engine, speaker, affiliation, since, until)
            result = answer(engine, question, filters=filters)
    except QaError as error:
        _fail(error)
    _warn_skipped(engine.skipped)
    from qa import output

    output.answer(result, "json" if as_json else output_format.value, _color(color))


@app.command(
    epilog=_examples(
        "qa chat",
        "qa chat --corpus news.jsonl --collection news",
        "printf 'What did NATO say about security guarantees?\\nAnd the EU?\\n' | qa chat",
    )
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
    from qa.chat import run_chat

    settings = _settings(
        corpus=corpus,
        index_dir=index_dir,
        model=model,
        top_k=top_k,
        skip_bad=skip_bad,
        collection=collection,
        store=store,
        uri=uri,
    )
    try:
        code = run_chat(settings, as_json=as_json, color=_color(color))
    except QaError as error:
        _fail(error)
    raise typer.Exit(code=code)


@app.command(
    epilog=_examples(
        "qa speakers",
        "qa speakers Zel",
        "qa speakers --affiliation Canada --sort statements",
        "qa speakers --role minister --format csv",
    )
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
    from qa.corpus import load_corpus
    from qa.progress import Feedback
    from qa.speakers import speakers as find_speakers

    settings = _settings(corpus=corpus, index_dir=index_dir, collection=collection)
    try:
        with Feedback("Reading the corpus"):
            loaded = load_corpus(list(settings.corpus) or None, skip_bad or settings.skip_bad)
        if affiliation:
            place = loaded.gazetteer.place(affiliation)
            affiliation = place.name if place else affiliation
        found = find_speakers(loaded.statements, loaded.timeline, name, role, affiliation, sort)
    except QaError as error:
        _fail(error)
    _warn_skipped(list(loaded.skipped))
    from qa import output

    output.speakers(found, "json" if as_json else output_format.value, _color(color))


@app.command(
    epilog=_examples(
        "qa index",
        "qa index --corpus news.jsonl --collection news",
        "qa index --list",
        "qa index --prune",
    )
)
def index(
    corpus: CorpusOption = None,
    collection: CollectionOption = None,
    index_dir: IndexDirOption = None,
    model: ModelOption = None,
    skip_bad: SkipBadOption = False,
    list_them: Annotated[
        bool,
        typer.Option(
            "--list",
            help="List the collections: corpus, statements, size, date built (with --store "
            "milvus, those at the URI).",
        ),
    ] = False,
    prune: Annotated[
        bool,
        typer.Option("--prune", help="Remove collections whose corpus files are gone."),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="With --list, print JSON.")] = False,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Read every file of the index and verify its checksum (with --store milvus: "
            "check the collection's schema and model and count its statements).",
        ),
    ] = False,
    store: StoreOption = None,
    uri: UriOption = None,
    part: Annotated[
        str | None,
        typer.Option(
            "--part",
            help="With --store milvus, build only slice N of M (such as 2/8) of the statements.",
        ),
    ] = None,
) -> None:
    """Build (or rebuild) the search index for the corpus, or list and prune collections."""
    if (store or os.environ.get("QA_STORE")) == "milvus":
        settings = _settings(corpus=corpus, index_dir=index_dir, model=model, skip_bad=skip_bad,
                             collection=collection, store=store, uri=uri)  # fmt: skip
        _index_milvus(settings, part, list_them, prune, check, as_json)
        return
    if list_them or prune:
        _collections(index_dir, list_them, prune, as_json)
        return
    from qa.embedding import Encoder, resolve_model
    from qa.index import build, load
    from qa.progress import Feedback

    settings = _settings(
        corpus=corpus, index_dir=index_dir, model=model, skip_bad=skip_bad, collection=collection,
        store=store, uri=uri,
    )  # fmt: skip
    if part is not None:
        _fail("--part needs --store milvus (the embedded index is built whole).")
    try:
        if check:
            checked = load(settings.index_dir, full_check=True)
            typer.echo(f"The index in {checked.folder} is sound ({len(checked)} statements).")
            return
        with Feedback("Reading the corpus and loading the model") as feedback:
            encoder = Encoder(resolve_model(settings.model, settings.index_dir))
            built = build(
                list(settings.corpus) or None,
                settings.index_dir,
                encoder,
                feedback.report,
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


def _index_milvus(
    settings: Settings, part: str | None, list_them: bool, prune: bool, check: bool, as_json: bool
) -> None:
    import json

    from qa.embedding import Encoder, resolve_model
    from qa.milvus import Part
    from qa.milvus_build import build, listing
    from qa.milvus_build import check as check_collection
    from qa.progress import Feedback

    if prune:
        _fail("--prune does not apply to --store milvus: qa never drops a Milvus collection; "
              "drop it (NAME and NAME_catalog) with the Milvus client.")  # fmt: skip
    if (list_them or check) and part is not None:
        _fail("--part builds a slice; it does not go with --list or --check.")
    try:
        if list_them:
            found = listing(settings.uri)
            if as_json:
                typer.echo(json.dumps(found, indent=2))
            for c in [] if as_json else found:
                typer.echo(
                    f"{c['collection']}: {c['rows']} statements (corpus {c['statements']}),"
                    f" {c['model']}, built {c['built_at']}, from {', '.join(c['files'])}"
                )
            if not found and not as_json:
                typer.echo(f"No collection of qa at {settings.uri}.")
            return
        if check:
            info = resolve_model(settings.model, settings.index_dir)
            sound = check_collection(settings.uri, settings.collection, info.model_id,
                                     info.weights_sha256)  # fmt: skip
            typer.echo(
                f"The collection {sound['collection']} at {settings.uri} is sound "
                f"({sound['statements']} statements, model {sound['model']})."
            )
            return
    except QaError as error:
        _fail(error)
    try:
        chosen = Part.parse(part)
        with Feedback("Reading the corpus and loading the model") as feedback:
            encoder = Encoder(resolve_model(settings.model, settings.index_dir))
            report = build(
                settings.uri, list(settings.corpus) or None, encoder, settings.collection,
                chosen, feedback.report, settings.skip_bad,
            )  # fmt: skip
    except QaError as error:
        _fail(error)
    typer.echo(
        f"Milvus collection {report.collection} at {report.uri}: {report.statements} statements"
        f"{'' if chosen.whole else f' in part {chosen.number}/{chosen.count}'} "
        f"({report.embedded} embedded, {report.rewritten} rewritten, {report.unchanged} "
        f"unchanged, {report.deleted} deleted)."
    )


def _collections(index_dir: Path | None, list_them: bool, prune: bool, as_json: bool) -> None:
    from qa import formats
    from qa.collections import list_collections
    from qa.collections import prune as prune_collections

    root = _settings(index_dir=index_dir).index_root
    if prune:
        for gone in prune_collections(root):
            typer.echo(f"Removed {gone.name} ({gone.stale}).", err=not list_them)
    if not list_them:
        return
    found = list_collections(root)
    if as_json:
        typer.echo(formats.json_text([c.to_json() for c in found], indent=1))
        return
    if not found:
        typer.echo(f"No collections in {root} yet; `qa index` builds one.")
    for c in found:
        corpus = ", ".join(str(p) for p in c.corpus) or "the bundled seeds"
        statements = "?" if c.statements is None else c.statements
        built = c.built_at or "never built"
        stale = f"; stale: {c.stale}" if c.stale else ""
        typer.echo(
            f"{c.name}\t{statements} statements\t{c.size_bytes / 2**20:.1f} MiB\t{built}\t"
            f"{formats.neutralise(corpus)}{stale}"
        )


@app.command(epilog=_examples("qa paths", "qa paths --collection news", "qa paths --json"))
def paths(
    corpus: CorpusOption = None,
    collection: CollectionOption = None,
    index_dir: IndexDirOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Where qa keeps things: indexes, the chat history, configuration and the bundled data."""
    from qa import formats
    from qa.settings import bundled_path, config_dir, default_history_file

    settings = _settings(corpus=corpus, index_dir=index_dir, collection=collection)
    where = {
        "index root": settings.index_root,
        "this collection": settings.index_dir,
        "chat history": default_history_file(),
        "config": config_dir(),
        "bundled seeds": bundled_path("seeds"),
        "evaluation sets": bundled_path("evals"),
        "package": Path(__file__).resolve().parent,
    }
    if as_json:
        typer.echo(formats.json_text({k: str(v) for k, v in where.items()}, indent=1))
        return
    for name, path in where.items():
        typer.echo(f"{name}: {path}")


@app.command(
    "eval",
    epilog=_examples("qa eval", "qa eval --json", "qa eval --questions evals/heldout.toml"),
)
def evaluate(
    questions: Annotated[
        Path | None,
        typer.Option(
            "--questions",
            help="One evaluation file (default: the tuning and held-out parts in evals/).",
            show_default="the bundled evals/questions.toml and evals/heldout.toml",
        ),
    ] = None,
    index_dir: IndexDirOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    store: StoreOption = None,
    uri: UriOption = None,
) -> None:
    """Measure the product against plain dense and plain BM25 retrieval on the evaluation set."""
    from qa import formats
    from qa.evaluation import run_parts
    from qa.progress import Feedback

    settings = _settings(index_dir=index_dir, store=store, uri=uri)
    try:
        with Feedback("Answering the evaluation questions"):
            reports = run_parts(settings, {"tuning": questions} if questions else None)
    except QaError as error:
        _fail(error)
    if as_json:
        parts = [r.to_json() for r in reports]
        typer.echo(formats.json_text(parts[0] if questions else parts, indent=2))
        return
    from qa.render import make_console, render_evaluation

    for report in reports:
        render_evaluation(make_console(width=160), report)


def main() -> None:
    """The console script: usage errors (a bad option, a bad environment value) are one
    sentence on stderr too, not a box of usage text."""
    import click

    try:
        code = app(standalone_mode=False)
    except click.UsageError as error:
        command = error.ctx.command_path if error.ctx else "qa"
        if error.format_message():  # empty when the help was printed for no arguments
            sys.stderr.write(f"Error: {error.format_message()} (see `{command} --help`)\n")
        sys.exit(error.exit_code)
    except click.ClickException as error:
        sys.stderr.write(f"Error: {error.format_message()}\n")
        sys.exit(error.exit_code)
    except (KeyboardInterrupt, click.Abort):
        sys.stderr.write("Interrupted.\n")
        sys.exit(130)
    except Exception as error:  # a bug: say so in one line; QA_DEBUG=1 shows the traceback
        if os.environ.get("QA_DEBUG"):
            raise
        sys.stderr.write(
            f"Internal error ({type(error).__name__}: {error}); set QA_DEBUG=1 for details.\n"
        )
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)
