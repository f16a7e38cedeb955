"""Shared fixtures: isolated paths for every test, a fake encoder for plumbing tests, and one
real-model engine (index built once per session) for the tests that judge quality."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np
import pytest

from qa.model.embedding import ModelInfo

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


@pytest.fixture(autouse=True)
def isolated_paths(tmp_path, monkeypatch):
    """No test writes to the checkout's index/ or the user's history."""
    monkeypatch.setenv("QA_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("QA_HISTORY", str(tmp_path / "history"))
    monkeypatch.setenv("QA_CONFIG", str(tmp_path / "no-config.toml"))  # not the user's own
    for name in (
        "QA_CORPUS",
        "QA_MODEL",
        "QA_TOP_K",
        "NO_COLOR",
        "QA_SPEAKER",
        "QA_AFFILIATION",
        "QA_SINCE",
        "QA_UNTIL",
        "QA_DATE",
        "QA_FORMAT",
        "QA_COLOR",
        "QA_COLLECTION",
        "QA_SKIP_BAD",
        "QA_STORE",
        "QA_URI",
        "QA_PAGER",
        "QA_EXIT_STATUS",
    ):
        monkeypatch.delenv(name, raising=False)


class FakeEncoder:
    """A deterministic hashed bag-of-words encoder with the real encoder's interface."""

    dimension = 64

    def __init__(self):
        self.info = ModelInfo("fake/bag-of-words", Path("."), "f" * 64)
        self.encoded: list[str] = []

    def encode(self, texts, batch_size=64):
        self.encoded.extend(texts)
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                bucket = int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dimension
                out[i, bucket] += 1.0
            norm = np.linalg.norm(out[i])
            out[i] = out[i] / norm if norm else out[i]
            if not norm:
                out[i, 0] = 1.0
        return out


@pytest.fixture
def fake_encoder():
    return FakeEncoder()


@pytest.fixture(scope="session")
def real_index_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("real-index")


@pytest.fixture(scope="session")
def real_engine(real_index_dir):
    """The product as shipped: bundled seeds, bundled model, index built on first use."""
    from qa.answer.engine import Engine
    from qa.settings import Settings

    return Engine(Settings(index_dir=real_index_dir)).load()


def write(path: Path, text: str, encoding="utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def memory_bounded(script: str, limit: int) -> str:
    """A child's Python script with its address space bounded to `limit` bytes first. The child
    sets the bound itself: set between fork and exec in the test's process, the fork handler of
    a library another test loaded (gRPC) would write to the child's stderr."""
    bound = f"import resource; resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))"
    return bound + "\n" + script


def own(passages) -> list:
    """The passages an answer shows as its own, without plain search's further statements
    (qa/answer/floor.py)."""
    from qa.answer.floor import from_floor

    return [p for p in passages if not from_floor(p)]
