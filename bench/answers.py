"""Every evaluation question through `qa ask --json`, one JSON line each, so that two versions
of the product can be compared byte for byte (`cmp before.jsonl after.jsonl`).

    .venv/bin/python -m bench.answers --index-dir /tmp/qa-index --out answers.jsonl

The questions of evals/questions.toml and evals/heldout.toml are asked in one process through
the CLI's own code (typer's test runner), each with a freshly loaded engine.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from typer.testing import CliRunner

from qa.cli import app
from qa.evaluation.questions import default_questions_path, load_questions


def questions() -> list[str]:
    folder = default_questions_path().parent
    asked = []
    for name in ("questions.toml", "heldout.toml"):
        if (folder / name).is_file():
            asked.extend(q.question for q in load_questions(folder / name))
    return asked


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--index-dir", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    runner = CliRunner()
    lines = []
    for question in questions():
        done = runner.invoke(app, ["ask", question, "--json", "--index-dir", str(args.index_dir)])
        lines.append(f"{done.exit_code}\t{done.stdout.strip()}")
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} answers written to {args.out}")


if __name__ == "__main__":
    main()
