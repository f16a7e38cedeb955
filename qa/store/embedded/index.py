"""The index on disk: generations of plain files, each described by a manifest, built beside
the one in use and published atomically (see qa/store/embedded/generations.py for the folders and locks).

<index dir>/
    CURRENT              the generation in use and the SHA-256 of its manifest
    .build.lock          held by the one build running
    gen-<id>/            one generation, never changed once published
        manifest.json    format, model and weights hash, corpus fingerprint, counts, checksums
        statements.jsonl row i is statement i
        offsets.npy      byte offset of each row of statements.jsonl (and of its end)
        facts/           per-row speaker, affiliation, role and date facts for filtering
        vectors.npy      row i is the normalised embedding of statement i (exact search)
        dense.faiss      or, from HNSW_THRESHOLD statements up, an HNSW index holding them
        row_hashes.npy   per row: a hash of the embedded text, and of that with the vector
        bm25/            bm25s index (JSON and .npy, no pickle)
        .lease           readers hold a shared lock on it while they use the generation
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from qa.corpus.loading import Corpus, default_corpus_paths, load_corpus
from qa.errors import IndexStateError
from qa.model.embedding import Encoder, ModelInfo
from qa.store.embedded import dense as dense_module
from qa.store.embedded import generations, keywords
from qa.store.embedded import manifest as manifest_module
from qa.store.embedded.facts import StatementFilter
from qa.store.embedded.generations import BuildLock, Lease, Waiting, describe, report_on_terminal
from qa.store.embedded.keywords import Bm25Index
from qa.store.embedded.manifest import (
    checksums_of,
    files_problem,
    large_file_signatures,
    manifest_bytes,
    schema_problem,
    sha256_bytes,
    write_verified,
)
from qa.store.embedded.records import StatementStore
from qa.store.fingerprint import (
    FORMAT_VERSION,
    PARSER_VERSION,
    Progress,
    corpus_fingerprint,
    corpus_signature,
)
from qa.text import tokenize

# Below this many statements the vectors are searched exactly; above it, HNSW (BENCHMARKS.md).
HNSW_THRESHOLD = dense_module.HNSW_THRESHOLD
# The corpus signature under which a generation last matched the corpus fingerprint, so that
# a question does not read the whole corpus to hash it; a cache, not part of the checksums.
CORPUS_SEEN = ".corpus.json"
# How often a reader tries again when the generation it was pointed at was just replaced.
OPEN_ATTEMPTS = 20
ROW_HASH_BYTES = 16


def _remember_corpus(folder: Path, signature: list, paths: list[Path]) -> None:
    """Record that the corpus, as `signature` describes it, matched this generation: only if
    it is still so described, and no file of it changed in the last SETTLED_SECONDS (a change
    within the clock tick of the recording could leave the signature as it was)."""
    limit = time.time_ns() - manifest_module.SETTLED_SECONDS * 1e9
    settled = all(len(entry) < 5 or max(entry[2:4]) < limit for entry in signature[2:])
    if not settled or corpus_signature(paths) != signature:
        return
    temp = folder / f"{CORPUS_SEEN}.{os.getpid()}"
    try:
        temp.write_text(json.dumps(signature), encoding="utf-8")
        os.replace(temp, folder / CORPUS_SEEN)
    except OSError:  # a read-only index only costs the next question a hash
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)


@dataclass
class Index:
    """One loaded generation. Statements, vectors and the two search structures share row
    numbers. While the Index lives it holds the generation's lease, so its files stay."""

    folder: Path
    manifest: dict
    statements: StatementStore
    vectors: np.ndarray | dense_module.StoredVectors  # row i's vector, read in place
    dense: dense_module.FlatSearch | object  # or a faiss.IndexHNSWFlat, memory-mapped
    bm25: Bm25Index
    lease: Lease | None = field(default=None, repr=False)
    built: bool = False  # True when this process built it, False when it was already there

    def __len__(self) -> int:
        return len(self.statements)

    def close(self) -> None:
        self.statements.close()
        if self.lease:
            self.lease.release()

    def rows_with(self, token: str) -> np.ndarray:
        """Rows holding one keyword token (as `tokenize` gives it), from its postings."""
        at = self.bm25.vocab.get(token)
        if at is None:
            return np.empty(0, dtype=np.int64)
        start, end = int(self.bm25.indptr[at]), int(self.bm25.indptr[at + 1])
        return np.asarray(self.bm25.indices[start:end], dtype=np.int64)

    def rows_containing(self, text: str) -> np.ndarray | None:
        """Rows whose passage holds every keyword of `text`, in row order, from the keyword
        index's postings rather than a scan of the statements (for instance to find where
        the corpus dates an event it names). None when `text` has no keyword."""
        tokens = set(tokenize(text))
        if not tokens:
            return None
        postings = sorted((self.rows_with(token) for token in tokens), key=len)
        rows = np.unique(postings[0])
        for posting in postings[1:]:
            rows = np.intersect1d(rows, posting, assume_unique=False)
        return rows


def current_folder(index_dir: Path) -> Path | None:
    """The generation folder the pointer names, if any."""
    pointer = generations.read_pointer(Path(index_dir))
    return Path(index_dir) / pointer["generation"] if pointer else None


def load(index_dir: Path, full_check: bool = False) -> Index:
    """Open the current generation, verified against its pointer, schema and checksums (but
    not against a corpus: see `stale_reason`). Files verified before and untouched since are
    not read again unless `full_check`."""
    index_dir = Path(index_dir)
    reason = "there is no index yet"
    for _ in range(OPEN_ATTEMPTS):
        pointer = generations.read_pointer(index_dir)
        if pointer is None:
            if (index_dir / generations.POINTER).exists():
                reason = "its pointer file is unreadable"
            break
        folder = index_dir / pointer["generation"]
        lease = None if folder.is_symlink() else Lease.take(folder)
        if lease is None:
            if generations.read_pointer(index_dir) == pointer:
                reason = f"the generation {folder.name} is missing or incomplete"
                break
            reason = "other builds kept replacing it"
            time.sleep(0.01)
            continue  # a build moved the pointer and removed that generation: look again
        try:
            return _open(folder, pointer["manifest_sha256"], lease, full_check)
        except IndexStateError:
            lease.release()
            raise
    raise IndexStateError(f"No usable index in {index_dir} ({reason}); run `qa index`.", reason)


def _open(folder: Path, manifest_sha256: str, lease: Lease, full_check: bool = False) -> Index:
    def damaged(reason: str) -> IndexStateError:
        message = f"The index in {folder} is damaged ({reason}); run `qa index`."
        return IndexStateError(message, f"it is damaged: {reason}")

    try:
        data = (folder / "manifest.json").read_bytes()
    except OSError:
        raise damaged("its manifest is missing") from None
    if sha256_bytes(data) != manifest_sha256:
        raise damaged("its manifest does not match the checksum in the pointer")
    try:
        manifest = json.loads(data)
    except ValueError:
        raise damaged("its manifest is not JSON") from None
    problem = schema_problem(manifest) or files_problem(folder, manifest["checksums"], full_check)
    if problem:
        raise damaged(problem)
    try:
        offsets = np.asarray(np.load(folder / "offsets.npy", mmap_mode="r", allow_pickle=False))
        statements = StatementStore(folder / "statements.jsonl", offsets)
        vectors, dense = dense_module.open_dense(folder, manifest["faiss"]["type"])
        bm25 = Bm25Index(folder / "bm25")
    except Exception as error:  # any unreadable file means "rebuild", whatever the library
        raise damaged(f"{type(error).__name__}: {error}") from None
    count, dimension = manifest["counts"]["statements"], manifest["model"]["dimension"]
    if not (
        offsets.ndim == 1 and len(statements) == count and vectors.shape == (count, dimension)
        and vectors.dtype == np.float32 and dense.ntotal == count and dense.d == dimension
        and bm25.size == count and int(offsets[-1]) == statements.path.stat().st_size
    ):  # fmt: skip
        raise damaged("its files disagree on the number of statements")
    return Index(folder, manifest, statements, vectors, dense, bm25, lease)


def stale_reason(index: Index, fingerprint: str, model: ModelInfo) -> str | None:
    """Why a generation cannot answer for this corpus and model, or None if it can."""
    if index.manifest["corpus"]["fingerprint"] != fingerprint:
        return "it was built from another corpus or an earlier version of it"
    if index.manifest["model"]["weights_sha256"] != model.weights_sha256:
        return "it was built with another model"
    return None


def _fresh(
    index_dir: Path, paths: list[Path], model: ModelInfo, fingerprint: str | None = None
) -> tuple[Index | None, str]:
    """The current generation if it is sound and built from this corpus and model, else
    None and why not. The corpus is hashed only when its signature differs from the one
    under which this generation last matched it."""
    try:
        index = load(index_dir)
    except IndexStateError as error:
        return None, error.reason or str(error)
    signature = corpus_signature(paths)
    try:
        known = json.loads((index.folder / CORPUS_SEEN).read_text(encoding="utf-8")) == signature
    except (OSError, ValueError, UnicodeDecodeError):
        known = False
    if known:
        fingerprint = index.manifest["corpus"]["fingerprint"]
    reason = stale_reason(index, fingerprint or corpus_fingerprint(paths), model)
    if reason:
        index.close()
        return None, reason
    if not known:
        _remember_corpus(index.folder, signature, paths)
    return index, ""


def ensure(
    corpus_paths: list[Path] | None,
    index_dir: Path,
    encoder: Encoder,
    progress: Progress | None = None,
    skip_bad: bool = False,
    waiting: Waiting | None = report_on_terminal,
) -> Index:
    """The index for this corpus and model: the current generation if it was built from them,
    else a new one built first. The Index returned is one generation, held for as long as it
    lives, whatever other processes build meanwhile."""
    paths = [Path(p) for p in (corpus_paths or default_corpus_paths())]
    index, reason = _fresh(Path(index_dir), paths, encoder.info)
    if index is not None:
        return index
    try:
        return build(paths, index_dir, encoder, progress, skip_bad=skip_bad, waiting=waiting)
    except IndexStateError as error:
        if reason == "there is no index yet":
            raise
        message = f"{str(error).rstrip('.')} (the index there cannot be used: {reason})."
        raise IndexStateError(message, reason) from None


def build(
    corpus_paths: list[Path] | None,
    index_dir: Path,
    encoder: Encoder,
    progress: Progress | None = None,
    corpus: Corpus | None = None,
    skip_bad: bool = False,
    waiting: Waiting | None = report_on_terminal,
    force: bool = False,
) -> Index:
    """Make the current generation the index of this corpus: after taking the build lock, use
    the current one if it was built from this corpus and model (unless `force`), else parse
    the corpus, embed what no sound earlier generation holds, write a new generation and
    publish it. Returns the generation, held (`Index.built` says whether it was built here)."""
    paths = [Path(p) for p in (corpus_paths or default_corpus_paths())]
    index_dir = Path(index_dir)
    with BuildLock(index_dir, waiting):
        signature = corpus_signature(paths)
        fingerprint = corpus_fingerprint(paths)
        if not force:
            index, _ = _fresh(index_dir, paths, encoder.info, fingerprint)
            if index is not None:
                return index  # built by another process while this one waited
        _cleanup(index_dir)
        corpus = corpus or load_corpus(paths, skip_bad)
        manifest, temp = _write_generation(corpus, fingerprint, index_dir, encoder, progress)
        _remember_corpus(temp, signature, paths)
        try:
            data = manifest_bytes(manifest)
            (temp / "manifest.json").write_bytes(data)
            generations.publish(index_dir, temp, sha256_bytes(data))
        except OSError as error:
            shutil.rmtree(temp, ignore_errors=True)
            raise _write_error(index_dir, error) from None
        index = load(index_dir)  # taken under the lock: no other build can replace it first
        _cleanup(index_dir)
    index.built = True
    return index


def _cleanup(index_dir: Path) -> None:
    try:
        generations.remove_unused(index_dir)
    except OSError:
        pass  # leftovers never stop a build; a later one removes them


def _write_error(index_dir: Path, error: BaseException) -> IndexStateError:
    what = describe(error, index_dir)
    fix = "free some space or pass" if what.startswith("the disk is full") else "pass"
    return IndexStateError(
        f"Cannot write the index in {index_dir}: {what}; {fix} --index-dir with another folder."
    )


def _write_generation(
    corpus: Corpus, fingerprint: str, index_dir: Path, encoder: Encoder, progress
) -> tuple[dict, Path]:
    """Embed and write every file of a new generation into a temporary folder."""
    statements = list(corpus.statements)
    started = time.time()
    keys = [_text_key(encoder.info, s.passage) for s in statements]
    vectors, todo = _reused_vectors(index_dir, encoder.info, keys)
    if todo:
        dimension = encoder.dimension  # loads the model: only when something is to embed
        if vectors is None or vectors.shape[1] != dimension:
            vectors = np.zeros((len(statements), dimension), dtype=np.float32)
            todo = list(range(len(statements)))
    batch = 256
    for start in range(0, len(todo), batch):
        rows = todo[start : start + batch]
        vectors[rows] = encoder.encode([statements[i].passage for i in rows])
        if progress:
            progress(min(start + batch, len(todo)), len(todo))
    if progress and not todo:
        progress(0, 0)
    temp = index_dir / f"{generations.TEMP_PREFIX}{os.getpid()}-{time.time_ns()}"
    try:
        temp.mkdir(parents=True)
        kind = dense_module.kind_for(len(statements), HNSW_THRESHOLD)
        _write_files(temp, statements, vectors, keys, corpus, kind)
        checksums = checksums_of(temp)
        large = large_file_signatures(temp, checksums)
        if large:
            write_verified(temp, large)
    except OSError as error:
        shutil.rmtree(temp, ignore_errors=True)
        raise _write_error(index_dir, error) from None
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    manifest = {
        "format_version": FORMAT_VERSION,
        "parser_version": PARSER_VERSION,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "build_seconds": round(time.time() - started, 3),
        "model": {
            "id": encoder.info.model_id,
            "weights_sha256": encoder.info.weights_sha256,
            "dimension": int(vectors.shape[1]),
        },
        "corpus": {
            "fingerprint": fingerprint,
            "files": [{"path": str(f.path), "sha256": f.sha256} for f in corpus.files],
            "timeline_start_month": corpus.timeline.start_month,
            "timeline_season": corpus.timeline.season,
            "skipped": list(corpus.skipped),
        },
        "counts": {
            "statements": len(statements),
            "embedded": len(todo),
            "reused": len(statements) - len(todo),
        },
        "faiss": {"type": kind, "hnsw_threshold": HNSW_THRESHOLD},
        "bm25": {"library": "bm25s", "tokenizer": "qa.text.tokenize"},
        "row_hashes": "blake2b-128 of model SHA-256 and passage; then of that and the vector",
        "checksums": checksums,
    }
    return manifest, temp


def _write_files(
    temp: Path, statements, vectors: np.ndarray, keys, corpus: Corpus, kind: str
) -> None:
    offsets = np.zeros(len(statements) + 1, dtype=np.int64)
    with open(temp / "statements.jsonl", "wb") as handle:
        for i, s in enumerate(statements):
            line = (json.dumps(s.to_json(), ensure_ascii=False) + "\n").encode("utf-8")
            handle.write(line)
            offsets[i + 1] = offsets[i] + len(line)
    np.save(temp / "offsets.npy", offsets, allow_pickle=False)
    facts = StatementFilter.from_statements(statements, corpus.gazetteer, corpus.timeline)
    facts.save(temp / "facts")
    np.save(temp / "row_hashes.npy", _row_hashes(keys, vectors), allow_pickle=False)
    dense_module.write(temp, vectors, kind)
    keywords.build([tokenize(s.passage) for s in statements], temp / "bm25")


# -- reusing embeddings -------------------------------------------------------------------
# Row i of row_hashes.npy holds two hashes: of the model's weights hash and the text embedded,
# then of that and the bytes of vector i. A vector is reused only when both match, so a
# damaged, swapped or zeroed vectors.npy is re-embedded from the text, never carried over.


def _text_key(model: ModelInfo, passage: str) -> bytes:
    data = model.weights_sha256.encode() + b"\0" + passage.encode("utf-8", "surrogatepass")
    return hashlib.blake2b(data, digest_size=ROW_HASH_BYTES).digest()


def _vector_hash(key: bytes, vector: np.ndarray) -> bytes:
    data = key + np.ascontiguousarray(vector, dtype=np.float32).tobytes()
    return hashlib.blake2b(data, digest_size=ROW_HASH_BYTES).digest()


def _row_hashes(keys: list[bytes], vectors: np.ndarray) -> np.ndarray:
    rows = [key + _vector_hash(key, vector) for key, vector in zip(keys, vectors)]
    return np.frombuffer(b"".join(rows), dtype=np.uint8).reshape(len(keys), 2 * ROW_HASH_BYTES)


def _reused_vectors(
    index_dir: Path, model: ModelInfo, keys: list[bytes]
) -> tuple[np.ndarray | None, list[int]]:
    """Vectors of the current generation whose row hashes check out, placed at the rows of
    the statements they embed, and the rows still to embed."""
    todo = list(range(len(keys)))
    folder = current_folder(index_dir)
    lease = Lease.take(folder) if folder else None
    if lease is None:
        return None, todo
    try:
        kind = json.loads((folder / "manifest.json").read_bytes())["faiss"]["type"]
        old_vectors, _ = dense_module.open_dense(folder, kind)
        old_hashes = np.load(folder / "row_hashes.npy", allow_pickle=False)
        if (
            old_vectors.ndim != 2 or old_vectors.dtype != np.float32
            or old_hashes.shape != (len(old_vectors), 2 * ROW_HASH_BYTES)
            or old_hashes.dtype != np.uint8
        ):  # fmt: skip
            return None, todo
        rows = {bytes(h[:ROW_HASH_BYTES]): j for j, h in enumerate(old_hashes)}
        vectors = np.zeros((len(keys), old_vectors.shape[1]), dtype=np.float32)
        todo = []
        for i, key in enumerate(keys):
            j = rows.get(key)
            if j is not None:
                vector = np.array(old_vectors[j], dtype=np.float32)
                if _vector_hash(key, vector) == bytes(old_hashes[j][ROW_HASH_BYTES:]):
                    vectors[i] = vector
                    continue
            todo.append(i)
        return (vectors, todo) if len(todo) < len(keys) else (None, todo)
    except Exception:  # whatever is unreadable there is embedded again from the text
        return None, list(range(len(keys)))
    finally:
        lease.release()
