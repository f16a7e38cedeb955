"""Answering from a Milvus collection: the Store interface of qa/store/where.py over the collection
and catalog that qa/store/milvus/build.py writes. Ids are the collection's primary keys. Filter trees
become Milvus filter expressions (qa/store/milvus/where.py), which Milvus applies before it ranks.
"""

from __future__ import annotations

import bisect
import sys
from collections import OrderedDict
from pathlib import Path

import numpy as np

from qa.corpus.dates import Timeline
from qa.corpus.statements import Statement
from qa.store.base import Facts
from qa.store.milvus import collection as milvus
from qa.store.milvus.collection import MilvusError
from qa.store.milvus.where import FALSE, ROW_FIELDS, TRUE, Keys, compile_where, holds, keyword_plan
from qa.store.where import EVERYTHING, And, Mentions, Not, Or, Where

# Milvus answers at most this many rows to one search or query (its topk and query window).
WINDOW = 16_384
IDS_PER_QUERY = 1_000
CACHED_RECORDS = 4_096
CACHED_COUNTS = 256
CACHED_WORDS = 256


def _bm25(distances: np.ndarray) -> np.ndarray:
    """BM25 scores as the embedded store gives them, from Milvus's distances: Milvus Lite
    reports them negated, a server as they are; and Milvus multiplies by (k1 + 1)."""
    return np.abs(distances) / np.float32(milvus.BM25_K1 + 1)


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
    """The statements of one Milvus collection, read by primary key."""

    def __init__(self, client, name: str, catalog: dict):
        self.client = client
        self.name = name
        self.catalog = catalog
        self.model_id = catalog["model_id"]
        self.weights_sha256 = catalog["weights_sha256"]
        timeline = catalog["timeline"]
        self.timeline = Timeline(timeline["start_month"], timeline["season"])
        self.skipped = list(catalog["corpus"]["skipped"])
        self.words: list[str] = catalog["words"]
        # How many statements hold each word, and keys cutting the collection into ranges of
        # equal size (from the build); a catalog without them is searched in halves.
        self.word_counts: list[int] | None = catalog.get("word_counts")
        self.key_edges: list[int] = catalog.get("key_edges") or [0, 2**62]
        days = catalog.get("mention_days")
        self.mention_days = tuple(days) if days else None
        self.more_spans: dict[str, list] = catalog.get("mention_spans") or {}
        self._holding_cache: OrderedDict[tuple, tuple[int, ...]] = OrderedDict()
        self._records: OrderedDict[int, Statement] = OrderedDict()
        # Counts asked again and again in a chat (how many statements hold a topic word), and
        # whether a filter allows a row (`allows_any`), keyed by "any " and its expression.
        self._counts: OrderedDict[str, int] = OrderedDict()
        # Any vector will do to ask whether a filter allows a row (`allows_any`).
        self._probe = [1.0] + [0.0] * (int(catalog.get("dimension", 384)) - 1)
        self.size = self.count(EVERYTHING)

    def close(self) -> None:
        self.client.close()

    def expression(self, where: Where) -> str:
        return compile_where(self.resolved(where), self.mention_days, self.more_spans)

    def resolved(self, where: Where) -> Where:
        """The tree with each `Mentions` whose rows the BM25 index can list replaced by
        their keys (`Keys`)."""
        if isinstance(where, Mentions):
            return Keys(self._holding_all(where.words))
        if isinstance(where, And | Or):
            return type(where)(tuple(self.resolved(p) for p in where.parts))
        if isinstance(where, Not):
            return Not(self.resolved(where.part))
        return where

    def _holding_all(self, words: tuple[str, ...]) -> tuple[int, ...]:
        """The keys of the rows holding every word, from the BM25 index: every row holding
        the rarest word, then those of them holding each other word."""
        words = tuple(sorted(set(words)))
        if words not in self._holding_cache:
            if len(self._holding_cache) >= CACHED_WORDS:
                self._holding_cache.popitem(last=False)
            self._holding_cache[words] = self._rows_holding_all(words)
        return self._holding_cache[words]

    def _rows_holding_all(self, words: tuple[str, ...]) -> tuple[int, ...]:
        if not words or not all(self.has_word(w) for w in words):
            return ()
        rarest, *others = sorted(words, key=lambda w: (self.word_count(w), w))
        found = sorted(self._holding([rarest], TRUE))
        for word in others:
            kept = []
            for start in range(0, len(found), IDS_PER_QUERY * 4):
                chunk = found[start : start + IDS_PER_QUERY * 4]
                among = f"pk in [{', '.join(map(str, chunk))}]"
                kept += self._holding_word(milvus.term(word), len(chunk), among)
            found = sorted(kept)
        return tuple(found)

    def word_count(self, word: str) -> int:
        """How many statements hold the word (WINDOW when the catalog does not say)."""
        if self.word_counts is None:
            return WINDOW
        at = bisect.bisect_left(self.words, word)
        found = at < len(self.words) and self.words[at] == word
        return self.word_counts[at] if found else 0

    def _holding(self, words, expression: str) -> list[int]:
        """The keys of the rows holding one of these words and passing the expression, every
        one: the BM25 index scores exactly the rows holding a word above zero, and is searched
        a range of keys at a time, in as many ranges as the words' statement counts ask for,
        a range halved while its search comes back full."""
        if expression == FALSE or not words:
            return []
        query = " ".join(milvus.term(w) for w in words)
        rest = [] if expression == TRUE else [f"({expression})"]
        # Ranges of three quarters of a window each: the words' rows spread evenly over the
        # keys (hashes of statement ids), so a range rarely comes back full.
        parts = -(-sum(self.word_count(w) for w in words) // (WINDOW * 3 // 4))
        if parts > 1 and rest:
            # A filter most often allows a few of the rows holding the words: one search
            # first, the ranges only when it comes back full.
            hits = self._holding_word(query, WINDOW, rest[0])
            if len(hits) < WINDOW:
                return hits
        if parts <= 1:
            ranges = [None]
        else:
            edges = self.key_edges
            step = max(1, (len(edges) - 1) // parts)
            cuts = [*edges[:-1:step], edges[-1]]
            ranges = list(zip(cuts, cuts[1:]))
        found: list[int] = []
        while ranges:
            span = ranges.pop()
            limits = [] if span is None else [f"pk >= {span[0]}", f"pk < {span[1]}"]
            hits = self._holding_word(query, WINDOW, " and ".join(limits + rest))
            if len(hits) < WINDOW:
                found += hits
                continue
            low, high = span if span is not None else (self.key_edges[0], self.key_edges[-1])
            if high - low < 2:
                raise MilvusError(f"Milvus returned more rows of one key than {self.name} holds.")
            middle = (low + high) // 2
            ranges += [(low, middle), (middle, high)]
        return found

    def _holding_word(self, term: str, k: int, expression: str) -> list[int]:
        hits = self._call(
            self.client.search, self.name, data=[term], anns_field="sparse", limit=k,
            filter=expression, output_fields=["pk"],
        )[0]  # fmt: skip
        return [int(h["pk"]) for h in hits if float(h["distance"]) != 0]

    # -- records --------------------------------------------------------------------------
    def _by_id(self, ids, fields: list[str]) -> dict[int, dict]:
        """Rows of these ids, keyed by id (fetched a thousand at a time)."""
        ids = [int(i) for i in ids]
        found: dict[int, dict] = {}
        for start in range(0, len(ids), IDS_PER_QUERY):
            chunk = sorted(set(ids[start : start + IDS_PER_QUERY]))
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
            for pk, row in self._by_id(wanted, ["record"]).items():
                found[pk] = self._records[pk] = Statement.from_json(row["record"])
                if len(self._records) > CACHED_RECORDS:
                    self._records.popitem(last=False)
        return [found[i] for i in ids]

    def statement_ids(self, ids) -> list[str]:
        return [s.id for s in self.statements(ids)]

    def vectors(self, ids) -> np.ndarray:
        ids = [int(i) for i in ids]
        if not ids:
            return np.empty((0, self.catalog.get("dimension", 0)), dtype=np.float32)
        rows = self._by_id(ids, ["dense"])
        return np.array([rows[i]["dense"] for i in ids], dtype=np.float32)

    def facts(self, ids) -> Facts:
        ids = [int(i) for i in ids]
        rows = self._by_id(ids, ["said_lo", "said_hi", "inferred_hi", "attributed"]) if ids else {}

        def column(name: str, dtype) -> np.ndarray:
            return np.array([rows[i][name] for i in ids], dtype=dtype)

        return Facts(
            column("said_lo", np.int64),
            column("said_hi", np.int64),
            column("inferred_hi", np.int64),
            column("attributed", bool),
        )

    @property
    def vocabularies(self) -> dict[str, list[str]]:
        return self.catalog["vocabularies"]

    def speaker_places(self) -> dict[str, str]:
        return self.catalog["speaker_places"]

    # -- filters --------------------------------------------------------------------------
    def ids(self, where: Where, among=None, limit: int | None = None) -> np.ndarray:
        expression = compile_where(where, self.mention_days, self.more_spans)
        if expression == FALSE:
            return np.empty(0, dtype=np.int64)
        if among is not None:
            # A few candidates: their fields are read by key and the tree is evaluated here,
            # rather than a filter over the collection (Milvus Lite scans every row for one).
            among = sorted({int(i) for i in among})
            rows = self._by_id(among, ROW_FIELDS) if among else {}
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
        window = min(limit, WINDOW) if limit is not None else WINDOW
        rows = self._call(
            self.client.query,
            self.name,
            filter="" if expression == TRUE else expression,
            output_fields=["pk"],
            limit=window,
        )
        if len(rows) < window or (limit is not None and limit <= WINDOW):
            return [int(r["pk"]) for r in rows]
        iterator = self._call(
            self.client.query_iterator,
            self.name,
            batch_size=IDS_PER_QUERY * 4,
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
                words = [milvus.term(w) for w in dict.fromkeys(plan[0]) if self.has_word(w)]
                expression = self.expression(plan[1])
                found = (
                    bool(words)
                    and expression != FALSE
                    and bool(
                        self._holding_word(
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
                        bool(len(self._search(self._probe, "dense", 1, where)[0]))
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
        words = [w for w in dict.fromkeys(words) if self.has_word(w)]
        parts = rest.parts if isinstance(rest, And) else (rest,)
        if len(words) == 1 and self.word_counts is not None and len(parts) <= 1:
            if not parts or self.expression(parts[0]) == TRUE:
                return self.word_count(words[0])
            if isinstance(parts[0], Not):
                allowed = self.expression(parts[0].part)
                return self.word_count(words[0]) - len(self._holding(words, allowed))
        return len(self._holding(words, self.expression(rest)))

    def _holding_any(self, where: Where) -> np.ndarray | None:
        """The ids of a `keyword_plan` tree from the BM25 index, or None when the tree is not
        of that shape."""
        plan = keyword_plan(where)
        if plan is None:
            return None
        words, rest = plan
        words = [w for w in dict.fromkeys(words) if self.has_word(w)]
        return np.array(sorted(self._holding(words, self.expression(rest))), dtype=np.int64)

    def _query(self, expression: str, fields: list[str]) -> list[dict]:
        return self._call(self.client.query, self.name, filter=expression, output_fields=fields)

    # -- search ---------------------------------------------------------------------------
    def _search(self, data, field: str, k: int, where: Where) -> tuple[np.ndarray, np.ndarray]:
        expression = self.expression(where)
        k = min(int(k), WINDOW)
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

    def dense(self, vector: np.ndarray, k: int, where: Where) -> tuple[np.ndarray, np.ndarray]:
        query = np.asarray(vector, dtype=np.float32).reshape(-1).tolist()
        return self._search(query, "dense", k, where)

    def keywords(self, tokens: list[str], k: int, where: Where) -> tuple[np.ndarray, np.ndarray]:
        terms = [milvus.term(t) for t in tokens if self.has_word(t)]
        if not terms:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
        ids, scores = self._search(" ".join(terms), "sparse", k, where)
        scores = _bm25(scores)
        keep = scores > 0
        ids, scores = ids[keep], scores[keep]
        order = np.lexsort((ids, -scores))
        return ids[order], scores[order]

    def keyword_scores(self, tokens: list[str], ids) -> np.ndarray:
        ids = np.asarray(ids, dtype=np.int64)
        scores = np.zeros(len(ids), dtype=np.float32)
        for start in range(0, len(ids), IDS_PER_QUERY):
            chunk = ids[start : start + IDS_PER_QUERY]
            found, values = self._keywords_among(tokens, chunk)
            position = {int(i): s for i, s in zip(found, values)}
            scores[start : start + len(chunk)] = [position.get(int(i), 0.0) for i in chunk]
        return scores

    def _keywords_among(self, tokens: list[str], ids: np.ndarray):
        terms = [milvus.term(t) for t in tokens if self.has_word(t)]
        if not terms or not len(ids):
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
        found = self._call(
            self.client.search,
            self.name,
            data=[" ".join(terms)],
            anns_field="sparse",
            limit=len(ids),
            filter=f"pk in [{', '.join(str(int(i)) for i in ids)}]",
            output_fields=["pk"],
        )[0]
        return (
            np.array([int(h["pk"]) for h in found], dtype=np.int64),
            _bm25(np.array([float(h["distance"]) for h in found], dtype=np.float32)),
        )

    # -- the keyword vocabulary -----------------------------------------------------------
    def has_word(self, token: str) -> bool:
        at = bisect.bisect_left(self.words, token)
        return at < len(self.words) and self.words[at] == token

    def words_starting(self, prefix: str) -> list[str]:
        at = bisect.bisect_left(self.words, prefix)
        out = []
        while at < len(self.words) and self.words[at].startswith(prefix):
            out.append(self.words[at])
            at += 1
        return out

    def _call(self, method, *args, **kwargs):
        try:
            return method(*args, **kwargs)
        except MilvusError:
            raise
        except Exception as error:  # the client's many kinds of failure, said in one sentence
            raise MilvusError(
                f"Milvus failed to answer for the collection {self.name}: "
                f"{milvus.first_line(error)}."
            ) from None
