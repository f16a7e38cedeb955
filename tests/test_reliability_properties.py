"""Any bytes at all, wherever qa reads them (issue 24): a corpus file, a sidecar beside it, any
file of a built index. Each example runs the real command in a child process with the fake
encoder and ends in an answer, a reply saying nothing fits, or one sentence on stderr with
status 2; a damaged index is rebuilt and answers correctly. Never a traceback, never
"Internal error".

The child runs under a memory limit and a timeout: these are a safety net, so that a
regression ends the test instead of the machine; no test asserts on time."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import numpy as np
import pytest
from conftest import FakeEncoder, memory_bounded
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from qa.cli import app
from qa.corpus.files import read_rows
from qa.store.embedded.index import load

ROOT = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent
LINES = [
    "Gas prices will fall this winter, Hungarian Foreign Minister Peter Szijjarto said on Dec. 28.",
    "Grain exports through the Danube will resume, Romanian Prime Minister Ilie Bolojan said.",
    "Our borders are safe, Moldovan President Maia Sandu said on Jan. 5.",
]
QUESTION = "What was said about gas prices this winter?"
SAFETY_SECONDS = 120  # a hang ends the child here; no test asserts on time
MEMORY_LIMIT = 3 * 2**30
EXAMPLES = settings(
    max_examples=15,
    deadline=None,
    derandomize=True,  # the same examples on every run: CI is deterministic
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# The command as shipped, embedding with the fake encoder (the model is never loaded).
CHILD = textwrap.dedent(
    """
    import os, sys
    sys.path.insert(0, {tests!r})
    from conftest import FakeEncoder
    import qa.model.embedding as embedding
    import qa.store.embedded.build as build
    from qa.answer.engine import Engine
    from qa.cli import main

    encoder = FakeEncoder()
    Engine.model = property(lambda self: encoder.info)
    Engine.encoder = property(lambda self: encoder)
    Engine.query_encoder = property(lambda self: encoder)
    embedding.Encoder = lambda info: encoder
    embedding.resolve_model = lambda *args: encoder.info
    build.HNSW_THRESHOLD = int(os.environ.get("QA_TEST_HNSW_THRESHOLD", build.HNSW_THRESHOLD))
    sys.argv = ["qa", *sys.argv[1:]]
    main()
    """
).format(tests=str(TESTS))


def run_qa(*args: str, cwd: Path, hnsw_threshold: int | None = None):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    env["QA_HISTORY"] = str(cwd / "history")
    if hnsw_threshold is not None:
        env["QA_TEST_HNSW_THRESHOLD"] = str(hnsw_threshold)
    return subprocess.run(
        [sys.executable, "-c", memory_bounded(CHILD, MEMORY_LIMIT), *args], capture_output=True, text=True, env=env,
        cwd=cwd, timeout=SAFETY_SECONDS,
    )  # fmt: skip


def ask(corpus: Path, *options: str, hnsw_threshold: int | None = None):
    folder = corpus.parent
    args = ["ask", "--json", "--corpus", str(corpus), "--index-dir", str(folder / "idx")]
    return run_qa(*args, *options, "--", QUESTION, cwd=folder, hnsw_threshold=hnsw_threshold)


def settled(done) -> dict | None:
    """The reply of a run that answered or found nothing fits; None for a one-sentence
    refusal. Anything else fails the test."""
    assert "Traceback" not in done.stderr and "Internal error" not in done.stderr, done.stderr
    if done.returncode == 2:
        assert done.stdout == ""
        assert done.stderr.startswith("Error: ") and done.stderr.count("\n") == 1, done.stderr
        return None
    assert done.returncode == 0, (done.returncode, done.stderr)
    reply = json.loads(done.stdout)
    assert isinstance(reply["answered"], bool) and reply["question"] == QUESTION
    for passage in reply["passages"] + reply["closest"]:
        assert passage["text"] in passage["statement"]  # a verbatim piece of the statement
    return reply


def _verbatim(reply: dict | None, corpus: Path) -> None:
    """Every statement shown is a verbatim piece of one row of the corpus file."""
    if reply is None:
        return
    rows = [row.text for row in read_rows(corpus, skip_bad=True)]
    for passage in reply["passages"] + reply["closest"]:
        assert any(passage["statement"] in row for row in rows), passage["statement"]


# -- a corpus file of any bytes ------------------------------------------------------------

SEPARATORS = st.sampled_from([b"\n", b"\r\n", b"\r", b"\n\n", b"\x85", "\u2028".encode()])
LINE_BYTES = st.one_of(
    st.sampled_from([line.encode() for line in LINES]),
    st.binary(max_size=80),
    st.text(max_size=80).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.sampled_from(
        [b"\xef\xbb\xbf", b'"', b",", b"{", b"\xff\xfe", b"said", b" said on Dec. 99."]
    ),
)


@st.composite
def line_bytes(draw) -> bytes:
    parts = draw(st.lists(LINE_BYTES, max_size=6))
    return b"".join(part + draw(SEPARATORS) for part in parts)


JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),  # fmt: skip
    max_leaves=6,
)
FIELDS = ["text", "speaker", "role", "affiliation", "date", "source", "title", "published"]


@st.composite
def jsonl_bytes(draw) -> bytes:
    lines = []
    for _ in range(draw(st.integers(0, 4))):
        record = draw(st.dictionaries(st.sampled_from(FIELDS), JSON_VALUE, max_size=5))
        if draw(st.booleans()):
            record["text"] = draw(st.sampled_from(LINES) | st.text(max_size=60))
        value = record if draw(st.integers(0, 5)) else draw(JSON_VALUE)
        lines.append(json.dumps(value, ensure_ascii=draw(st.booleans()), allow_nan=True))
    data = "\n".join(lines).encode("utf-8", "surrogatepass")
    return data + draw(st.sampled_from([b"", b"\n", b"\xff", b'{"text": "un', b"\n\x00"]))


@st.composite
def csv_bytes(draw) -> bytes:
    header = draw(st.lists(st.sampled_from([*FIELDS, "", "text"]), max_size=5))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for _ in range(draw(st.integers(0, 4))):
        width = draw(st.integers(0, len(header) + 1))
        writer.writerow(draw(st.lists(st.sampled_from(LINES) | st.text(max_size=40),
                                      min_size=width, max_size=width)))  # fmt: skip
    data = buffer.getvalue().encode("utf-8", "surrogatepass")
    return data + draw(st.sampled_from([b"", b'"open', b"\xff", b"a,b\n\r", b"\x00"]))


CORPUS = st.one_of(
    st.tuples(st.sampled_from(["feed.txt", "feed.jsonl", "feed.csv"]), st.binary(max_size=300)),
    st.tuples(st.just("feed.txt"), line_bytes()),
    st.tuples(st.just("feed.jsonl"), jsonl_bytes()),
    st.tuples(st.just("feed.csv"), csv_bytes()),
)


@EXAMPLES
@given(corpus=CORPUS, skip_bad=st.booleans())
def test_any_corpus_bytes(corpus, skip_bad):
    name, data = corpus
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        reply = settled(ask(path, *(["--skip-bad"] if skip_bad else [])))
        _verbatim(reply, path)


# -- sidecars of any bytes -----------------------------------------------------------------

TOML_VALUES = st.sampled_from(
    [
        '"Peter Szijjarto"', '"article"', '"lines"', '"2016-09-12"', '"2016-13-45"', '"x"',
        "2016-09-12", "1979-05-27T07:32:00Z", "07:32:00", "2025", "99999", "-1", "0", "1.5",
        "nan", "inf", "true", "[]", '["Szijjarto", "Peter"]', "[1, 2]", '[["a"]]', "{}",
        '{aliases = ["x"]}', '""', "'''multi\nline'''",
    ]
)  # fmt: skip
TOML_KEYS = st.sampled_from(["year", "kind", "published", "aliases", "role", "affiliation", "x"])
TABLES = st.sampled_from(['"Peter Szijjarto"', '"Szijjarto"', "Hungary", '""', "a.b", "year"])


@st.composite
def toml_bytes(draw) -> bytes:
    lines = [f"{draw(TOML_KEYS)} = {draw(TOML_VALUES)}" for _ in range(draw(st.integers(0, 2)))]
    for _ in range(draw(st.integers(0, 3))):
        lines.append(f"[{draw(TABLES)}]")
        lines += [
            f"{draw(TOML_KEYS)} = {draw(TOML_VALUES)}" for _ in range(draw(st.integers(0, 3)))
        ]
    return "\n".join(lines).encode() + draw(st.sampled_from([b"", b"\n", b"\xff", b"= ="]))


SIDECAR = st.tuples(
    st.sampled_from(["feed.txt.meta.toml", "gazetteer.toml"]),
    st.one_of(st.binary(max_size=200), toml_bytes()),
)


@EXAMPLES
@given(sidecar=SIDECAR)
def test_any_sidecar_bytes(sidecar):
    name, data = sidecar
    with tempfile.TemporaryDirectory() as folder:
        corpus = Path(folder) / "feed.txt"
        corpus.write_text("\n".join(LINES) + "\n")
        (Path(folder) / name).write_bytes(data)
        reply = settled(ask(corpus))
        _verbatim(reply, corpus)
        done = run_qa("statements", "--json", "--corpus", str(corpus), cwd=Path(folder))
        assert "Traceback" not in done.stderr and "Internal error" not in done.stderr
        assert done.returncode in (0, 2), done.stderr
        if done.returncode == 0:
            statements = [json.loads(line)["text"] for line in done.stdout.splitlines()]
            assert all(any(s in line for line in LINES) for s in statements)
        else:
            assert done.stderr.startswith("Error: ") and done.stderr.count("\n") == 1


# -- any file of a built index overwritten with any bytes ----------------------------------


@pytest.fixture(scope="module", params=[None, 2], ids=["exact", "hnsw"])
def built(request, tmp_path_factory):
    """A corpus and an index built from it by the command, to be copied for each example."""
    folder = tmp_path_factory.mktemp("built")
    corpus = folder / "feed.txt"
    corpus.write_text("\n".join(LINES) + "\n")
    reply = settled(ask(corpus, hnsw_threshold=request.param))
    assert reply["passages"][0]["statement"] == LINES[0]
    files = sorted(p.relative_to(folder / "idx").as_posix()
                   for p in (folder / "idx").rglob("*") if p.is_file())  # fmt: skip
    assert any(name.endswith("dense.faiss") for name in files) == bool(request.param)
    return corpus, request.param, files


@EXAMPLES
@given(data=st.data())
def test_any_index_file_of_any_bytes_is_rebuilt(built, data):
    corpus, threshold, files = built
    name = data.draw(st.sampled_from(files), label="file")
    content = data.draw(st.binary(max_size=300), label="bytes")
    with tempfile.TemporaryDirectory() as folder:
        index_dir = Path(folder) / "idx"
        shutil.copytree(corpus.parent / "idx", index_dir, symlinks=True)
        (index_dir / name).write_bytes(content)

        done = run_qa("ask", "--json", "--corpus", str(corpus), "--index-dir", str(index_dir),
                      "--", QUESTION, cwd=Path(folder), hnsw_threshold=threshold)  # fmt: skip

        reply = settled(done)
        assert reply is not None, done.stderr  # damage is rebuilt, never refused
        assert reply["passages"][0]["statement"] == LINES[0]
        (collection,) = (index_dir / "collections").iterdir()
        index = load(collection, full_check=True)  # sound again
        try:
            assert [s.text for s in index.statements] == LINES
            assert np.array_equal(np.asarray(index.vectors), FakeEncoder().encode(LINES))
        finally:
            index.close()


# -- what the properties found, each pinned down -------------------------------------------

runner = CliRunner()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("feed.txt.meta.toml", "kind = []\n", 'kind must be "article" or "lines"'),
        ("feed.txt.meta.toml", "kind = {}\n", 'kind must be "article" or "lines"'),
        ("gazetteer.toml", '["A"]\naliases = 5\n', "entry 'A': aliases must be a list of names"),
        ("gazetteer.toml", '["A"]\naliases = "Abc"\n', "aliases must be a list of names"),
        ("gazetteer.toml", '["A"]\naliases = [1, 2]\n', "aliases must be a list of names"),
        ("gazetteer.toml", '["A"]\nrole = 5\n', "entry 'A': role must be text in quotes"),
        ("gazetteer.toml", '["A"]\naffiliation = ["x"]\n', "affiliation must be text in quotes"),
    ],
)  # fmt: skip
def test_a_sidecar_value_of_the_wrong_type_is_one_sentence(tmp_path, name, content, message):
    corpus = tmp_path / "feed.txt"
    corpus.write_text("\n".join(LINES) + "\n")
    (tmp_path / name).write_text(content)
    result = runner.invoke(app, ["statements", "--corpus", str(corpus)])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith(f"Error: {tmp_path / name}: ") and message in result.stderr
    assert result.stderr.count("\n") == 1 and "Internal error" not in result.stderr
