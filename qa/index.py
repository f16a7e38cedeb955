"""The index on disk: a folder of plain files plus a manifest, built atomically.

<index dir>/qa-index/
    manifest.json      format, model and weights hash, corpus hash, counts, checksums
    statements.jsonl   row i is statement i
    offsets.npy        byte offset of each row of statements.jsonl (and of its end)
    facts/             per-row speaker, affiliation, role and date facts for filtering
    vectors.npy        row i is the normalised embedding of statement i
    dense.faiss        FAISS index over the same rows
    bm25/              bm25s index (JSON and .npy, no pickle)
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from qa import keywords
from qa.corpus import Corpus, default_corpus_paths, load_corpus
from qa.embedding import Encoder, ModelInfo, sha256_of
from qa.errors import IndexStateError
from qa.filters import StatementFilter
from qa.gazetteer import corpus_gazetteer_files
from qa.keywords import Bm25Index
from qa.statements import Statement
from qa.text import tokenize

FORMAT_VERSION = 2
# Bump when parsing changes what a corpus line becomes, so old indexes are rebuilt.
PARSER_VERSION = 2
INDEX_NAME = "qa-index"
# Below this many statements FAISS searches exactly; above it, HNSW (see BENCHMARKS.md).
HNSW_THRESHOLD = 200_000
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 128
LOCK_TIMEOUT_SECONDS = 600
# Files up to this size are hashed on every load. Larger ones (the vectors and FAISS index of a
# big corpus) are hashed when their size, modification time or inode differ from when they
# were last verified; their hash is then recorded in VERIFIED_NAME.
FULL_HASH_LIMIT = 64 * 2**20
VERIFIED_NAME = ".verified.json"

Progress = Callable[[int, int], None]


def corpus_fingerprint(paths: list[Path]) -> str:
    """A hash of everything that decides the statement records, read without parsing."""
    digest = hashlib.sha256(f"format {FORMAT_VERSION} parser {PARSER_VERSION}".encode())
    places = resources.files("qa.data").joinpath("places.toml").read_bytes()
    digest.update(places)
    for path in paths:
        digest.update(path.name.encode() + b"\0")
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"<unreadable>")
        meta = path.with_name(path.name + ".meta.toml")
        if meta.is_file():
            digest.update(meta.read_bytes())
    for gazetteer in corpus_gazetteer_files(paths):
        if gazetteer.is_file():
            digest.update(gazetteer.read_bytes())
    return digest.hexdigest()


def _sha256_bytes(path: Path) -> str:
    return sha256_of(path)


class StatementStore:
    """The statement records of an index, read on demand: row i is line i of
    statements.jsonl, found by its byte offset, so an index of a million statements opens
    without parsing them."""

    def __init__(self, path: Path, offsets: np.ndarray):
        self.path = path
        self.offsets = offsets
        self._read: dict[int, Statement] = {}

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, row: int) -> Statement:
        row = int(row) + (len(self) if row < 0 else 0)
        if not 0 <= row < len(self):
            raise IndexError(row)
        if row not in self._read:
            start, end = int(self.offsets[row]), int(self.offsets[row + 1])
            with open(self.path, "rb") as handle:
                handle.seek(start)
                self._read[row] = Statement.from_json(json.loads(handle.read(end - start)))
        return self._read[row]

    def __iter__(self):
        with open(self.path, encoding="utf-8") as handle:
            for line in handle:
                yield Statement.from_json(json.loads(line))


@dataclass
class Index:
    """A loaded index. Statements, vectors and the two search structures share row numbers."""

    folder: Path
    manifest: dict
    statements: StatementStore
    vectors: np.ndarray  # memory-mapped from vectors.npy
    dense: object  # faiss.Index
    bm25: Bm25Index

    def __len__(self) -> int:
        return len(self.statements)


def index_folder(index_dir: Path) -> Path:
    return Path(index_dir) / INDEX_NAME


def _manifest_path(folder: Path) -> Path:
    return folder / "manifest.json"


def read_manifest(folder: Path) -> dict | None:
    path = _manifest_path(folder)
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None


def check(folder: Path, fingerprint: str, model: ModelInfo) -> str | None:
    """Why the index in this folder cannot be used as it is, or None if it can."""
    manifest = read_manifest(folder)
    if manifest is None:
        return "there is no index yet"
    if manifest.get("format_version") != FORMAT_VERSION:
        return "the index was written by another version of qa"
    if manifest.get("corpus", {}).get("fingerprint") != fingerprint:
        return "the corpus changed"
    if manifest.get("model", {}).get("weights_sha256") != model.weights_sha256:
        return "the model changed"
    verified = _read_verified(folder)
    changed = False
    for name, expected in manifest.get("checksums", {}).items():
        path = folder / name
        if not path.is_file():
            return f"the index file {name} is missing"
        signature = _signature(path)
        if signature[0] > FULL_HASH_LIMIT and verified.get(name) == signature:
            continue  # a large file verified before, untouched since
        if _sha256_bytes(path) != expected:
            return f"the index file {name} does not match its checksum"
        if signature[0] > FULL_HASH_LIMIT:
            verified[name], changed = signature, True
    if changed:
        _write_verified(folder, verified)
    return None


def _signature(path: Path) -> list[int]:
    stat = path.stat()
    return [stat.st_size, stat.st_mtime_ns, stat.st_ino]


def _read_verified(folder: Path) -> dict:
    try:
        return json.loads((folder / VERIFIED_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_verified(folder: Path, verified: dict) -> None:
    try:
        (folder / VERIFIED_NAME).write_text(json.dumps(verified), encoding="utf-8")
    except OSError:
        pass  # a read-only index is re-hashed on the next run instead


def _faiss_index(vectors: np.ndarray):
    import faiss

    dim = vectors.shape[1]
    # Vectors are L2-normalised, so inner product is cosine similarity.
    if len(vectors) >= HNSW_THRESHOLD:
        index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = HNSW_EF_SEARCH
        kind = "HNSWFlat"
    else:
        index = faiss.IndexFlatIP(dim)
        kind = "FlatIP"
    if len(vectors):
        index.add(vectors)
    return index, kind


def _previous_vectors(folder: Path, model: ModelInfo) -> dict[str, np.ndarray]:
    """Embeddings already computed by the last build with the same model, by statement id."""
    manifest = read_manifest(folder)
    if not manifest or manifest.get("model", {}).get("weights_sha256") != model.weights_sha256:
        return {}
    try:
        ids = [
            json.loads(line)["id"] for line in open(folder / "statements.jsonl", encoding="utf-8")
        ]
        vectors = np.load(folder / "vectors.npy", mmap_mode="r", allow_pickle=False)
    except (OSError, ValueError, KeyError):
        return {}
    if len(ids) != len(vectors):
        return {}
    return {sid: vectors[i] for i, sid in enumerate(ids)}


def build(
    corpus_paths: list[Path] | None,
    index_dir: Path,
    encoder: Encoder,
    progress: Progress | None = None,
    corpus: Corpus | None = None,
    skip_bad: bool = False,
) -> Index:
    """Parse the corpus, embed what is new, write the index to a temporary folder and move it
    into place. Statements whose embeddings the previous index holds are not embedded again."""

    paths = [Path(p) for p in (corpus_paths or default_corpus_paths())]
    index_dir = Path(index_dir)
    folder = index_folder(index_dir)
    with _lock(index_dir):
        fingerprint = corpus_fingerprint(paths)
        _clear_leftovers(index_dir)
        corpus = corpus or load_corpus(paths, skip_bad)
        statements = list(corpus.statements)
        started = time.time()
        known = _previous_vectors(folder, encoder.info)
        todo = [i for i, s in enumerate(statements) if s.id not in known]
        dim = encoder.dimension
        vectors = np.zeros((len(statements), dim), dtype=np.float32)
        for i, s in enumerate(statements):
            if s.id in known:
                vectors[i] = known[s.id]
        known.clear()
        batch = 256
        for start in range(0, len(todo), batch):
            rows = todo[start : start + batch]
            vectors[rows] = encoder.encode([statements[i].passage for i in rows])
            if progress:
                progress(min(start + batch, len(todo)), len(todo))
        if progress and not todo:
            progress(0, 0)

        tmp = index_dir / f".{INDEX_NAME}.tmp-{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        try:
            tmp.mkdir(parents=True)
            offsets = np.zeros(len(statements) + 1, dtype=np.int64)
            with open(tmp / "statements.jsonl", "wb") as handle:
                for i, s in enumerate(statements):
                    line = (json.dumps(s.to_json(), ensure_ascii=False) + "\n").encode("utf-8")
                    handle.write(line)
                    offsets[i + 1] = offsets[i] + len(line)
            np.save(tmp / "offsets.npy", offsets, allow_pickle=False)
            facts = StatementFilter.from_statements(statements, corpus.gazetteer, corpus.timeline)
            facts.save(tmp / "facts")
            np.save(tmp / "vectors.npy", vectors, allow_pickle=False)
            import faiss

            dense, kind = _faiss_index(vectors)
            faiss.write_index(dense, str(tmp / "dense.faiss"))
            keywords.build([tokenize(s.passage) for s in statements], tmp / "bm25")
            checksums = {
                str(p.relative_to(tmp)): _sha256_bytes(p)
                for p in sorted(tmp.rglob("*"))
                if p.is_file()
            }
            manifest = {
                "format_version": FORMAT_VERSION,
                "parser_version": PARSER_VERSION,
                "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "build_seconds": round(time.time() - started, 3),
                "model": {
                    "id": encoder.info.model_id,
                    "weights_sha256": encoder.info.weights_sha256,
                    "dimension": dim,
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
                "checksums": checksums,
            }
            _manifest_path(tmp).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
            large = {n: _signature(tmp / n) for n in checksums}
            large = {n: sig for n, sig in large.items() if sig[0] > FULL_HASH_LIMIT}
            if large:
                _write_verified(tmp, large)
            _swap_into_place(tmp, folder)
        except OSError as error:
            shutil.rmtree(tmp, ignore_errors=True)
            raise IndexStateError(
                f"Cannot write the index in {index_dir}: {error.strerror}; "
                "pass --index-dir with a writable folder."
            ) from None
    return load(index_dir)


def _clear_leftovers(index_dir: Path) -> None:
    """Temporary folders of builds that were killed (only one build holds the lock)."""
    for leftover in index_dir.glob(f".{INDEX_NAME}.tmp-*"):
        shutil.rmtree(leftover, ignore_errors=True)


def _swap_into_place(tmp: Path, folder: Path) -> None:
    old = folder.with_name(folder.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if folder.exists():
        os.replace(folder, old)
    os.replace(tmp, folder)
    shutil.rmtree(old, ignore_errors=True)


def _recover(index_dir: Path) -> None:
    """A build killed between its two renames leaves only the previous index as `.old`."""
    folder = index_folder(index_dir)
    old = folder.with_name(folder.name + ".old")
    if not folder.exists() and old.is_dir():
        try:
            os.replace(old, folder)
        except OSError:
            pass


class _lock:
    """One build at a time per index folder."""

    def __init__(self, index_dir: Path):
        self.index_dir = index_dir

    def __enter__(self):
        from filelock import FileLock, Timeout

        try:
            self.index_dir.mkdir(parents=True, exist_ok=True)
            self.lock = FileLock(str(self.index_dir / ".build.lock"))
            self.lock.acquire(timeout=LOCK_TIMEOUT_SECONDS)
        except Timeout:
            raise IndexStateError(
                f"Another qa process has been building the index in {self.index_dir} for "
                f"{LOCK_TIMEOUT_SECONDS} seconds; wait for it or remove its .build.lock."
            ) from None
        except OSError as error:
            raise IndexStateError(
                f"Cannot write the index in {self.index_dir}: {error.strerror}; "
                "pass --index-dir with a writable folder."
            ) from None
        return self

    def __exit__(self, *exc):
        self.lock.release()
        return False


def load(index_dir: Path) -> Index:
    """Load the index without checking it against a corpus (see `check`)."""
    import faiss

    _recover(Path(index_dir))
    folder = index_folder(index_dir)
    manifest = read_manifest(folder)
    if manifest is None:
        raise IndexStateError(f"No index in {folder}; run `qa index`.")
    try:
        offsets = np.load(folder / "offsets.npy", mmap_mode="r", allow_pickle=False)
        statements = StatementStore(folder / "statements.jsonl", offsets)
        vectors = np.load(folder / "vectors.npy", mmap_mode="r", allow_pickle=False)
        dense = faiss.read_index(str(folder / "dense.faiss"))
        bm25 = Bm25Index(folder / "bm25")
    except (OSError, ValueError, KeyError, RuntimeError) as error:
        raise IndexStateError(
            f"The index in {folder} is damaged ({error}); run `qa index`."
        ) from None
    if not (len(statements) == len(vectors) == dense.ntotal):
        raise IndexStateError(f"The index in {folder} is inconsistent; run `qa index`.")
    if hasattr(dense, "hnsw"):
        dense.hnsw.efSearch = HNSW_EF_SEARCH
    return Index(folder, manifest, statements, vectors, dense, bm25)


def ensure(
    corpus_paths: list[Path] | None,
    index_dir: Path,
    encoder: Encoder,
    progress: Progress | None = None,
    skip_bad: bool = False,
) -> Index:
    """The index for this corpus and model: loaded if current, else (re)built first."""
    paths = [Path(p) for p in (corpus_paths or default_corpus_paths())]
    _recover(Path(index_dir))
    folder = index_folder(index_dir)
    if check(folder, corpus_fingerprint(paths), encoder.info) is None:
        try:
            return load(index_dir)
        except IndexStateError:
            pass
    return build(paths, index_dir, encoder, progress, skip_bad=skip_bad)
