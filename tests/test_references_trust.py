"""References are resolved only when the text settles them: a wrong name is worse than none.
Every article here is invented; the last test reads the real news folder (skipped without it)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from qa.corpus.articles import Article, article_statements
from qa.corpus.gazetteer import Gazetteer


def _speakers(body: str) -> list[tuple[str | None, str | None, str | None]]:
    """(speaker, how it was found, the source's own words) of every statement."""
    article = Article("Headline of the day\n\n" + body, "made.txt")
    return [
        (s.speaker, s.speaker_from, s.source_mention)
        for s in article_statements(article, Gazetteer.load([]))
    ]


def _last(body: str):
    return _speakers(body)[-1]


def test_the_person_written_to_is_not_who_wrote():
    body = (
        "Mayor Tom Reyes answered the council on Monday.\n\n"
        "In a letter sent to Mary Quinlan, she wrote that the budget was late."
    )
    speaker, found, mention = _last(body)
    assert speaker != "Mary Quinlan"
    assert speaker is None and mention == "she"


def test_the_person_told_is_not_the_next_speaker():
    body = (
        'Helen Okafor met the board on Friday. "We will see," Okafor told Tom Reyes.\n\n'
        '"The vote comes first," she said.'
    )
    assert _last(body)[:2] == ("Helen Okafor", "resolved")


def test_a_name_in_the_same_sentence_comes_before_the_sentence_before():
    body = (
        "Peter Albrecht spoke first at the meeting.\n\n"
        "When Anna Lindqvist took the floor, she said the plan would cost too much."
    )
    assert _last(body)[:2] == ("Anna Lindqvist", "resolved")


def test_she_is_never_a_known_mans_name():
    body = 'Peter Albrecht opened the session on Monday.\n\n"We have no money left," she said.'
    assert _last(body)[0] is None


def test_he_is_never_a_known_womans_name_even_after_her_husband_is_mentioned():
    body = 'Mrs. Quinlan said her husband would not run again.\n\n"The race is over," he said.'
    assert _last(body)[0] is None


def test_a_surname_alone_takes_the_last_speaker_of_that_surname():
    body = (
        'Jon Berg, the treasurer, said the accounts were closed. "We are done," Jon Berg said.\n\n'
        "His brother Tomas Berg runs the harbor office.\n\n"
        "Berg added that the audit would follow in May."
    )
    assert _last(body)[:2] == ("Jon Berg", "resolved")


def test_an_unnamed_source_is_never_given_a_name():
    body = (
        'Senator Mary Quinlan said the bridge would open in June. "We are ready," she said.\n\n'
        "A spokesman said the date could still change."
    )
    speaker, _found, mention = _last(body)
    assert speaker is None and mention


def test_the_pronoun_after_an_unnamed_source_stays_unresolved():
    body = (
        "Senator Mary Quinlan said the bridge would open in June.\n\n"
        "An aide to the senator said the date could change.\n\n"
        '"Nothing is certain," she said.'
    )
    assert _last(body)[0] is None


def test_an_aide_for_someone_is_not_that_person():
    body = (
        "Mary Quinlan's spokeswoman said the senator would not attend.\n\n"
        "Mary Quinlan's family has asked the city for the report."
    )
    for speaker, _found, _mention in _speakers(body):
        assert speaker != "Mary Quinlan"


def test_the_source_is_never_the_person_named_before():
    body = (
        "Mary Quinlan left the hospital on Sunday, a source said.\n\n"
        "The senator had refused an escort, the source added."
    )
    assert _last(body)[0] is None


def test_two_readings_in_one_sentence_leave_the_pronoun_unresolved():
    body = 'Anna Lindqvist and Helen Okafor left the hall together.\n\n"It went well," she said.'
    assert _last(body)[0] is None


def test_one_reading_is_still_resolved():
    body = 'Mary Quinlan opened the debate.\n\n"We will win this," she said.'
    assert _last(body)[:2] == ("Mary Quinlan", "resolved")


ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT.parent / "shared" / "real" / "polnear-dev"


@pytest.mark.skipif(not (REAL / "gold.jsonl").is_file(), reason="real news folder not present")
def test_wrong_pronoun_resolutions_on_the_tuning_part_stay_few():
    """On the tuning part, as measured: 6 of 63 pronouns resolved that have an automatic
    coreference name differ from it (9.5 %); each of the 6 was checked by hand and is an error
    of that name, not of the resolver. Pronouns right against it: 71.2 %. At most 4 nominal
    sources resolved; named precision stays at 99 %."""
    spec = importlib.util.spec_from_file_location("bench_articles", ROOT / "bench" / "articles.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    result = bench.measure(REAL, "tuning")
    pronoun = result["pronoun"]
    assert pronoun["wrong"] <= 6 and pronoun["wrong_among_resolved_pct"] <= 9.5
    assert pronoun["right_pct"] >= 71
    assert result["nominal"]["resolved"] <= 4
    assert result["named"]["precision_pct"] >= 99
