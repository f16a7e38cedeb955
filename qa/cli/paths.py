"""`qa paths`: where qa keeps things and reads them from."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qa.cli.options import CollectionOption, CorpusOption, IndexDirOption, examples, read_settings

EPILOG = examples("qa paths", "qa paths --collection news", "qa paths --json")


def paths(
    corpus: CorpusOption = None,
    collection: CollectionOption = None,
    index_dir: IndexDirOption = None,
    as_json: Annotated[bool, typer.Option("--json", "-j", help="Print JSON.")] = False,
) -> None:
    """Where qa keeps things: indexes, the chat history, the configuration file (read when it
    exists) and the bundled data."""
    from qa.present import formats
    from qa.settings import bundled_path, config_file, default_history_file

    settings = read_settings(corpus=corpus, index_dir=index_dir, collection=collection)
    where = {
        "index root": settings.index_root,
        "this collection": settings.index_dir,
        "chat history": default_history_file(),
        "config file": config_file(),
        "bundled seeds": bundled_path("seeds"),
        "evaluation sets": bundled_path("evals"),
        "package": Path(__file__).resolve().parents[1],
    }
    if as_json:
        typer.echo(formats.json_text({k: str(v) for k, v in where.items()}, indent=1))
        return
    for name, path in where.items():
        typer.echo(f"{name}: {path}")
