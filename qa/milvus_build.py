"""Building a Milvus collection from a corpus: the corpus is read and parsed as for the embedded
index (qa/corpus.py), then its statements are written in batches. A statement whose row is
already there unchanged is not written; one whose text is unchanged keeps its vector (only
its other fields are rewritten); only new or changed text is embedded. A whole build deletes
the statements that are gone; a part (`--part 2/8`, a slice by primary key) writes only its
slice and deletes nothing, so several workers can fill one collection.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qa import milvus
from qa.corpus import default_corpus_paths, load_corpus
from qa.filters import row_facts
from qa.index import PARSER_VERSION, Progress, corpus_fingerprint
from qa.milvus import MilvusError, Part
from qa.text import tokenize

BATCH = 256
DELETE_BATCH = 1_000
WHOLE = Part()


@dataclass(frozen=True)
class BuildReport:
    """What a build wrote: statements in its part, how many were embedded, rewritten with
    the vector they had, left as they were, and deleted (gone from the corpus)."""

    collection: str
    uri: str
    statements: int
    embedded: int
    rewritten: int
    unchanged: int
    deleted: int
    seconds: float


def build(
    uri: str,
    corpus_paths: list[Path] | None,
    encoder,
    collection: str | None = None,
    part: Part = WHOLE,
    progress: Progress | None = None,
    skip_bad: bool = False,
    batch: int = BATCH,
) -> BuildReport:
    """Write the corpus (or one part of it) into the collection, creating it if needed."""
    name = milvus.check_collection_name(collection)
    client = milvus.connect(uri)
    try:
        return _build(client, name, uri, corpus_paths, encoder, part, progress, skip_bad, batch)
    finally:
        client.close()


def _build(client, name, uri, corpus_paths, encoder, part, progress, skip_bad, batch):
    """`build` on an open client."""
    started = time.time()
    paths = [Path(p) for p in (corpus_paths or default_corpus_paths())]
    corpus = load_corpus(paths, skip_bad)
    info = encoder.info
    _prepare(client, name, uri, encoder, part)
    facts = [row_facts(s, corpus.gazetteer, corpus.timeline) for s in corpus.statements]
    tokens = [tokenize(s.passage) for s in corpus.statements]
    mine = [i for i, s in enumerate(corpus.statements) if part.holds(milvus.primary_key(s.id))]
    counts = Counter()
    for start in range(0, len(mine), batch):
        rows = [
            milvus.statement_row(corpus.statements[i], facts[i], tokens[i], info.weights_sha256)
            for i in mine[start : start + batch]
        ]
        _write_batch(client, name, rows, corpus, mine[start : start + batch], encoder, counts)
        if progress:
            progress(min(start + batch, len(mine)), len(mine))
    if progress and not mine:
        progress(0, 0)
    if part.whole:
        kept = {milvus.primary_key(s.id) for s in corpus.statements}
        counts["deleted"] = _delete_gone(client, name, kept)
    dimension = milvus.dimension(client, name)
    catalog = _catalog(corpus, paths, facts, tokens, encoder, dimension)
    milvus.write_catalog(client, name, catalog)
    client.flush(name)
    client.flush(milvus.catalog_name(name))
    return BuildReport(
        name, uri, len(mine), counts["embedded"], counts["rewritten"],
        len(mine) - counts["embedded"] - counts["rewritten"], counts["deleted"],
        round(time.time() - started, 3),
    )  # fmt: skip


def _prepare(client, name: str, uri: str, encoder, part: Part) -> None:
    """Create the collection if it is not there; refuse one of another schema; start again
    from empty when a whole build meets one built with another model."""
    info = encoder.info
    if client.has_collection(name):
        problem = milvus.schema_problem(client, name)
        if problem:
            raise MilvusError(
                f"The collection {name} at {uri} was not written by this qa ({problem}); "
                "drop it or pass --collection with another name."
            )
        catalog = milvus.read_catalog(client, name) or {}
        same_model = catalog.get("weights_sha256", info.weights_sha256) == info.weights_sha256
        same_schema = catalog.get("schema_version", milvus.SCHEMA_VERSION) == milvus.SCHEMA_VERSION
        if same_model and same_schema:
            client.load_collection(name)
            return
        if not part.whole:
            raise MilvusError(
                f"The collection {name} at {uri} was built with model {catalog.get('model_id')} "
                f"and schema version {catalog.get('schema_version')}; this qa uses "
                f"{info.model_id} and version {milvus.SCHEMA_VERSION}; rebuild it whole first "
                "(qa index --store milvus without --part)."
            )
        client.drop_collection(name)
        client.drop_collection(milvus.catalog_name(name))
    elif client.has_collection(milvus.catalog_name(name)):
        client.drop_collection(milvus.catalog_name(name))  # a catalog left without its rows
    milvus.create(client, name, encoder.dimension)


def _write_batch(client, name: str, rows: list[dict], corpus, indices, encoder, counts) -> None:
    keys = [row["pk"] for row in rows]
    found = client.query(
        name,
        filter=f"pk in [{', '.join(map(str, keys))}]",
        output_fields=["pk", "text_hash", "row_hash"],
    )
    had = {r["pk"]: r for r in found}
    changed = [
        (row, i) for row, i in zip(rows, indices)
        if had.get(row["pk"], {}).get("row_hash") != row["row_hash"]
    ]  # fmt: skip
    if not changed:
        return
    kept = [row["pk"] for row, _ in changed if had.get(row["pk"], {}).get("text_hash") ==
            row["text_hash"]]  # fmt: skip
    vectors: dict[int, list[float]] = {}
    if kept:
        for r in client.get(name, ids=kept, output_fields=["pk", "dense"]):
            vectors[r["pk"]] = list(r["dense"])
    todo = [(row, i) for row, i in changed if row["pk"] not in vectors]
    if todo:
        encoded = encoder.encode([corpus.statements[i].passage for _, i in todo])
        for (row, _), vector in zip(todo, np.asarray(encoded, dtype=np.float32)):
            vectors[row["pk"]] = vector.tolist()
    client.upsert(name, [{**row, "dense": vectors[row["pk"]]} for row, _ in changed])
    counts["embedded"] += len(todo)
    counts["rewritten"] += len(changed) - len(todo)


def _delete_gone(client, name: str, kept: set[int]) -> int:
    gone: list[int] = []
    iterator = client.query_iterator(name, batch_size=DELETE_BATCH, output_fields=["pk"])
    try:
        while True:
            page = iterator.next()
            if not page:
                break
            gone.extend(r["pk"] for r in page if r["pk"] not in kept)
    finally:
        iterator.close()
    for start in range(0, len(gone), DELETE_BATCH):
        client.delete(name, ids=gone[start : start + DELETE_BATCH])
    return len(gone)


def _catalog(corpus, paths: list[Path], facts: list[dict], tokens, encoder, dimension) -> dict:
    """What answering needs beside the rows, from the whole corpus (every part writes the
    same): model, timeline, the values of each filter field, each speaker's usual
    affiliation, the keyword vocabulary, and the range of mentioned days."""
    vocabularies = {
        field + "s": sorted({f[field] for f in facts if f[field]}) for field in milvus.FIELD_VALUES
    }
    places: dict[str, Counter] = {}
    for f in facts:
        if f["speaker"] and f["affiliation"]:
            places.setdefault(f["speaker"], Counter())[f["affiliation"]] += 1
    days = [day for f in facts for span in f["mentioned"] for day in span]
    return {
        "schema_version": milvus.SCHEMA_VERSION,
        "parser_version": PARSER_VERSION,
        "model_id": encoder.info.model_id,
        "weights_sha256": encoder.info.weights_sha256,
        "dimension": dimension,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "corpus": {
            "fingerprint": corpus_fingerprint(paths),
            "files": [str(f.path) for f in corpus.files],
            "statements": len(corpus.statements),
            "skipped": list(corpus.skipped),
        },
        "timeline": {
            "start_month": corpus.timeline.start_month,
            "season": corpus.timeline.season,
        },  # fmt: skip
        "vocabularies": vocabularies,
        "speaker_places": {name: c.most_common(1)[0][0] for name, c in sorted(places.items())},
        "words": sorted({t for ts in tokens for t in ts}),
        "mention_days": [min(days), max(days)] if days else None,
    }
