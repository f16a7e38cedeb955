"""Building a Milvus collection from a corpus, in batches: the corpus is surveyed and then read
again a batch at a time (qa/store/milvus/batches.py), and each batch is parsed, embedded and written
before the next is read, so a build holds one batch of statements, not the corpus. Into an
empty collection every statement is inserted, with no lookup. Into one that holds rows, a
statement whose row is already there unchanged is not written; one whose text is unchanged
keeps its vector (only its other fields are rewritten); only new or changed text is embedded,
and a whole build deletes the statements that are gone. A part (`--part 2/8`, a slice by
primary key) writes only its slice and deletes nothing, so several workers can fill one
collection.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qa.corpus.loading import default_corpus_paths
from qa.store.facts import row_facts
from qa.store.fingerprint import PARSER_VERSION, Progress, corpus_fingerprint, corpus_signature
from qa.store.milvus import batches as milvus_corpus
from qa.store.milvus import collection as milvus
from qa.store.milvus.collection import MilvusError, Part
from qa.text import tokenize

BATCH = 1_000
DELETE_BATCH = 10_000
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
    signature = corpus_signature(paths)
    found = milvus_corpus.survey(paths, skip_bad)
    empty = _prepare(client, name, uri, encoder, part)
    mine = int(np.count_nonzero(found.keys % part.count == part.number - 1))
    summary = _Summary()
    counts, written = Counter(), 0
    for pairs in milvus_corpus.batches(found, skip_bad, batch):
        statements = [s for _, s in pairs]
        facts = [row_facts(s, found.gazetteer, found.timeline) for s in statements]
        tokens = [tokenize(s.passage) for s in statements]
        keys = [milvus.primary_key(s.id) for s in statements]
        summary.add([at for at, _ in pairs], keys, facts, tokens)
        rows = [
            (milvus.statement_row(s, f, t, encoder.info.weights_sha256), s)
            for s, f, t, key in zip(statements, facts, tokens, keys)
            if part.holds(key)
        ]  # fmt: skip
        if rows:
            _write_batch(client, name, rows, encoder, counts, empty)
            written += len(rows)
            if progress:
                progress(written, mine)
    if progress and not mine:
        progress(0, 0)
    if part.whole and not empty:
        counts["deleted"] = _delete_gone(client, name, found.keys)
    client.flush(name)
    dimension = milvus.dimension(client, name)
    catalog = summary.catalog(found, paths, signature, encoder, dimension)
    milvus.write_catalog(client, name, catalog)
    client.flush(milvus.catalog_name(name))
    return BuildReport(
        name, uri, mine, counts["embedded"], counts["rewritten"],
        mine - counts["embedded"] - counts["rewritten"], counts["deleted"],
        round(time.time() - started, 3),
    )  # fmt: skip


def _prepare(client, name: str, uri: str, encoder, part: Part) -> bool:
    """Create the collection if it is not there; refuse one of another schema; start again
    from empty when a whole build meets one built with another model. Whether the collection
    holds no rows."""
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
            return _rows(client, name) == 0
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
    return True


def _write_batch(client, name: str, rows: list, encoder, counts: Counter, empty: bool) -> None:
    """Write one batch of (row, statement) pairs: all of them, embedded, into an empty
    collection; else only the rows that changed, embedding only the changed text."""
    if empty:
        vectors = np.asarray(encoder.encode([s.passage for _, s in rows]), dtype=np.float32)
        client.insert(name, [{**row, "dense": v.tolist()} for (row, _), v in zip(rows, vectors)])
        counts["embedded"] += len(rows)
        return
    keys = [row["pk"] for row, _ in rows]
    found = client.query(
        name,
        filter=f"pk in [{', '.join(map(str, keys))}]",
        output_fields=["pk", "text_hash", "row_hash"],
    )
    had = {r["pk"]: r for r in found}
    changed = [
        (row, s) for row, s in rows if had.get(row["pk"], {}).get("row_hash") != row["row_hash"]
    ]  # fmt: skip
    if not changed:
        return
    kept = [row["pk"] for row, _ in changed if had.get(row["pk"], {}).get("text_hash") ==
            row["text_hash"]]  # fmt: skip
    vectors: dict[int, list[float]] = {}
    if kept:
        for r in client.get(name, ids=kept, output_fields=["pk", "dense"]):
            vectors[r["pk"]] = list(r["dense"])
    todo = [(row, s) for row, s in changed if row["pk"] not in vectors]
    if todo:
        encoded = encoder.encode([s.passage for _, s in todo])
        for (row, _), vector in zip(todo, np.asarray(encoded, dtype=np.float32)):
            vectors[row["pk"]] = vector.tolist()
    client.upsert(name, [{**row, "dense": vectors[row["pk"]]} for row, _ in changed])
    counts["embedded"] += len(todo)
    counts["rewritten"] += len(changed) - len(todo)


def _delete_gone(client, name: str, kept: np.ndarray) -> int:
    """Delete the rows whose key is not in `kept` (sorted); how many."""
    gone: list[int] = []
    iterator = client.query_iterator(name, batch_size=DELETE_BATCH, output_fields=["pk"])
    try:
        while True:
            page = iterator.next()
            if not page:
                break
            keys = np.array([r["pk"] for r in page], dtype=np.int64)
            at = np.minimum(np.searchsorted(kept, keys), len(kept) - 1)
            gone.extend(keys[kept[at] != keys].tolist())
    finally:
        iterator.close()
    for start in range(0, len(gone), DELETE_BATCH):
        client.delete(name, ids=gone[start : start + DELETE_BATCH])
    return len(gone)


class _Summary:
    """What the catalog says of the whole corpus, gathered batch by batch as counts and sets
    (every part gathers it from every statement, so all parts write the same catalog): the
    values of each filter field, each speaker's usual affiliation, the keyword vocabulary
    and how many statements hold each word, the range of mentioned days, and the mentioned
    spans past a row's MENTIONS."""

    def __init__(self):
        self.values: dict[str, set[str]] = {field: set() for field in milvus.FIELD_VALUES}
        self.places: dict[tuple[str, str], list[int]] = {}  # -> [count, first position]
        self.words: Counter = Counter()  # statements holding each keyword token
        self.days: list[int] = []
        self.more_spans: dict[str, list] = {}

    def add(self, positions: list[int], keys: list[int], facts: list[dict], tokens) -> None:
        for at, key, f in zip(positions, keys, facts):
            for field, values in self.values.items():
                if f[field]:
                    values.add(f[field])
            if f["speaker"] and f["affiliation"]:
                seen = self.places.setdefault((f["speaker"], f["affiliation"]), [0, at])
                seen[0] += 1
                seen[1] = min(seen[1], at)
            spans = milvus.mention_spans(f["mentioned"])
            if len(spans) > milvus.MENTIONS:
                self.more_spans[str(key)] = [list(span) for span in spans[milvus.MENTIONS :]]
            days = [day for span in spans for day in span]
            if days:
                self.days = [min(days + self.days[:1]), max(days + self.days[1:])]
        for ts in tokens:
            self.words.update(set(ts))  # every word, for spelling; counted where the row keeps it
            self.words.subtract(set(ts) - set(milvus.kept_tokens(ts)))

    def speaker_places(self) -> dict[str, str]:
        """Each speaker's most frequent affiliation, the first met among equals (as the
        embedded store chooses)."""
        best: dict[str, tuple] = {}
        for (speaker, place), (count, first) in self.places.items():
            if speaker not in best or (-count, first) < best[speaker][:2]:
                best[speaker] = (-count, first, place)
        return {speaker: best[speaker][2] for speaker in sorted(best)}

    def catalog(self, found, paths: list[Path], signature, encoder, dimension: int) -> dict:
        return {
            "schema_version": milvus.SCHEMA_VERSION,
            "parser_version": PARSER_VERSION,
            "model_id": encoder.info.model_id,
            "weights_sha256": encoder.info.weights_sha256,
            "dimension": dimension,
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "corpus": {
                "fingerprint": corpus_fingerprint(paths),
                "signature": signature,
                "files": [str(p) for p in paths],
                "statements": found.statements,
                "skipped": list(found.skipped),
            },
            "timeline": {
                "start_month": found.timeline.start_month,
                "season": found.timeline.season,
            },  # fmt: skip
            "vocabularies": {field + "s": sorted(values) for field, values in self.values.items()},
            "speaker_places": self.speaker_places(),
            "words": sorted(self.words),
            "word_counts": [self.words[w] for w in sorted(self.words)],
            "key_edges": _edges(found.keys),
            "mention_days": self.days or None,
            "mention_spans": self.more_spans,
        }


def _edges(keys: np.ndarray, parts: int = milvus.KEY_PARTS) -> list[int]:
    """Keys that cut the sorted keys into `parts` ranges of equal size (the first key and one
    past the last at the ends), so that the store can search the collection a range at a time."""
    if not len(keys):
        return [0, 1]
    at = np.linspace(0, len(keys), parts + 1).astype(np.int64)
    edges = [int(keys[i]) for i in at[:-1]] + [int(keys[-1]) + 1]
    return sorted(set(edges))


# -- what is built ------------------------------------------------------------------------
def listing(uri: str) -> list[dict]:
    """The collections qa wrote at the URI (those with a catalog): name, statements in the
    collection and in the corpus it was built from, model, date built, corpus files."""
    client = milvus.connect(uri)
    try:
        names = set(client.list_collections())
        found = []
        for name in sorted(names):
            if milvus.catalog_name(name) not in names or milvus.schema_problem(client, name):
                continue
            catalog = milvus.read_catalog(client, name) or {}
            corpus = catalog.get("corpus", {})
            found.append({
                "collection": name,
                "rows": _rows(client, name),
                "statements": corpus.get("statements"),
                "model": catalog.get("model_id"),
                "schema_version": catalog.get("schema_version"),
                "built_at": catalog.get("built_at"),
                "files": corpus.get("files", []),
            })  # fmt: skip
        return found
    finally:
        client.close()


def check(uri: str, collection: str | None, model_id: str, weights_sha256: str) -> dict:
    """The collection checked as answering would check it (schema, catalog, model), and its
    rows counted against the corpus it was built from; a MilvusError in one sentence if it
    is not sound."""
    from qa.store.milvus.store import open_milvus

    store = open_milvus(uri, collection, model_id, weights_sha256)
    try:
        expected = store.catalog["corpus"]["statements"]
        if store.size != expected:
            raise MilvusError(
                f"The collection {store.name} at {uri} holds {store.size} statements where its "
                f"corpus had {expected} (a build stopped, or parts not all written); run qa "
                "index --store milvus again."
            )
        return {"collection": store.name, "statements": store.size, "model": store.model_id}
    finally:
        store.close()


def _rows(client, name: str) -> int:
    """How many rows the collection holds (loading it first)."""
    client.load_collection(name)
    return int(client.query(name, filter="", output_fields=["count(*)"])[0]["count(*)"])
