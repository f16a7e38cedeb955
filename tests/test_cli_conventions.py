"""The conventions a command-line user expects, each through the real app: -h, short flags, a
question from stdin, choices that help and completion list, the exit status of a question
nothing answers, the configuration file and its precedence, the pager, the chat's greeting,
the history in the XDG state folder, and --prune of collections never built."""

from __future__ import annotations

import fcntl
import io
import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import click
import pytest
import typer
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from typer.testing import CliRunner

from qa.chat import pager
from qa.chat.terminal import run_chat
from qa.cli import app
from qa.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
ITALY = "What did Italy say about peacekeepers?"
JAPAN = "What did Japan say about security guarantees?"
runner = CliRunner()


def run_main(monkeypatch, capsys, args, stdin="", env=None):
    """The console script, as a shell runs it, with this text on standard input."""
    from qa.cli import main

    for name, value in (env or {}).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(sys, "argv", ["qa", *args])
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    with pytest.raises(SystemExit) as stopped:
        main()
    out, err = capsys.readouterr()
    return stopped.value.code, out, err


def qa_process(args, cwd, env=None, **kwargs) -> subprocess.CompletedProcess:
    """`qa` in a process of its own (a terminal or bytes on stdin need one)."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run(
        [sys.executable, "-c", "from qa.cli import main; main()", *args],
        cwd=cwd, env=environment, timeout=300, **kwargs,
    )  # fmt: skip


# -- help, short flags, choices -------------------------------------------------------------


@pytest.mark.parametrize("command", [[], ["ask"], ["chat"], ["statements"], ["speakers"],
                                     ["index"], ["paths"], ["eval"], ["serve"]])  # fmt: skip
def test_h_is_help_everywhere(command):
    result = runner.invoke(app, [*command, "-h"])
    assert result.exit_code == 0 and result.stdout.lstrip().startswith("Usage:")


def test_short_flags_of_ask(monkeypatch, capsys, real_index_dir):
    code, out, _ = run_main(monkeypatch, capsys, ["ask", ITALY, "-k", "1", "-j", "-s", "Meloni",
                                                  "-a", "Italy", "--index-dir", str(real_index_dir)])  # fmt: skip
    answer = json.loads(out)
    assert code == 0 and len(answer["passages"]) == 1
    assert answer["passages"][0]["speaker"].startswith("Giorgia Meloni")
    code, out, _ = run_main(monkeypatch, capsys, ["ask", ITALY, "-f", "markdown", "-c",
                                                  str(ROOT / "seeds" / "000_8e297ec4f5d0d494.txt"),
                                                  "--index-dir", str(real_index_dir)])  # fmt: skip
    assert code == 0 and out.startswith(f"## {ITALY}")


def test_short_flags_of_statements_and_speakers():
    csv_text = runner.invoke(app, ["speakers", "-a", "Canada", "-f", "csv"]).stdout
    assert csv_text.splitlines()[1:] == [
        "Bill Blair,Defense Minister,Canada,1,March 5,March 5",
        "Melanie Joly,Foreign Minister,Canada,1,Feb. 18,Feb. 18",
    ]
    lines = runner.invoke(app, ["statements", "-s", "Tykhyi", "-j"]).stdout.splitlines()
    assert lines and all(json.loads(line)["speaker"] == "Heorhii Tykhyi" for line in lines)


def _option(command: str, name: str) -> tuple[click.Context, click.Option]:
    group = typer.main.get_command(app)
    cmd = group.commands[command]
    [option] = [p for p in cmd.params if p.name == name]
    return click.Context(cmd), option


@pytest.mark.parametrize(
    ("command", "name", "values"),
    [
        ("ask", "store", ["embedded", "milvus"]),
        ("ask", "output_format", ["text", "json", "jsonl", "markdown", "csv"]),
        ("ask", "color", ["auto", "always", "never"]),
        ("speakers", "sort", ["name", "statements", "first", "last", "affiliation"]),
        ("index", "store", ["embedded", "milvus"]),
    ],
)
def test_closed_options_list_their_values_in_help_and_completion(command, name, values):
    ctx, option = _option(command, name)
    assert [c.value for c in option.shell_complete(ctx, "")] == values
    help_text = runner.invoke(app, [command, "-h"], env={"COLUMNS": "200"}).stdout
    assert f"[{'|'.join(values)}]" in help_text


def test_the_sort_choices_are_the_orders_qa_speakers_knows():
    from qa.cli.options import Sort
    from qa.corpus.speakers import SORT_KEYS

    assert tuple(Sort) == SORT_KEYS


# -- the question from standard input ---------------------------------------------------------


@pytest.mark.parametrize("args", [["ask", "-", "-j"], ["ask", "-j"]])
def test_the_question_comes_from_stdin(monkeypatch, capsys, real_index_dir, args):
    code, out, err = run_main(monkeypatch, capsys, [*args, "--index-dir", str(real_index_dir)],
                              stdin=f"  {ITALY}\n")  # fmt: skip
    answer = json.loads(out)
    assert code == 0 and err == "" and answer["question"] == ITALY
    own = [p for p in answer["passages"] if "question" not in p["matched_by"]]
    assert {p["affiliation"] for p in own} == {"Italy"}


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        ("", "No question given"),
        ("\n  \n", "No question given"),
        (f"{ITALY}\n{JAPAN}\n", "holds 2 lines; pipe them into `qa chat`"),
        ("peace " * 20000, "longer than 64 KiB"),
    ],
)
def test_stdin_that_holds_no_single_question_is_one_sentence(monkeypatch, capsys, stdin, message):
    code, out, err = run_main(monkeypatch, capsys, ["ask", "-"], stdin=stdin)
    assert code == 2 and out == ""
    assert err.startswith("Error: ") and message in err and err.count("\n") == 1


def test_stdin_bytes_that_are_not_utf8_become_replacement_characters(tmp_path, real_index_dir):
    done = qa_process(["ask", "-j", "--index-dir", str(real_index_dir)], tmp_path,
                      input=b"What did Italy say about peacekeepers\xff?\n", capture_output=True)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["question"] == "What did Italy say about peacekeepers\ufffd?"


# -- the exit status of a question nothing answers --------------------------------------------


@pytest.mark.parametrize(
    ("args", "status"),
    [([JAPAN], 0), ([JAPAN, "-e"], 1), ([JAPAN, "--exit-status", "-j"], 1), ([ITALY, "-e"], 0)],
)
def test_exit_status_tells_an_unanswered_question_apart(
    monkeypatch, capsys, real_index_dir, args, status
):
    code, out, _ = run_main(monkeypatch, capsys, ["ask", *args, "--index-dir", str(real_index_dir)])
    assert code == status and out  # the answer, or the reason for none, is printed either way


# -- the configuration file ---------------------------------------------------------------------


def _passages(monkeypatch, capsys, real_index_dir, *args, env=None) -> int:
    code, out, err = run_main(monkeypatch, capsys, ["ask", ITALY, "-j", *args], env=env)
    assert code == 0, err
    return len(json.loads(out)["passages"])


def test_option_beats_environment_beats_config_file_beats_default(
    monkeypatch, capsys, tmp_path, real_index_dir
):
    config = tmp_path / "config.toml"
    config.write_text(f'top-k = 1\nindex_dir = "{real_index_dir}"\n')
    monkeypatch.setenv("QA_CONFIG", str(config))
    monkeypatch.delenv("QA_INDEX_DIR")  # the file's index_dir, not the tests' own
    assert _passages(monkeypatch, capsys, real_index_dir) == 1
    assert _passages(monkeypatch, capsys, real_index_dir, env={"QA_TOP_K": "2"}) == 2
    assert _passages(monkeypatch, capsys, real_index_dir, "-k", "3") == 3
    monkeypatch.setenv("QA_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.delenv("QA_TOP_K")
    monkeypatch.setenv("QA_INDEX_DIR", str(real_index_dir))
    assert _passages(monkeypatch, capsys, real_index_dir) == 3  # the default, 5, finds 3


def test_a_command_table_and_paths_from_the_files_folder(monkeypatch, capsys, tmp_path):
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "mine.txt").write_text(
        '"We stand with Moldova," Polish President Andrzej Duda said on March 3.\n'
    )
    config = tmp_path / "conf" / "config.toml"
    config.write_text('corpus = ["mine.txt"]\n[statements]\nformat = "jsonl"\n')
    code, out, err = run_main(monkeypatch, capsys, ["statements"], env={"QA_CONFIG": str(config)})
    [record] = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and record["speaker"] == "Andrzej Duda"
    assert record["source"] == "mine.txt:1"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("top-k = [", "is not valid TOML"),
        ("colour = 'never'", "unknown key 'colour'"),
        ("[ask]\nsort = 'name'", "`qa ask` has no option --sort"),
        ("[asks]\ntop-k = 2", "no command 'asks'"),
        ("top-k = 500", "top-k = 500: 500 is not in the range 1<=x<=100"),
        ("store = 'mongo'", "'mongo' is not one of 'embedded', 'milvus'"),
    ],
)
def test_a_bad_configuration_file_is_one_sentence(monkeypatch, capsys, tmp_path, text, message):
    config = tmp_path / "config.toml"
    config.write_text(text + "\n")
    code, out, err = run_main(monkeypatch, capsys, ["ask", ITALY], env={"QA_CONFIG": str(config)})
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err.startswith(f"Error: The configuration file {config}") and message in err


def test_paths_shows_the_config_file_and_the_history_in_the_state_folder(monkeypatch, tmp_path):
    for name in ("QA_CONFIG", "QA_HISTORY"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    where = json.loads(runner.invoke(app, ["paths", "-j"]).stdout)
    assert where["config file"] == str(tmp_path / "config" / "qa" / "config.toml")
    assert where["chat history"] == str(tmp_path / "state" / "qa" / "chat-history")
    assert "config" not in where  # no folder that nothing reads


# -- the chat: history, greeting, pager ---------------------------------------------------------


def _chat(real_index_dir, lines: str) -> int:
    with create_pipe_input() as pipe:
        pipe.send_text(lines)
        return run_chat(Settings(index_dir=real_index_dir), color=False, input=pipe,
                        output=DummyOutput())  # fmt: skip


def test_the_history_moves_from_the_data_folder_to_the_state_folder(
    monkeypatch, capsys, tmp_path, real_index_dir
):
    monkeypatch.delenv("QA_HISTORY")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    old = tmp_path / "data" / "qa" / "chat-history"
    old.parent.mkdir(parents=True)
    old.write_text("\n# 2025-01-01 10:00:00\n+What did NATO say?\n")
    assert _chat(real_index_dir, "What did Canada say?\n/quit\n") == 0
    history = (tmp_path / "state" / "qa" / "chat-history").read_text()
    assert "+What did NATO say?" in history and "+What did Canada say?" in history
    assert not old.exists()


def test_the_greeting_names_the_corpus_its_statements_and_dates(capsys, real_index_dir):
    assert _chat(real_index_dir, "/quit\n") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("Ask about the statements of the bundled seeds; /help")
    assert out[1] == "Loaded 39 statements from the bundled seeds (said Dec. 27 to March 22)."


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _render_lines(n: int):
    def render(console) -> None:
        for i in range(n):
            console.print(f"line {i}")

    return render


@pytest.mark.parametrize(
    ("lines", "stream", "enabled", "paged"),
    [(30, Terminal(), True, True), (5, Terminal(), True, False), (30, Terminal(), False, False),
     (30, io.StringIO(), True, False)],
)  # fmt: skip
def test_the_pager_takes_what_is_taller_than_the_terminal(
    monkeypatch, tmp_path, lines, stream, enabled, paged
):
    out = tmp_path / "paged.txt"
    monkeypatch.setenv("PAGER", f"cat > {out}")
    monkeypatch.setenv("LINES", "10")
    monkeypatch.setenv("COLUMNS", "60")
    pager.show(_render_lines(lines), color=False, enabled=enabled, stream=stream)
    expected = "".join(f"line {i}\n" for i in range(lines))
    assert (out.read_text() if paged else stream.getvalue()) == expected
    assert out.exists() is paged and (stream.getvalue() == "") is paged


def test_a_missing_pager_prints_instead(monkeypatch):
    monkeypatch.setenv("PAGER", "no-such-pager-qa")
    monkeypatch.setenv("LINES", "5")
    stream = Terminal()
    pager.show(_render_lines(20), color=False, stream=stream)
    assert stream.getvalue().count("\n") == 20


def test_qa_ask_on_a_short_terminal_pages_and_piped_does_not(tmp_path, real_index_dir):
    out = tmp_path / "paged.txt"
    env = {
        "PAGER": f"cat > {out}",
        "LINES": "4",
        "COLUMNS": "100",
        "QA_INDEX_DIR": str(real_index_dir),
        "NO_COLOR": "1",
    }
    main, child = pty.openpty()
    try:
        done = qa_process(["ask", ITALY], tmp_path, env, stdout=child, stderr=subprocess.PIPE)
    finally:
        os.close(child)
    os.close(main)
    assert done.returncode == 0, done.stderr
    paged = out.read_text()
    assert paged.startswith("Understood: by: Italy; topic: peacekeepers\nItaly — 3 statements")
    out.unlink()
    piped = qa_process(["ask", ITALY], tmp_path, env, capture_output=True, text=True)
    assert "Giorgia Meloni" in piped.stdout and not out.exists()
    main, child = pty.openpty()
    try:
        done = qa_process(["ask", ITALY, "--no-pager"], tmp_path, env, stdout=child)
    finally:
        os.close(child)
    os.close(main)
    assert done.returncode == 0 and not out.exists()


# -- pruning collections never built ------------------------------------------------------------


def test_prune_removes_collections_never_built_but_not_one_being_built(tmp_path):
    index = tmp_path / "index"
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff not text\n")
    for name in ("typo", "building"):
        result = runner.invoke(app, ["ask", "peace", "-c", str(bad), "--collection", name,
                                     "--index-dir", str(index)])  # fmt: skip
        assert result.exit_code == 2
    collections = index / "collections"
    assert sorted(p.name for p in collections.iterdir()) == ["building", "typo"]
    lock = os.open(collections / "building" / ".build.lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)  # as a build holds it
        result = runner.invoke(app, ["index", "--prune", "--index-dir", str(index)])
    finally:
        os.close(lock)
    assert result.exit_code == 0 and "Removed typo (no index built)." in result.output
    assert [p.name for p in collections.iterdir()] == ["building"]
    result = runner.invoke(app, ["index", "--prune", "--index-dir", str(index)])
    assert "Removed building" in result.output and not list(collections.iterdir())


# -- an install without torch (Python 3.12 and 3.13 here) ---------------------------------------


def test_without_torch_the_index_is_built_by_the_numpy_encoder(monkeypatch):
    import importlib.util

    from qa.model.embedding import Encoder, resolve_model
    from qa.model.minilm import NumpyEncoder, index_encoder

    info = resolve_model()
    assert type(index_encoder(info)) is Encoder
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "torch" else real(name, *a)
    )
    assert type(index_encoder(info)) is NumpyEncoder


def test_a_shared_key_reaches_the_commands_of_a_group(monkeypatch, capsys, tmp_path):
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "mine.txt").write_text(
        '"We stand with Moldova," Polish President Andrzej Duda said on March 3.\n'
    )
    config = tmp_path / "conf" / "config.toml"
    config.write_text('corpus = ["mine.txt"]\n')
    code, out, err = run_main(
        monkeypatch, capsys, ["corpus", "check"], env={"QA_CONFIG": str(config)}
    )
    assert code == 0 and out.startswith("mine.txt: ") and "1 statement" in out
