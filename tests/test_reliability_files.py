"""Every file qa reads whole goes through one reader (qa/files.py) that refuses anything but a
regular file, never blocks and bounds the size by what the file can legitimately be: a file of
the index that is a device, a pipe or too large is damage (the index is rebuilt), a sidecar of
the corpus that is one is a one-sentence error.

The commands that would read a device without end, or wait on a pipe for ever, run in a child
process under a memory limit and a timeout; these are a safety net for a regression, never what
a test asserts."""

from __future__ import annotations

import errno
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import FakeEncoder, memory_bounded
from typer.testing import CliRunner

from qa.cli import app
from qa.corpus.files import read_regular_file
from qa.corpus.gazetteer import Gazetteer
from qa.corpus.meta import read_metadata
from qa.errors import CorpusError, GazetteerError, IndexStateError, UnsafeFileError
from qa.files import read_bytes
from qa.folders import RECORD, CollectionError, choose
from qa.model import embedding
from qa.store.embedded import generations
from qa.store.embedded.build import build
from qa.store.embedded.index import CORPUS_SEEN, current_folder, load
from qa.store.embedded.manifest import VERIFIED_NAME, sha256_bytes
from qa.store.fingerprint import corpus_fingerprint

TESTS = Path(__file__).resolve().parent
LINES = [
    "Gas prices will fall this winter, Hungarian Foreign Minister Peter Szijjarto said on Dec. 28.",
    "Grain exports through the Danube will resume, Romanian Prime Minister Ilie Bolojan said.",
    "Our borders are safe, Moldovan President Maia Sandu said on Jan. 5.",
]
QUESTION = "What was said about gas prices this winter?"
SAFETY_SECONDS = 120  # a hang ends the child here; no test asserts on time
MEMORY_LIMIT = 4 * 2**30  # the child reads about 70 MB; reading a device without end stops here
SPARSE_BYTES = 3 * 2**29  # 1.5 GiB that take no disk: a sparse file

runner = CliRunner()

ASK = """
import json, sys
from pathlib import Path
from race_worker import engine_for
from qa.answer.compose import answer
result = answer(engine_for(Path(sys.argv[1]), Path(sys.argv[2])), sys.argv[3])
print(json.dumps([p.statement for p in result.passages]))
"""


def _ask_in_child(corpus: Path, index_dir: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), str(TESTS.parent)])}
    env["OMP_NUM_THREADS"] = "1"
    return subprocess.run(
        [sys.executable, "-c", memory_bounded(ASK, MEMORY_LIMIT), str(corpus), str(index_dir), QUESTION],
        capture_output=True, text=True, env=env, cwd=TESTS, timeout=SAFETY_SECONDS,
    )  # fmt: skip


def _built(tmp_path: Path) -> tuple[Path, Path, Path]:
    corpus = tmp_path / "feed.txt"
    corpus.write_text("\n".join(LINES) + "\n")
    index_dir = tmp_path / "idx"
    index = build([corpus], index_dir, FakeEncoder())
    folder = index.folder
    index.close()
    return corpus, index_dir, folder


def _to_device(path: Path) -> None:
    path.unlink(missing_ok=True)
    path.symlink_to("/dev/zero")


def _to_fifo(path: Path) -> None:
    path.unlink(missing_ok=True)
    os.mkfifo(path)


def _to_sparse(path: Path) -> None:
    path.unlink(missing_ok=True)
    with open(path, "wb") as handle:
        handle.truncate(SPARSE_BYTES)


INDEX_DAMAGE = {
    "CURRENT a link to /dev/zero": lambda g: _to_device(g.parent / "CURRENT"),
    "CURRENT a FIFO": lambda g: _to_fifo(g.parent / "CURRENT"),
    "CURRENT a sparse 1.5 GiB file": lambda g: _to_sparse(g.parent / "CURRENT"),
    "manifest.json a link to /dev/zero": lambda g: _to_device(g / "manifest.json"),
    "manifest.json a FIFO": lambda g: _to_fifo(g / "manifest.json"),
    "manifest.json a sparse 1.5 GiB file": lambda g: _to_sparse(g / "manifest.json"),
    ".verified.json a link to /dev/zero": lambda g: _to_device(g / VERIFIED_NAME),
    ".verified.json a FIFO": lambda g: _to_fifo(g / VERIFIED_NAME),
    ".corpus.json a link to /dev/zero": lambda g: _to_device(g / CORPUS_SEEN),
    ".corpus.json a FIFO": lambda g: _to_fifo(g / CORPUS_SEEN),
    "bm25 params a link to /dev/zero": lambda g: _to_device(g / "bm25" / "params.index.json"),
    "facts vocabularies a FIFO": lambda g: _to_fifo(g / "facts" / "vocabularies.json"),
    ".lease a FIFO": lambda g: _to_fifo(g / ".lease"),
}


@pytest.mark.parametrize("damage", INDEX_DAMAGE)
def test_a_bad_file_in_the_index_is_damage_never_read(tmp_path, damage):
    corpus, index_dir, folder = _built(tmp_path)
    INDEX_DAMAGE[damage](folder)

    done = _ask_in_child(corpus, index_dir)

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)[0] == LINES[0]
    index = load(index_dir, full_check=True)  # sound again: rebuilt, or its caches rewritten
    assert [s.text for s in index.statements] == LINES
    assert np.array_equal(np.asarray(index.vectors), FakeEncoder().encode(LINES))
    assert stat.S_ISREG(os.lstat(index_dir / "CURRENT").st_mode)
    assert stat.S_ISREG(os.lstat(index.folder / "manifest.json").st_mode)


@pytest.mark.parametrize("make", [_to_device, _to_fifo, _to_sparse])
def test_the_reader_refuses_devices_pipes_and_oversized_files(tmp_path, make):
    path = tmp_path / "file.json"
    make(path)
    with pytest.raises(UnsafeFileError) as refused:
        read_bytes(path, 2**20)
    assert str(refused.value).startswith(f"{path} is ")
    assert isinstance(refused.value, OSError)  # so the damage paths treat it as unreadable


def test_a_pointer_to_a_device_is_unreadable_not_read(tmp_path):
    _, index_dir, folder = _built(tmp_path)
    _to_device(index_dir / "CURRENT")
    assert generations.read_pointer(index_dir) is None
    with pytest.raises(IndexStateError, match="its pointer file is unreadable"):
        load(index_dir)


def test_a_manifest_that_is_a_pipe_is_named_as_damage(tmp_path):
    _, index_dir, folder = _built(tmp_path)
    _to_fifo(folder / "manifest.json")
    with pytest.raises(IndexStateError, match=r"damaged \(its manifest cannot be read: it is not"):
        load(index_dir)


@pytest.mark.parametrize("make", [_to_device, _to_fifo, _to_sparse])
def test_a_bad_collection_record_is_as_if_none_were_recorded(tmp_path, make):
    corpus = tmp_path / "feed.txt"
    corpus.write_text("\n".join(LINES) + "\n")
    _, folder = choose(tmp_path / "idx", (corpus,), "news")
    make(folder / RECORD)
    with pytest.raises(CollectionError, match="There is no collection named 'news'"):
        choose(tmp_path / "idx", (), "news")
    # Given the corpus again, the record is replaced (never written through a link or a pipe).
    assert choose(tmp_path / "idx", (corpus,), "news") == ((corpus,), folder)
    assert stat.S_ISREG(os.lstat(folder / RECORD).st_mode)
    assert choose(tmp_path / "idx", (), "news") == ((corpus.resolve(),), folder)


@pytest.mark.parametrize("make", [_to_device, _to_fifo, _to_sparse])
def test_a_bad_weights_hash_cache_is_hashed_again_and_replaced(tmp_path, make):
    weights = tmp_path / "model.safetensors"
    weights.write_bytes(b"weights")
    cache = tmp_path / "cache"
    cache.mkdir()
    make(cache / embedding.WEIGHTS_CACHE)
    assert embedding.verified_sha256(weights, cache) == sha256_bytes(b"weights")
    assert stat.S_ISREG(os.lstat(cache / embedding.WEIGHTS_CACHE).st_mode)
    assert embedding.verified_sha256(weights, cache) == sha256_bytes(b"weights")


SIDECARS = {
    "meta.toml sparse 1.5 GiB": ("feed.txt.meta.toml", _to_sparse, "is larger than 1 MiB"),
    "meta.toml a link to /dev/zero": ("feed.txt.meta.toml", _to_device, "not a regular file"),
    "meta.toml a FIFO": ("feed.txt.meta.toml", _to_fifo, "not a regular file"),
    "gazetteer.toml sparse 1.5 GiB": ("gazetteer.toml", _to_sparse, "is larger than 16 MiB"),
    "gazetteer.toml a link to /dev/zero": ("gazetteer.toml", _to_device, "not a regular file"),
    "gazetteer.toml a FIFO": ("gazetteer.toml", _to_fifo, "not a regular file"),
}


@pytest.mark.parametrize("case", SIDECARS)
def test_a_bad_sidecar_is_one_sentence(tmp_path, case):
    name, make, message = SIDECARS[case]
    corpus = tmp_path / "feed.txt"
    corpus.write_text("\n".join(LINES) + "\n")
    make(tmp_path / name)

    result = runner.invoke(app, ["statements", "--corpus", str(corpus)])

    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {tmp_path / name} ") and message in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    corpus_fingerprint([corpus])  # hashed without reading it (refused when loaded)
    error = CorpusError if name.endswith("meta.toml") else GazetteerError
    with pytest.raises(error, match=message):
        read_metadata(corpus) if error is CorpusError else Gazetteer.load([tmp_path / name])


def test_a_symlink_loop_as_corpus_is_one_sentence(tmp_path):
    loop = tmp_path / "loop.txt"
    loop.symlink_to(loop.name)
    for command in (["ask", "What was said?"], ["statements"], ["index"]):
        result = runner.invoke(app, [*command, "--corpus", str(loop)])
        assert result.exit_code == 2, result.output
        assert result.stderr == (
            f"Error: Corpus path {loop} cannot be read: its symbolic links form a loop.\n"
        )
    with pytest.raises(CorpusError, match="its symbolic links form a loop"):
        read_regular_file(loop)


def _read_only(index_dir: Path, monkeypatch) -> None:
    """The index folder made read-only, as a read-only mount would be also for root (who
    may write where the permissions say not): every open for writing there is refused."""
    for path in [index_dir, *index_dir.rglob("*")]:
        if not path.is_symlink():
            path.chmod(path.stat().st_mode & ~0o222)
    real_open = os.open
    writing = os.O_WRONLY | os.O_RDWR | os.O_CREAT

    def read_only_open(path, flags, *args, **kwargs):
        if flags & writing and Path(path).is_relative_to(index_dir):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", read_only_open)


def test_index_with_nothing_to_do_works_in_a_read_only_folder(tmp_path, monkeypatch):
    corpus = tmp_path / "feed.txt"
    corpus.write_text("\n".join(LINES) + "\n")
    _, index_dir = choose(tmp_path / "idx", (corpus,))
    build([corpus], index_dir, FakeEncoder()).close()
    monkeypatch.setattr(embedding, "resolve_model", lambda *args: FakeEncoder().info)
    _read_only(index_dir, monkeypatch)
    try:
        args = ["index", "--corpus", str(corpus), "--index-dir", str(tmp_path / "idx")]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        folder = current_folder(index_dir)
        assert result.stdout == f"The index in {folder} is up to date (3 statements).\n"
        # With something to do, the folder is named as one that cannot be written.
        corpus.write_text("\n".join(LINES[:2]) + "\n")
        result = runner.invoke(app, args)
        assert result.exit_code == 2
        assert result.stderr.startswith(f"Error: Cannot write the index in {index_dir}: ")
    finally:
        monkeypatch.undo()
        for path in [index_dir, *index_dir.rglob("*")]:
            if not path.is_symlink():
                path.chmod(path.stat().st_mode | 0o200)


def test_a_virtual_file_system_is_not_called_a_full_disk(monkeypatch):
    monkeypatch.setattr(embedding, "resolve_model", lambda *args: FakeEncoder().info)
    result = runner.invoke(app, ["index", "--index-dir", "/proc/self"])
    assert result.exit_code == 2
    assert "virtual file system" in result.stderr and "disk is full" not in result.stderr
    assert result.stderr.count("\n") == 1


def test_check_recomputes_row_hashes_under_a_rewritten_manifest(tmp_path):
    _, index_dir, folder = _built(tmp_path)
    vectors = np.load(folder / "vectors.npy")
    np.save(folder / "vectors.npy", vectors[::-1].copy(), allow_pickle=False)  # each text wrong
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["checksums"]["vectors.npy"] = sha256_bytes((folder / "vectors.npy").read_bytes())
    data = json.dumps(manifest).encode()
    (folder / "manifest.json").write_bytes(data)
    pointer = json.loads((index_dir / "CURRENT").read_text())
    (index_dir / "CURRENT").write_text(
        json.dumps({**pointer, "manifest_sha256": sha256_bytes(data)})
    )
    load(index_dir).close()  # every checksum matches

    result = runner.invoke(app, ["index", "--check", "--index-dir", str(index_dir)])

    assert result.exit_code == 2
    assert "the vector of row 0 does not match its row hash" in result.stderr
    assert "sound" not in result.output
    with pytest.raises(IndexStateError, match="the vector of row 0 does not match"):
        load(index_dir, full_check=True)


def test_check_calls_a_sound_index_sound(tmp_path):
    _, index_dir, folder = _built(tmp_path)
    result = runner.invoke(app, ["index", "--check", "--index-dir", str(index_dir)])
    assert result.exit_code == 0
    assert result.stdout == f"The index in {folder} is sound (3 statements).\n"


def test_check_help_says_it_recomputes_the_row_hashes():
    import typer.main

    command = typer.main.get_command(app).commands["index"]
    check = next(p for p in command.params if p.name == "check")
    assert "recompute every row hash" in check.help and "checksum" in check.help
