"""`qa serve`: the answers over HTTP on this machine (the server is in qa/serve/)."""

from __future__ import annotations

from typing import Annotated

import typer

from qa.cli.options import (
    CollectionOption,
    CorpusOption,
    IndexDirOption,
    ModelOption,
    SkipBadOption,
    StoreOption,
    TopKOption,
    UriOption,
    examples,
    fail,
    read_settings,
    warn_skipped,
)
from qa.errors import QaError

EPILOG = examples(
    "qa serve",
    "qa serve --port 0",
    "qa serve --corpus news.jsonl --collection news --port 9000",
    "curl 'http://127.0.0.1:8765/api/ask?q=What+did+Italy+say+about+peacekeepers%3F'",
)


def serve(
    host: Annotated[
        str,
        typer.Option(help="The address to listen on; 127.0.0.1 is this machine only."),
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option(min=0, max=65535, help="The port to listen on; 0 picks a free one.")
    ] = 8765,
    top_k: TopKOption = None,
    corpus: CorpusOption = None,
    collection: CollectionOption = None,
    index_dir: IndexDirOption = None,
    model: ModelOption = None,
    skip_bad: SkipBadOption = False,
    store: StoreOption = None,
    uri: UriOption = None,
) -> None:
    """Serve answers over HTTP: a JSON API (/api/ask?q=...) and a page to ask questions."""
    from qa.cli.progress import Feedback
    from qa.serve.server import open_server

    settings = read_settings(
        corpus=corpus, index_dir=index_dir, model=model, top_k=top_k, skip_bad=skip_bad,
        collection=collection, store=store, uri=uri,
    )  # fmt: skip
    try:
        with Feedback() as feedback:
            server = open_server(settings, host, port, feedback.report)
    except QaError as error:
        fail(error)
    warn_skipped(server.service.engine.skipped)
    if not server.loopback:
        typer.echo(
            f"Warning: {host} is reachable from other machines; anyone there can ask.", err=True
        )
    typer.echo(f"Serving {server.url} (the API at {server.url}api/ask?q=...); Ctrl-C stops.")
    try:
        server.serve_forever()
    finally:
        server.server_close()
