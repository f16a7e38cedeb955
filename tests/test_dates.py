from __future__ import annotations

from datetime import date, timedelta

import pytest

from qa.corpus.dates import (
    WEEKDAYS,
    Timeline,
    find_dates,
    find_relative_dates,
    resolve_relative,
    speech_relative_date,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("said on March 22.", [("March 22", 3, 22, None, None, None)]),
        ("on Feb. 18 in Paris", [("Feb. 18", 2, 18, None, None, None)]),
        ("developments on Dec. 28 - 29:", [("Dec. 28 - 29", 12, 28, 12, 29, None)]),
        ("between Oct. 30 – Nov. 2", [("Oct. 30 – Nov. 2", 10, 30, 11, 2, None)]),
        ("on Sept. 9, 2024 at noon", [("Sept. 9, 2024", 9, 9, None, None, 2024)]),
        ("on 14 July the talks", [("14 July", 7, 14, None, None, None)]),
        ("in May 2024 and on May 3", [("May 3", 5, 3, None, None, None)]),
        ("it may 5 times", []),
        ("February 30 is no date", []),
    ],
)
def test_find_dates(text, expected):
    got = [(d.text, d.month, d.day, d.end_month, d.end_day, d.year) for d in find_dates(text)]
    assert got == expected


def test_timeline_starts_after_the_longest_empty_stretch_across_new_year():
    assert Timeline.from_months([12, 1, 2, 3]).start_month == 12
    assert Timeline.from_months([5, 6, 7]).start_month == 1  # no New Year in it
    assert Timeline.from_months([11, 12, 1]).start_month == 11
    assert Timeline.from_months(list(range(1, 13))).start_month == 1
    assert Timeline.from_months([]).start_month == 1


def test_timeline_orders_across_new_year():
    timeline = Timeline(12)
    assert timeline.ordinal(12, 28) < timeline.ordinal(1, 2) < timeline.ordinal(3, 27)
    first, last = timeline.month_span(12, "end")
    assert timeline.ordinal(12, 21) == first and timeline.ordinal(12, 31) == last


# 2031-03-12 is a Wednesday.
@pytest.mark.parametrize(
    ("words", "published", "expected"),
    [
        ("Tuesday", date(2031, 3, 12), (2031, 3, 11, None, None)),
        ("Wednesday", date(2031, 3, 12), (2031, 3, 12, None, None)),  # the publication day
        ("Thursday", date(2031, 3, 12), (2031, 3, 6, None, None)),  # never after publication
        ("last Wednesday", date(2031, 3, 12), (2031, 3, 5, None, None)),
        ("Monday night", date(2031, 3, 12), (2031, 3, 10, None, None)),
        ("yesterday", date(2031, 3, 1), (2031, 2, 28, None, None)),
        ("last night", date(2031, 1, 1), (2030, 12, 31, None, None)),
        ("this morning", date(2031, 3, 12), (2031, 3, 12, None, None)),
        ("earlier today", date(2031, 3, 12), (2031, 3, 12, None, None)),
        ("last week", date(2031, 3, 12), (2031, 3, 3, 3, 9)),
        ("this week", date(2031, 3, 12), (2031, 3, 10, 3, 12)),
        ("Sunday", date(2031, 1, 1), (2030, 12, 29, None, None)),  # the year follows the date
    ],
)
def test_relative_dates_from_a_publication_date(words, published, expected):
    mention = resolve_relative(words, published)
    assert mention.text == words
    assert (
        mention.year,
        mention.month,
        mention.day,
        mention.end_month,
        mention.end_day,
    ) == expected


def test_weekday_arithmetic_over_a_whole_fortnight():
    for offset in range(14):
        published = date(2031, 3, 1) + timedelta(days=offset)
        for index, name in enumerate(WEEKDAYS):
            mention = resolve_relative(name.capitalize(), published)
            said = date(mention.year, mention.month, mention.day)
            assert said.weekday() == index
            assert 0 <= (published - said).days <= 6


def test_relative_words_are_found_as_written():
    found = find_relative_dates("Said Tuesday; in may; on monday; last week; yesterday morning")
    assert [f.text for f in found] == ["Tuesday", "last week", "yesterday morning"]


@pytest.mark.parametrize(
    ("passage", "cue", "words"),
    [
        ("Peter Albrecht said Tuesday that he would vote no.", "said", "Tuesday"),
        ("Albrecht told reporters on Monday that the vote was lost.", "told", "Monday"),
        ("Albrecht said in an interview last week that it was over.", "said", "last week"),
        ("Albrecht on Friday said the vote was lost.", "said", "Friday"),
        ("On Monday, Sen. Peter Albrecht said the vote was lost.", "said", "Monday"),
        # the date of what was said, not of the saying
        ("Albrecht said he would vote on Monday.", "said", None),
        ('"We meet Monday," Albrecht said.', "said", None),
        ("The vote was Monday, Albrecht said.", "said", None),
    ],
)
def test_the_speech_date_is_the_one_next_to_the_speech_verb(passage, cue, words):
    found = speech_relative_date(passage, cue)
    assert (found.text if found else None) == words


def test_a_date_without_a_year_falls_in_the_corpus_season():
    timeline = Timeline(12, season=2030)  # December 2030 to November 2031
    assert timeline.ordinal(12, 28) == timeline.ordinal(12, 28, 2030)
    assert timeline.ordinal(1, 5) == timeline.ordinal(1, 5, 2031)
    assert timeline.ordinal(12, 28, 2029) < timeline.ordinal(12, 28) < timeline.ordinal(1, 5)
    assert Timeline(12).ordinal(1, 5) == Timeline(12).ordinal(1, 5, None)  # no years at all
