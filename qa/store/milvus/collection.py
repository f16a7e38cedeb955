"""The Milvus collection: connecting (a `.db` file is Milvus Lite, embedded in this process's
machine; http(s):// is a server or cluster, the same code), the collection's schema, the
catalog kept beside it, and the row one statement becomes. Needs the `milvus` extra
(`pip install 'qa[milvus]'`); nothing else in qa imports pymilvus.

A collection NAME is two Milvus collections:
    NAME          one row per statement: int64 primary key from the statement id, the keyword
                  tokens (BM25 by Milvus's function into a sparse field), the dense vector, the
                  filter fields of qa/store/where.py as scalars, hashes of the text and of the row,
                  and the statement record as JSON (what answers show, as the embedded store)
    NAME_catalog  the model and weights hash, schema version, timeline, field vocabularies
                  and keyword vocabulary, as JSON in chunks
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from qa.corpus.statements import Statement
from qa.errors import IndexStateError, QaError

# Bump when the collection's fields or what they hold change: an older collection is refused.
SCHEMA_VERSION = 2
DEFAULT_COLLECTION = "qa"
CONNECT_SECONDS = 5.0
# Milvus Lite runs in this process and reads its whole .db folder when it opens it (seconds
# at 100,000 statements on a busy machine): a local file is given longer than a server.
LITE_OPEN_SECONDS = 600.0
VARCHAR_BYTES = 65_535  # Milvus's longest VARCHAR
NAME_BYTES = 1_024  # speaker, affiliation, role, place, source
# The spans of the dates a statement mentions are kept as MENTIONS pairs of integer fields,
# which Milvus Lite filters as columns (an array field it reads row by row); a statement's
# spans past these are in the catalog (`mention_spans`). An empty pair never meets a range.
MENTIONS = 4
NO_MENTION = (2**62, -(2**62))
# bm25s's defaults, which the embedded keyword index uses. Milvus scores a term with the
# (k1 + 1) factor of the original BM25 and bm25s without it: `MilvusStore` divides it out.
BM25_K1, BM25_B = 1.5, 0.75
CHUNK_CHARS = 60_000  # catalog JSON per row
KEY_PARTS = 1_024  # key ranges the catalog lists, for searches a range at a time
HASH_CHARS = 32
FIELD_VALUES = ("speaker", "affiliation", "role", "place")
SPANS = ("said_lo", "said_hi", "inferred_lo", "inferred_hi")
MENTION_FIELDS = [(f"mention_lo_{i}", f"mention_hi_{i}") for i in range(1, MENTIONS + 1)]
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,200}")
_PLAIN_TOKEN = re.compile(r"[a-z][a-z0-9]*")


class MilvusError(IndexStateError):
    """The Milvus collection cannot be reached, or cannot answer for this qa."""


def _pymilvus():
    try:
        import pymilvus
    except ImportError:
        raise MilvusError(
            "--store milvus needs the milvus extra; install it with pip install 'qa[milvus]'."
        ) from None
    # pymilvus logs every failed call with its traceback; qa says what failed in one sentence.
    # Milvus Lite's local server logs the calls it does not implement (the client then falls
    # back to another); neither belongs on a user's terminal.
    for logger in ("pymilvus", "grpc", "milvus_lite"):
        logging.getLogger(logger).setLevel(logging.CRITICAL + 1)
    return pymilvus


def check_uri(uri: str | None) -> str:
    """The URI if Milvus can take it: a file path ending in .db (Milvus Lite, in a folder that
    exists) or an http(s):// address; else a MilvusError in one sentence."""
    uri = (uri or "").strip()
    if not uri:
        raise MilvusError("--store milvus needs --uri: a file path ending in .db or http(s)://.")
    if re.match(r"(?i)https?://[^/\s]+", uri) or re.match(r"(?i)(tcp|unix)://\S+", uri):
        return uri
    if "://" in uri:
        raise MilvusError(
            f"The Milvus URI {uri!r} is not one qa can use; give a file path ending in .db "
            "(Milvus Lite) or http(s)://host:port (a Milvus server)."
        )
    if not uri.endswith(".db"):
        raise MilvusError(
            f"The Milvus URI {uri!r} is neither a file path ending in .db (Milvus Lite) "
            "nor an http(s):// address."
        )
    if not Path(uri).expanduser().resolve().parent.is_dir():
        raise MilvusError(f"The folder of the Milvus Lite file {uri} does not exist.")
    return str(Path(uri).expanduser())


def check_collection_name(name: str | None) -> str:
    name = name or DEFAULT_COLLECTION
    if not _NAME.fullmatch(name) or name.endswith("_catalog"):
        raise MilvusError(
            f"{name!r} cannot name a Milvus collection; use letters, digits and underscores, "
            "starting with a letter."
        )
    return name


def connect(uri: str, timeout: float | None = None):
    """A MilvusClient for the URI, or one sentence saying why not."""
    uri = check_uri(uri)
    if timeout is None:
        timeout = CONNECT_SECONDS if "://" in uri else LITE_OPEN_SECONDS
    pymilvus = _pymilvus()
    try:
        client = pymilvus.MilvusClient(uri=uri, timeout=timeout)
        client.list_collections(timeout=timeout)
    except Exception as error:  # the client raises many kinds; each means "cannot connect"
        raise MilvusError(f"Cannot reach Milvus at {uri}: {first_line(error)}.") from None
    return client


def first_line(error: BaseException) -> str:
    message = getattr(error, "message", None) or str(error) or type(error).__name__
    return message.strip().splitlines()[0].rstrip(".")


# -- the schema ---------------------------------------------------------------------------
def expected_fields(dimension: int) -> dict[str, tuple]:
    """Field name -> (data type name, key parameters) of a statement collection."""
    return {
        "pk": ("INT64", {}),
        "sid": ("VARCHAR", {"max_length": 64}),
        "terms": ("VARCHAR", {"max_length": VARCHAR_BYTES}),
        "sparse": ("SPARSE_FLOAT_VECTOR", {}),
        "dense": ("FLOAT_VECTOR", {"dim": dimension}),
        **{name: ("VARCHAR", {"max_length": NAME_BYTES}) for name in FIELD_VALUES},
        "kind": ("VARCHAR", {"max_length": 32}),
        "source": ("VARCHAR", {"max_length": NAME_BYTES}),
        "attributed": ("BOOL", {}),
        **{name: ("INT64", {}) for name in SPANS},
        **{name: ("INT64", {}) for pair in MENTION_FIELDS for name in pair},
        "text_hash": ("VARCHAR", {"max_length": HASH_CHARS}),
        "row_hash": ("VARCHAR", {"max_length": HASH_CHARS}),
        "record": ("JSON", {}),
    }


def create(client, name: str, dimension: int) -> None:
    """Create the statement collection and its catalog (neither may exist yet)."""
    pymilvus = _pymilvus()
    DataType = pymilvus.DataType
    schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
    for field, (kind, params) in expected_fields(dimension).items():
        extra: dict = {}
        if field == "pk":
            extra["is_primary"] = True
        if field == "terms":
            # The terms are qa's own keyword tokens (see `terms`), separated by spaces: the
            # standard tokenizer with no filter splits them back exactly as qa made them.
            extra.update(enable_analyzer=True, enable_match=True,
                         analyzer_params={"tokenizer": "standard"})  # fmt: skip
        schema.add_field(field, getattr(DataType, kind), **params, **extra)
    schema.add_function(
        pymilvus.Function(
            name="terms_bm25",
            function_type=pymilvus.FunctionType.BM25,
            input_field_names=["terms"],
            output_field_names=["sparse"],
        )
    )
    index = client.prepare_index_params()
    index.add_index("dense", index_type="AUTOINDEX", metric_type="IP")
    index.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25",
                    params={"bm25_k1": BM25_K1, "bm25_b": BM25_B})  # fmt: skip
    client.create_collection(name, schema=schema, index_params=index)
    catalog = client.create_schema(auto_id=False, enable_dynamic_field=False)
    catalog.add_field("key", DataType.VARCHAR, max_length=128, is_primary=True)
    catalog.add_field("chunk", DataType.VARCHAR, max_length=VARCHAR_BYTES)
    catalog.add_field("unused", DataType.FLOAT_VECTOR, dim=2)  # Milvus needs one vector field
    index = client.prepare_index_params()
    index.add_index("unused", index_type="AUTOINDEX", metric_type="IP")
    client.create_collection(catalog_name(name), schema=catalog, index_params=index)


def dimension(client, name: str) -> int:
    """The length of the collection's dense vectors."""
    fields = client.describe_collection(name)["fields"]
    return int(next(f for f in fields if f["name"] == "dense")["params"]["dim"])


def catalog_name(name: str) -> str:
    return f"{name}_catalog"


def schema_problem(client, name: str) -> str | None:
    """What differs between the collection as it is and as qa writes it, or None."""
    try:
        described = client.describe_collection(name)
    except Exception as error:
        return first_line(error)
    fields = {f["name"]: f for f in described.get("fields", [])}
    dense = fields.get("dense", {}).get("params", {}).get("dim")
    expected = expected_fields(int(dense) if dense else -1)
    if set(fields) != set(expected):
        missing = sorted(set(expected) - set(fields))
        extra = sorted(set(fields) - set(expected))
        return (
            "its fields differ"
            + (f" (missing {', '.join(missing)})" if missing else "")
            + (f" (unexpected {', '.join(extra)})" if extra else "")
        )
    for field, (kind, params) in expected.items():
        actual = fields[field]
        if getattr(actual.get("type"), "name", str(actual.get("type"))) != kind:
            return f"its field {field} is not {kind}"
        for key, value in params.items():
            if str(actual.get("params", {}).get(key)) != str(value):
                return f"its field {field} has {key} {actual.get('params', {}).get(key)}"
    if not client.has_collection(catalog_name(name)):
        return "it has no catalog"
    return None


# -- the catalog --------------------------------------------------------------------------
def read_catalog(client, name: str) -> dict | None:
    """The catalog's JSON, or None when it holds none."""
    client.load_collection(catalog_name(name))
    rows = client.query(
        catalog_name(name), filter='key like "catalog:%"', output_fields=["key", "chunk"]
    )
    if not rows:
        return None
    rows.sort(key=lambda r: int(r["key"].split(":")[1]))
    try:
        return json.loads("".join(r["chunk"] for r in rows))
    except ValueError:
        return None


def write_catalog(client, name: str, catalog: dict) -> None:
    data = json.dumps(catalog, ensure_ascii=False, sort_keys=True)
    chunks = [data[i : i + CHUNK_CHARS] for i in range(0, len(data), CHUNK_CHARS)] or [""]
    rows = [{"key": f"catalog:{i}", "chunk": c, "unused": [0.0, 1.0]} for i, c in enumerate(chunks)]
    client.upsert(catalog_name(name), rows)
    client.delete(catalog_name(name), filter=f'key like "catalog:%" and not key in '
                  f'[{", ".join(quote(r["key"]) for r in rows)}]')  # fmt: skip


def same_corpus(catalog: dict, paths: list[Path]) -> bool:
    """Whether the collection was built from these corpus files as they are: their
    signature (names, sizes, times) as at the build, or else their contents' fingerprint."""
    from qa.store.fingerprint import corpus_fingerprint, corpus_signature

    built = catalog.get("corpus", {})
    if built.get("signature") == json.loads(json.dumps(corpus_signature(paths))):
        return True
    return built.get("fingerprint") == corpus_fingerprint(paths)


def catalog_problem(catalog: dict | None, weights_sha256: str, model_id: str) -> str | None:
    """Why this qa cannot answer from a collection with this catalog, or None."""
    if catalog is None:
        return "it has no catalog; build it with qa index --store milvus"
    if catalog.get("schema_version") != SCHEMA_VERSION:
        return (
            f"it was written by schema version {catalog.get('schema_version')}, this qa "
            f"writes {SCHEMA_VERSION}; rebuild it with qa index --store milvus"
        )
    if catalog.get("weights_sha256") != weights_sha256:
        return (
            f"it was built with model {catalog.get('model_id')} (weights "
            f"{str(catalog.get('weights_sha256'))[:12]}); this qa uses {model_id} (weights "
            f"{weights_sha256[:12]}); rebuild it with qa index --store milvus"
        )
    return None


# -- rows ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Part:
    """One slice of the statements, by primary key: part `number` of `count` (1-based)."""

    number: int = 1
    count: int = 1

    @classmethod
    def parse(cls, text: str | None) -> Part:
        match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text or "1/1")
        number, count = (int(match[1]), int(match[2])) if match else (0, 0)
        if not 1 <= number <= count:
            raise QaError(f"--part {text!r} is not N/M with 1 <= N <= M, such as 2/8.")
        return cls(number, count)

    @property
    def whole(self) -> bool:
        return self.count == 1

    def holds(self, pk: int) -> bool:
        return pk % self.count == self.number - 1


def primary_key(statement_id: str) -> int:
    """The statement id's hash as an int64: ids are "s" and 12 hex digits (48 bits), so the
    same statement gets the same key in every build and on every worker."""
    try:
        return int(statement_id[1:], 16) if len(statement_id) == 13 else _hashed(statement_id)
    except ValueError:
        return _hashed(statement_id)


def _hashed(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=7).digest(), "big")


def term(token: str) -> str:
    """One keyword token as the terms field holds it: plain lower-case ASCII words as they are,
    anything else (apostrophes, other scripts, leading digits) as "0" and its UTF-8 in hex, so
    Milvus's tokenizer neither splits nor changes it; two tokens never share a term."""
    if _PLAIN_TOKEN.fullmatch(token):
        return token
    return "0" + token.encode("utf-8", "surrogatepass").hex()


def terms(tokens) -> str:
    """Tokens joined for the terms field, cut at whole terms to fit Milvus's VARCHAR."""
    return " ".join(term(token) for token in kept_tokens(tokens))


def kept_tokens(tokens) -> list[str]:
    """The tokens the terms field keeps: those before the cut at Milvus's VARCHAR."""
    out, size = [], 0
    for token in tokens:
        size += len(term(token)) + 1
        if size > VARCHAR_BYTES:
            break
        out.append(token)
    return out


def fit(value: str, limit: int = NAME_BYTES) -> str:
    """A value cut to Milvus's field length in UTF-8 bytes (filters cut theirs the same way)."""
    data = value.encode("utf-8", "surrogatepass")
    if len(data) <= limit:
        return value
    return data[:limit].decode("utf-8", "ignore")


def quote(value: str) -> str:
    """A string literal for a Milvus filter expression: whatever the text (quotes,
    backslashes, line breaks from a corpus or a question), it stays one value."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    escaped = escaped.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    return '"' + escaped + '"'


def row_hash(row: dict) -> str:
    """A hash of everything a row holds but its vector: what decides whether to write it."""
    kept = {k: v for k, v in row.items() if k not in ("dense", "row_hash")}
    data = json.dumps(kept, ensure_ascii=False, sort_keys=True).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(data, digest_size=HASH_CHARS // 2).hexdigest()


def text_hash(weights_sha256: str, passage: str) -> str:
    data = weights_sha256.encode() + b"\0" + passage.encode("utf-8", "surrogatepass")
    return hashlib.blake2b(data, digest_size=HASH_CHARS // 2).hexdigest()


def statement_row(statement: Statement, facts: dict, tokens, weights_sha256: str) -> dict:
    """The row of one statement, without its vector; `facts` from `filters.row_facts`."""
    row = {
        "pk": primary_key(statement.id),
        "sid": statement.id,
        "terms": terms(tokens),
        **{name: fit(facts[name]) for name in FIELD_VALUES},
        "kind": statement.kind,
        "source": fit(statement.source),
        "attributed": bool(facts["attributed"]),
        **{name: int(facts[name]) for name in SPANS},
        **mention_fields(mention_spans(facts["mentioned"])[:MENTIONS]),
        "text_hash": text_hash(weights_sha256, statement.passage),
        "record": statement.to_json(),
    }
    row["row_hash"] = row_hash(row)
    return row


def mention_spans(spans) -> list[tuple[int, int]]:
    """The (lo, hi) spans of a statement's mentioned dates, sorted, those that overlap or
    touch joined: the same days, in as few spans as they make."""
    joined: list[list[int]] = []
    for lo, hi in sorted((int(lo), int(hi)) for lo, hi in spans):
        if joined and lo <= joined[-1][1] + 1:
            joined[-1][1] = max(joined[-1][1], hi)
        else:
            joined.append([lo, hi])
    return [(lo, hi) for lo, hi in joined]


def mention_fields(spans) -> dict[str, int]:
    """The mention fields of a row for at most MENTIONS spans."""
    spans = list(spans) + [NO_MENTION] * (MENTIONS - len(spans))
    return {name: int(value) for pair, span in zip(MENTION_FIELDS, spans)
            for name, value in zip(pair, span)}  # fmt: skip
