"""What the statement records cost: parsing a corpus, and loading `statements.jsonl` into
memory as the ask path does (time and resident memory per statement).

    .venv/bin/python -m bench.records [--count 100000]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from bench.scale import rss_mib
from bench.synthetic import statements
from qa.corpus.loading import load_corpus
from qa.corpus.statements import Statement


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        corpus = Path(folder) / "synthetic.txt"
        corpus.write_text("\n".join(statements(args.count)) + "\n", encoding="utf-8")
        start = time.perf_counter()
        parsed = load_corpus([corpus])
        parse_s = time.perf_counter() - start
        records = Path(folder) / "statements.jsonl"
        with open(records, "w", encoding="utf-8") as handle:
            for s in parsed.statements:
                handle.write(json.dumps(s.to_json(), ensure_ascii=False) + "\n")
        del parsed
        before = rss_mib()
        start = time.perf_counter()
        loaded = [Statement.from_json(json.loads(line)) for line in open(records, encoding="utf-8")]
        load_s = time.perf_counter() - start
        grown = rss_mib() - before
        print(
            "| statements | parse s | parse /s | load statements.jsonl s | memory per statement |"
        )
        print("|---:|---:|---:|---:|---:|")
        print(
            f"| {len(loaded):,} | {parse_s:.1f} | {len(loaded) / parse_s:,.0f} | {load_s:.2f} | "
            f"{grown * 1024 / len(loaded):.2f} KiB |"
        )


if __name__ == "__main__":
    main()
