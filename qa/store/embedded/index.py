"""The index on disk, opened and checked here: generations of plain files, each described by a
manifest, built beside the one in use (qa/store/embedded/build.py) and published atomically
(see qa/store/embedded/generations.py for the folders and locks).

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

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from qa.errors import IndexStateError, UnsafeFileError
from qa.files import MIB, read_text, replace_file
from qa.model.embedding import ModelInfo
from qa.store.embedded import dense as dense_module
from qa.store.embedded import generations
from qa.store.embedded import manifest as manifest_module
from qa.store.embedded.generations import Lease
from qa.store.embedded.keywords import Bm25Index
from qa.store.embedded.manifest import files_problem, read_manifest, schema_problem, sha256_bytes
from qa.store.embedded.records import StatementStore
from qa.store.embedded.rows import rows_problem
from qa.store.fingerprint import corpus_fingerprint, corpus_signature
from qa.text import tokenize

# The corpus signature under which a generation last matched the corpus fingerprint, so that
# a question does not read the whole corpus to hash it; a cache, not part of the checksums.
CORPUS_SEEN = ".corpus.json"
CORPUS_SEEN_BYTES = 16 * MIB  # a few numbers per corpus file
# How often a reader tries again when the generation it was pointed at was just replaced.
OPEN_ATTEMPTS = 20


def _remember_corpus(folder: Path, signature: list, paths: list[Path]) -> None:
    """Record that the corpus, as `signature` describes it, matched this generation: only if
    it is still so described, and no file of it changed in the last SETTLED_SECONDS (a change
    within the clock tick of the recording could leave the signature as it was)."""
    limit = time.time_ns() - manifest_module.SETTLED_SECONDS * 1e9
    files = [entry for entry in signature if isinstance(entry, list)]  # after its header words
    settled = all(len(entry) < 5 or max(entry[2:4]) < limit for entry in files)
    if not settled or corpus_signature(paths) != signature:
        return
    try:
        replace_file(folder / CORPUS_SEEN, json.dumps(signature).encode())
    except OSError:  # a read-only index only costs the next question a hash
        pass


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
    not read again unless `full_check`, which also recomputes every row hash."""
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
        data = read_manifest(folder)
    except FileNotFoundError:
        raise damaged("its manifest is missing") from None
    except OSError as error:
        raise damaged(f"its manifest cannot be read: {unsafe_reason(error)}") from None
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
    if full_check:  # every vector recomputed against its text's row hash
        problem = rows_problem(folder, statements, vectors, manifest["model"]["weights_sha256"])
        if problem:
            raise damaged(problem)
    return Index(folder, manifest, statements, vectors, dense, bm25, lease)


def unsafe_reason(error: OSError) -> str:
    """An error reading an index file, in a few words."""
    if isinstance(error, UnsafeFileError):
        return f"it {error.problem}"
    return error.strerror or type(error).__name__


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
        known = json.loads(read_text(index.folder / CORPUS_SEEN, CORPUS_SEEN_BYTES)) == signature
    except (OSError, ValueError):  # missing, refused or malformed: the corpus is hashed
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
