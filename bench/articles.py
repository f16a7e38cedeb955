"""Article mode on real news: every article of a folder read as a corpus of whole articles (its
publication date from the file name, given through the meta file mechanism in a temporary
folder that links to the texts), each statement checked verbatim against its article, and the
speakers scored against the human-annotated lines of `gold.jsonl`.

    .venv/bin/python -m bench.articles [FOLDER] [--part tuning|held-aside|all]
    (default ../shared/real/polnear-dev, all articles)

The articles are split once into two fixed parts by the name: an article whose name (without
".txt") has a sha256 hex digest starting with 0-4 is held aside (25 of the 84 dev articles), the
others are the tuning part. Rules are fitted on the tuning part only; the held-aside part is
measured rarely and reported separately.

Scoring follows the folder's SOURCE.md: a speaker is right when, lower-cased and without
honorifics, possessive 's and parentheses, it equals `gold_speaker` (strict); a pronoun source
is right when the resolved name is the name `silver_resolved` gives, or one of the two is the
other's surname alone (the scorer's lenient figure, surname contained, is given beside it). A
gold line is matched to the statement whose passage holds the gold line's source words (else the
one that overlaps it most); a line that no statement covers counts as no speaker. Pronouns:
wrong among resolved is a resolved name that is not the silver name, over the resolved lines
that have one. Nominal sources: a name given that is not the source's own words counts ("the source"
given a name written earlier, "Scott's family" given "Scott"); the unnamed ones (not "the ...":
"a spokesman", "officials") must get none.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import tempfile
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from qa.corpus.dates import WEEKDAYS, find_relative_dates
from qa.corpus.loading import load_corpus

DEFAULT = Path(__file__).resolve().parent.parent.parent / "shared" / "real" / "polnear-dev"
NAMED = ("person", "org", "propn")
HONORIFICS = set(
    "mr mrs ms miss dr sen senator rep representative gov governor gen general lt col sgt capt "
    "rev prof president vice former the judge justice mayor secretary chairman chairwoman state "
    "sir dame lord".split()
)
_SOURCE = re.compile(r"^(?P<file>.+):p(?P<paragraph>\d+):(?P<start>\d+)-(?P<end>\d+)$")
_DATED_NAME = re.compile(r"_(\d{4}-\d{2}-\d{2})_")
PARTS = ("tuning", "held-aside", "all")


def part_of(article: str) -> str:
    """The fixed part an article belongs to, from its name without ".txt"."""
    held = hashlib.sha256(article.encode("utf-8")).hexdigest()[0] in "01234"
    return "held-aside" if held else "tuning"


def in_part(article: str, part: str) -> bool:
    return part == "all" or part_of(article) == part


def norm(name: str | None) -> str:
    if not name:
        return ""
    text = name.replace("\u2019", "'").lower()
    text = re.sub(r"'s\b|'$", "", text)
    text = re.sub(r"\([^)]*\)", " ", text)
    tokens = re.sub(r"[^\w\s-]", " ", text).split()
    while tokens and tokens[0] in HONORIFICS:
        tokens = tokens[1:]
    return " ".join(tokens)


def surname(name: str | None) -> str:
    tokens = norm(name).split()
    return tokens[-1] if tokens else ""


def load_articles(folder: Path, part: str = "all"):
    """The corpus of every article of a part in `folder/articles`, read in article mode."""
    texts = [p for p in sorted((folder / "articles").glob("*.txt")) if in_part(p.stem, part)]
    with tempfile.TemporaryDirectory() as temp:
        links = []
        for path in texts:
            link = Path(temp) / path.name
            link.symlink_to(path.resolve())
            published = _DATED_NAME.search(path.name).group(1)
            meta = link.with_name(link.name + ".meta.toml")
            meta.write_text(f'kind = "article"\npublished = {published}\n', encoding="utf-8")
            links.append(link)
        start = time.perf_counter()
        corpus = load_corpus(links)
        seconds = time.perf_counter() - start
    return texts, corpus, seconds


def _located(statements, texts):
    """(article name, start, end, statement) for every source of every statement, checking
    that each passage is the article's text at its offsets."""
    articles = {p.name: p.read_text(encoding="utf-8-sig").replace("\r\n", "\n") for p in texts}
    located, not_verbatim = [], 0
    for statement in statements:
        for source in statement.sources:
            m = _SOURCE.match(source)
            start, end = int(m.group("start")), int(m.group("end"))
            if articles[m.group("file")][start:end] != statement.passage:
                not_verbatim += 1
            located.append((m.group("file")[:-4], start, end, statement))
    return articles, located, not_verbatim


def _gold_span(article: str, text: str) -> tuple[int, int] | None:
    """Where a whitespace-collapsed gold line lies in the article text."""
    pattern = r"\s+".join(re.escape(word) for word in text.split())
    m = re.search(pattern, article)
    return (m.start(), m.end()) if m else None


def _match(gold, articles, by_article):
    article = articles[gold["article"] + ".txt"]
    span = _gold_span(article, gold["text"])
    if span is None:
        return None, False
    within = gold["text"].find(gold["source_span"])
    anchor = span[0] + len(" ".join(gold["text"][:within].split())) if within >= 0 else None
    candidates = [
        c for c in by_article.get(gold["article"], []) if c[0] < span[1] and c[1] > span[0]
    ]
    if anchor is not None:
        holding = [c for c in candidates if c[0] <= anchor < c[1]]
        if holding:
            return holding[0][2], True
    if not candidates:
        return None, True
    best = max(candidates, key=lambda c: min(c[1], span[1]) - max(c[0], span[0]))
    return best[2], True


def _same_person(predicted: str, expected: str) -> bool:
    """The same name, or one of the two is the other's surname alone ("Obama")."""
    a, b = norm(predicted).split(), norm(expected).split()
    return bool(a and b) and (a == b or (len(a) == 1 or len(b) == 1) and a[-1] == b[-1])


def _written_as(speaker: str, span: str) -> bool:
    """Whether the source span is the speaker's own name (not "Scott's family" for "Scott")."""
    pattern = r"\b" + r"\s+".join(map(re.escape, speaker.split())) + r"\b(?![’']s)"
    return re.search(pattern, span) is not None


def _named_right(predicted, gold) -> bool:
    return predicted.speaker is not None and norm(predicted.speaker) == norm(gold["gold_speaker"])


def measure(folder: Path = DEFAULT, part: str = "all") -> dict:
    texts, corpus, seconds = load_articles(folder, part)
    articles, located, not_verbatim = _located(corpus.statements, texts)
    by_article: dict[str, list] = {}
    for name, start, end, statement in located:
        by_article.setdefault(name, []).append((start, end, statement))
    gold = [json.loads(line) for line in (folder / "gold.jsonl").read_text().splitlines()]
    gold = [item for item in gold if in_part(item["article"], part)]
    counts: Counter = Counter()
    for item in gold:
        statement, found = _match(item, articles, by_article)
        counts["gold_found_in_article"] += found
        counts["covered"] += statement is not None
        cls = item["source_class"]
        speaker = statement.speaker if statement else None
        resolved = statement is not None and statement.speaker_from == "resolved"
        if cls in NAMED:
            counts["named_n"] += 1
            counts["named_null"] += speaker is None
            right = statement is not None and _named_right(statement, item)
            # A surname resolved to the full name written earlier ("Quinlan" -> "Mary Quinlan").
            gold_words = norm(item["gold_speaker"]).split()
            if not right and resolved and len(gold_words) == 1:
                right = surname(speaker) == gold_words[0]
                counts["named_right_by_surname_resolution"] += right
            counts["named_strict"] += right
            counts["named_resolved"] += resolved
        elif cls == "pronoun":
            counts["pronoun_n"] += 1
            counts["pronoun_resolved"] += resolved
            if item.get("silver_resolved"):
                counts["pronoun_silver_n"] += 1
                counts["pronoun_silver_resolved"] += resolved
                silver = item["silver_resolved"]
                same = resolved and _same_person(speaker, silver)
                counts["pronoun_silver_right"] += same
                counts["pronoun_silver_wrong"] += resolved and not same
                counts["pronoun_silver_lenient"] += (
                    resolved and surname(silver) in norm(speaker).split()
                )
        else:
            counts["nominal_n"] += 1
            counts["nominal_resolved"] += resolved
            # A name not written as the source itself ("a spokesman" given someone named
            # before, "Scott's family" given "Scott"); "the senator" may stand for a name.
            unnamed = not re.match(r"(?i)the\b", item["source_span"].strip())
            other = speaker is not None and not _written_as(speaker, item["source_span"])
            counts["nominal_unnamed_n"] += unnamed
            counts["nominal_unnamed_named"] += unnamed and other
            counts["nominal_named"] += other
    weekdays = _weekday_check(corpus.statements)

    def pct(a, b):
        return round(100.0 * a / b, 1) if b else None

    return {
        "part": part,
        "articles": len(texts),
        "articles_with_statements": len(by_article),
        "statements": len(corpus.statements),
        "not_verbatim": not_verbatim,
        "ingest_seconds": round(seconds, 2),
        "gold_lines": len(gold),
        "gold_found_in_article": counts["gold_found_in_article"],
        "gold_covered_by_a_statement": counts["covered"],
        "named": {
            "n": counts["named_n"],
            "strict_pct": pct(counts["named_strict"], counts["named_n"]),
            "null_pct": pct(counts["named_null"], counts["named_n"]),
            "precision_pct": pct(counts["named_strict"], counts["named_n"] - counts["named_null"]),
            "resolved": counts["named_resolved"],
            "right_by_surname_resolution": counts["named_right_by_surname_resolution"],
        },
        "pronoun": {
            "n": counts["pronoun_n"],
            "resolved": counts["pronoun_resolved"],
            "with_silver": counts["pronoun_silver_n"],
            "right_pct": pct(counts["pronoun_silver_right"], counts["pronoun_silver_n"]),
            "right_lenient_pct": pct(counts["pronoun_silver_lenient"], counts["pronoun_silver_n"]),
            "precision_pct": pct(counts["pronoun_silver_right"], counts["pronoun_silver_resolved"]),
            "wrong": counts["pronoun_silver_wrong"],
            "wrong_among_resolved_pct": pct(
                counts["pronoun_silver_wrong"], counts["pronoun_silver_resolved"]
            ),
            "right_of_all_pct": pct(counts["pronoun_silver_right"], counts["pronoun_n"]),
        },
        "nominal": {
            "n": counts["nominal_n"],
            "resolved": counts["nominal_resolved"],
            "given_another_name": counts["nominal_named"],
            "unnamed_n": counts["nominal_unnamed_n"],
            "unnamed_given_a_name": counts["nominal_unnamed_named"],
        },
        "relative_dates": weekdays,
    }


def _weekday_check(statements) -> dict:
    """Every date computed from a publication date. Relative words: a weekday must fall on that
    weekday within the six days up to the publication day, a week or "yesterday" within the
    fortnight before it. A written date given its year: on or before the publication day,
    within a year of it."""
    counts: Counter = Counter()
    for statement in statements:
        said = statement.said_on
        if not said or not said.relative_to:
            continue
        published = date.fromisoformat(said.relative_to)
        day = date(said.year, said.month, said.day)
        words = said.text.lower()
        if not find_relative_dates(said.text):
            counts["written"] += 1
            counts["written_consistent"] += published - timedelta(days=366) < day <= published
            continue
        counts["computed"] += 1
        named = next((i for i, name in enumerate(WEEKDAYS) if name in words), None)
        if named is not None:
            back = 7 if words.startswith("last ") else 6
            ok = day.weekday() == named and published - timedelta(days=back) <= day <= published
        else:
            ok = published - timedelta(days=14) <= day <= published
        counts["consistent"] += ok
    return {key: counts[key] for key in ("computed", "consistent", "written", "written_consistent")}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.articles", description=__doc__)
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--part", choices=PARTS, default="all")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    print(json.dumps(measure(args.folder, args.part), indent=1))


if __name__ == "__main__":
    main()
