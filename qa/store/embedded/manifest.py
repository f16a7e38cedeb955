"""The manifest of an index generation: its schema, and the checksums of the files it lists.

The manifest's own SHA-256 is kept in the pointer file (see qa/store/embedded/generations.py), so no edit of
the manifest goes unnoticed; the files every index must have are named here, in the code, so
a manifest cannot switch their checking off by leaving them out.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import time
from pathlib import Path

from qa.files import MIB, read_bytes, read_text, replace_file
from qa.model.embedding import sha256_of
from qa.store.embedded.dense import FILES as DENSE_FILES
from qa.store.embedded.facts import ARRAYS
from qa.store.fingerprint import FORMAT_VERSION

FAISS_TYPES = tuple(DENSE_FILES)
REQUIRED_FILES = (
    "statements.jsonl", "offsets.npy", "row_hashes.npy",
    "facts/vocabularies.json", *(f"facts/{name}.npy" for name in ARRAYS),
    "bm25/params.index.json", "bm25/vocab.index.json", "bm25/data.csc.index.npy",
    "bm25/indices.csc.index.npy", "bm25/indptr.csc.index.npy", "bm25/vocab.bytes.npy",
    "bm25/vocab.starts.npy", "bm25/vocab.ids.npy",
)  # fmt: skip
NOT_CHECKSUMMED = ("manifest.json", ".lease", ".verified.json", ".corpus.json")
# A file is hashed again only when its size, modification or change time, or inode differ
# from when it was last verified (recorded in VERIFIED_NAME), so a question does not re-read
# the index; `qa index --check` hashes every file. A build records the files it hashed that
# are over FULL_HASH_LIMIT; any other file is recorded once it has been unchanged for
# SETTLED_SECONDS, since a change within the clock tick of the recording could leave the
# signature as it was (the first questions after a build hash the small files).
VERIFIED_NAME = ".verified.json"
# The most the index's own JSON files can legitimately hold; a larger one (or one that is not
# a regular file) is damage, and the index is rebuilt. The manifest grows with the corpus
# files and the lines skipped as unreadable; the verification record lists some 25 files.
MANIFEST_BYTES = 64 * MIB
VERIFIED_BYTES = 1 * MIB
FULL_HASH_LIMIT = 64 * 2**20
SETTLED_SECONDS = 2.0

SHA256 = re.compile(r"[0-9a-f]{64}")
SAFE_NAME = re.compile(r"[A-Za-z0-9_]+[A-Za-z0-9_.-]*(/[A-Za-z0-9_]+[A-Za-z0-9_.-]*)*")
# The fields a reader relies on, with their types: a manifest of another shape is refused.
SCHEMA = {
    "format_version": int,
    "model": {"id": str, "weights_sha256": str, "dimension": int},
    "corpus": {"fingerprint": str, "timeline_start_month": int, "skipped": list, "files": list},
    "counts": {"statements": int, "embedded": int, "reused": int},
    "faiss": {"type": str},
    "checksums": dict,
}


def schema_problem(manifest: object) -> str | None:
    """What is wrong with the manifest's shape, or None."""
    problem = _shape(manifest, SCHEMA, "manifest")
    if problem:
        return problem
    if manifest["format_version"] != FORMAT_VERSION:
        return "the index was written by another version of qa"
    if not 1 <= manifest["corpus"]["timeline_start_month"] <= 12:
        return "the manifest's timeline start is not a month"
    season = manifest["corpus"].get("timeline_season")
    if season is not None and (type(season) is not int or season < 1):
        return "the manifest's timeline season is not a year"
    if manifest["faiss"]["type"] not in FAISS_TYPES:
        return "the manifest names an unknown FAISS index type"
    if manifest["model"]["dimension"] < 1 or manifest["counts"]["statements"] < 0:
        return "the manifest's counts are impossible"
    if not all(isinstance(line, str) for line in manifest["corpus"]["skipped"]):
        return "the manifest's list of skipped lines is not text"
    checksums = manifest["checksums"]
    if not all(
        isinstance(name, str) and SAFE_NAME.fullmatch(name) and ".." not in name.split("/")
        and isinstance(digest, str) and SHA256.fullmatch(digest)
        for name, digest in checksums.items()
    ):  # fmt: skip
        return "the manifest's checksums are malformed"
    required = (*REQUIRED_FILES, DENSE_FILES[manifest["faiss"]["type"]])
    missing = [name for name in required if name not in checksums]
    if missing:
        return f"the manifest has no checksum for {missing[0]}"
    return None


def _shape(value: object, schema: object, where: str) -> str | None:
    if isinstance(schema, dict):
        if not isinstance(value, dict):
            return f"{where} is not an object"
        for key, inner in schema.items():
            if key not in value:
                return f"{where} has no {key!r}"
            problem = _shape(value[key], inner, f"{where}.{key}")
            if problem:
                return problem
        return None
    if isinstance(value, bool) or not isinstance(value, schema):
        return f"{where} is not a {schema.__name__}"
    return None


def checksums_of(folder: Path) -> dict[str, str]:
    """The SHA-256 of every file in a generation folder, by relative path."""
    return {
        path.relative_to(folder).as_posix(): sha256_of(path)
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name not in NOT_CHECKSUMMED
    }


def read_manifest(folder: Path) -> bytes:
    """The bytes of a generation's manifest.json: OSError if it is missing, unreadable, not a
    regular file or larger than MANIFEST_BYTES."""
    return read_bytes(folder / "manifest.json", MANIFEST_BYTES)


def manifest_bytes(manifest: dict) -> bytes:
    return json.dumps(manifest, indent=2, ensure_ascii=False).encode("utf-8")


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def files_problem(folder: Path, checksums: dict[str, str], full: bool = False) -> str | None:
    """The first listed file that is missing, not a regular file, or not what its checksum
    says, or None. Files verified before and untouched since are not read again unless
    `full`."""
    verified = {} if full else _read_verified(folder)
    changed = False
    now = time.time_ns()
    for name, expected in checksums.items():
        path = folder / name
        try:
            info = os.lstat(path)
        except OSError:
            return f"the index file {name} is missing"
        if not stat.S_ISREG(info.st_mode):
            return f"the index file {name} is not a regular file"
        signature = [expected, info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]
        if verified.get(name) == signature:
            continue  # verified before, untouched since
        try:
            actual = sha256_of(path)
        except OSError:
            return f"the index file {name} cannot be read"
        if actual != expected:
            return f"the index file {name} does not match its checksum"
        if now - max(info.st_mtime_ns, info.st_ctime_ns) > SETTLED_SECONDS * 1e9:
            verified[name], changed = signature, True
    if changed:
        write_verified(folder, verified)
    return None


def _read_verified(folder: Path) -> dict:
    try:
        verified = json.loads(read_text(folder / VERIFIED_NAME, VERIFIED_BYTES))
    except (OSError, ValueError):  # missing, refused or malformed: every file is hashed
        return {}
    return verified if isinstance(verified, dict) else {}


def write_verified(folder: Path, verified: dict) -> None:
    try:
        replace_file(folder / VERIFIED_NAME, json.dumps(verified).encode())
    except OSError:  # a read-only index is re-hashed on the next run instead
        pass


def large_file_signatures(folder: Path, checksums: dict[str, str]) -> dict:
    """The verification record of a freshly written generation's large files."""
    verified = {}
    for name, digest in checksums.items():
        info = os.lstat(folder / name)
        if info.st_size > FULL_HASH_LIMIT:
            verified[name] = [digest, info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]
    return verified
