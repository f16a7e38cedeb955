"""The question encoder for the ask path: the same BERT forward pass and mean pooling that
sentence-transformers runs for all-MiniLM-L6-v2 (and other BERT models with mean pooling),
written with numpy and a plain-Python WordPiece tokenizer (qa/model/wordpiece.py; the `tokenizers`
library for what it does not cover), so that answering a question never imports torch. Index
builds keep using sentence-transformers where it is installed (`index_encoder`); a test holds
the two to cosine >= 0.9999.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from qa.errors import ModelError
from qa.files import MIB, open_regular, read_text
from qa.model.embedding import Encoder, ModelInfo, weights_file
from qa.model.wordpiece import WordPiece

# Abramowitz and Stegun 7.1.26: erf to within 1.5e-7, far below float32 resolution here.
_P, _A = 0.3275911, (0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429)


def _erf(x: np.ndarray) -> np.ndarray:
    """erf of x (a new array), in place where it can be: the same operations in the same
    order as the formula, so the same bits, with fewer temporaries."""
    sign = np.sign(x)
    x = np.abs(x)
    t = _P * x
    t += 1.0
    np.divide(1.0, t, out=t)
    poly = t * _A[4]
    for a in (_A[3], _A[2], _A[1], _A[0]):
        poly += a
        poly *= t
    np.multiply(x, x, out=x)
    np.negative(x, out=x)
    np.exp(x, out=x)
    poly *= x
    np.subtract(1.0, poly, out=poly)
    poly *= sign
    return poly


def _gelu(x: np.ndarray) -> np.ndarray:
    """0.5 * x * (1 + erf(x / sqrt 2)), as a new array."""
    half = 0.5 * x
    erf = _erf(x / np.float32(np.sqrt(2.0)))
    erf += 1.0
    half *= erf
    return half


def _layer_norm(x: np.ndarray, weight, bias, eps: float) -> np.ndarray:
    """(x - mean) / sqrt(var + eps) * weight + bias, as a new array."""
    centred = x - x.mean(-1, keepdims=True)
    var = (centred**2).mean(-1, keepdims=True)
    var += eps
    np.sqrt(var, out=var)
    centred /= var
    centred *= weight
    centred += bias
    return centred


def _linear(x: np.ndarray, weight, bias) -> np.ndarray:
    """x @ weight + bias, the bias added in place."""
    out = x @ weight
    out += bias
    return out


CONFIG_BYTES = 1 * MIB  # a model's configuration files
HEADER_BYTES = 100 * MIB  # the JSON header of a .safetensors file, as safetensors bounds it
_DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64, "I32": np.int32}


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """Tensors of a .safetensors file as read-only views on a memory map (no copy, no
    pickle): an 8-byte little-endian header size, a JSON header, then the raw data."""
    with open_regular(path, None) as handle:
        size = int.from_bytes(handle.read(8), "little")
        if size > min(HEADER_BYTES, os.fstat(handle.fileno()).st_size):
            raise ValueError(f"{path} has an impossible header size")
        header = json.loads(handle.read(size))
    data = np.memmap(path, dtype=np.uint8, mode="r", offset=8 + size)
    tensors = {}
    for name, spec in header.items():
        if name == "__metadata__":
            continue
        start, end = spec["data_offsets"]
        dtype = _DTYPES[spec["dtype"]]
        tensors[name] = data[start:end].view(dtype).reshape(spec["shape"])
    return tensors


def supports(folder: Path) -> bool:
    """True for a BERT model folder with mean pooling, the shape this encoder computes."""
    try:
        config = json.loads(read_text(folder / "config.json", CONFIG_BYTES))
        pooling = json.loads(read_text(folder / "1_Pooling" / "config.json", CONFIG_BYTES))
    except (OSError, ValueError):
        return False
    return (
        config.get("model_type") == "bert"
        and config.get("hidden_act") == "gelu"
        and config.get("position_embedding_type", "absolute") == "absolute"
        and pooling.get("pooling_mode_mean_tokens") is True
        and not any(
            pooling.get(k)
            for k in (
                "pooling_mode_cls_token",
                "pooling_mode_max_tokens",
                "pooling_mode_mean_sqrt_len_tokens",
            )
        )
        and (folder / "tokenizer.json").is_file()
        and weights_file(folder).suffix == ".safetensors"
    )


class NumpyEncoder:
    """Encodes texts to L2-normalised float32 vectors without torch."""

    def __init__(self, info: ModelInfo):
        folder = Path(info.path)
        self.info = info
        self._library = None  # the `tokenizers` tokenizer, loaded only when needed
        try:
            config = json.loads(read_text(folder / "config.json", CONFIG_BYTES))
            st_config = json.loads(read_text(folder / "sentence_bert_config.json", CONFIG_BYTES))
            self.max_length = int(st_config.get("max_seq_length", 256))
            self.wordpiece = WordPiece.from_file(folder / "tokenizer.json", self.max_length)
            weights = read_safetensors(weights_file(folder))
        except (OSError, ValueError, KeyError) as error:
            raise ModelError(f"Cannot load the model in {folder}: {error}") from None
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        self.eps = float(config.get("layer_norm_eps", 1e-12))
        prefix = "bert." if "bert.embeddings.word_embeddings.weight" in weights else ""
        self.w = {k[len(prefix) :]: v for k, v in weights.items()}
        # Linear layers are stored (out, in): x @ W.T, a view, no copy.
        for key in list(self.w):
            if key.endswith(("dense.weight", "query.weight", "key.weight", "value.weight")):
                self.w[key] = self.w[key].T

    def lay_out(self) -> NumpyEncoder:
        """Copy the linear layers' weights into memory laid out as they are multiplied (input
        by output, row after row) for a process that encodes many questions: each encoding
        then costs 6-9% less (the product reads them in order), for about 40 ms and 42 MiB
        once. The products are the same, bit for bit. A one-off question keeps the views."""
        for key, weight in self.w.items():
            if weight.ndim == 2 and key.startswith("encoder."):
                self.w[key] = np.ascontiguousarray(weight)
        return self

    @property
    def dimension(self) -> int:
        return int(self.w["embeddings.word_embeddings.weight"].shape[1])

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """The texts' vectors. The texts go through the linear layers together (their token
        rows stacked), so the weights are read once for all of them rather than once a text;
        attention and pooling stay within each text."""
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for start in range(0, len(texts), batch_size):
            chunk = texts[start : start + batch_size]
            out[start : start + len(chunk)] = self._encode_together(chunk)
        return out

    def token_ids(self, text: str) -> list[int]:
        """BERT's token ids for a text: by the plain-Python WordPiece where it applies (it
        loads in a fraction of the time), else by the `tokenizers` library."""
        ids = self.wordpiece.encode(text) if self.wordpiece is not None else None
        if ids is None:
            if self._library is None:
                from tokenizers import Tokenizer

                self._library = Tokenizer.from_file(str(Path(self.info.path) / "tokenizer.json"))
                self._library.enable_truncation(self.max_length)
                self._library.no_padding()
            ids = self._library.encode(text).ids
        return ids

    def _encode_together(self, texts: list[str]) -> np.ndarray:
        w = self.w
        ids = [self.token_ids(text) for text in texts]
        bounds = np.cumsum([0] + [len(i) for i in ids])
        spans = list(zip(bounds[:-1], bounds[1:]))
        positions = np.concatenate([np.arange(len(i)) for i in ids])
        x = (
            w["embeddings.word_embeddings.weight"][np.concatenate(ids).astype(np.int64)]
            + w["embeddings.position_embeddings.weight"][positions]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = _layer_norm(
            x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], self.eps
        )
        size = x.shape[1] // self.heads
        scale = np.float32(1.0 / np.sqrt(size))
        for layer in range(self.layers):
            p = f"encoder.layer.{layer}."
            q = _linear(x, w[p + "attention.self.query.weight"], w[p + "attention.self.query.bias"])
            k = _linear(x, w[p + "attention.self.key.weight"], w[p + "attention.self.key.bias"])
            v = _linear(x, w[p + "attention.self.value.weight"], w[p + "attention.self.value.bias"])
            context = np.concatenate(
                [self._attend(q[a:b], k[a:b], v[a:b], size, scale) for a, b in spans]
            )
            attention = _linear(
                context,
                w[p + "attention.output.dense.weight"],
                w[p + "attention.output.dense.bias"],
            )
            attention += x
            x = _layer_norm(
                attention,
                w[p + "attention.output.LayerNorm.weight"],
                w[p + "attention.output.LayerNorm.bias"],
                self.eps,
            )
            hidden = _gelu(
                _linear(x, w[p + "intermediate.dense.weight"], w[p + "intermediate.dense.bias"])
            )
            output = _linear(hidden, w[p + "output.dense.weight"], w[p + "output.dense.bias"])
            output += x
            x = _layer_norm(
                output,
                w[p + "output.LayerNorm.weight"],
                w[p + "output.LayerNorm.bias"],
                self.eps,
            )
        out = np.zeros((len(texts), x.shape[1]), dtype=np.float32)
        for i, (a, b) in enumerate(spans):
            pooled = x[a:b].mean(0)
            norm = np.linalg.norm(pooled)
            out[i] = pooled / norm if norm else pooled
        return out

    def _attend(self, q, k, v, size: int, scale) -> np.ndarray:
        """Self-attention of one text's tokens, every head at once."""
        n = len(q)
        q = q.reshape(n, self.heads, size).transpose(1, 0, 2)
        k = k.reshape(n, self.heads, size).transpose(1, 2, 0)
        v = v.reshape(n, self.heads, size).transpose(1, 0, 2)
        scores = (q @ k) * scale
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        scores /= scores.sum(-1, keepdims=True)
        return (scores @ v).transpose(1, 0, 2).reshape(n, -1)


def index_encoder(info: ModelInfo):
    """The encoder that builds an index: sentence-transformers (torch) where it is installed,
    else this module's, for a model of the shape it computes; so an install without torch (a
    Python for which no CPU build of torch is at hand) still builds and answers."""
    from importlib.util import find_spec

    if supports(Path(info.path)) and not (
        find_spec("torch") and find_spec("sentence_transformers")
    ):
        return NumpyEncoder(info)
    return Encoder(info)
