"""Attribution on real news: the parser's speaker against human-annotated sources, by class
(see qa/corpus/measure.py for what is measured and how).

    .venv/bin/python -m bench.attribution [FOLDER] [--json] [--errors misses.jsonl]
    .venv/bin/python -m bench.attribution --sizes   # parse time of hostile lines, 100 KB and 1 MB
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from bench.articles import part_of
from qa.corpus.gazetteer import Gazetteer
from qa.corpus.measure import NAMED, measure, render
from qa.corpus.parser import parse_line

DEFAULT_FOLDER = Path(__file__).resolve().parent.parent.parent / "shared" / "real" / "polnear-dev"
# Lines built by repeating one piece: each would cost quadratic time in a parser that rescans.
HOSTILE = {
    "said x N": "said ",
    "cue phrases": "the minister said that ",
    "according to x N": "according to ",
    "quote and speaker": '"We will win," Sen. Mary Quinlan said on March 4. ',
    "unclosed curly quotes": "“",
    "unclosed quotes and words": "“a b ",
    "repeated dates": "on March 3, ",
    "interviews": "in an interview with Radio ",
    "two apostrophes": "'' x ",
    "names and commas": "Ann Lee, ",
}


def sizes() -> None:
    """Seconds to parse each hostile line at 100 KB and 1 MB."""
    gazetteer = Gazetteer.load([])
    print("| line | 100 KB s | 1 MB s |\n|---|---:|---:|")
    for name, unit in HOSTILE.items():
        seconds = []
        for size in (100_000, 1_000_000):
            line = unit * (size // len(unit))
            start = time.perf_counter()
            parse_line(line, "hostile.txt", 1, gazetteer)
            seconds.append(time.perf_counter() - start)
        print(f"| {name} | {seconds[0]:.2f} | {seconds[1]:.2f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT_FOLDER)
    parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")
    parser.add_argument("--errors", type=Path, help="Write the misses as JSON lines here.")
    parser.add_argument("--sizes", action="store_true", help="Time hostile long lines instead.")
    args = parser.parse_args()
    if args.sizes:
        sizes()
        return
    if not (args.folder / "gold.jsonl").is_file():
        sys.exit(f"No gold.jsonl in {args.folder}.")
    # The role of nominal sources is measured on the tuning part only (bench/articles.py).
    result = measure(args.folder, lambda article: part_of(article) == "tuning", "tuning")
    if args.errors:
        with open(args.errors, "w", encoding="utf-8") as handle:
            for row in result["rows"]:
                if row["cls"] in NAMED and not row["strict"]:
                    handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    if args.json:
        print(json.dumps(result["table"], indent=1))
    else:
        print(render(result["table"]))


if __name__ == "__main__":
    main()
