"""Filter trees (qa/store/where.py) answered over a Milvus collection: the ids a tree allows, how
many, whether any or fewer than all, and the searches under a tree (Milvus applies the filter
before it ranks). A tree's topic words are read from the BM25 index (qa/store/milvus/keywords.py)."""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

from qa.store.milvus import calls
from qa.store.milvus.keywords import KeywordIndex
from qa.store.milvus.records import Records
from qa.store.milvus.rows import term
from qa.store.milvus.where import FALSE, ROW_FIELDS, TRUE, Keys, compile_where, holds, keyword_plan
from qa.store.where import EVERYTHING, And, Mentions, Not, Or, Where

CACHED_COUNTS = 256


class Filters:
    """Filter trees over one collection, with the answers asked again and again kept."""

    def __init__(
        self,
        collection: calls.CollectionCalls,
        keyword_index: KeywordIndex,
        records: Records,
        catalog: dict,
        mention_days: tuple[int, int] | None,
        more_spans: dict[str, list],
    ):
        self._call = collection
        self.client = collection.client
        self.name = collection.name
        self.keyword_index = keyword_index
        self.records = records
        self.mention_days = mention_days
        self.more_spans = more_spans
        # Counts asked again and again in a chat (how many statements hold a topic word), and
        # whether a filter allows a row (`allows_any`), keyed by "any " and its expression.
        self._counts: OrderedDict[str, int] = OrderedDict()
        # Any vector will do to ask whether a filter allows a row (`allows_any`).
        self._probe = [1.0] + [0.0] * (int(catalog.get("dimension", 384)) - 1)
        self.size = self.count(EVERYTHING)

    def expression(self, where: Where) -> str:
        return compile_where(self.resolved(where), self.mention_days, self.more_spans)

    def resolved(self, where: Where) -> Where:
        """The tree with each `Mentions` whose rows the BM25 index can list replaced by
        their keys (`Keys`)."""
        if isinstance(where, Mentions):
            return Keys(self.keyword_index.holding_all(where.words))
        if isinstance(where, And | Or):
            return type(where)(tuple(self.resolved(p) for p in where.parts))
        if isinstance(where, Not):
            return Not(self.resolved(where.part))
        return where

    # -- ids ------------------------------------------------------------------------------
    def ids(self, where: Where, among=None, limit: int | None = None) -> np.ndarray:
        expression = compile_where(where, self.mention_days, self.more_spans)
        if expression == FALSE:
            return np.empty(0, dtype=np.int64)
        if among is not None:
            # A few candidates: their fields are read by key and the tree is evaluated here,
            # rather than a filter over the collection (Milvus Lite scans every row for one).
            among = sorted({int(i) for i in among})
            rows = self.records.by_id(among, ROW_FIELDS) if among else {}
            found = [
                i for i in among if expression == TRUE or holds(where, rows[i], self.more_spans)
            ]  # fmt: skip
        else:
            held = self._holding_any(where)
            if held is None:
                found = self._all_ids(self.expression(where), limit)
            else:
                found = held.tolist()
        found.sort()
        return np.array(found[:limit] if limit is not None else found, dtype=np.int64)

    def _all_ids(self, expression: str, limit: int | None) -> list[int]:
        if expression == FALSE:
            return []
        window = min(limit, calls.WINDOW) if limit is not None else calls.WINDOW
        rows = self._call(
            self.client.query,
            self.name,
            filter="" if expression == TRUE else expression,
            output_fields=["pk"],
            limit=window,
        )
        if len(rows) < window or (limit is not None and limit <= calls.WINDOW):
            return [int(r["pk"]) for r in rows]
        iterator = self._call(
            self.client.query_iterator,
            self.name,
            batch_size=calls.IDS_PER_QUERY * 4,
            filter="" if expression == TRUE else expression,
            output_fields=["pk"],
        )
        found: list[int] = []
        try:
            while page := self._call(iterator.next):
                found.extend(int(r["pk"]) for r in page)
        finally:
            iterator.close()
        return found

    # -- how many -------------------------------------------------------------------------
    def count(self, where: Where) -> int:
        # Keyed by the tree's own expression: its words are looked up only if counted by a
        # filter (`resolved`), not when the BM25 index counts them (`keyword_plan`).
        key = compile_where(where, self.mention_days, self.more_spans)
        if key == FALSE:
            return 0
        if key not in self._counts:
            plan = keyword_plan(where)
            if plan is not None:
                count = self._count_holding(*plan)
            else:
                expression = self.expression(where)
                rows = self._query("" if expression == TRUE else expression, ["count(*)"])
                count = int(rows[0]["count(*)"])
            if len(self._counts) >= CACHED_COUNTS:
                self._counts.popitem(last=False)
            self._counts[key] = count
        return self._counts[key]

    def allows_any(self, where: Where) -> bool:
        # One row is enough: a search for the one best row under the filter (Milvus Lite
        # evaluates a filter far faster for a search than for a query or a count, which read
        # every row it allows). A tree of topic words asks the BM25 index for them.
        key = "any " + compile_where(where, self.mention_days, self.more_spans)
        if key not in self._counts:
            plan = keyword_plan(where)
            if plan is not None:
                words = [term(w) for w in dict.fromkeys(plan[0]) if self.keyword_index.has_word(w)]
                expression = self.expression(plan[1])
                found = (
                    bool(words)
                    and expression != FALSE
                    and bool(
                        self.keyword_index.holding_word(
                            " ".join(words), 1, "" if expression == TRUE else expression
                        )
                    )
                )
            else:
                expression = self.expression(where)
                # A row the search finds is allowed; an empty answer is checked by a query,
                # since an approximate vector index may miss the few rows a filter allows.
                found = expression == TRUE or (
                    expression != FALSE
                    and (
                        bool(len(self.search(self._probe, "dense", 1, where)[0]))
                        or bool(self._all_ids(expression, 1))
                    )
                )
            if len(self._counts) >= CACHED_COUNTS:
                self._counts.popitem(last=False)
            self._counts[key] = found
        return self._counts[key]

    def allows_fewer(self, where: Where) -> bool:
        if keyword_plan(where) is not None:
            # Rows holding a word: the catalog's count, or the BM25 index lists them; the
            # negation would list them too, as keys.
            return self.count(where) < self.size
        return self.allows_any(Not(where))

    def _count_holding(self, words, rest: Where) -> int:
        """How many rows of a `keyword_plan` tree there are. For one word the catalog says how
        many hold it; "and not X" subtracts those holding it that X allows."""
        index = self.keyword_index
        words = [w for w in dict.fromkeys(words) if index.has_word(w)]
        parts = rest.parts if isinstance(rest, And) else (rest,)
        if len(words) == 1 and index.word_counts is not None and len(parts) <= 1:
            if not parts or self.expression(parts[0]) == TRUE:
                return index.word_count(words[0])
            if isinstance(parts[0], Not):
                allowed = self.expression(parts[0].part)
                return index.word_count(words[0]) - len(index.holding(words, allowed))
        return len(index.holding(words, self.expression(rest)))

    def _holding_any(self, where: Where) -> np.ndarray | None:
        """The ids of a `keyword_plan` tree from the BM25 index, or None when the tree is not
        of that shape."""
        plan = keyword_plan(where)
        if plan is None:
            return None
        words, rest = plan
        words = [w for w in dict.fromkeys(words) if self.keyword_index.has_word(w)]
        return np.array(
            sorted(self.keyword_index.holding(words, self.expression(rest))), dtype=np.int64
        )

    def _query(self, expression: str, fields: list[str]) -> list[dict]:
        return self._call(self.client.query, self.name, filter=expression, output_fields=fields)

    # -- searches under a tree ------------------------------------------------------------
    def search(self, data, field: str, k: int, where: Where) -> tuple[np.ndarray, np.ndarray]:
        """The k ids `where` allows that score best for a query of the field (a vector for
        "dense", space-separated terms for "sparse"), best first, and their distances."""
        expression = self.expression(where)
        k = min(int(k), calls.WINDOW)
        if expression == FALSE or k <= 0:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
        found = self._call(
            self.client.search,
            self.name,
            data=[data],
            anns_field=field,
            limit=k,
            filter="" if expression == TRUE else expression,
            output_fields=["pk"],
        )[0]
        ids = np.array([int(hit["pk"]) for hit in found], dtype=np.int64)
        return ids, np.array([float(hit["distance"]) for hit in found], dtype=np.float32)
