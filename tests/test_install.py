"""The package as a user installs it: a wheel built from this checkout, installed into a fresh
venv with the README's pins, run from a folder that has nothing to do with the checkout; and
the sdist, which carries what its tests need."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.install


def run(args, cwd, env=None, check=True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900
    )
    if check and result.returncode != 0:
        raise AssertionError(f"{args} failed ({result.returncode}):\n{result.stderr[-3000:]}")
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    run(
        [sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "--no-build-isolation",
         "-q", "-w", out],
        cwd=ROOT,
    )  # fmt: skip
    [built] = out.glob("qa-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> dict:
    """A fresh venv with the wheel installed as the README installs it (torch first, then the
    pinned rest), and the environment to run it in from an unrelated folder."""
    home = tmp_path_factory.mktemp("user")
    venv = home / "venv"
    run([sys.executable, "-m", "venv", venv], cwd=home)
    pip = venv / "bin" / "pip"
    run([pip, "install", "-q", "torch==2.13.0"], cwd=home)
    run([pip, "install", "-q", "-c", ROOT / "constraints.txt", wheel], cwd=home)
    elsewhere = home / "elsewhere"
    elsewhere.mkdir()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("QA_", "PYTHON", "VIRTUAL_ENV"))
    }
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / "data"), OMP_NUM_THREADS="1")
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return {"venv": venv, "cwd": elsewhere, "env": env, "qa": venv / "bin" / "qa"}


def test_wheel_carries_the_seeds_and_the_evaluation_sets(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for path in (ROOT / "seeds").iterdir():
        assert f"qa/seeds/{path.name}" in names
    for path in (ROOT / "evals").glob("*.toml"):
        assert f"qa/evals/{path.name}" in names
    assert "qa/data/places.toml" in names
    assert any(n.endswith("licenses/LICENSE") for n in names)


def test_installed_wheel_is_used_not_the_checkout(installed):
    found = run(
        [installed["venv"] / "bin" / "python", "-c", "import qa; print(qa.__file__)"],
        cwd=installed["cwd"],
        env=installed["env"],
    ).stdout.strip()
    assert Path(found).is_relative_to(installed["venv"])
    paths = json.loads(
        run([installed["qa"], "paths", "--json"], installed["cwd"], installed["env"]).stdout
    )
    assert Path(paths["bundled seeds"]).is_relative_to(installed["venv"])
    assert not Path(paths["index root"]).is_relative_to(ROOT)


def test_installed_wheel_answers_from_an_unrelated_folder(installed):
    qa, cwd, env = installed["qa"], installed["cwd"], installed["env"]
    answer = json.loads(
        run([qa, "ask", "What did Italy say about peacekeepers?", "--json"], cwd, env).stdout
    )
    assert answer["answered"] is True
    assert {p["affiliation"] for p in answer["passages"]} == {"Italy"}
    listed = run([qa, "statements", "--format", "jsonl"], cwd, env).stdout.splitlines()
    assert len(listed) == 39
    report = json.loads(run([qa, "eval", "--json"], cwd, env, check=False).stdout)
    parts = report if isinstance(report, list) else [report]  # one report per evaluation part
    assert parts and all(p["questions"] > 0 and "product" in p["overall"] for p in parts)
    assert run([qa, "--version"], cwd, env).stdout.startswith("qa ")


def test_sdist_carries_what_its_tests_need(tmp_path):
    run(
        [sys.executable, "-c",
         f"from setuptools import build_meta; build_meta.build_sdist({str(tmp_path)!r})"],
        cwd=ROOT,
    )  # fmt: skip
    [sdist] = tmp_path.glob("qa-*.tar.gz")
    names = {n.split("/", 1)[1] for n in tarfile.open(sdist).getnames() if "/" in n}
    for needed in ("pyproject.toml", "constraints.txt", "LICENSE", "NOTICE.md", "README.md",
                   "tests/conftest.py", "evals/questions.toml", "seeds/gazetteer.toml",
                   "qa/data/places.toml"):  # fmt: skip
        assert needed in names, needed
    assert {f"tests/{p.name}" for p in (ROOT / "tests").glob("test_*.py")} <= names
