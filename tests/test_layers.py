"""The layers of qa as the import-linter contracts in pyproject.toml state them: no module
imports from a layer above its own, no import circle inside a package, and nothing below the
front doors touches the terminal."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def lint_imports(*args: str) -> subprocess.CompletedProcess:
    command = Path(sys.executable).with_name("lint-imports")
    return subprocess.run(
        [str(command), "--no-cache", *args], cwd=ROOT, capture_output=True, text=True
    )


def test_the_import_contracts_hold():
    done = lint_imports()
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def test_every_package_says_what_it_is_for_and_what_it_may_import():
    for init in (ROOT / "qa").rglob("__init__.py"):
        if init.parent.name in ("data", "cli"):
            continue
        text = init.read_text(encoding="utf-8")
        assert text.startswith('"""') and "import" in text.split('"""')[1], init


def test_no_module_is_longer_than_one_sitting():
    for path in (ROOT / "qa").rglob("*.py"):
        lines = path.read_text(encoding="utf-8").count("\n")
        assert lines <= 400, f"{path.relative_to(ROOT)} has {lines} lines"
