"""The ask path: questions are embedded without torch, and the embedding equals what
sentence-transformers computes for the same model."""

from __future__ import annotations

import subprocess
import sys

import numpy as np

from qa.minilm import NumpyEncoder, read_safetensors, supports

SENTENCES = [
    "What did Italy say about peacekeepers?",
    "Who said the best security guarantee is the Ukrainians themselves?",
    "peacekeepers",
    "x",
    "",
    "   ",
    "?!?",
    "NATO",
    "When did Zelensky speak to Reuters about a dialogue without Ukraine?",
    "Ünïcödé façade — “curly quotes” and ‘single’ ones, naïve café",
    "Мирні переговори та гарантії безпеки для України",
    "Friedenstruppen in der Ukraine: Was sagt Berlin?",
    "和平谈判与安全保障",
    "1,000 days, $156 million, 3.5% and 2024-12-28",
    "U.S.-European relations after the Munich Security Conference",
    "the the the the the the",
    "A" * 300,
    "security guarantees " * 200,  # far beyond the 256-token limit: truncated the same way
    " ".join(f"word{i}" for i in range(600)),
    "\t tabs\nand newlines\r\n inside ",
    "emoji 🙂🇺🇦 and symbols ©®™",
] + [
    f"Statement {i}: the minister said on March {i % 28 + 1} that talks on topic {i} would resume"
    for i in range(30)
]


def test_numpy_encoder_agrees_with_sentence_transformers(real_engine):
    assert len(SENTENCES) >= 50
    assert supports(real_engine.model.path)
    fast = NumpyEncoder(real_engine.model).encode(SENTENCES)
    reference = real_engine.encoder.encode(SENTENCES)
    cosine = (fast * reference).sum(axis=1)
    assert cosine.min() >= 0.9999, cosine.argmin()
    assert np.allclose(np.linalg.norm(fast, axis=1), 1.0, atol=1e-5)


def test_engine_uses_the_numpy_encoder_for_questions(real_engine):
    assert isinstance(real_engine.query_encoder, NumpyEncoder)


def test_safetensors_reader_matches_the_library(real_engine):
    from safetensors.numpy import load_file

    path = real_engine.model.path / "model.safetensors"
    mine = read_safetensors(path)
    theirs = load_file(str(path))
    assert set(mine) == set(theirs)
    for name in ("embeddings.word_embeddings.weight", "encoder.layer.5.output.dense.bias"):
        assert np.array_equal(mine[name], theirs[name])


def test_answering_imports_no_torch(real_engine, real_index_dir):
    code = f"""
import sys
from pathlib import Path
from qa.answer import Engine, answer
from qa.settings import Settings
engine = Engine(Settings(index_dir=Path({str(real_index_dir)!r})))
result = answer(engine, "What did Italy say about peacekeepers?")
assert result.answered
heavy = [m for m in ("torch", "transformers", "sentence_transformers", "sklearn", "scipy")
         if m in sys.modules]
print(",".join(heavy) or "none")
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "none"
