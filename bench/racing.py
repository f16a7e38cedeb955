"""Answers from the wrong corpus when one-shot asks of two corpora and rebuilds of a third race
on one index folder (fake encoders, so that the race, not the model, takes the time).

    .venv/bin/python bench/racing.py [--workers 4] [--asks 50] [--rebuilds 100]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from race_worker import race  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--asks", type=int, default=50)
    parser.add_argument("--rebuilds", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        result = race(Path(folder), args.workers, args.asks, args.rebuilds)
        seconds = time.perf_counter() - start
    print("| asks | answered | wrong corpus | errors | rebuilds | seconds |")
    print("|---:|---:|---:|---:|---:|---:|")
    print(
        f"| {args.workers * args.asks} | {result['answers']} | {result['wrong']} | "
        f"{len(result['errors'])} | {result['rebuilds']} | {seconds:.1f} |"
    )
    for error, count in Counter(e[:100] for e in result["errors"]).most_common(5):
        print(f"{count} x {error}")


if __name__ == "__main__":
    main()
