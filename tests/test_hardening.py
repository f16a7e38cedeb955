"""Bad input, broken indexes, interrupted builds and hostile text: nothing is lost and no
traceback reaches a user."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import write
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import qa.corpus.files as corpus_files
import qa.store.embedded.generations as generations_module
from qa.cli import app
from qa.corpus.gazetteer import Gazetteer
from qa.corpus.loading import load_corpus
from qa.corpus.parser import parse_line
from qa.errors import CorpusError, IndexStateError
from qa.question.reader import QuestionReader
from qa.store.embedded.build import build, ensure
from qa.store.embedded.generations import BuildLock
from qa.store.embedded.index import current_folder, load

runner = CliRunner()
TESTS = Path(__file__).resolve().parent


# -- questions ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "code", "expected"),
    [
        ("", 2, "The question is empty"),
        (" \t ", 2, "The question is empty"),
        ("?!.,;", 2, "The question has no words"),
        ("peace " * 20_000, 0, None),  # 120 KB
        ("Що сказала Італія про миротворців?", 0, None),
        ("Was hat Italien über Friedenstruppen gesagt?", 0, None),
        ("What did \x1b[31mItaly\x1b[0m say\x07 about peacekeepers?", 0, None),
        ("Zelensky", 0, "Volodymyr Zelensky"),
        ("\u202eWhat did Japan say?", 0, "No statement by Japan"),
    ],
)
def test_questions_get_an_answer_or_one_sentence(
    real_engine, real_index_dir, question, code, expected
):
    result = runner.invoke(app, ["ask", question, "--index-dir", str(real_index_dir)])
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "\u202e" not in result.output
    if expected:
        assert expected in result.output
    if code:
        assert len(result.output.strip().splitlines()) == 1


# -- corpus files -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("latin1.txt", "ok\ncaf\xe9\n".encode("latin-1"), "latin1.txt:2 is not UTF-8 text"),
        ("binary.bin.txt", bytes(range(256)), "binary.bin.txt:1 contains a NUL byte"),
        ("empty.txt", b"", "is empty"),
        ("bad.jsonl", b'{"text": "a"}\n[1, 2\n', "bad.jsonl:2 is not valid JSON"),
        ("list.jsonl", b'["text"]\n', 'list.jsonl:1 has no "text" string field'),
        ("number.jsonl", b'{"text": 5}\n', 'number.jsonl:1 has no "text" string field'),
        ("cols.csv", b"body\nhello\n", 'cols.csv:1 has no "text" column'),
    ],
)
def test_bad_corpus_files_through_the_cli(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    result = runner.invoke(app, ["statements", "--corpus", str(path)])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_missing_and_directory_corpus_through_the_cli(tmp_path):
    for path, message in (
        (tmp_path / "nope.txt", "does not exist"),
        (tmp_path, "holds no corpus files"),
    ):
        result = runner.invoke(app, ["statements", "--corpus", str(path)])
        assert result.exit_code == 2 and message in result.output


@pytest.mark.parametrize("command", ["statements", "ask", "index"])
@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_pipes_and_devices_are_refused_without_reading(tmp_path, command, kind):
    if kind == "fifo":
        path = tmp_path / "feed.txt"
        os.mkfifo(path)  # no writer: reading it would wait forever
    else:
        path = Path("/dev/zero")  # reading it would never end
    args = [command, *(["What did Italy say?"] if command == "ask" else [])]
    args += ["--corpus", str(path)]
    if command != "statements":
        args += ["--index-dir", str(tmp_path / "idx")]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert f"Corpus path {path} is not a regular file (a pipe, device or socket)" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_a_line_over_the_limit_is_refused_or_skipped(tmp_path, monkeypatch):
    monkeypatch.setattr(corpus_files, "MAX_LINE_CHARS", 1000)
    path = write(
        tmp_path / "feed.txt",
        "Short line, an official says\n" + "x" * 1001 + "\nAnother, a diplomat says\n",
    )
    with pytest.raises(CorpusError, match=r"feed.txt:2 is longer than 1,000 characters; split it"):
        load_corpus([path])
    corpus = load_corpus([path], skip_bad=True)
    assert corpus.skipped == (f"{path}:2 is longer than 1,000 characters",)
    assert [s.source for s in corpus.statements] == ["feed.txt:1", "feed.txt:3"]
    rows = "\n".join(json.dumps({"text": t}) for t in ("ok, a diplomat says", "y" * 1001))
    with pytest.raises(CorpusError, match="feed.jsonl:2 is longer than"):
        load_corpus([write(tmp_path / "feed.jsonl", rows)])
    table = 'text\n"ok, a diplomat says"\n"' + "z" * 1001 + '"\n'
    with pytest.raises(CorpusError, match="feed.csv:3 is longer than"):
        load_corpus([write(tmp_path / "feed.csv", table)])


def test_a_file_over_the_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(corpus_files, "MAX_FILE_BYTES", 2**20)
    path = write(tmp_path / "feed.txt", "A line, an official says\n" * 50_000)
    with pytest.raises(CorpusError, match="feed.txt is larger than 1 MiB; split it"):
        load_corpus([path])


def test_a_csv_quote_never_closed_is_named_under_skip_bad(tmp_path):
    path = write(
        tmp_path / "feed.csv",
        'text,speaker\n"Aid continues, an official says",A\n"Broken, a diplomat says,B\n'
        "Next, a minister says,C\n",
    )
    refused = runner.invoke(app, ["statements", "--corpus", str(path)])
    assert refused.exit_code == 2
    assert f"{path}:3 is not valid CSV (a quote opened here is never closed" in refused.output
    corpus = load_corpus([path], skip_bad=True)
    assert [s.source for s in corpus.statements] == ["feed.csv:2"]
    only_broken = write(tmp_path / "broken.csv", 'text\n"never closed, an official says\n')
    with pytest.raises(CorpusError, match="every line was skipped as unreadable"):
        load_corpus([only_broken], skip_bad=True)


def test_skip_bad_skips_with_a_warning_never_silently(tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(
        b'{"text": "Aid continues, Irish Prime Minister Micheal Martin said."}\n'
        b"{broken\n"
        b'{"speaker": "nobody"}\n'
        b'{"text": "Talks resume, a diplomat says"}\n'
    )
    refused = runner.invoke(app, ["statements", "--corpus", str(path)])
    assert refused.exit_code == 2 and "pass --skip-bad" in refused.output
    result = runner.invoke(app, ["statements", "--json", "--skip-bad", "--corpus", str(path)])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert f"Warning: skipped {path}:2 is not valid JSON." in lines
    assert f'Warning: skipped {path}:3 has no "text" string field.' in lines
    records = [json.loads(line) for line in lines if line.startswith("{")]
    assert [r["source"] for r in records] == ["mixed.jsonl:1", "mixed.jsonl:4"]


def test_skip_bad_non_utf8_lines_keep_numbering(tmp_path):
    path = tmp_path / "mixed.txt"
    path.write_bytes(b"first, a diplomat says\ncaf\xe9 au lait\nthird, an official says\n")
    corpus = load_corpus([path], skip_bad=True)
    assert corpus.skipped == (f"{path}:2 is not UTF-8 text",)
    assert [s.source for s in corpus.statements] == ["mixed.txt:1", "mixed.txt:3"]


def test_a_one_megabyte_line_is_read(tmp_path):
    line = '"' + "We will stand firm. " * 52_000 + '," a diplomat said.'
    path = write(tmp_path / "big.txt", line + "\nShort line, an official says\n")
    corpus = load_corpus([path])
    assert len(corpus.statements[0].text) > 1_000_000
    assert corpus.statements[0].role == "diplomat"
    assert corpus.statements[0].kind == "quote"
    assert corpus.statements[1].role == "official"


# -- the index on disk --------------------------------------------------------------------


@pytest.fixture
def small_corpus(tmp_path):
    return write(
        tmp_path / "feed.txt",
        "Aid continues, Irish Prime Minister Micheal Martin said on May 2.\n"
        "Talks resume, a diplomat says\n",
    )


@pytest.mark.parametrize("damage", ["truncate", "edit", "swap", "delete"])
def test_damaged_index_files_are_detected_and_rebuilt(tmp_path, small_corpus, fake_encoder, damage):
    build([small_corpus], tmp_path / "idx", fake_encoder)
    other = write(tmp_path / "other.txt", "Something else entirely, a spokesman said.\n")
    build([other], tmp_path / "other-idx", fake_encoder)
    folder = current_folder(tmp_path / "idx")
    target = folder / "vectors.npy"  # the dense file of an index this small
    if damage == "truncate":
        target.write_bytes(target.read_bytes()[:100])
    elif damage == "edit":
        data = bytearray(target.read_bytes())
        data[-5] ^= 0xFF
        target.write_bytes(bytes(data))
    elif damage == "swap":
        target.write_bytes((current_folder(tmp_path / "other-idx") / "vectors.npy").read_bytes())
    else:
        target.unlink()
    with pytest.raises(IndexStateError, match="damaged .*vectors.npy"):
        load(tmp_path / "idx")
    rebuilt = ensure([small_corpus], tmp_path / "idx", fake_encoder)
    assert rebuilt.built and len(rebuilt) == 2
    assert len(load(tmp_path / "idx")) == 2


def test_pickled_arrays_are_never_loaded(tmp_path, small_corpus, fake_encoder):
    build([small_corpus], tmp_path / "idx", fake_encoder)
    folder = current_folder(tmp_path / "idx")
    np.save(folder / "vectors.npy", np.array([object(), object()], dtype=object), allow_pickle=True)
    with pytest.raises(IndexStateError, match="damaged"):
        load(tmp_path / "idx")


def test_a_second_build_waits_for_the_lock_then_says_so(
    tmp_path, small_corpus, fake_encoder, monkeypatch
):
    (tmp_path / "idx").mkdir()
    monkeypatch.setattr(generations_module, "LOCK_TIMEOUT_SECONDS", 0.2)
    with BuildLock(tmp_path / "idx", waiting=None):
        with pytest.raises(IndexStateError, match="Another qa process"):
            build([small_corpus], tmp_path / "idx", fake_encoder)


KILL_SCRIPT = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, {tests!r})
    from pathlib import Path
    from conftest import FakeEncoder
    from qa.store.embedded.build import build

    class Slow(FakeEncoder):
        def encode(self, texts, batch_size=64):
            time.sleep(0.02)
            return super().encode(texts, batch_size)

    build([Path({corpus!r})], Path({index!r}), Slow())
    print("done", flush=True)
    """
)


def test_build_killed_at_any_moment_leaves_a_usable_index(tmp_path, fake_encoder):
    lines = [f"Statement number {i} about grain and ports, an official said." for i in range(6000)]
    corpus = write(tmp_path / "big.txt", "\n".join(lines) + "\n")
    build([corpus], tmp_path / "idx", fake_encoder)
    old_ids = [s.id for s in load(tmp_path / "idx").statements]
    corpus.write_text("\n".join(lines + ["One more line, a diplomat says."]) + "\n")
    script = tmp_path / "slow_build.py"
    script.write_text(
        KILL_SCRIPT.format(tests=str(TESTS), corpus=str(corpus), index=str(tmp_path / "idx"))
    )

    start = time.perf_counter()
    subprocess.run([sys.executable, str(script)], check=True, capture_output=True)
    duration = time.perf_counter() - start
    new_ids = [s.id for s in load(tmp_path / "idx").statements]
    assert len(new_ids) == len(old_ids) + 1

    # Put the old index back, then kill rebuilds at points spread over a whole build.
    corpus.write_text("\n".join(lines) + "\n")
    build([corpus], tmp_path / "idx", fake_encoder)
    corpus.write_text("\n".join(lines + ["One more line, a diplomat says."]) + "\n")
    killed = 0
    fractions = (0.1, 0.25, 0.4, 0.55, 0.7, 0.8, 0.9, 0.97)
    # A busy machine makes builds run at another speed than the one timed: keep trying (a
    # bounded number of times) until eight builds were killed mid-way.
    for attempt in range(3 * len(fractions)):
        if killed == len(fractions):
            break
        fraction = fractions[attempt % len(fractions)]
        process = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE)
        time.sleep(duration * fraction)
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
            killed += 1
        else:
            duration *= 0.85  # finished first: builds run faster now than when timed
        process.wait()
        index = load(tmp_path / "idx")
        ids = [s.id for s in index.statements]
        assert ids in (old_ids, new_ids)
        assert index.dense.ntotal == len(ids)
        if ids == new_ids:  # that build finished: start from the old index again
            corpus.write_text("\n".join(lines) + "\n")
            build([corpus], tmp_path / "idx", fake_encoder)
            corpus.write_text("\n".join(lines + ["One more line, a diplomat says."]) + "\n")
    assert killed >= 5
    del index  # releases the last generation loaded, so the next build may remove it
    final = ensure([corpus], tmp_path / "idx", fake_encoder)
    assert len(final) == len(new_ids)
    assert final.built and not list((tmp_path / "idx").glob(".tmp-*"))
    assert [p.name for p in (tmp_path / "idx").glob("gen-*")] == [final.folder.name]


# -- hostile text -------------------------------------------------------------------------

HOSTILE_TEXTS = [
    '"We \x1b[2J\x1b[31mwill\x1b[0m win\rnow," Moldovan President Maia Sandu said on May 4.',
    "Borders are safe \u202egnissorc\u202c, Moldovan President Maia Sandu said on May 3.",
]


def hostile_corpus(tmp_path):
    # JSONL, since a bare carriage return ends a line in a text corpus.
    lines = [json.dumps({"text": text}) for text in HOSTILE_TEXTS]
    return write(tmp_path / "hostile.jsonl", "\n".join(lines) + "\n")


def test_hostile_text_is_neutralised_in_the_terminal_and_verbatim_in_json(tmp_path):
    corpus = hostile_corpus(tmp_path)
    shown = runner.invoke(app, ["statements", "--corpus", str(corpus)], env={"COLUMNS": "200"})
    assert shown.exit_code == 0
    for raw in ("\x1b", "\u202e", "\u202c", "\r"):
        assert raw not in shown.output
    assert "\\u001b" in shown.output and "\\u202e" in shown.output and "\\u000d" in shown.output
    as_json = runner.invoke(app, ["statements", "--json", "--corpus", str(corpus)])
    records = [json.loads(line) for line in as_json.output.splitlines()]
    assert [r["text"] for r in records] == HOSTILE_TEXTS
    assert "\x1b[31m" in records[0]["quotes"][0]


def test_hostile_text_in_answers(tmp_path):
    corpus = hostile_corpus(tmp_path)
    result = runner.invoke(
        app,
        [
            "ask",
            "What did Maia Sandu say?",
            "--corpus",
            str(corpus),
            "--index-dir",
            str(tmp_path / "i"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert (
        "\x1b" not in result.output and "\u202e" not in result.output and "\r" not in result.output
    )
    assert "Maia Sandu" in result.output


# -- property-based -----------------------------------------------------------------------

GAZETTEER = Gazetteer.load([])
PIECES = list("abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ.,;:'\"“”’*•-–0123456789") + [
    "said",
    " says ",
    "told ",
    "Feb. ",
    "March ",
    "President ",
    "Italian ",
    "NATO",
    "\u202e",
    "\x1b[31m",
    "according to ",
    "Key developments on Feb. 26: * ",
    " * ",
    "'s office ",
    "\r",
    " Zelensky",
    "Canada's foreign minister",
    " in January",
    " before the Paris summit",
]
news_text = st.lists(st.sampled_from(PIECES), max_size=80).map("".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(news_text)
def test_parser_never_crashes_and_stays_verbatim(line):
    for s in parse_line(line, "p.txt", 1, GAZETTEER):
        assert s.text == line
        assert s.passage in line
        assert all(q in s.passage for q in s.quotes)
        if s.speaker_as_written:
            assert s.speaker_as_written in s.passage
        if s.cue:
            assert s.cue in s.passage
        if s.channel:
            assert s.channel in s.passage
        if s.said_on and s.said_on.text:
            assert s.said_on.text in line
        assert s.kind in {"quote", "paraphrase", "mixed", "report"}


@pytest.fixture(scope="module")
def question_reader():
    corpus = load_corpus()
    return QuestionReader(list(corpus.statements), corpus.gazetteer, corpus.timeline)


@settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=200) | news_text)
@example("Zele0s0y:Zele0s0y")  # a name corrected, then typed again
@example("ministe0:ministe")  # a title word corrected, and a word it begins
def test_question_reader_never_crashes_and_takes_only_its_words(question_reader, question):
    u = question_reader.read(question)
    assert u.intent in {"what", "who", "when"}
    words = set(" ".join(question.split()).split())
    # A word may also be one the reader corrected and says so ("Understood: presdient ->
    # president"), never one it made up.
    typed_in = read = " ".join(question.split())
    for typed, understood in u.corrections:
        assert typed in read
        read = read.replace(typed, understood)
    # a name corrected where a speaker goes may be typed again, as typed, in the topic
    assert all(word in read or word in typed_in for word in u.topic.split())
    for role in u.roles:
        assert role.label in read
    if u.date:
        assert u.date.label.split()[0] in words or u.date.label in " ".join(question.split())
