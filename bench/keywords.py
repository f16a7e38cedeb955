"""Keyword search at 100k and 1M synthetic statements: the product's BM25 (bm25s arrays scored
with numpy, then ranked as qa/search.py ranks them) against tantivy, on the product's own
tokenisation. Each engine is loaded and queried in a fresh process: import and load time,
resident memory, latency p50/p95 over the evaluation questions' words; build time and disk.

    .venv/bin/python -m bench.keywords --sizes 100000 1000000

tantivy is not a dependency of qa: install it beside (`pip install tantivy`) to measure it.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.scale import rss_mib
from bench.synthetic import statements
from qa import keywords
from qa.text import tokenize

CANDIDATES = 100  # as qa/search.py


def questions() -> list[list[str]]:
    """100 questions in the synthetic corpus's words and the first 100 evaluation questions
    (in the seeds' words: some match little here), as the product tokenises them."""
    from bench.answers import questions as asked
    from bench.synthetic import CLAIMS, SPEAKERS, SUBJECTS

    rng = np.random.default_rng(5)
    made = [
        f"What did {SPEAKERS[rng.integers(len(SPEAKERS))]} say about "
        f"{SUBJECTS[rng.integers(len(SUBJECTS))]}?"
        if i % 2
        else f"Who said {SUBJECTS[rng.integers(len(SUBJECTS))]} {CLAIMS[rng.integers(len(CLAIMS))]}?"
        for i in range(100)
    ]
    return [tokens for tokens in (tokenize(q) for q in made + asked()[:100]) if tokens]


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _report(import_s, load_s, latencies) -> None:
    print(
        json.dumps(
            {
                "import_ms": import_s * 1000,
                "load_ms": load_s * 1000,
                "rss": rss_mib(),
                "p50": percentile(latencies, 0.5),
                "p95": percentile(latencies, 0.95),
            }
        )
    )


def bm25s_worker(folder: str, queries: str) -> None:
    """The product's keyword step: scores of every statement, masked, best CANDIDATES."""
    start = time.perf_counter()
    from qa.keywords import Bm25Index

    imported = time.perf_counter()
    index = Bm25Index(Path(folder))
    loaded = time.perf_counter()
    mask = np.ones(index.size, dtype=bool)
    latencies, scoring, partial = [], [], []
    for tokens in json.loads(Path(queries).read_text()):
        t = time.perf_counter()
        scores = np.where(mask, np.asarray(index.scores(tokens), dtype=np.float32), 0.0)
        np.argsort(-scores)[:CANDIDATES]
        latencies.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        scores = index.scores(tokens)
        scoring.append((time.perf_counter() - t) * 1000)
        # The same best CANDIDATES without sorting every statement: only those with a score.
        found = np.flatnonzero(np.where(mask, scores, 0.0))
        if len(found) > CANDIDATES:
            found = found[np.argpartition(-scores[found], CANDIDATES - 1)[:CANDIDATES]]
        found[np.argsort(-scores[found], kind="stable")]
        partial.append((time.perf_counter() - t) * 1000)
    _report(imported - start, loaded - imported, latencies)
    print(
        json.dumps(
            {
                "scores_p95": percentile(scoring, 0.95),
                "partial_p50": percentile(partial, 0.5),
                "partial_p95": percentile(partial, 0.95),
            }
        )
    )


def tantivy_worker(folder: str, queries: str) -> None:
    """tantivy's best CANDIDATES for the same tokens (no filter: see BENCHMARKS.md)."""
    start = time.perf_counter()
    import tantivy

    imported = time.perf_counter()
    index = tantivy.Index.open(folder)
    searcher = index.searcher()
    loaded = time.perf_counter()
    latencies = []
    for tokens in json.loads(Path(queries).read_text()):
        t = time.perf_counter()
        query = tantivy.Query.boolean_query(
            [
                (tantivy.Occur.Should, tantivy.Query.term_query(index.schema, "words", token))
                for token in tokens
            ]
        )
        hits = searcher.search(query, CANDIDATES).hits
        assert len(hits) <= CANDIDATES
        latencies.append((time.perf_counter() - t) * 1000)
    _report(imported - start, loaded - imported, latencies)


def build_tantivy(token_lists, folder: Path) -> None:
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("words", stored=False, tokenizer_name="whitespace")
    index = tantivy.Index(builder.build(), path=str(folder))
    writer = index.writer(heap_size=200_000_000)
    for tokens in token_lists:
        writer.add_document(tantivy.Document(words=" ".join(tokens)))
    writer.commit()
    writer.wait_merging_threads()


def run_worker(kind: str, folder: Path, queries: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "bench.keywords", "--worker", kind, str(folder), str(queries)],
        check=True,
        capture_output=True,
        text=True,
    )
    lines = done.stdout.strip().splitlines()
    measured = json.loads(lines[0])
    if len(lines) > 1:
        measured.update(json.loads(lines[1]))
    return measured


def disk_mib(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--engines", nargs="+", default=["bm25s", "tantivy"])
    parser.add_argument("--worker", nargs=3)
    args = parser.parse_args()
    if args.worker:
        kind, folder, queries = args.worker
        (bm25s_worker if kind == "bm25s" else tantivy_worker)(folder, queries)
        return
    print(
        "| statements | engine | build s | disk MiB | import ms | load ms | RSS MiB | p50 ms | p95 ms |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    split = []
    with tempfile.TemporaryDirectory() as temp:
        temp = Path(temp)
        queries = temp / "queries.json"
        queries.write_text(json.dumps(questions()))
        for n in args.sizes:
            token_lists = [tokenize(t) for t in statements(n, seed=n)]
            for kind, builder in (("bm25s", keywords.build), ("tantivy", build_tantivy)):
                if kind not in args.engines:
                    continue
                folder = temp / f"{kind}-{n}"
                folder.mkdir()
                start = time.perf_counter()
                builder(token_lists, folder)
                build_s = time.perf_counter() - start
                m = run_worker(kind, folder, queries)
                print(
                    f"| {n:,} | {kind} | {build_s:.1f} | {disk_mib(folder):.0f} | "
                    f"{m['import_ms']:.0f} | {m['load_ms']:.0f} | {m['rss']:.0f} | "
                    f"{m['p50']:.2f} | {m['p95']:.2f} |",
                    flush=True,
                )
                if "scores_p95" in m:
                    split.append(
                        f"| {n:,} | {m['scores_p95']:.2f} | {m['p95']:.2f} | "
                        f"{m['partial_p50']:.2f} | {m['partial_p95']:.2f} |"
                    )
                shutil.rmtree(folder)
    print()
    print(
        "| statements | BM25 scores p95 ms | + sort all (qa/search.py) p95 ms | "
        "+ partial sort p50 ms | p95 ms |"
    )
    print("|---:|---:|---:|---:|---:|")
    print("\n".join(split))


if __name__ == "__main__":
    main()
