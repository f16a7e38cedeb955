"""The model loader: the bundled weights are verified; a wrong hash is refused."""

from __future__ import annotations

import pytest

import qa.model.embedding as embedding
from qa.errors import ModelError


def test_bundled_model_is_verified():
    info = embedding.resolve_model(None)
    assert info.weights_sha256 == embedding.BUNDLED_WEIGHTS_SHA256
    assert info.model_id == "sentence-transformers/all-MiniLM-L6-v2"


def test_weights_that_do_not_match_are_refused(monkeypatch):
    monkeypatch.setattr(embedding, "BUNDLED_WEIGHTS_SHA256", "0" * 64)
    with pytest.raises(ModelError, match="do not match the expected SHA-256"):
        embedding.resolve_model(None)


def test_other_model_folders(tmp_path):
    with pytest.raises(ModelError, match="does not exist"):
        embedding.resolve_model(tmp_path / "missing")
    with pytest.raises(ModelError, match="is not a sentence-transformers model folder"):
        embedding.resolve_model(tmp_path)
    (tmp_path / "modules.json").write_text("[]")
    with pytest.raises(ModelError, match="No model weights"):
        embedding.resolve_model(tmp_path)


def test_real_embeddings_are_normalised(real_engine):
    vectors = real_engine.encoder.encode(["security guarantees", "peacekeepers"])
    assert vectors.shape == (2, 384)
    assert abs(float((vectors[0] ** 2).sum()) - 1.0) < 1e-5
