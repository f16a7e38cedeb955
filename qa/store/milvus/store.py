"""Answering from a Milvus collection: the Store interface of qa/store/where.py over the collection
and catalog that qa/store/milvus/build.py writes. Ids are the collection's primary keys. Filter trees
become Milvus filter expressions (qa/store/milvus/where.py), which Milvus applies before it ranks.
The store hands each question on to its readers: records (records.py), the keyword index
(keywords.py) and filter trees (filters.py), which call the collection through calls.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from qa.corpus.dates import Timeline
from qa.corpus.statements import Statement
from qa.store.base import Facts
from qa.store.milvus import collection as milvus
from qa.store.milvus.calls import CollectionCalls
from qa.store.milvus.collection import MilvusError
from qa.store.milvus.filters import Filters
from qa.store.milvus.keywords import KeywordIndex, bm25
from qa.store.milvus.records import Records
from qa.store.milvus.rows import term
from qa.store.where import Where


def open_milvus(
    uri: str | None, collection: str | None, model_id: str, weights_sha256: str, corpus_paths=None
):
    """The collection as a Store, after checking it is there, of qa's schema, and built with
    this model; else a MilvusError in one sentence. Given the corpus files, says on stderr
    when the collection was built from other files (it answers as it was built)."""
    name = milvus.check_collection_name(collection)
    client = milvus.connect(uri)
    try:
        catalog = _checked(client, name, uri, model_id, weights_sha256)
        client.load_collection(name)
    except BaseException:
        client.close()
        raise
    if corpus_paths and not milvus.same_corpus(catalog, [Path(p) for p in corpus_paths]):
        print(
            f"Warning: the collection {name} at {uri} was built from other files than the "
            f"corpus; run qa index --store milvus --uri {uri} to bring it up to date.",
            file=sys.stderr,
        )
    return MilvusStore(client, name, catalog)


def _checked(client, name: str, uri, model_id: str, weights_sha256: str) -> dict:
    """The collection's catalog, once it is there, of qa's schema and built with this model."""
    fix = f"build it with qa index --store milvus --uri {uri}"
    if not client.has_collection(name):
        raise MilvusError(f"There is no collection {name} at {uri}; {fix}.")
    problem = milvus.schema_problem(client, name)
    if problem:
        raise MilvusError(
            f"The collection {name} at {uri} was not written by this qa ({problem}); "
            "drop it or pass --collection with another name."
        )
    catalog = milvus.read_catalog(client, name)
    problem = milvus.catalog_problem(catalog, weights_sha256, model_id)
    if problem:
        raise MilvusError(f"The collection {name} at {uri} cannot answer: {problem}.")
    return catalog


class MilvusStore:
    """The statements of one Milvus collection, read by primary key: the records, the keyword
    index and the filter trees each have their own reader, which the store hands on to."""

    def __init__(self, client, name: str, catalog: dict):
        self.client = client
        self.name = name
        self.catalog = catalog
        self.model_id = catalog["model_id"]
        self.weights_sha256 = catalog["weights_sha256"]
        timeline = catalog["timeline"]
        self.timeline = Timeline(timeline["start_month"], timeline["season"])
        self.skipped = list(catalog["corpus"]["skipped"])
        collection = CollectionCalls(client, name)
        self.keyword_index = KeywordIndex(collection, catalog)
        days = catalog.get("mention_days")
        self.mention_days = tuple(days) if days else None
        self.more_spans: dict[str, list] = catalog.get("mention_spans") or {}
        self.records = Records(collection, catalog.get("dimension", 0))
        self.filters = Filters(
            collection,
            self.keyword_index,
            self.records,
            catalog,
            self.mention_days,
            self.more_spans,
        )
        self.size = self.filters.size

    def close(self) -> None:
        self.client.close()

    # -- records --------------------------------------------------------------------------
    def statements(self, ids) -> list[Statement]:
        return self.records.statements(ids)

    def statement_ids(self, ids) -> list[str]:
        return self.records.statement_ids(ids)

    def vectors(self, ids) -> np.ndarray:
        return self.records.vectors(ids)

    def facts(self, ids) -> Facts:
        return self.records.facts(ids)

    @property
    def vocabularies(self) -> dict[str, list[str]]:
        return self.catalog["vocabularies"]

    def speaker_places(self) -> dict[str, str]:
        return self.catalog["speaker_places"]

    # -- filters --------------------------------------------------------------------------
    def ids(self, where: Where, among=None, limit: int | None = None) -> np.ndarray:
        return self.filters.ids(where, among, limit)

    def count(self, where: Where) -> int:
        return self.filters.count(where)

    def allows_any(self, where: Where) -> bool:
        return self.filters.allows_any(where)

    def allows_fewer(self, where: Where) -> bool:
        return self.filters.allows_fewer(where)

    # -- search ---------------------------------------------------------------------------
    def dense(self, vector: np.ndarray, k: int, where: Where) -> tuple[np.ndarray, np.ndarray]:
        query = np.asarray(vector, dtype=np.float32).reshape(-1).tolist()
        return self.filters.search(query, "dense", k, where)

    def keywords(self, tokens: list[str], k: int, where: Where) -> tuple[np.ndarray, np.ndarray]:
        terms = [term(t) for t in tokens if self.has_word(t)]
        if not terms:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
        ids, scores = self.filters.search(" ".join(terms), "sparse", k, where)
        scores = bm25(scores)
        keep = scores > 0
        ids, scores = ids[keep], scores[keep]
        order = np.lexsort((ids, -scores))
        return ids[order], scores[order]

    def keyword_scores(self, tokens: list[str], ids) -> np.ndarray:
        return self.keyword_index.scores(tokens, ids)

    # -- the keyword vocabulary -----------------------------------------------------------
    def has_word(self, token: str) -> bool:
        return self.keyword_index.has_word(token)

    def words_starting(self, prefix: str) -> list[str]:
        return self.keyword_index.words_starting(prefix)
