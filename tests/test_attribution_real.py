"""Attribution on real news: the parser against human-annotated sources (PolNeAR dev split,
kept outside the repository in ../shared/real/polnear-dev; skipped when it is absent).

Every line is parsed on its own ("lines mode") and scored by the folder's own scorer. The
bars are the targets of the attribution work: a wrong name is worse than none, so precision
has its own bar.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.corpus.measure import measure

FOLDER = Path(__file__).resolve().parent.parent.parent / "shared" / "real" / "polnear-dev"

pytestmark = pytest.mark.skipif(
    not (FOLDER / "gold.jsonl").is_file(), reason="../shared/real/polnear-dev is not here"
)


@pytest.fixture(scope="module")
def figures():
    return measure(FOLDER)


def test_named_speakers_are_found(figures):
    named = figures["scorer"]["named_all"]
    assert named["strict_pct"] >= 85.0, named


def test_say_family_speakers_are_found(figures):
    say = figures["scorer"]["named_say_family"]
    assert say["strict_pct"] >= 92.0, say


def test_a_named_speaker_is_rarely_wrong(figures):
    named = figures["scorer"]["named_all"]
    assert named["precision_strict_pct"] >= 93.0, named


def test_the_class_table_agrees_with_the_scorer(figures):
    assert figures["table"]["named"]["strict_pct"] == figures["scorer"]["named_all"]["strict_pct"]
    assert (
        figures["table"]["named, say-family cue"]["strict_pct"]
        == figures["scorer"]["named_say_family"]["strict_pct"]
    )


def test_unnamed_sources_get_no_name_from_elsewhere_in_the_line(figures):
    # In lines mode nothing is resolved: a pronoun source rarely gets someone else's name.
    assert figures["table"]["pronoun"]["speaker_given_pct"] <= 3.0
    assert figures["table"]["pronoun"]["source_mention_pct"] >= 75.0
