"""Building a generation of the index (qa/store/embedded/index.py describes its files): the
corpus parsed, what no sound earlier generation holds embedded, every file written into a
temporary folder and published under the build lock; `ensure` opens the current generation, or
builds one when it was not built from this corpus and model."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
from pathlib import Path

import numpy as np

from qa.corpus.loading import Corpus, default_corpus_paths, load_corpus
from qa.errors import IndexStateError
from qa.model.embedding import Encoder, ModelInfo
from qa.store.embedded import dense as dense_module
from qa.store.embedded import generations, keywords
from qa.store.embedded.facts import StatementFilter
from qa.store.embedded.generations import BuildLock, Lease, Waiting, describe, report_on_terminal
from qa.store.embedded.index import Index, _fresh, _remember_corpus, current_folder, load
from qa.store.embedded.manifest import (
    checksums_of,
    large_file_signatures,
    manifest_bytes,
    read_manifest,
    sha256_bytes,
    write_verified,
)
from qa.store.embedded.rows import ROW_HASH_BYTES, row_hashes, text_key, vector_hash
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
    publish it. Returns the generation, held (`Index.built` says whether it was built here).
    When the lock cannot be taken (a read-only folder), the current one is used if it fits."""
    paths = [Path(p) for p in (corpus_paths or default_corpus_paths())]
    index_dir = Path(index_dir)
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(BuildLock(index_dir, waiting))
        except IndexStateError:  # a folder that cannot be written (read-only) or locked
            index = None if force else _fresh(index_dir, paths, encoder.info)[0]
            if index is None:
                raise
            return index  # still serves the index there when it fits: nothing to build
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
        except BaseException as error:  # an OSError, or Ctrl-C before the rename
            failure = _write_error(index_dir, error) if isinstance(error, OSError) else None
            shutil.rmtree(temp, ignore_errors=True)
            if failure is None:
                raise
            raise failure from None
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
        failure = _write_error(index_dir, error)  # before the space written is freed again
        shutil.rmtree(temp, ignore_errors=True)
        raise failure from None
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
    np.save(temp / "row_hashes.npy", row_hashes(keys, vectors), allow_pickle=False)
    dense_module.write(temp, vectors, kind)
    keywords.build([tokenize(s.passage) for s in statements], temp / "bm25")


# -- reusing embeddings (qa/store/embedded/rows.py says what a row hash holds) -------------


def _text_key(model: ModelInfo, passage: str) -> bytes:
    return text_key(model.weights_sha256, passage)


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
        kind = json.loads(read_manifest(folder))["faiss"]["type"]
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
                if vector_hash(key, vector) == bytes(old_hashes[j][ROW_HASH_BYTES:]):
                    vectors[i] = vector
                    continue
            todo.append(i)
        return (vectors, todo) if len(todo) < len(keys) else (None, todo)
    except Exception:  # whatever is unreadable there is embedded again from the text
        return None, list(range(len(keys)))
    finally:
        lease.release()
