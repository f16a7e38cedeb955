"""The Milvus store in its embedded form (Milvus Lite, one .db folder, on this machine) against
the default embedded index, on N synthetic statements: build rate, disk, and the answer latency
(p50/p95 of `answer()` in one loaded engine, as the chat runs it). Vectors are drawn around real
embeddings as in bench/scale_ask.py, so the build measures writing, not hours of embedding;
questions are embedded for real. Milvus Lite is not a cluster: a cluster spreads the same
collection over query and data nodes, and its figures are not these.

    .venv/bin/python -m bench.milvus --size 100000
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from bench.machine import percentile, run, state
from bench.scale_ask import BUILD, QUESTIONS
from bench.synthetic import statements

BASE = 1_000
BUILD_MILVUS = BUILD.replace("from qa.index import build", "from qa.milvus_build import build")
BUILD_MILVUS = BUILD_MILVUS.replace(
    "built = build([Path(corpus)], Path(index_dir), DrawnEncoder(resolve_model(), np.load(base)))\n"
    'print(time.perf_counter() - start, built.folder, built.manifest["faiss"]["type"])',
    "built = build(index_dir, [Path(corpus)], DrawnEncoder(resolve_model(), np.load(base)))\n"
    'print(time.perf_counter() - start, index_dir, "milvus-lite")',
)
CHAT = """
import json, sys, time
from pathlib import Path
from qa.answer import Engine, answer
from qa.settings import Settings
corpus, index_dir, store, rounds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
questions = json.loads(sys.argv[5])
start = time.perf_counter()
if store == "milvus":
    settings = Settings(corpus=(Path(corpus),), store="milvus", uri=index_dir)
else:
    settings = Settings(corpus=(Path(corpus),), index_dir=Path(index_dir))
engine = Engine(settings).load()
answer(engine, questions[0])
opened = time.perf_counter() - start
latencies = []
for _ in range(rounds):
    for question in questions:
        start = time.perf_counter()
        answer(engine, question)
        latencies.append((time.perf_counter() - start) * 1000)
print(json.dumps({"open_s": opened, "latencies": latencies}))
"""


def size_of(path: Path) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=6)
    args = parser.parse_args()
    import numpy as np

    from qa.embedding import Encoder, resolve_model

    n = args.size
    base = Encoder(resolve_model()).encode(statements(BASE, seed=42))
    with tempfile.TemporaryDirectory() as temp:
        temp = Path(temp)
        np.save(temp / "base.npy", base)
        corpus = temp / "synthetic.txt"
        corpus.write_text("\n".join(statements(n, seed=n)) + "\n", encoding="utf-8")
        before = state()
        places = {"embedded": str(temp / "index"), "milvus": str(temp / "qa.db")}
        built = {}
        for store, script in (("embedded", BUILD), ("milvus", BUILD_MILVUS)):
            out = run([sys.executable, "-c", script, str(corpus), places[store],
                       str(temp / "base.npy")], None)  # fmt: skip
            built[store] = float(out.stdout.split()[-3])
        time.sleep(2.5)  # let the corpus and index files settle (see qa/manifest.py)
        answers = {}
        for store in places:
            out = run([sys.executable, "-c", CHAT, str(corpus), places[store], store,
                       str(args.rounds), json.dumps(QUESTIONS)], None)  # fmt: skip
            answers[store] = json.loads(out.stdout.strip().splitlines()[-1])
        after = state()
        print(f"## {n:,} synthetic statements, Milvus Lite against the embedded index\n")
        print(f"Machine at the start: {before}; at the end: {after}.\n")
        print("| store | build s | statements/s | disk bytes/statement | open + first answer s | "
              "answer p50 ms | answer p95 ms |")  # fmt: skip
        print("|---|---:|---:|---:|---:|---:|---:|")
        for store, place in places.items():
            latencies = answers[store]["latencies"]
            print(
                f"| {store} | {built[store]:.0f} | {n / built[store]:,.0f} | "
                f"{size_of(Path(place)) / n:,.0f} | {answers[store]['open_s']:.2f} | "
                f"{percentile(latencies, 0.5):.1f} | {percentile(latencies, 0.95):.1f} |"
            )
        print(flush=True)


if __name__ == "__main__":
    main()
