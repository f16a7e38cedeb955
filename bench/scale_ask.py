"""A cold `qa ask --json` against large indexes: N synthetic statements, their vectors drawn
around real embeddings (as in bench/scale.py) so the build takes minutes, not hours; the
question is embedded for real. Reports build time, disk per statement, the whole ask process
(wall time and peak memory) and the chat's answer latency once loaded (wall and CPU time), under
light load, one CPU hog and two (bench/machine.py), paired with an earlier checkout when
`--baseline DIR` is given. The chat is asked as it runs (its index warmed while the first
question is typed), with the questions at once, and without the warm-up.

    .venv/bin/python -m bench.scale_ask --sizes 100000 [--baseline /path/to/old/checkout]

`--work DIR` keeps the corpus and the built indexes in DIR and reuses them on the next run
(a build at 1M takes minutes); without it they go to a temporary folder.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.machine import LOADS, load, median, percentile, qa_command, run, state
from bench.scale import BASE
from bench.synthetic import statements

QUESTIONS = [
    "What did the Kremlin say about a ceasefire?",
    "What did Zelensky say in March?",
    "Who said security guarantees will be part of any agreement?",
    "What did Macron say about peacekeepers?",
    "What was said about frozen assets?",
]
BUILD = """
import sys, time
from pathlib import Path
import numpy as np
from qa.model.embedding import resolve_model
from qa.store.embedded.build import build

class DrawnEncoder:
    def __init__(self, info, base):
        self.info, self.base, self.dimension, self.calls = info, base, base.shape[1], 0
    def encode(self, texts, batch_size=64):
        self.calls += 1
        rng = np.random.default_rng(self.calls)
        rows = self.base[rng.integers(len(self.base), size=len(texts))]
        rows = rows + rng.normal(0, 0.05, size=rows.shape).astype(np.float32)
        return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)

from qa.folders import choose

corpus, index_dir, base = sys.argv[1:4]
_, folder = choose(Path(index_dir), (Path(corpus),))  # where `qa ask --corpus` looks
start = time.perf_counter()
built = build([Path(corpus)], folder, DrawnEncoder(resolve_model(), np.load(base)))
print(time.perf_counter() - start, built.folder, built.manifest["faiss"]["type"])
"""
CHAT = """
import json, sys, threading, time
from pathlib import Path
from qa.answer.compose import answer
from qa.answer.engine import Engine
from qa.settings import Settings
corpus, index_dir, rounds, warm = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[5]
questions = json.loads(sys.argv[4])
engine = Engine(Settings.from_env(corpus=[Path(corpus)], index_dir=Path(index_dir))).load()
warmed = None
if warm != "none":  # as the interactive chat does once loaded
    start = time.perf_counter()
    warmer = threading.Thread(target=engine.warm)
    warmer.start()
    if warm == "typed":  # the first question comes after the warm-up
        warmer.join()
        warmed = time.perf_counter() - start
answer(engine, questions[0])
latencies, cpu = [], []
for _ in range(rounds):
    for question in questions:
        start, used = time.perf_counter(), time.thread_time()
        answer(engine, question)
        latencies.append((time.perf_counter() - start) * 1000)
        cpu.append((time.thread_time() - used) * 1000)
print(json.dumps({"wall": latencies, "cpu": cpu, "warmed": warmed}))
"""


# How the chat is asked: as the interactive chat runs (the index warmed while the first question
# is typed), with the questions at once (the warm-up still running), or without the warm-up
# (piped chat, evaluation, an earlier version).
WARM = {
    "typed": "done before the first question",
    "at once": "running",
    "none": "none",
}

# Prepended to the ask: at exit, the process's private (anonymous) resident memory on stderr.
# Its peak resident memory (from /usr/bin/time) also counts the pages of memory-mapped index
# files it touched, which are the shared, reclaimable page cache.
PRIVATE = """
import atexit, sys
def _private():
    for line in open("/proc/self/status"):
        if line.startswith("RssAnon:"):
            sys.stderr.write(line)
atexit.register(_private)
"""


def disk(folder: Path) -> tuple[int, int]:
    """Bytes of a generation, all files and without the statements' text."""
    sizes = {p.name: p.stat().st_size for p in folder.rglob("*") if p.is_file()}
    total = sum(sizes.values())
    return total, total - sizes.get("statements.jsonl", 0)


@contextlib.contextmanager
def _workspace(work: Path | None, n: int):
    """A folder for one size: kept under `work` when given, else temporary."""
    if work is None:
        with tempfile.TemporaryDirectory() as temp:
            yield Path(temp)
        return
    folder = work / str(n)
    folder.mkdir(parents=True, exist_ok=True)
    yield folder


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--runs", type=int, default=6)
    parser.add_argument("--chat-rounds", type=int, default=10)
    parser.add_argument("--loads", nargs="+", default=list(LOADS), choices=list(LOADS))
    parser.add_argument("--baseline", type=Path)
    parser.add_argument("--work", type=Path, help="keep and reuse corpora and indexes here")
    args = parser.parse_args()
    versions = {"this version": None}
    if args.baseline:
        versions["baseline"] = args.baseline.resolve()
    from qa.model.embedding import Encoder, resolve_model

    for n in args.sizes:
        with _workspace(args.work, n) as temp:
            if not (temp / "base.npy").is_file():
                base = Encoder(resolve_model()).encode(statements(BASE, seed=42))
                np.save(temp / "base.npy", base)
            corpus = temp / "synthetic.txt"
            if not corpus.is_file():
                corpus.write_text("\n".join(statements(n, seed=n)) + "\n", encoding="utf-8")
            folders, built = {}, {}
            for name, checkout in versions.items():
                folders[name] = str(temp / name.replace(" ", "-"))
                kept = temp / f"{name.replace(' ', '-')}.built"
                if kept.is_file():
                    seconds, folder, kind = kept.read_text().split()
                    built[name] = (float(seconds), Path(folder), kind)
                    continue
                out = run(
                    [
                        sys.executable,
                        "-c",
                        BUILD,
                        str(corpus),
                        folders[name],
                        str(temp / "base.npy"),
                    ],
                    checkout,
                )
                seconds, folder, kind = out.stdout.split()[-3:]
                built[name] = (float(seconds), Path(folder), kind)
                kept.write_text(f"{seconds} {folder} {kind}")
            time.sleep(
                2.5
            )  # let the corpus and index files settle (see qa/store/embedded/manifest.py)
            print(f"## {n:,} statements\n")
            print("| version | FAISS | build s | bytes/statement | without text |")
            print("|---|---|---:|---:|---:|")
            for name, (seconds, folder, kind) in built.items():
                total, no_text = disk(folder)
                print(
                    f"| {name} | {kind} | {seconds:.0f} | {total / n:,.0f} | {no_text / n:,.0f} |"
                )
            print()
            for kind in args.loads:
                with load(kind):
                    before = state()
                    times = {name: [] for name in versions}
                    peaks = {name: [] for name in versions}
                    private = {name: [] for name in versions}
                    for i in range(args.runs):
                        # Each version goes first every other run: the second of a pair finds
                        # the pages of the index the first one read in the page cache.
                        order = list(versions.items())
                        for name, checkout in order if i % 2 == 0 else order[::-1]:
                            ask = qa_command(
                                "ask", QUESTIONS[i % len(QUESTIONS)], "--json",
                                "--corpus", str(corpus), "--index-dir", folders[name],
                            )  # fmt: skip
                            ask[2] = PRIVATE + ask[2]
                            start = time.perf_counter()
                            done = run(["/usr/bin/time", "-f", "%M", *ask], checkout)
                            times[name].append(time.perf_counter() - start)
                            lines = done.stderr.strip().splitlines()
                            peaks[name].append(int(lines[-1]) / 1024)
                            private[name].append(int(lines[-2].split()[1]) / 1024)
                    chats = {}
                    for name, checkout in versions.items():
                        for warm in WARM if checkout is None else ("none",):
                            out = run(
                                [
                                    sys.executable, "-c", CHAT, str(corpus), folders[name],
                                    str(args.chat_rounds), json.dumps(QUESTIONS), warm,
                                ],
                                checkout,
                            )  # fmt: skip
                            chats[name, warm] = json.loads(out.stdout.strip().splitlines()[-1])
                    after = state()
                print(f"### {kind} load ({LOADS[kind]})\n")
                print(f"Machine at the start: {before}; at the end: {after}.\n")
                print(
                    "| version | cold ask median s | min s | max s | peak MiB "
                    "| private MiB at exit |"
                )
                print("|---|---:|---:|---:|---:|---:|")
                for name in versions:
                    t = times[name]
                    print(
                        f"| {name} | {median(t):.3f} | {min(t):.3f} | {max(t):.3f} | "
                        f"{max(peaks[name]):.0f} | {max(private[name]):.0f} |"
                    )
                print(
                    f"\nThe chat's answers ({len(QUESTIONS)} questions {args.chat_rounds} times, "
                    "each one's first time included; CPU of the answering thread):\n"
                )
                print(
                    "| version | warm-up | warm-up s | answer p50 ms | answer p95 ms | max ms "
                    "| CPU p50 ms | CPU p95 ms |"
                )
                print("|---|---|---:|---:|---:|---:|---:|---:|")
                for (name, warm), chat in chats.items():
                    c, u = chat["wall"], chat["cpu"]
                    warmed = "–" if chat["warmed"] is None else f"{chat['warmed']:.2f}"
                    print(
                        f"| {name} | {WARM[warm]} | {warmed} | {percentile(c, 0.5):.1f} | "
                        f"{percentile(c, 0.95):.1f} | {max(c):.1f} | {percentile(u, 0.5):.1f} | "
                        f"{percentile(u, 0.95):.1f} |"
                    )
                if args.baseline:
                    ratios = [a / b for a, b in zip(times["this version"], times["baseline"])]
                    print(f"\npaired cold-ask ratio this version / baseline: {median(ratios):.2f}")
                print(flush=True)


if __name__ == "__main__":
    main()
