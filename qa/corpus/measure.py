"""Attribution measured on annotated news: every line of a folder laid out like
`../shared/real/polnear-dev/` (`statements.txt`, one attribution a line; `gold.jsonl`, the
annotation; `score_statements.py`, its scorer) is parsed on its own ("lines mode": nothing is
carried from one line to the next, no people file), and the folder's own scorer judges the
records. The class table groups the scorer's per-line verdicts.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from qa.corpus.gazetteer import Gazetteer
from qa.corpus.parser import parse_line

# The scorer's "say family": a cue holding one of these words.
SAY_FAMILY = set(
    "say says said saying tell tells told telling add adds added adding write writes wrote "
    "writing".split()
)
NAMED = ("person", "org", "propn")


def parse_lines(statements_file: Path) -> list[dict]:
    """Every line parsed on its own, as `qa statements --json` would print it."""
    gazetteer = Gazetteer.load([])
    records = []
    lines = statements_file.read_text(encoding="utf-8").split("\n")
    for number, line in enumerate(lines, start=1):
        for statement in parse_line(line, statements_file.name, number, gazetteer):
            records.append(statement.to_json())
    return records


def score(folder: Path, records: list[dict]) -> tuple[dict, list[dict]]:
    """The folder's scorer run on these records: its figures and its per-line rows."""
    with tempfile.TemporaryDirectory() as scratch:
        predictions = Path(scratch) / "records.jsonl"
        with open(predictions, "w", encoding="utf-8") as handle:
            for record in records:
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        prefix = Path(scratch) / "score"
        subprocess.run(
            [sys.executable, str(folder / "score_statements.py"), str(folder / "gold.jsonl"),
             str(predictions), str(prefix)],
            check=True,
            capture_output=True,
        )  # fmt: skip
        metrics = json.loads(Path(f"{prefix}_metrics.json").read_text(encoding="utf-8"))
        rows = [json.loads(line) for line in open(f"{prefix}_rows.jsonl", encoding="utf-8")]
    return metrics, rows


def _say_family(cue: str) -> bool:
    return bool({w.lower().strip(":,") for w in cue.split()} & SAY_FAMILY)


def _pct(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def _named_row(rows: list[dict]) -> dict:
    n = len(rows)
    given = sum(r["pred"] is not None for r in rows)
    strict = sum(bool(r["strict"]) for r in rows)
    return {
        "n": n,
        "strict_pct": _pct(strict, n),
        "lenient_pct": _pct(sum(bool(r["lenient"]) for r in rows), n),
        "null_pct": _pct(n - given, n),
        "precision_pct": _pct(strict, given),
    }


def table(rows: list[dict], records: list[dict]) -> dict[str, dict]:
    """Figures by class: named sources (all, by cue, by kind), pronoun and nominal sources."""
    named = [r for r in rows if r["cls"] in NAMED]
    out = {
        "named": _named_row(named),
        "named, say-family cue": _named_row([r for r in named if _say_family(r["gold_cue"])]),
        "named, other cue": _named_row([r for r in named if not _say_family(r["gold_cue"])]),
    }
    for kind in ("quote", "mixed", "paraphrase"):
        out[f"named, {kind}"] = _named_row([r for r in named if r["gold_kind"] == kind])
    first = {}
    for record in records:
        first.setdefault(int(record["source"].rsplit(":", 1)[1]), record)
    for cls in ("pronoun", "nominal"):
        chosen = [r for r in rows if r["cls"] == cls]
        n = len(chosen)
        given = sum(r["pred"] is not None for r in chosen)
        mention = sum(bool(first.get(r["line"], {}).get("source_mention")) for r in chosen)
        out[cls] = {
            "n": n,
            "null_pct": _pct(n - given, n),
            "speaker_given_pct": _pct(given, n),
            "source_mention_pct": _pct(mention, n),
        }
    return out


def nominal_roles(folder: Path, records: list[dict], keep: Callable[[str], bool]) -> dict:
    """Of the annotated nominal sources with a head word ("a spokeswoman for ...":
    "spokeswoman") on lines of the articles `keep` accepts, the share whose record's role
    holds that word: what a question asking for the role can find."""
    first: dict[int, dict] = {}
    for record in records:
        first.setdefault(int(record["source"].rsplit(":", 1)[1]), record)
    n = held = 0
    for line in open(folder / "gold.jsonl", encoding="utf-8"):
        gold = json.loads(line)
        if gold["source_class"] != "nominal" or not gold.get("head_word"):
            continue
        if not keep(gold["article"]):
            continue
        n += 1
        role = first.get(gold["line"], {}).get("role") or ""
        held += gold["head_word"].lower() in role.lower()
    return {"n": n, "role_pct": _pct(held, n)}


def measure(folder: Path, keep: Callable[[str], bool] | None = None, part: str = "all") -> dict:
    """Parse and score the folder: the class table and the scorer's own figures. The role of
    nominal sources is measured on the articles `keep` accepts (all when None), named `part`."""
    records = parse_lines(folder / "statements.txt")
    metrics, rows = score(folder, records)
    figures = table(rows, records)
    roles = nominal_roles(folder, records, keep or (lambda _article: True))
    figures["nominal"].update(role_n=roles["n"], role_pct=roles["role_pct"], role_part=part)
    return {"table": figures, "scorer": metrics, "rows": rows}


def render(figures: dict[str, dict]) -> str:
    """The class table as Markdown."""
    lines = [
        "| source class | n | strict % | lenient % | no speaker % | precision % |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, row in figures.items():
        if "strict_pct" in row:
            cells = [row["strict_pct"], row["lenient_pct"], row["null_pct"], row["precision_pct"]]
        else:
            cells = ["–", "–", row["null_pct"], "–"]
        lines.append(f"| {name} | {row['n']} | " + " | ".join(map(str, cells)) + " |")
    for cls in ("pronoun", "nominal"):
        row = figures[cls]
        lines.append(
            f"\n{cls} sources: speaker given on {row['speaker_given_pct']} %, "
            f"their words kept as source_mention on {row['source_mention_pct']} %."
        )
    nominal = figures["nominal"]
    if "role_pct" in nominal:
        lines.append(
            f"\nnominal sources with a head word ({nominal['role_part']} articles, "
            f"n={nominal['role_n']}): the record's role holds it on {nominal['role_pct']} %."
        )
    return "\n".join(lines)
