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
import contextlib
import json
import sys
import tempfile
import time
from pathlib import Path

from bench.machine import percentile, run, state
from bench.scale_ask import BUILD, QUESTIONS
from bench.synthetic import statements

BASE = 1_000
RSS = (
    "\nimport resource\nprint('peak_rss_kib', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
)
BUILD_MILVUS = (
    BUILD.split("from qa.folders import choose")[0].replace(
        "from qa.store.embedded.build import build", "from qa.store.milvus.build import build"
    )
    + """
corpus, uri, base = sys.argv[1:4]
start = time.perf_counter()
built = build(uri, [Path(corpus)], DrawnEncoder(resolve_model(), np.load(base)))
print(time.perf_counter() - start, uri, "milvus-lite")
"""
)
# The same build with the rows thrown away instead of inserted: what the build itself holds
# (parsing, rows, vectors, catalog), without Milvus Lite, which keeps its collection in this
# process's memory.
DISCARD = """
import qa.store.milvus.collection as collection
_connect = collection.connect
def connect(uri, timeout=None):
    client = _connect(uri, timeout)
    client.insert = lambda name, rows, **kwargs: None
    return client
collection.connect = connect
"""
CHAT = """
import json, sys, time
from pathlib import Path
from qa.answer.compose import answer
from qa.answer.engine import Engine
from qa.settings import Settings
corpus, index_dir, store, rounds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
questions = json.loads(sys.argv[5])
start = time.perf_counter()
if store == "milvus":
    settings = Settings.from_env(corpus=[Path(corpus)], store="milvus", uri=index_dir)
else:  # the folder the build chose for this corpus, as `qa ask --corpus` finds it
    settings = Settings.from_env(corpus=[Path(corpus)], index_dir=Path(index_dir))
engine = Engine(settings).load()
answer(engine, questions[0])
opened = time.perf_counter() - start
latencies = []
for _ in range(rounds):
    for question in questions:
        start = time.perf_counter()
        answer(engine, question)
        latencies.append((time.perf_counter() - start) * 1000)
import resource
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"open_s": opened, "latencies": latencies, "peak_rss_kib": peak}))
"""


def size_of(path: Path) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--stores", default="embedded,milvus", help="which stores, by comma")
    parser.add_argument(
        "--discard",
        action="store_true",
        help="only build into Milvus Lite, throwing the rows away (the build's own memory)",
    )
    parser.add_argument(
        "--work",
        type=Path,
        help="keep the corpus and the built stores in this folder; a store built there before "
        "is asked again without building it (its build figures are those recorded then)",
    )
    args = parser.parse_args()
    import numpy as np

    from qa.model.embedding import Encoder, resolve_model

    n = args.size
    base = Encoder(resolve_model()).encode(statements(BASE, seed=42))
    work = contextlib.nullcontext(args.work) if args.work else tempfile.TemporaryDirectory()
    with work as temp:
        temp = Path(temp)
        temp.mkdir(parents=True, exist_ok=True)
        np.save(temp / "base.npy", base)
        corpus = temp / "synthetic.txt"
        if not corpus.exists():
            corpus.write_text("\n".join(statements(n, seed=n)) + "\n", encoding="utf-8")
        if args.discard:
            out = run([sys.executable, "-c", DISCARD + BUILD_MILVUS + RSS, str(corpus),
                       str(temp / "discard.db"), str(temp / "base.npy")], None)  # fmt: skip
            lines = out.stdout.strip().splitlines()
            seconds, peak = float(lines[-2].split()[0]), int(lines[-1].split()[-1]) / 1024
            print(f"{n:,} statements, rows thrown away: {seconds:.0f} s, {n / seconds:,.0f} "
                  f"statements/s, peak RSS {peak:,.0f} MiB ({state()})")  # fmt: skip
            return
        recorded = temp / "built.json"
        done = json.loads(recorded.read_text()) if recorded.exists() else {}
        before = state()
        places = {"embedded": str(temp / "index"), "milvus": str(temp / "qa.db")}
        places = {k: v for k, v in places.items() if k in args.stores.split(",")}
        built, build_rss = {}, {}
        for store, script in (("embedded", BUILD), ("milvus", BUILD_MILVUS)):
            if store not in places:
                continue
            if store in done and Path(places[store]).exists():
                built[store], build_rss[store] = done[store]
                continue
            out = run([sys.executable, "-c", script + RSS, str(corpus), places[store],
                       str(temp / "base.npy")], None)  # fmt: skip
            lines = out.stdout.strip().splitlines()
            built[store] = float(lines[-2].split()[0])
            build_rss[store] = int(lines[-1].split()[-1]) / 1024
            print(f"built {store} in {built[store]:.0f} s", file=sys.stderr, flush=True)
            done[store] = [built[store], build_rss[store]]
            recorded.write_text(json.dumps(done))
        time.sleep(2.5)  # let the corpus and index files settle (see qa/store/embedded/manifest.py)
        answers = {}
        for store in places:
            out = run([sys.executable, "-c", CHAT, str(corpus), places[store], store,
                       str(args.rounds), json.dumps(QUESTIONS)], None)  # fmt: skip
            answers[store] = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"asked {store}", file=sys.stderr, flush=True)
        after = state()
        print(f"## {n:,} synthetic statements, Milvus Lite against the embedded index\n")
        print(f"Machine at the start: {before}; at the end: {after}.\n")
        print(
            "| store | build s | statements/s | build peak RSS MiB | disk bytes/statement | "
            "open + first answer s | answer p50 ms | answer p95 ms | answering peak RSS MiB |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for store, place in places.items():
            latencies = answers[store]["latencies"]
            print(
                f"| {store} | {built[store]:.0f} | {n / built[store]:,.0f} | "
                f"{build_rss[store]:,.0f} | {size_of(Path(place)) / n:,.0f} | "
                f"{answers[store]['open_s']:.2f} | {percentile(latencies, 0.5):.1f} | "
                f"{percentile(latencies, 0.95):.1f} | "
                f"{answers[store]['peak_rss_kib'] / 1024:,.0f} |"
            )
        print(flush=True)


if __name__ == "__main__":
    main()
