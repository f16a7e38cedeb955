from __future__ import annotations

import pytest

from qa.dates import Timeline, find_dates


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


def test_timeline_starts_after_the_longest_empty_stretch():
    assert Timeline.from_months([12, 1, 2, 3]).start_month == 12
    assert Timeline.from_months([5, 6, 7]).start_month == 5
    assert Timeline.from_months([]).start_month == 1


def test_timeline_orders_across_new_year():
    timeline = Timeline(12)
    assert timeline.ordinal(12, 28) < timeline.ordinal(1, 2) < timeline.ordinal(3, 27)
    first, last = timeline.month_span(12, "end")
    assert timeline.ordinal(12, 21) == first and timeline.ordinal(12, 31) == last
