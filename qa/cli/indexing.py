"""`qa index`: build the embedded index or a Milvus collection, check one, and list or prune
the collections of an index folder."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from qa.cli.command import say
from qa.cli.options import (
    CollectionOption,
    CorpusOption,
    IndexDirOption,
    ModelOption,
    SkipBadOption,
    StoreOption,
    UriOption,
    examples,
    fail,
    read_settings,
    warn_skipped,
)
from qa.errors import QaError
from qa.settings import Settings

EPILOG = examples(
    "qa index",
    "qa index --corpus news.jsonl --collection news",
    "qa index --list",
    "qa index --prune",
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
        typer.Option(
            "--prune",
            help="Remove the collections whose corpus files are gone and those never built "
            "(a mistyped --corpus leaves one); never the default one, nor one being built.",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", "-j", help="With --list, print JSON.")] = False,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Read every file of the index, verify its checksum and recompute every row "
            "hash, so that a vector that does not belong to its statement's text is found "
            "(with --store milvus: check the collection's schema and model and count its "
            "statements).",
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
        settings = read_settings(corpus=corpus, index_dir=index_dir, model=model, skip_bad=skip_bad,
                             collection=collection, store=store, uri=uri)  # fmt: skip
        _index_milvus(settings, part, list_them, prune, check, as_json)
        return
    if list_them or prune:
        _collections(index_dir, list_them, prune, as_json)
        return
    from qa.cli.progress import Feedback
    from qa.model.embedding import resolve_model
    from qa.model.minilm import index_encoder
    from qa.store.embedded.build import build
    from qa.store.embedded.index import current_folder, load

    settings = read_settings(
        corpus=corpus, index_dir=index_dir, model=model, skip_bad=skip_bad, collection=collection,
        store=store, uri=uri,
    )  # fmt: skip
    if part is not None:
        fail("--part needs --store milvus (the embedded index is built whole).")
    try:
        if check:
            checked = load(settings.index_dir, full_check=True)
            typer.echo(f"The index in {checked.folder} is sound ({len(checked)} statements).")
            return
        before = current_folder(settings.index_dir)
        with Feedback("Reading the corpus and loading the model") as feedback:
            encoder = index_encoder(resolve_model(settings.model, settings.index_dir))
            built = build(
                list(settings.corpus) or None,
                settings.index_dir,
                encoder,
                feedback.report,
                skip_bad=settings.skip_bad,
            )
    except QaError as error:
        fail(error)
    except KeyboardInterrupt:
        # The build removed its temporary generation; the pointer moves in one rename, so the
        # index is either the one before or (interrupted after the rename) the new one.
        done = current_folder(settings.index_dir) not in (before, None)
        say(f"Interrupted; {'the new index is in place' if done else 'the index is unchanged'}.")
        raise typer.Exit(130) from None
    warn_skipped(built.manifest["corpus"]["skipped"])
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

    from qa.cli.progress import Feedback
    from qa.model.embedding import resolve_model
    from qa.model.minilm import index_encoder
    from qa.store.milvus.build import build, listing
    from qa.store.milvus.build import check as check_collection
    from qa.store.milvus.collection import Part

    if prune:
        fail("--prune does not apply to --store milvus: qa never drops a Milvus collection; "
              "drop it (NAME and NAME_catalog) with the Milvus client.")  # fmt: skip
    if (list_them or check) and part is not None:
        fail("--part builds a slice; it does not go with --list or --check.")
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
        fail(error)
    try:
        chosen = Part.parse(part)
        with Feedback("Reading the corpus and loading the model") as feedback:
            encoder = index_encoder(resolve_model(settings.model, settings.index_dir))
            report = build(
                settings.uri, list(settings.corpus) or None, encoder, settings.collection,
                chosen, feedback.report, settings.skip_bad,
            )  # fmt: skip
    except QaError as error:
        fail(error)
    typer.echo(
        f"Milvus collection {report.collection} at {report.uri}: {report.statements} statements"
        f"{'' if chosen.whole else f' in part {chosen.number}/{chosen.count}'} "
        f"({report.embedded} embedded, {report.rewritten} rewritten, {report.unchanged} "
        f"unchanged, {report.deleted} deleted)."
    )


def _collections(index_dir: Path | None, list_them: bool, prune: bool, as_json: bool) -> None:
    from qa.present import formats
    from qa.store.embedded.collections import list_collections
    from qa.store.embedded.collections import prune as prune_collections

    root = read_settings(index_dir=index_dir).index_root
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
