"""Search at scale: FAISS exact (Flat), HNSW and IVF, and BM25, at 100k and 1M statements.

Dense vectors are drawn around real statement embeddings (a few thousand synthetic statements
embedded with the bundled model, plus Gaussian noise, renormalised), so neighbourhoods look like
a real corpus; queries are fresh draws around the same statements. Each index is measured in a
fresh process: build time, size on disk, resident memory after loading, single-query latency
p50/p95, and recall@10 against exact search.

    .venv/bin/python -m bench.scale --sizes 100000 1000000
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

DIM = 384
BASE = 3000
QUERIES = 200
NOISE = 0.05


def rss_mib() -> float:
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def draw(base: np.ndarray, count: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    out = np.empty((count, base.shape[1]), dtype=np.float32)
    for start in range(0, count, 100_000):
        end = min(count, start + 100_000)
        rows = base[rng.integers(len(base), size=end - start)]
        rows = rows + rng.normal(0, NOISE, size=rows.shape).astype(np.float32)
        out[start:end] = rows / np.linalg.norm(rows, axis=1, keepdims=True)
    return out


def build_dense(kind: str, vectors: np.ndarray):
    import faiss

    n = len(vectors)
    if kind == "Flat":
        index = faiss.IndexFlatIP(DIM)
    elif kind == "HNSW":
        index = faiss.IndexHNSWFlat(DIM, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 80
    else:
        nlist = int(4 * np.sqrt(n))
        quantizer = faiss.IndexFlatIP(DIM)
        index = faiss.IndexIVFFlat(quantizer, DIM, nlist, faiss.METRIC_INNER_PRODUCT)
        sample = vectors[np.random.default_rng(1).choice(n, size=min(n, 40 * nlist), replace=False)]
        index.train(sample)
    index.add(vectors)
    return index


def worker(path: str, queries_path: str, truth_path: str, kind: str, param: int) -> None:
    """Load one index in this fresh process and measure it."""
    import faiss

    start = time.perf_counter()
    index = faiss.read_index(path)
    load_s = time.perf_counter() - start
    if kind == "HNSW":
        index.hnsw.efSearch = param
    elif kind == "IVF":
        index.nprobe = param
    queries = np.load(queries_path)
    truth = np.load(truth_path)
    faiss.omp_set_num_threads(1)
    latencies, found = [], []
    for q in queries:
        t = time.perf_counter()
        _, rows = index.search(q.reshape(1, -1), 10)
        latencies.append((time.perf_counter() - t) * 1000)
        found.append(rows[0])
    recall = float(np.mean([len(set(f) & set(t)) / 10 for f, t in zip(found, truth)]))
    report(load_s, latencies, recall)


def report(load_s: float, latencies: list[float], recall: float | None = None) -> None:
    """One JSON line for the parent process."""
    print(
        json.dumps(
            {
                "load_s": load_s,
                "rss_mib": rss_mib(),
                "p50_ms": float(np.percentile(latencies, 50)),
                "p95_ms": float(np.percentile(latencies, 95)),
                "recall10": recall,
            }
        )
    )


def bm25_worker(folder: str, queries_path: str) -> None:
    from qa.store.embedded.keywords import Bm25Index
    from qa.text import tokenize

    start = time.perf_counter()
    index = Bm25Index(Path(folder))
    load_s = time.perf_counter() - start
    questions = json.loads(Path(queries_path).read_text())
    latencies = []
    for question in questions:
        t = time.perf_counter()
        scores = index.scores(tokenize(question))
        np.argpartition(-scores, 10)[:10]
        latencies.append((time.perf_counter() - t) * 1000)
    report(load_s, latencies)


def run_worker(*args) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "bench.scale", "--worker", *map(str, args)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--kinds", nargs="+", default=["Flat", "HNSW", "IVF"])
    parser.add_argument("--worker", nargs="*")
    args = parser.parse_args()
    if args.worker is not None:
        if args.worker[0] == "bm25":
            bm25_worker(*args.worker[1:])
        else:
            worker(
                args.worker[0], args.worker[1], args.worker[2], args.worker[3], int(args.worker[4])
            )
        return

    import faiss

    from bench.synthetic import statements
    from qa.model.embedding import Encoder, resolve_model
    from qa.store.embedded import keywords
    from qa.text import tokenize

    encoder = Encoder(resolve_model())
    base = encoder.encode(statements(BASE, seed=42))
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        queries = draw(base, QUERIES, seed=999)
        np.save(folder / "queries.npy", queries)
        question_texts = [" ".join(t.split()[:6]) for t in statements(QUERIES, seed=7)]
        (folder / "questions.json").write_text(json.dumps(question_texts))
        for n in args.sizes:
            vectors = draw(base, n, seed=n)
            exact = faiss.IndexFlatIP(DIM)
            exact.add(vectors)
            _, truth = exact.search(queries, 10)
            np.save(folder / "truth.npy", truth)
            del exact
            for kind in args.kinds:
                start = time.perf_counter()
                index = build_dense(kind, vectors)
                build_s = time.perf_counter() - start
                path = folder / f"{kind}-{n}.faiss"
                faiss.write_index(index, str(path))
                del index
                params = {"Flat": [0], "HNSW": [64, 128], "IVF": [8, 16, 32]}[kind]
                for param in params:
                    m = run_worker(path, folder / "queries.npy", folder / "truth.npy", kind, param)
                    label = {
                        "Flat": "Flat (exact)",
                        "HNSW": f"HNSW M=32 efSearch={param}",
                        "IVF": f"IVF{int(4 * np.sqrt(n))} nprobe={param}",
                    }[kind]
                    rows.append((n, label, build_s, path.stat().st_size / 2**20, m))
                    print(n, label, round(build_s, 1), m, flush=True)
                path.unlink()
            del vectors
            texts = statements(n, seed=n)
            start = time.perf_counter()
            keywords.build([tokenize(t) for t in texts], folder / f"bm25-{n}")
            build_s = time.perf_counter() - start
            size = sum(p.stat().st_size for p in (folder / f"bm25-{n}").iterdir()) / 2**20
            m = run_worker("bm25", folder / f"bm25-{n}", folder / "questions.json")
            rows.append((n, "BM25 (bm25s arrays, numpy scoring)", build_s, size, m))
            print(n, "bm25", round(build_s, 1), m, flush=True)
    print()
    print(
        "| statements | index | build s | on disk MiB | RSS after load MiB | p50 ms | p95 ms | recall@10 |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|")
    for n, label, build_s, size, m in rows:
        recall = "–" if m["recall10"] is None else f"{m['recall10']:.3f}"
        print(
            f"| {n:,} | {label} | {build_s:.1f} | {size:.0f} | {m['rss_mib']:.0f} | "
            f"{m['p50_ms']:.2f} | {m['p95_ms']:.2f} | {recall} |"
        )


if __name__ == "__main__":
    main()
