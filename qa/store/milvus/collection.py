"""The Milvus collection: connecting (a `.db` file is Milvus Lite, embedded in this process's
machine; http(s):// is a server or cluster, the same code), the collection's schema, the
catalog kept beside it, and the parts a build can be cut into. The row one statement becomes
is in qa/store/milvus/rows.py. Needs the `milvus` extra (`pip install 'qa[milvus]'`); nothing
else in qa imports pymilvus.

A collection NAME is two Milvus collections:
    NAME          one row per statement: int64 primary key from the statement id, the keyword
                  tokens (BM25 by Milvus's function into a sparse field), the dense vector, the
                  filter fields of qa/store/where.py as scalars, hashes of the text and of the row,
                  and the statement record as JSON (what answers show, as the embedded store)
    NAME_catalog  the model and weights hash, schema version, timeline, field vocabularies
                  and keyword vocabulary, as JSON in chunks
"""

from __future__ import annotations

import json
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path

from qa.errors import IndexStateError, QaError
from qa.store.milvus.rows import (
    FIELD_VALUES,
    HASH_CHARS,
    MENTION_FIELDS,
    NAME_BYTES,
    SPANS,
    VARCHAR_BYTES,
    quote,
)

# The row's own names, reached through this module as `milvus.term` and the like by the build
# (qa/store/milvus/build.py) and the tests.
from qa.store.milvus.rows import MENTIONS as MENTIONS
from qa.store.milvus.rows import kept_tokens as kept_tokens
from qa.store.milvus.rows import mention_spans as mention_spans
from qa.store.milvus.rows import primary_key as primary_key
from qa.store.milvus.rows import statement_row as statement_row
from qa.store.milvus.rows import term as term

# Bump when the collection's fields or what they hold change: an older collection is refused.
SCHEMA_VERSION = 2
DEFAULT_COLLECTION = "qa"
CONNECT_SECONDS = 5.0
# Milvus Lite runs in this process and reads its whole .db folder when it opens it (seconds
# at 100,000 statements on a busy machine): a local file is given longer than a server.
LITE_OPEN_SECONDS = 600.0
# bm25s's defaults, which the embedded keyword index uses. Milvus scores a term with the
# (k1 + 1) factor of the original BM25 and bm25s without it: `keywords.bm25` divides it out.
BM25_K1, BM25_B = 1.5, 0.75
CHUNK_CHARS = 60_000  # catalog JSON per row
KEY_PARTS = 1_024  # key ranges the catalog lists, for searches a range at a time
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,200}")


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
        if "://" not in uri and lite_in_use(uri, error):
            raise MilvusError(
                f"The Milvus Lite file {uri} is in use by another process (a build?); "
                "wait for it or use another file."
            ) from None
        raise MilvusError(f"Cannot reach Milvus at {uri}: {first_line(error)}.") from None
    return client


def lite_in_use(path: str, error: BaseException | None = None) -> bool:
    """Whether another process holds the Milvus Lite file: Milvus Lite takes an exclusive
    flock on LOCK in the .db folder while it has it open, and tells the client only that the
    local server did not start; so the lock is tried here (and let go at once)."""
    if "another process holds the lock" in str(error or ""):
        return True
    try:
        import fcntl

        handle = os.open(Path(path) / "LOCK", os.O_RDONLY | os.O_NONBLOCK)
    except (ImportError, OSError):
        return False
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.flock(handle, fcntl.LOCK_UN)
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        os.close(handle)
    return False


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


# -- the parts of a build -----------------------------------------------------------------
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
