"""Input that is not UTF-8, output that cannot be written, and Ctrl-C during a build (issue 24):
an answer or one sentence and the status a Unix tool gives, never a traceback."""

from __future__ import annotations

import io
import json
import os
import resource
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import FakeEncoder, write
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from qa.answer.engine import Engine
from qa.cli import app, main

ROOT = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent
runner = CliRunner()
INVALID = os.fsdecode(b"wheat \xff\xfe exports")  # as Python hands such an argument over


@pytest.fixture
def fake_engine(monkeypatch):
    """Every Engine the commands make embeds with the fake encoder (fast, no model)."""
    encoder = FakeEncoder()
    monkeypatch.setattr(Engine, "encoder", property(lambda self: encoder))
    monkeypatch.setattr(Engine, "query_encoder", property(lambda self: encoder))
    return encoder


def run_main(monkeypatch, capsys, args, stdin: bytes = b""):
    monkeypatch.setattr(sys, "argv", ["qa", *args])
    stream = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stream)
    with pytest.raises(SystemExit) as stopped:
        main()
    out, err = capsys.readouterr()
    return stopped.value.code, out, err


# Runs qa with one descriptor closed: the closing is done by a process of its own that then
# becomes qa, not between fork and exec in this one (where a library another test loaded, gRPC,
# writes to the child's stderr from its fork handler).
CLOSING = "import os, sys; os.close(int(sys.argv[1])); os.execv(sys.executable, sys.argv[2:])"


def qa_process(*args, closed: int | None = None, **kwargs):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "qa", *args]
    if closed is not None:
        command = [sys.executable, "-c", CLOSING, str(closed), *command]
    return subprocess.run(command, env=env, capture_output=False, timeout=120, **kwargs)


# -- text that is not UTF-8 ------------------------------------------------------------------


def test_a_question_with_bytes_not_utf8_is_answered(monkeypatch, capsys, fake_engine):
    code, out, err = run_main(monkeypatch, capsys, ["ask", INVALID, "--json"])
    assert code == 0, err
    assert json.loads(out)["question"] == "wheat \ufffd\ufffd exports"
    assert "Internal error" not in err


def test_a_chat_line_with_bytes_not_utf8_does_not_end_the_chat(monkeypatch, capsys, fake_engine):
    lines = b"wheat \xff\xfe exports\nWhat did Italy say about peacekeepers?\n"
    code, out, err = run_main(monkeypatch, capsys, ["chat", "--json"], stdin=lines)
    assert code == 0 and "Internal error" not in err
    replies = [json.loads(line) for line in out.splitlines()]
    assert [r["question"] for r in replies] == [
        "wheat \ufffd\ufffd exports",
        "What did Italy say about peacekeepers?",
    ]


def test_an_option_and_an_environment_value_not_utf8(monkeypatch, capsys):
    code, out, err = run_main(monkeypatch, capsys, ["statements", "--json", "--speaker", INVALID])
    assert code == 0 and out == "" and err == ""
    monkeypatch.setenv("QA_SPEAKER", os.fsdecode(b"\xff"))
    code, out, err = run_main(monkeypatch, capsys, ["statements", "--json"])
    assert code == 0 and out == "" and err == ""
    monkeypatch.setenv("QA_COLLECTION", os.fsdecode(b"news\xff"))  # no name for a folder
    code, out, err = run_main(monkeypatch, capsys, ["statements", "--json"])
    assert code == 2 and err.startswith("Error: ") and err.count("\n") == 1
    assert "\ufffd" in err and "Internal error" not in err


def test_an_error_message_naming_bytes_not_utf8_is_one_sentence(monkeypatch, capsys):
    code, out, err = run_main(monkeypatch, capsys, ["statements", "--date", INVALID])
    assert code == 2 and err.startswith("Error: ") and err.count("\n") == 1
    assert "Internal error" not in err


def test_qa_corpus_of_empty_entries_means_the_bundled_seeds(monkeypatch, capsys, fake_engine):
    monkeypatch.setenv("QA_CORPUS", "::")
    code, out, err = run_main(monkeypatch, capsys, ["statements", "--json"])
    assert code == 0 and len(out.splitlines()) == 39
    code, out, err = run_main(monkeypatch, capsys, ["ask", "peacekeepers", "--json"])
    assert code == 0 and "Internal error" not in err and json.loads(out)["question"]


# -- output that cannot be written: status 1, one sentence (none for a broken pipe) -----------


def test_closed_stdout_is_status_1_not_0(tmp_path):
    for args in (["ask", "peace"], ["speakers", "--json"]):
        done = qa_process(*args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, closed=1)
        assert done.returncode == 1
        assert done.stderr.decode() == "Error: cannot write output: standard output is closed.\n"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
def test_a_full_disk_for_output_says_so():
    for args in (["speakers", "--json"], ["speakers"], ["--help"]):
        with open("/dev/full", "w") as full:
            done = qa_process(*args, stdout=full, stderr=subprocess.PIPE)
        assert done.returncode == 1
        assert done.stderr.decode() == "Error: cannot write output: no space left on device.\n"


def test_a_broken_pipe_ends_quietly_with_status_1():
    read, written = os.pipe()
    os.close(read)  # the reader is gone before anything is written
    try:
        done = qa_process("statements", "--json", stdout=written, stderr=subprocess.PIPE)
    finally:
        os.close(written)
    assert done.returncode == 1 and done.stderr == b""


def test_closed_stderr_still_answers_and_keeps_the_status():
    done = qa_process("speakers", "--json", stdout=subprocess.PIPE, closed=2)
    assert done.returncode == 0 and json.loads(done.stdout)
    done = qa_process("speakers", "--corpus", "/no/such.txt", stdout=subprocess.PIPE, closed=2)
    assert done.returncode == 2 and done.stdout == b""


# -- the index build: a full disk, Ctrl-C -----------------------------------------------------


def test_a_short_write_of_the_index_says_the_disk_is_full(tmp_path, fake_encoder, monkeypatch):
    from qa.errors import IndexStateError
    from qa.store.embedded import build as build_module

    corpus = write(tmp_path / "c.txt", "Grain exports rose, an official said.\n")

    def short_write(*args, **kwargs):
        raise OSError("115200 requested and 42976 written")  # numpy's words, with no errno

    # The disk is full while the unfinished generation is on it: the build must tell before
    # it removes that generation, which frees the space.
    from qa.store.embedded import generations

    def full_while_unfinished(where):
        return bool(list((tmp_path / "idx").glob(".tmp-*")))

    monkeypatch.setattr(build_module, "_write_files", short_write)
    monkeypatch.setattr(generations, "_disk_full", full_while_unfinished)
    with pytest.raises(IndexStateError) as failed:
        build_module.build([corpus], tmp_path / "idx", fake_encoder)
    assert "the disk is full" in str(failed.value) and "requested" not in str(failed.value)
    assert not list((tmp_path / "idx").glob(".tmp-*"))


INTERRUPT_SCRIPT = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, {tests!r})
    from conftest import FakeEncoder
    import qa.model.embedding
    from qa.cli import main

    class Slow(FakeEncoder):
        def encode(self, texts, batch_size=64):
            if {signal_me!r}:
                print("embedding", flush=True)
            time.sleep(0.2)
            return super().encode(texts, batch_size)

    qa.model.embedding.Encoder = lambda info: Slow()
    sys.argv = ["qa", "index", "--corpus", {corpus!r}, "--index-dir", {index!r}]
    main()
    """
)


def test_ctrl_c_during_a_build_stops_it_and_keeps_the_index(tmp_path):
    from qa.store.embedded.index import current_folder, load

    lines = [f"Statement number {i} about grain and ports, an official said." for i in range(3000)]
    corpus = write(tmp_path / "big.txt", "\n".join(lines[:300]) + "\n")
    index_root = tmp_path / "idx"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    def script(signal_me: bool) -> Path:
        path = tmp_path / f"build_{signal_me}.py"
        path.write_text(INTERRUPT_SCRIPT.format(tests=str(TESTS), corpus=str(corpus),
                                                index=str(index_root), signal_me=signal_me))  # fmt: skip
        return path

    subprocess.run([sys.executable, str(script(False))], env=env, check=True, timeout=120,
                   capture_output=True)  # fmt: skip
    folder = next((index_root / "collections").iterdir())
    before = current_folder(folder)
    corpus.write_text("\n".join(lines) + "\n")
    process = subprocess.Popen([sys.executable, str(script(True))], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    assert process.stdout.readline() == b"embedding\n"  # mid-way through the embedding
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)  # a safety net only
    assert process.returncode == 130
    assert err.decode().strip().splitlines()[-1] == "Interrupted; the index is unchanged."
    assert current_folder(folder) == before and len(load(folder).statements) == 300
    assert not list(folder.glob(".tmp-*"))


HNSW_SCRIPT = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {tests!r})
    import faiss
    import numpy as np
    from conftest import FakeEncoder
    import qa.model.embedding
    import qa.store.embedded.build
    from qa.cli import main

    class Wide(FakeEncoder):
        dimension = 4096  # the graph's add takes seconds: long enough to be interrupted in

    class Announced(faiss.IndexHNSWFlat):
        def add(self, vectors):
            print("adding", flush=True)
            try:
                super().add(vectors)
            except KeyboardInterrupt:  # how far the graph got: rows not yet linked into it
                offsets = faiss.vector_to_array(self.hnsw.offsets)[:-1]
                first = faiss.vector_to_array(self.hnsw.neighbors)[offsets]
                print(int(np.count_nonzero(first < 0)), "of", self.ntotal, flush=True)
                raise

    faiss.IndexHNSWFlat = Announced
    qa.store.embedded.build.HNSW_THRESHOLD = 100
    qa.model.embedding.Encoder = lambda info: Wide()
    sys.argv = ["qa", "index", "--corpus", {corpus!r}, "--index-dir", {index!r}]
    main()
    """
)


def test_ctrl_c_during_the_hnsw_graph_stops_it_mid_way(tmp_path):
    """The graph is one long FAISS call; FAISS looks for Ctrl-C while it adds (its Python
    interrupt callback), so the build stops inside it, not after it."""
    from qa.store.embedded.index import current_folder, load

    words = "grain ports gas energy troops border pilots tanks loans summit treaty aid".split()
    lines = [f"{' '.join(words[(i * k) % 12] for k in (1, 5, 7))} item {i}, an official said."
             for i in range(6000)]  # fmt: skip
    corpus = write(tmp_path / "big.txt", "\n".join(lines[:150]) + "\n")
    index_root = tmp_path / "idx"
    script = tmp_path / "build.py"
    script.write_text(HNSW_SCRIPT.format(tests=str(TESTS), corpus=str(corpus),
                                         index=str(index_root)))  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    first = subprocess.run([sys.executable, str(script)], env=env, capture_output=True,
                           text=True, timeout=120)  # fmt: skip
    assert first.returncode == 0 and first.stdout.startswith("adding\n"), first.stderr
    folder = next((index_root / "collections").iterdir())
    before = current_folder(folder)
    corpus.write_text("\n".join(lines) + "\n")
    process = subprocess.Popen([sys.executable, str(script)], env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    assert process.stdout.readline() == "adding\n"
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=120)  # a safety net only
    assert process.returncode == 130
    assert err.strip().splitlines()[-1] == "Interrupted; the index is unchanged."
    unlinked, total = out.split(" of ")
    assert 0 < int(unlinked) and int(total) == 6000  # stopped inside the add
    assert current_folder(folder) == before and len(load(folder).statements) == 150
    assert not list(folder.glob(".tmp-*"))


# -- any bytes at all: an answer, nothing fits, or one sentence with status 2 -----------------

MEMORY_BOUND_KB = 512 * 1024


def _one_sentence_or_answer(result, chat: bool) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stderr and "Internal error" not in result.stderr
    if result.exit_code == 2:
        assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
        return
    assert result.exit_code == 0, result.stderr
    for line in result.stdout.splitlines():
        reply = json.loads(line)
        assert ("answered" in reply) or ("message" in reply) or ("error" in reply)
    if not chat:
        assert len(result.stdout.splitlines()) == 1


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(data=st.binary(max_size=120))
def test_any_bytes_as_a_question_or_a_chat_line(data, fake_engine):
    start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    argument = os.fsdecode(data.replace(b"\0", b""))  # an argument holds no NUL byte
    result = runner.invoke(app, ["ask", "--json", "--", argument])
    _one_sentence_or_answer(result, chat=False)
    result = runner.invoke(app, ["chat", "--json"], input=data + b"\nmore\n" + data)
    _one_sentence_or_answer(result, chat=True)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - start < MEMORY_BOUND_KB


def test_a_corpus_path_that_is_not_utf8_gets_one_sentence(tmp_path):
    missing = os.fsencode(tmp_path) + b"/no-\xff.txt"
    done = subprocess.run(
        [sys.executable, "-m", "qa", "speakers", "--corpus", missing],
        capture_output=True,
        env={**os.environ, "QA_INDEX_DIR": str(tmp_path / "index")},
    )
    assert done.returncode == 2
    assert b"does not exist" in done.stderr and b"Internal error" not in done.stderr
    assert done.stderr.count(b"\n") == 1


def test_the_root_folder_as_corpus_gets_one_sentence(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "qa", "ask", "peacekeepers", "--corpus", "/"],
        capture_output=True, text=True, env={**os.environ, "QA_INDEX_DIR": str(tmp_path / "index")},
    )  # fmt: skip
    assert done.returncode == 2  # a folder is read: the first file it cannot read is named
    assert done.stderr.startswith("Error: ") and done.stderr.count("\n") == 1
    assert "Internal error" not in done.stderr
