"""Generations of the index: a reader sees one generation however long it lives, whatever is
built beside it; racing asks and rebuilds never answer from another corpus; cold asks at once
build once; a waiting build says so; leftovers never block; nothing is published before it is
on disk."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from race_worker import QUESTION, corpus_lines, engine_for, race

import qa.store.embedded.generations as generations_module
from qa.answer.compose import answer
from qa.errors import IndexStateError
from qa.store.embedded.build import build, ensure
from qa.store.embedded.generations import BuildLock, remove_index, report_on_terminal
from qa.store.embedded.index import current_folder, load

WORKER = str(Path(__file__).resolve().parent / "race_worker.py")


def write_corpus(folder: Path, name: str, edition: int = 0) -> Path:
    path = folder / f"{name}.txt"
    path.write_text("\n".join(corpus_lines(name, edition=edition)) + "\n")
    return path


def test_a_held_generation_stays_while_others_are_built_and_goes_after(tmp_path, fake_encoder):
    index_dir = tmp_path / "idx"
    alpha = write_corpus(tmp_path, "Alpha")
    held = ensure([alpha], index_dir, fake_encoder)
    for edition in (1, 2, 3):
        build([write_corpus(tmp_path, "Beta", edition)], index_dir, fake_encoder)
    assert current_folder(index_dir) != held.folder and held.folder.is_dir()
    assert all(s.text.startswith("Alpha ") for s in held.statements)
    generations = sorted(p.name for p in index_dir.glob("gen-*"))
    assert len(generations) == 2  # the held one and the current one; the others removed
    held.close()
    build([alpha], index_dir, fake_encoder)
    assert not held.folder.exists()


def test_a_chat_open_across_rebuilds_of_another_corpus_never_shows_it(tmp_path):
    index_dir = tmp_path / "idx"
    alpha = write_corpus(tmp_path, "Alpha")
    beta = write_corpus(tmp_path, "Beta")
    chat = engine_for(alpha, index_dir)
    shown = list(answer(chat, QUESTION).passages)
    for edition in (1, 2, 3):
        subprocess.run(
            [sys.executable, WORKER, "build", str(beta), str(index_dir), "1", str(edition)],
            check=True,
            capture_output=True,
        )
        assert json.loads((index_dir / "CURRENT").read_text())["generation"] != (
            chat.store.index.folder.name
        )
        shown += answer(chat, QUESTION).passages
        shown += answer(chat, QUESTION, offset=5).passages  # "more": rows read only now
    assert len(shown) == 35
    assert all(p.statement.startswith("Alpha ") for p in shown)


def test_racing_asks_and_rebuilds_never_answer_from_another_corpus(tmp_path):
    result = race(tmp_path, workers=4, asks=50, rebuilds=40)
    assert result["errors"] == []
    assert result["answers"] == 200 and result["rebuilds"] == 40
    assert result["wrong"] == 0


def test_cold_asks_at_once_build_the_index_once(tmp_path):
    alpha = write_corpus(tmp_path, "Alpha")
    runs = [
        subprocess.Popen(
            [sys.executable, WORKER, "ensure", str(alpha), str(tmp_path / "idx"), "1"],
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    tallies = [json.loads(run.communicate()[0].strip().splitlines()[-1]) for run in runs]
    assert [t["errors"] for t in tallies] == [[]] * 4
    assert sorted(t["built"] for t in tallies) == [False, False, False, True]


def test_a_build_waiting_for_another_says_how_long_then_gives_up(
    tmp_path, fake_encoder, monkeypatch
):
    monkeypatch.setattr(generations_module, "WAIT_REPORT_SECONDS", 0.1)
    monkeypatch.setattr(generations_module, "LOCK_TIMEOUT_SECONDS", 0.6)
    waited: list[tuple[Path, float]] = []
    corpus = write_corpus(tmp_path, "Alpha")
    with BuildLock(tmp_path / "idx", waiting=None):
        with pytest.raises(IndexStateError, match="Another qa process has been building"):
            build([corpus], tmp_path / "idx", fake_encoder, waiting=lambda *a: waited.append(a))
    assert len(waited) >= 3 and waited[-1] == (tmp_path / "idx", None)  # None: wait over
    assert all(folder == tmp_path / "idx" for folder, _ in waited)
    seconds = [s for _, s in waited[:-1]]
    assert seconds == sorted(seconds) and 0.1 <= seconds[0] < 0.6


def test_a_build_goes_ahead_once_the_other_finishes(tmp_path, fake_encoder):
    corpus = write_corpus(tmp_path, "Alpha")
    lock = BuildLock(tmp_path / "idx", waiting=None).__enter__()
    timer = threading.Timer(0.3, lock.__exit__)
    timer.start()
    built = build([corpus], tmp_path / "idx", fake_encoder, waiting=None)
    timer.join()
    assert built.built and len(built) == 400


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_waiting_is_reported_on_a_terminal_only(monkeypatch):
    terminal, pipe = _Terminal(), io.StringIO()
    monkeypatch.setattr(sys, "stderr", terminal)
    report_on_terminal(Path("/data/idx"), 3.2)
    report_on_terminal(Path("/data/idx"), None)
    monkeypatch.setattr(sys, "stderr", pipe)
    report_on_terminal(Path("/data/idx"), 3.2)
    assert terminal.getvalue() == (
        "\rWaiting for another qa process building the index in /data/idx (3 s)…\n"
    )
    assert pipe.getvalue() == ""


def test_leftovers_never_block_a_build(tmp_path, fake_encoder):
    index_dir = tmp_path / "idx"
    index_dir.mkdir()
    kept = tmp_path / "elsewhere"
    kept.mkdir()
    (kept / "keep.txt").write_text("not ours")
    (index_dir / "qa-index.old").mkdir()
    (index_dir / "qa-index.old" / "vectors.npy").write_bytes(b"")
    (index_dir / "qa-index").symlink_to(kept)
    (index_dir / ".qa-index.tmp-99").mkdir()
    (index_dir / ".tmp-gen-99-1").mkdir()
    (index_dir / "gen-dangling").symlink_to(tmp_path / "nowhere")
    (index_dir / "gen-unfinished").mkdir()
    (index_dir / "CURRENT").mkdir()
    built = build([write_corpus(tmp_path, "Alpha")], index_dir, fake_encoder)
    assert sorted(p.name for p in index_dir.iterdir()) == [
        ".build.lock",
        "CURRENT",
        built.folder.name,
    ]
    assert (kept / "keep.txt").read_text() == "not ours"  # a link is removed, not followed


def test_every_file_is_on_disk_before_the_pointer_moves(tmp_path, fake_encoder, monkeypatch):
    events: list[tuple[str, str]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(descriptor):
        events.append(("fsync", os.readlink(f"/proc/self/fd/{descriptor}")))
        return real_fsync(descriptor)

    def replace(source, target, **kwargs):
        events.append(("replace", str(target)))
        return real_replace(source, target, **kwargs)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    index_dir = tmp_path / "idx"
    built = build([write_corpus(tmp_path, "Alpha")], index_dir, fake_encoder)
    moved = events.index(("replace", str(index_dir / "CURRENT")))
    # Before the pointer moved: every file and folder of the generation, written in a
    # temporary folder, then the index folder that the generation was renamed into.
    synced = [path for kind, path in events[:moved] if kind == "fsync"]
    temp = Path(synced[0]).parent
    while not temp.name.startswith(".tmp-gen-"):
        temp = temp.parent
    relative = {str(Path(path).relative_to(temp)) for path in synced if path.startswith(str(temp))}
    names = {str(p.relative_to(built.folder)) for p in built.folder.rglob("*")}
    assert "manifest.json" in names and "bm25/vocab.index.json" in names
    assert names | {"."} <= relative
    assert str(index_dir) in synced[synced.index(str(temp)) :]
    assert ("fsync", str(index_dir)) in events[moved + 1 :]


@pytest.mark.parametrize("writer", ["np.save", "faiss", "fsync"])
def test_a_full_disk_is_one_sentence_and_leaves_no_temporary_files(
    tmp_path, fake_encoder, monkeypatch, writer
):
    import faiss
    import numpy as np

    index_dir = tmp_path / "idx"
    alpha = write_corpus(tmp_path, "Alpha")
    before = build([alpha], index_dir, fake_encoder).folder
    alpha = write_corpus(tmp_path, "Alpha", edition=1)

    def fail(*args, **kwargs):
        if writer == "faiss":
            raise RuntimeError("Error: 'ret == (n)' failed: write error in dense.faiss")
        raise OSError("4096 requested and 0 written")  # what numpy says: no errno

    target = {"np.save": (np, "save"), "faiss": (faiss, "write_index")}
    if writer == "faiss":  # only an HNSW index is a FAISS file
        monkeypatch.setattr("qa.store.embedded.build.HNSW_THRESHOLD", 100)
    monkeypatch.setattr(*target.get(writer, (generations_module, "fsync_tree")), fail)
    monkeypatch.setattr(generations_module, "_disk_full", lambda where: True)
    with pytest.raises(IndexStateError) as raised:
        build([alpha], index_dir, fake_encoder)
    assert str(raised.value) == (
        f"Cannot write the index in {index_dir}: the disk is full (no space left on device); "
        "free some space or pass --index-dir with another folder."
    )
    assert [p.name for p in index_dir.iterdir() if p.name.startswith(".tmp")] == []
    assert current_folder(index_dir) == before and len(load(index_dir)) == 400


def test_a_failed_write_that_is_not_a_full_disk_says_what_failed(
    tmp_path, fake_encoder, monkeypatch
):
    import numpy as np

    def fail(*args, **kwargs):
        raise OSError("4096 requested and 0 written")

    monkeypatch.setattr(np, "save", fail)
    monkeypatch.setattr(generations_module, "_disk_full", lambda where: False)
    message = "4096 requested and 0 written; pass --index-dir with another folder."
    with pytest.raises(IndexStateError, match=message):
        build([write_corpus(tmp_path, "Alpha")], tmp_path / "idx", fake_encoder)


def test_an_index_of_another_corpus_that_cannot_be_replaced_says_why(
    tmp_path, fake_encoder, monkeypatch
):
    build([write_corpus(tmp_path, "Beta")], tmp_path / "idx", fake_encoder)

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(generations_module, "publish", refuse)
    with pytest.raises(IndexStateError) as raised:
        ensure([write_corpus(tmp_path, "Alpha")], tmp_path / "idx", fake_encoder)
    assert str(raised.value) == (
        f"Cannot write the index in {tmp_path / 'idx'}: Permission denied; pass --index-dir "
        "with another folder (the index there cannot be used: it was built from another corpus "
        "or an earlier version of it)."
    )


def test_a_really_full_disk(tmp_path, fake_encoder):
    """On a 1 MiB tmpfs, where the system allows mounting one (root on Linux)."""
    mount = tmp_path / "small"
    mount.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True
    )
    if made.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here")
    try:
        lines = [f"Statement {i} about grain and ports, an official said." for i in range(3000)]
        corpus = tmp_path / "big.txt"
        corpus.write_text("\n".join(lines) + "\n")
        with pytest.raises(IndexStateError, match="the disk is full"):
            build([corpus], mount / "idx", fake_encoder)
        assert [p.name for p in (mount / "idx").iterdir()] == [".build.lock"]
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def test_removing_an_index_spares_what_a_reader_holds(tmp_path, fake_encoder):
    index_dir = tmp_path / "idx"
    held = build([write_corpus(tmp_path, "Alpha")], index_dir, fake_encoder)
    assert not remove_index(index_dir)
    assert held.folder.is_dir() and not (index_dir / "CURRENT").exists()
    assert all(s.text.startswith("Alpha ") for s in held.statements)
    held.close()
    assert remove_index(index_dir) and not index_dir.exists()
    assert remove_index(index_dir)  # nothing there: nothing to do
