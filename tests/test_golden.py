"""Every seed line's record, checked by hand once, compared exactly."""

from __future__ import annotations

import json
from pathlib import Path

from qa.corpus.loading import load_corpus

GOLDEN = Path(__file__).parent / "golden" / "seeds.jsonl"


def test_every_seed_record_matches_the_golden_file():
    expected = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines()]
    actual = [s.to_json() for s in load_corpus().statements]
    assert len(actual) == len(expected) == 39
    for want, got in zip(expected, actual):
        assert got == want, f"record for {want['source']} differs"


def test_golden_passages_are_verbatim_lines_of_the_seeds():
    seeds = Path(__file__).resolve().parent.parent / "seeds"
    lines = (seeds / "000_8e297ec4f5d0d494.txt").read_text(encoding="utf-8").split("\n")
    for record in map(json.loads, GOLDEN.read_text(encoding="utf-8").splitlines()):
        for source in record["sources"]:
            number = int(source.rsplit(":", 1)[1])
            assert lines[number - 1] == record["text"]
        assert (record["part"] or record["text"]) in record["text"]
        assert all(q in record["text"] for q in record["quotes"])
