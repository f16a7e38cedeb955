"""The surface a new user meets first: --version, shell completion, and help with examples
and the help of every argument and option."""

from __future__ import annotations

import re

import click
import pytest
import typer
from typer.testing import CliRunner

from qa import __version__
from qa.cli import app

runner = CliRunner()
COMMANDS = ["ask", "chat", "statements", "speakers", "index", "paths", "eval"]


def _help(*args: str) -> str:
    result = runner.invoke(app, [*args, "--help"], env={"COLUMNS": "300", "TERM": "dumb"})
    assert result.exit_code == 0, result.output
    return re.sub(r"\s+", " ", re.sub(r"[│╭╮╰╯─]", " ", result.output))


def _command(name: str) -> click.Command:
    return typer.main.get_command(app).commands[name]


def test_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"qa {__version__}"


def test_version_is_the_installed_metadata():
    from importlib.metadata import version

    assert version("qa") == __version__


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_help_has_examples_and_every_parameter_help(name):
    text = _help(name)
    assert "Examples:" in text and f"$ qa {name}" in text
    command = _command(name)
    for param in command.params:
        if param.name == "help":
            continue
        assert param.help, f"{name}: {param.name} has no help"
        assert re.sub(r"\s+", " ", param.help) in text, f"{name}: help of {param.name} not shown"


def test_the_question_argument_has_its_help():
    assert "The question, in quotes." in _help("ask")


def test_main_help_lists_commands_and_examples():
    text = _help()
    assert "Examples:" in text
    for name in COMMANDS:
        assert name in text


def test_date_filters_are_the_same_everywhere():
    for name in ("ask", "statements"):
        params = {p.name: p for p in _command(name).params}
        assert params["since"].envvar == "QA_SINCE" and params["until"].envvar == "QA_UNTIL"


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_show_completion_prints_a_script(shell, monkeypatch):
    monkeypatch.setenv("_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION", "1")
    result = runner.invoke(app, ["--show-completion", shell], prog_name="qa")
    assert result.exit_code == 0, result.output
    assert "_QA_COMPLETE" in result.output


def test_completion_completes_commands_and_options():
    completed = runner.invoke(
        app, [], env={"_QA_COMPLETE": "complete_bash", "COMP_WORDS": "qa spe", "COMP_CWORD": "1"},
        prog_name="qa",
    )  # fmt: skip
    assert completed.output.split() == ["speakers"]
    completed = runner.invoke(
        app, [], env={"_QA_COMPLETE": "complete_bash", "COMP_WORDS": "qa ask --fo",
                      "COMP_CWORD": "2"},
        prog_name="qa",
    )  # fmt: skip
    assert completed.output.split() == ["--format"]


def test_completion_of_collection_names(tmp_path):
    for name in ("news", "nato", "other"):
        (tmp_path / "collections" / name).mkdir(parents=True)
    completed = runner.invoke(
        app, [], prog_name="qa",
        env={"_QA_COMPLETE": "complete_bash", "COMP_WORDS": "qa ask x --collection n",
             "COMP_CWORD": "4", "QA_INDEX_DIR": str(tmp_path)},
    )  # fmt: skip
    assert completed.output.split() == ["nato", "news"]
