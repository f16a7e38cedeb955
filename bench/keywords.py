"""Keyword search at 100k and 1M synthetic statements: the product's BM25 best-k from the
postings (`Bm25Index.top`), the step it replaces (every statement scored, masked, sorted), and
tantivy, on the product's own tokenisation. Each engine is loaded and queried in a fresh
process, one thread: import and load time, resident memory, latency p50/p95 over the questions'
words, with no restriction and restricted to a twentieth of the statements (as a speaker
filter keeps), and to 200 given rows; build time and disk.

    .venv/bin/python -m bench.keywords --sizes 100000 1000000

tantivy is not a dependency of qa: install it beside (`pip install tantivy`) to measure it.
Its restriction is a filter on a field indexed for the purpose (a term query of score 0 that
must match); it cannot be restricted to an arbitrary list of rows, so that case is left out.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.scale import rss_mib
from bench.synthetic import statements
from qa.store.embedded import keywords
from qa.text import tokenize

CANDIDATES = 100  # as qa/answer/fusion.py
GROUPS = 20  # the restricted case keeps statements i % GROUPS == 3: a twentieth
KEPT = 3


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


def _timed(queries, search) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds per query, after one untimed pass (pages of the index read
    in). On a machine shared with other work the wall time of a query includes the time it
    waited for a core; its CPU time does not."""
    for tokens in queries:
        search(tokens)
    wall, cpu = [], []
    for tokens in queries:
        start, start_cpu = time.perf_counter(), time.process_time()
        search(tokens)
        cpu.append((time.process_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
    return wall, cpu


def _report(import_s, load_s, cases: dict[str, list[float]]) -> None:
    out = {"import_ms": import_s * 1000, "load_ms": load_s * 1000, "rss": rss_mib()}
    for name, (wall, cpu) in cases.items():
        out[name] = (percentile(wall, 0.5), percentile(wall, 0.95))
        out[name + " cpu"] = (percentile(cpu, 0.5), percentile(cpu, 0.95))
    print(json.dumps(out))


def bm25s_worker(folder: str, queries: str) -> None:
    """The product's keyword step, and the one it replaces."""
    start = time.perf_counter()
    from qa.store.embedded.keywords import Bm25Index

    imported = time.perf_counter()
    index = Bm25Index(Path(folder))
    loaded = time.perf_counter()
    asked = json.loads(Path(queries).read_text())
    group = np.arange(index.size) % GROUPS == KEPT
    rows = np.random.default_rng(2).choice(index.size, 200, replace=False)

    def every_row(tokens):  # before: every statement scored, masked, all sorted
        scores = np.where(group, np.asarray(index.scores(tokens), dtype=np.float32), 0.0)
        np.argsort(-scores)[:CANDIDATES]

    cases = {
        "all": _timed(asked, lambda t: index.top(t, CANDIDATES)),
        "group": _timed(asked, lambda t: index.top(t, CANDIDATES, group)),
        "rows": _timed(asked, lambda t: index.top(t, CANDIDATES, rows)),
        "before": _timed(asked, every_row),
    }
    _report(imported - start, loaded - imported, cases)


def tantivy_worker(folder: str, queries: str) -> None:
    """tantivy's best CANDIDATES for the same tokens, alone and within a field value."""
    start = time.perf_counter()
    import tantivy

    imported = time.perf_counter()
    index = tantivy.Index.open(folder)
    searcher = index.searcher()
    loaded = time.perf_counter()
    Query, Occur = tantivy.Query, tantivy.Occur
    asked = json.loads(Path(queries).read_text())

    def words(tokens):
        return Query.boolean_query(
            [(Occur.Should, Query.term_query(index.schema, "words", t)) for t in tokens]
        )

    def alone(tokens):
        hits = searcher.search(words(tokens), CANDIDATES).hits
        assert len(hits) <= CANDIDATES

    def within(tokens):
        kept = Query.const_score_query(Query.term_query(index.schema, "group", str(KEPT)), 0.0)
        query = Query.boolean_query([(Occur.Must, kept), (Occur.Must, words(tokens))])
        searcher.search(query, CANDIDATES)

    cases = {"all": _timed(asked, alone), "group": _timed(asked, within)}
    _report(imported - start, loaded - imported, cases)


def build_tantivy(token_lists, folder: Path) -> None:
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("words", stored=False, tokenizer_name="whitespace")
    builder.add_text_field("group", stored=False, tokenizer_name="raw")
    index = tantivy.Index(builder.build(), path=str(folder))
    writer = index.writer(heap_size=200_000_000)
    for i, tokens in enumerate(token_lists):
        writer.add_document(tantivy.Document(words=" ".join(tokens), group=str(i % GROUPS)))
    writer.commit()
    writer.wait_merging_threads()


def run_worker(kind: str, folder: Path, queries: Path) -> dict:
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "bench.keywords", "--worker", kind, str(folder), str(queries)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def disk_mib(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20


def _cell(measured: dict, case: str) -> str:
    if case not in measured:
        return "– | –"
    p50, p95 = measured[case]
    return f"{p50:.2f} | {p95:.2f}"


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
    from bench.machine import state

    print(f"Machine at the start: {state()}.\n")
    print(
        "| statements | engine | build s | disk MiB | import ms | load ms | RSS MiB "
        "| all p50 ms | all p95 ms | a twentieth p50 | p95 | 200 rows p50 | p95 |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    before, cpu_rows = [], []
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
                name = "bm25s arrays, best k from the postings" if kind == "bm25s" else "tantivy"
                print(
                    f"| {n:,} | {name} | {build_s:.1f} | {disk_mib(folder):.0f} | "
                    f"{m['import_ms']:.0f} | {m['load_ms']:.0f} | {m['rss']:.0f} | "
                    f"{_cell(m, 'all')} | {_cell(m, 'group')} | {_cell(m, 'rows')} |",
                    flush=True,
                )
                cpu_rows.append(
                    f"| {n:,} | {name} | {_cell(m, 'all cpu')} | {_cell(m, 'group cpu')} "
                    f"| {_cell(m, 'rows cpu')} |"
                )
                if "before" in m:
                    before.append(f"| {n:,} | {_cell(m, 'before')} | {_cell(m, 'before cpu')} |")
                shutil.rmtree(folder)
    print("\nCPU time per query (what the wall time nears on a quiet machine):\n")
    print(
        "| statements | engine | all p50 ms | p95 ms | a twentieth p50 | p95 | 200 rows p50 | p95 |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|")
    print("\n".join(cpu_rows))
    print("\nThe step replaced (every statement scored, masked to a twentieth, all sorted):\n")
    print("| statements | p50 ms | p95 ms | CPU p50 ms | CPU p95 ms |")
    print("|---:|---:|---:|---:|---:|")
    print("\n".join(before))
    print(f"\nMachine at the end: {state()}.")


if __name__ == "__main__":
    main()
