"""The ask path: questions are embedded without torch, and the embedding equals what
sentence-transformers computes for the same model."""

from __future__ import annotations

import subprocess
import sys

import numpy as np

from qa.model.minilm import NumpyEncoder, read_safetensors, supports

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


def test_texts_encoded_together_match_one_by_one(real_engine):
    """Stacking texts in the linear layers changes nothing but float rounding."""
    encoder = NumpyEncoder(real_engine.model)
    texts = SENTENCES[:12]
    together = encoder.encode(texts)
    alone = np.vstack([encoder.encode([text]) for text in texts])
    assert np.allclose(together, alone, atol=2e-6)
    assert encoder.encode([]).shape == (0, encoder.dimension)


def test_weights_laid_out_for_many_questions_give_the_same_bits(real_engine):
    """A loaded engine (chat, evaluation) copies the weights into multiplication order; the
    vectors, and so every score and answer, are exactly those of the one-off question path."""
    views = NumpyEncoder(real_engine.model)
    laid_out = NumpyEncoder(real_engine.model).lay_out()
    key = "encoder.layer.0.intermediate.dense.weight"
    assert not views.w[key].flags["C_CONTIGUOUS"] and laid_out.w[key].flags["C_CONTIGUOUS"]
    texts = [SENTENCES[:2], SENTENCES[2:3], SENTENCES[10:40]]
    for batch in texts:
        assert np.array_equal(views.encode(batch), laid_out.encode(batch))


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
from qa.answer.compose import answer
from qa.answer.engine import Engine
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


# -- the plain-Python WordPiece tokenizer --------------------------------------------------


def _tokenizers(model_path, max_length):
    from tokenizers import Tokenizer

    library = Tokenizer.from_file(str(model_path / "tokenizer.json"))
    library.enable_truncation(max_length)
    library.no_padding()
    return library


def test_wordpiece_gives_the_library_s_ids(real_engine, real_index_dir):
    """Every character of SAFE alone and inside words, evaluation questions, statements, and
    random text of SAFE characters: the same ids as `tokenizers`."""
    import random

    from qa.evaluation.questions import default_questions_path, load_questions
    from qa.model.wordpiece import SAFE, WordPiece
    from qa.store.embedded.index import load

    real_engine.load()  # the seeds' index built

    path = real_engine.model.path
    wordpiece = WordPiece.from_file(path / "tokenizer.json", 256)
    library = _tokenizers(path, 256)
    safe = [chr(c) for low, high in SAFE for c in range(low, high + 1)]
    texts = [t for char in safe for t in (char, f"a{char}b", f"x {char}ed", f"E{char}")]
    texts += [t for t in SENTENCES if wordpiece.encode(t) is not None]
    texts += [q.question for q in load_questions(default_questions_path())]
    index = load(real_index_dir)
    texts += [statement.passage for statement in index.statements]
    index.close()
    texts += [
        "[MASK] x[CLS]y [UNK][SEP] [mask] [CLS", "İstanbul ΣΊΣΥΦΟΣ ß ǅ", "a" * 101, "a" * 100,
        "\x00\u200b\u2028\x0b\x85 tab\tnew\nline", "’s — “quoted” … ½ № ™ € ₴",
    ]  # fmt: skip
    rng = random.Random(4)
    for _ in range(2000):
        texts.append(
            "".join(rng.choice(safe + list("abc de,.'")) for _ in range(rng.randint(1, 40)))
        )
    mismatched = [t for t in texts if wordpiece.encode(t) != library.encode(t).ids]
    assert not mismatched, mismatched[:5]
    assert len(texts) > 20000


def test_wordpiece_leaves_other_characters_to_the_library(real_engine):
    from qa.model.wordpiece import WordPiece

    path = real_engine.model.path
    wordpiece = WordPiece.from_file(path / "tokenizer.json", 256)
    for text in ("和平谈判与安全保障", "emoji 🙂🇺🇦", "Bengali ৽ mark"):
        assert wordpiece.encode(text) is None
    encoder = NumpyEncoder(real_engine.model)
    library = _tokenizers(path, 256)
    for text in ("和平谈判与安全保障", "emoji 🙂🇺🇦 and symbols ©®™", "Kyiv"):
        assert encoder.token_ids(text) == library.encode(text).ids


def test_wordpiece_refuses_another_configuration(real_engine, tmp_path):
    import json

    from qa.model.wordpiece import WordPiece

    spec = json.loads((real_engine.model.path / "tokenizer.json").read_text(encoding="utf-8"))
    assert WordPiece.from_file(real_engine.model.path / "tokenizer.json", 256) is not None
    spec["normalizer"]["lowercase"] = False
    (tmp_path / "tokenizer.json").write_text(json.dumps(spec), encoding="utf-8")
    assert WordPiece.from_file(tmp_path / "tokenizer.json", 256) is None
