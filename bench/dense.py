"""Dense search restricted to some rows, on a built index generation: `qa.store.embedded.dense.top` (the
primitive the searcher calls) against the searcher's former step (the allowed rows' vectors
gathered and scored when there are at most 200,000 of them, else the HNSW graph with an
IDSelectorBatch), for restrictions keeping from 0.1% to 50% of the rows, one thread. Recall is
against exact search over the same rows: the share of the exact best 100 returned, and of the
exact best 10 among the 100 returned; latency after one untimed pass over the questions.

    .venv/bin/python -m bench.dense --generation /path/to/index/gen-... [--questions 40]

The generation is any built index folder (bench/scale_ask.py --work keeps its 1M one).
"""

from __future__ import annotations

import argparse
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import json  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from bench.machine import percentile, state  # noqa: E402
from qa.store.embedded import dense  # noqa: E402

K = 100  # CANDIDATES in qa/answer/fusion.py
SHARES = (0.001, 0.005, 0.02, 0.05, 0.1, 0.2, 0.5)
FORMER_EXACT_LIMIT = 200_000


def former(vectors, index, query, k, mask):
    """The searcher's step before `dense.top`."""
    rows = np.flatnonzero(mask)
    if len(rows) <= FORMER_EXACT_LIMIT:
        scores = np.asarray(vectors[rows]) @ query
        order = np.argsort(-scores)[:k]
        return rows[order], scores[order]
    import faiss

    params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(rows.astype(np.int64)))
    scores, found = index.search(query.reshape(1, -1), k, params=params)
    keep = found[0] >= 0
    return found[0][keep], scores[0][keep]


def question_vectors(count: int) -> np.ndarray:
    from bench.answers import questions
    from bench.scale_ask import QUESTIONS
    from qa.model.embedding import resolve_model
    from qa.model.minilm import NumpyEncoder

    texts = (QUESTIONS + questions())[:count]
    return NumpyEncoder(resolve_model()).encode(texts)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--generation", type=Path, required=True)
    parser.add_argument("--questions", type=int, default=40)
    args = parser.parse_args()
    manifest = json.loads((args.generation / "manifest.json").read_text())
    kind = manifest["faiss"]["type"]
    vectors, index = dense.open_dense(args.generation, kind)
    queries = question_vectors(args.questions)
    n = index.ntotal
    print(f"Machine at the start: {state()}.\n")
    print(f"{n:,} rows, {kind}, k = {K}, {len(queries)} questions, one thread.\n")
    every = np.vstack([np.asarray(vectors) @ q for q in queries])  # exact scores, every row
    rng = np.random.default_rng(0)
    print(
        "| rows allowed | share | dense.top p50 ms | p95 ms | recall@100 | best 10 found | "
        "former p50 ms | p95 ms | recall@100 | best 10 found |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for share in (None, *SHARES):
        mask = None if share is None else rng.random(n) < share
        cells = []
        for search in (dense.top, former):
            if search is former and mask is None:
                cells.append("– | – | – | –")
                continue
            for q in queries:  # one untimed pass: pages read in
                search(vectors, index, q, K, mask)
            latencies, found, wanted, found10, wanted10 = [], 0, 0, 0, 0
            for q, scores in zip(queries, every):
                start = time.perf_counter()
                rows, _ = search(vectors, index, q, K, mask)
                latencies.append((time.perf_counter() - start) * 1000)
                allowed = np.arange(n) if mask is None else np.flatnonzero(mask)
                best = allowed[np.argsort(-scores[allowed], kind="stable")[:K]]
                found += len(set(rows.tolist()) & set(best.tolist()))
                wanted += len(best)
                found10 += len(set(rows.tolist()) & set(best[:10].tolist()))
                wanted10 += len(best[:10])
            cells.append(
                f"{percentile(latencies, 0.5):.2f} | {percentile(latencies, 0.95):.2f} | "
                f"{found / max(wanted, 1):.3f} | {found10 / max(wanted10, 1):.3f}"
            )
        count = n if mask is None else int(mask.sum())
        label = "all" if share is None else f"{share:.1%}"
        print(f"| {count:,} | {label} | {cells[0]} | {cells[1]} |", flush=True)
    print(f"\nMachine at the end: {state()}.")


if __name__ == "__main__":
    main()
