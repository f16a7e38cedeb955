"""The rows of a Milvus collection read by primary key: statement records (the last few thousand
read kept at hand), vectors, and the date and attribution facts of candidates."""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

from qa.corpus.statements import Statement
from qa.store.base import Facts
from qa.store.milvus import calls
from qa.store.milvus.collection import MilvusError

CACHED_RECORDS = 4_096


class Records:
    """The rows of one collection by primary key, a thousand to a call."""

    def __init__(self, collection: calls.CollectionCalls, dimension: int):
        self._call = collection
        self.client = collection.client
        self.name = collection.name
        self.dimension = dimension  # of the vectors, for an empty answer of the right shape
        self._records: OrderedDict[int, Statement] = OrderedDict()

    def by_id(self, ids, fields: list[str]) -> dict[int, dict]:
        """Rows of these ids, keyed by id (fetched a thousand at a time)."""
        ids = [int(i) for i in ids]
        found: dict[int, dict] = {}
        for start in range(0, len(ids), calls.IDS_PER_QUERY):
            chunk = sorted(set(ids[start : start + calls.IDS_PER_QUERY]))
            rows = self._call(self.client.get, self.name, ids=chunk, output_fields=["pk", *fields])
            found.update((int(r["pk"]), r) for r in rows)
        missing = [i for i in ids if i not in found]
        if missing:
            raise MilvusError(
                f"The collection {self.name} no longer holds statement {missing[0]}; it was "
                "rebuilt while in use: ask again."
            )
        return found

    def statements(self, ids) -> list[Statement]:
        ids = [int(i) for i in ids]
        found = {i: self._records[i] for i in ids if i in self._records}
        wanted = [i for i in ids if i not in found]
        if wanted:
            for pk, row in self.by_id(wanted, ["record"]).items():
                found[pk] = self._records[pk] = Statement.from_json(row["record"])
                if len(self._records) > CACHED_RECORDS:
                    self._records.popitem(last=False)
        return [found[i] for i in ids]

    def statement_ids(self, ids) -> list[str]:
        return [s.id for s in self.statements(ids)]

    def vectors(self, ids) -> np.ndarray:
        ids = [int(i) for i in ids]
        if not ids:
            return np.empty((0, self.dimension), dtype=np.float32)
        rows = self.by_id(ids, ["dense"])
        return np.array([rows[i]["dense"] for i in ids], dtype=np.float32)

    def facts(self, ids) -> Facts:
        ids = [int(i) for i in ids]
        rows = self.by_id(ids, ["said_lo", "said_hi", "inferred_hi", "attributed"]) if ids else {}

        def column(name: str, dtype) -> np.ndarray:
            return np.array([rows[i][name] for i in ids], dtype=dtype)

        return Facts(
            column("said_lo", np.int64),
            column("said_hi", np.int64),
            column("inferred_hi", np.int64),
            column("attributed", bool),
        )
