"""Readers and builders racing on one index folder, run as separate processes by
tests/test_generations.py (and by hand, to measure). Two corpora share the folder; every
answer must come from the corpus it was asked about.

    python tests/race_worker.py ask CORPUS[,CORPUS...] INDEX_DIR COUNT
    python tests/race_worker.py build CORPUS INDEX_DIR COUNT [FIRST_EDITION]
    python tests/race_worker.py ensure CORPUS INDEX_DIR 1

Each prints one JSON line: {"answers": n, "wrong": n, "errors": [...]}.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from conftest import FakeEncoder  # noqa: E402

from qa.answer.compose import answer  # noqa: E402
from qa.answer.engine import Engine
from qa.errors import QaError  # noqa: E402
from qa.settings import Settings  # noqa: E402

QUESTION = "What was said about grain shipments resuming next week?"


def corpus_lines(name: str, count: int = 400, edition: int = 0) -> list[str]:
    """Lines that only corpus `name` holds: each starts with its name."""
    return [
        f"{name} grain shipment number {i} will resume next week, edition {edition}, "
        f"a port official said on March {i % 28 + 1}."
        for i in range(count)
    ]


class QuestionEncoder(FakeEncoder):
    """The fake encoder, taking about as long as the real one takes for a question."""

    def encode(self, texts, batch_size=64):
        time.sleep(0.03)
        return super().encode(texts, batch_size)


def engine_for(corpus: Path, index_dir: Path) -> Engine:
    """The real engine with fake encoders for building and for questions."""
    engine = Engine(Settings(corpus=(corpus,), index_dir=index_dir))
    fake = FakeEncoder()
    engine.__dict__.update(model=fake.info, encoder=fake, query_encoder=QuestionEncoder())
    return engine


def judge(result, name: str, tally: dict) -> None:
    tally["answers"] += 1
    shown = list(result.passages) + list(result.closest)
    if not shown:
        tally["errors"].append("no passage")
    if any(not p.statement.startswith(name + " ") for p in shown):
        tally["wrong"] += 1


def ask(corpora: list[Path], index_dir: Path, count: int, tally: dict) -> None:
    """Ask `count` one-shot questions, each of the next corpus in turn."""
    for turn in range(count):
        corpus = corpora[turn % len(corpora)]
        try:
            judge(answer(engine_for(corpus, index_dir), QUESTION), corpus.stem, tally)
        except QaError as error:
            tally["errors"].append(f"{type(error).__name__}: {error}")
        except Exception as error:  # what a user would see as "Internal error"
            tally["errors"].append(f"Internal error ({type(error).__name__}: {error})")


def rebuild(corpus: Path, index_dir: Path, count: int, first: int, tally: dict) -> None:
    """Rebuild `count` times, editing the corpus each time so that each build is new."""
    from qa.store.embedded.build import build

    for edition in range(first, first + count):
        corpus.write_text("\n".join(corpus_lines(corpus.stem, edition=edition)) + "\n")
        build([corpus], index_dir, FakeEncoder())
        tally["answers"] += 1


def ensure_once(corpus: Path, index_dir: Path, tally: dict) -> None:
    """What a cold ask does first: make sure the index is there. Says whether it built."""
    from qa.store.embedded.build import ensure

    tally["built"] = ensure([corpus], index_dir, FakeEncoder()).built
    tally["answers"] += 1


def main() -> None:
    mode, corpus, index_dir = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    count = int(sys.argv[4])
    tally: dict = {"answers": 0, "wrong": 0, "errors": []}
    try:
        if mode == "ask":
            ask([Path(p) for p in sys.argv[2].split(",")], index_dir, count, tally)
        elif mode == "build":
            rebuild(corpus, index_dir, count, int(sys.argv[5]) if len(sys.argv) > 5 else 1, tally)
        else:
            ensure_once(corpus, index_dir, tally)
    except Exception as error:  # reported, so that the test names what went wrong
        tally["errors"].append(f"{type(error).__name__}: {error}")
    print(json.dumps(tally), flush=True)


if __name__ == "__main__":
    main()


def race(folder: Path, workers: int, asks: int, rebuilds: int) -> dict:
    """`workers` processes ask `asks` questions each, alternately of corpora A and B, in one
    index folder while another process rebuilds corpus C there `rebuilds` times."""
    import subprocess

    folder.mkdir(parents=True, exist_ok=True)
    corpora = []
    for name in ("Alpha", "Beta", "Gamma"):
        path = folder / f"{name}.txt"
        path.write_text("\n".join(corpus_lines(name)) + "\n")
        corpora.append(path)
    index_dir = folder / "index"
    script = [sys.executable, str(Path(__file__).resolve())]
    runs = [
        subprocess.Popen(
            [*script, "ask", str(corpora[i % 2]), str(index_dir), str(asks)],
            stdout=subprocess.PIPE, text=True,
        )
        for i in range(workers)
    ]  # fmt: skip
    runs.append(
        subprocess.Popen(
            [*script, "build", str(corpora[2]), str(index_dir), str(rebuilds)],
            stdout=subprocess.PIPE, text=True,
        )
    )  # fmt: skip
    total: dict = {"answers": 0, "wrong": 0, "errors": [], "rebuilds": 0}
    for run in runs[:-1]:
        tally = json.loads(run.communicate()[0].strip().splitlines()[-1])
        total["answers"] += tally["answers"]
        total["wrong"] += tally["wrong"]
        total["errors"] += tally["errors"]
    builder = json.loads(runs[-1].communicate()[0].strip().splitlines()[-1])
    total["rebuilds"] = builder["answers"]
    total["errors"] += builder["errors"]
    return total
