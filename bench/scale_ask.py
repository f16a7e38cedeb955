"""A cold `qa ask` against large indexes: N synthetic statements, their vectors drawn around
real embeddings (as in bench/scale.py) so the build takes minutes, not hours; the question is
embedded for real. Reports build time and the whole ask process: wall time and peak memory.

    .venv/bin/python -m bench.scale_ask --sizes 100000 1000000
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.scale import BASE, draw
from bench.synthetic import statements
from qa.embedding import Encoder, resolve_model
from qa.index import build

QUESTIONS = [
    "What did the Kremlin say about a ceasefire?",
    "What did Zelensky say in March?",
    "Who said security guarantees will be part of any agreement?",
]


class DrawnEncoder:
    """Vectors drawn around real embeddings of the benchmark's base sentences."""

    def __init__(self, info, base: np.ndarray):
        self.info, self.base, self.dimension, self.calls = info, base, base.shape[1], 0

    def encode(self, texts, batch_size=64):
        self.calls += 1
        return draw(self.base, len(texts), seed=self.calls)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    info = resolve_model()
    base = Encoder(info).encode(statements(BASE, seed=42))
    qa = str(Path(sys.executable).with_name("qa"))
    print("| statements | build s | ask median s | ask min s | peak memory MiB | FAISS |")
    print("|---:|---:|---:|---:|---:|---|")
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as folder:
            corpus = Path(folder) / "synthetic.txt"
            corpus.write_text("\n".join(statements(n, seed=n)) + "\n", encoding="utf-8")
            start = time.perf_counter()
            built = build([corpus], Path(folder) / "index", DrawnEncoder(info, base))
            build_s = time.perf_counter() - start
            kind = built.manifest["faiss"]["type"]
            del built
            times, peaks = [], []
            for i in range(args.runs):
                command = [
                    "/usr/bin/time",
                    "-f",
                    "%M",
                    qa,
                    "ask",
                    QUESTIONS[i % len(QUESTIONS)],
                    "--corpus",
                    str(corpus),
                    "--index-dir",
                    str(Path(folder) / "index"),
                ]
                start = time.perf_counter()
                done = subprocess.run(command, capture_output=True, text=True, check=True)
                times.append(time.perf_counter() - start)
                peaks.append(int(done.stderr.strip().splitlines()[-1]) / 1024)
            print(
                f"| {n:,} | {build_s:.0f} | {statistics.median(times):.2f} | {min(times):.2f} | "
                f"{max(peaks):.0f} | {kind} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
