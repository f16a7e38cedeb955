"""The row one statement becomes in a Milvus collection (qa/store/milvus/collection.py holds
its schema): the primary key from the statement id, the keyword tokens as the terms field holds
them, values cut to Milvus's field lengths and quoted for filter expressions, the hashes that
decide whether a row is written again, and the mentioned dates as pairs of integer fields."""

from __future__ import annotations

import hashlib
import json
import re

from qa.corpus.statements import Statement

VARCHAR_BYTES = 65_535  # Milvus's longest VARCHAR
NAME_BYTES = 1_024  # speaker, affiliation, role, place, source
# The spans of the dates a statement mentions are kept as MENTIONS pairs of integer fields,
# which Milvus Lite filters as columns (an array field it reads row by row); a statement's
# spans past these are in the catalog (`mention_spans`). An empty pair never meets a range.
MENTIONS = 4
NO_MENTION = (2**62, -(2**62))
HASH_CHARS = 32
FIELD_VALUES = ("speaker", "affiliation", "role", "place")
SPANS = ("said_lo", "said_hi", "inferred_lo", "inferred_hi")
MENTION_FIELDS = [(f"mention_lo_{i}", f"mention_hi_{i}") for i in range(1, MENTIONS + 1)]
_PLAIN_TOKEN = re.compile(r"[a-z][a-z0-9]*")


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
