"""The options the `qa` commands share, and how a command turns them into settings, prints
warnings and fails: one sentence on stderr and exit code 2."""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

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
from qa.text import mend


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


class Sort(StrEnum):
    """The orders of `qa speakers` (qa/corpus/speakers.py SORT_KEYS; a test keeps them equal)."""

    name = "name"
    statements = "statements"
    first = "first"
    last = "last"
    affiliation = "affiliation"


class Store(StrEnum):
    embedded = "embedded"
    milvus = "milvus"


CorpusOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--corpus",
        "-c",
        help="A corpus file (.txt, .jsonl, .csv, .md or .json) or a folder of them; repeat for "
        "several. Default: the bundled seeds.",
        envvar=ENV_CORPUS,
        show_default=False,
    ),
]


def _collection_names(incomplete: str) -> list[str]:
    """Shell completion for --collection: the collections in the index folder."""
    from qa.folders import FOLDER

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
    Store | None,
    typer.Option(
        "--store",
        help="Where the index is: embedded (files on this machine, the default) or milvus.",
        envvar=ENV_STORE,
        show_default="embedded",
        case_sensitive=False,
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
        "-k",
        min=1,
        max=100,
        help="How many passages to show at most.",
        envvar=ENV_TOP_K,
        show_default="5",
    ),
]
SpeakerOption = Annotated[
    str | None,
    typer.Option(
        "--speaker",
        "-s",
        help="Only statements by this speaker (name or surname).",
        envvar="QA_SPEAKER",
    ),
]
AffiliationOption = Annotated[
    str | None,
    typer.Option(
        "--affiliation",
        "-a",
        help="Only statements by this country or organisation.",
        envvar="QA_AFFILIATION",
    ),
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
        "-f",
        help="How to print: text for people, or json, jsonl, markdown or csv.",
        envvar="QA_FORMAT",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", "-j", help="The same as --format json.")]
ColorOption = Annotated[
    Color,
    typer.Option(
        "--color",
        help="Colours: auto (on a terminal, unless NO_COLOR is set), always or never.",
        envvar="QA_COLOR",
        case_sensitive=False,
    ),
]
PagerOption = Annotated[
    bool,
    typer.Option(
        "--pager/--no-pager",
        help="On a terminal, show an answer taller than the window in $PAGER (less when "
        "unset); never when the output is piped.",
        envvar="QA_PAGER",
    ),
]


def examples(*lines: str) -> str:
    """An 'Examples' paragraph for a command's help, one command per line."""
    return "Examples:\n\n" + "\n\n".join(f"  $ {line}" for line in lines)


def read_settings(**options) -> Settings:
    """The settings of a command's options (None for those it does not take or were not
    given), their environment variables and the defaults; a bad value fails the command."""
    if options.get("store") is not None:
        options["store"] = str(options["store"].value)
    try:
        return Settings.from_env(**options)
    except QaError as error:
        fail(error)


def warn_skipped(skipped: list[str]) -> None:
    from qa.corpus.written_dates import DATE_IGNORED
    from qa.present.formats import neutralise

    for line in skipped:  # a date that cannot be read is reported there too; its line is kept
        done = "" if line.endswith(DATE_IGNORED) else "skipped "
        typer.echo(f"Warning: {done}{neutralise(line)}.", err=True)


def color_of(color: Color) -> bool | None:
    if color is Color.always:
        return True
    if color is Color.never:
        return False
    return None


def fail(error: QaError | str) -> None:
    from qa.present.formats import neutralise

    typer.echo(f"Error: {neutralise(mend(str(error)))}", err=True)
    raise typer.Exit(code=2)
