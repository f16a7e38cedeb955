"""Index build throughput on synthetic statements (sentence-transformers embeds them), and the
agreement of the question route (numpy) with it.

    .venv/bin/python bench/build.py [--count 10000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.synthetic import statements
from qa.model.embedding import Encoder, resolve_model
from qa.model.minilm import NumpyEncoder
from qa.store.embedded.build import build


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10_000)
    args = parser.parse_args()
    texts = statements(args.count)
    info = resolve_model()
    with tempfile.TemporaryDirectory() as folder:
        corpus = Path(folder) / "synthetic.txt"
        corpus.write_text("\n".join(texts) + "\n", encoding="utf-8")
        encoder = Encoder(info)
        encoder.encode(["warm up"])
        start = time.perf_counter()
        built = build([corpus], Path(folder) / "index", encoder)
        seconds = time.perf_counter() - start
        size = sum(p.stat().st_size for p in built.folder.rglob("*") if p.is_file())
        print("| statements | build s | statements/s | index on disk |")
        print("|---:|---:|---:|---:|")
        print(
            f"| {len(built)} | {seconds:.1f} | {len(built) / seconds:.0f} | {size / 2**20:.1f} MiB |"
        )
        sample = [s.passage for s in built.statements[:500]]
        reference = np.asarray(built.vectors[:500])
        fast = NumpyEncoder(info).encode(sample)
        cosine = (fast * reference).sum(axis=1)
        print()
        print(
            f"question route (numpy) vs sentence-transformers fp32 on {len(sample)} statements: "
            f"cosine min {cosine.min():.7f}, mean {cosine.mean():.7f}"
        )


if __name__ == "__main__":
    main()
