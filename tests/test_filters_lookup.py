"""Filter trees over the embedded index's facts give the same rows however they are
evaluated: a few rows' date mentions looked up in the mention table or the whole table read,
a conjunction's first part taken from the cache, parts that match nothing or everything."""

import numpy as np
import pytest

from qa.corpus.dates import Timeline
from qa.corpus.gazetteer import Gazetteer
from qa.store.embedded.facts import MENTION_LOOKUP_COST, StatementFilter
from qa.store.where import EVERYTHING, NOTHING, And, AnyOf, MentionsDate, Not, Or, Overlaps

SIZE = 3000


@pytest.fixture(scope="module")
def facts():
    rng = np.random.default_rng(7)
    mention_rows = np.sort(rng.choice(SIZE, size=4 * SIZE, replace=True))
    lo = rng.integers(0, 120, size=len(mention_rows))
    said_lo = rng.integers(0, 120, size=SIZE)
    arrays = {
        "speaker_codes": rng.integers(0, 4, size=SIZE).astype(np.int32),
        "affiliation_codes": rng.integers(0, 3, size=SIZE).astype(np.int32),
        "role_codes": np.zeros(SIZE, dtype=np.int32),
        "place_codes": np.zeros(SIZE, dtype=np.int32),
        "attributed": rng.random(SIZE) < 0.5,
        "said_lo": said_lo,
        "said_hi": said_lo + rng.integers(0, 3, size=SIZE),
        "inferred_lo": np.full(SIZE, 10**9),
        "inferred_hi": np.full(SIZE, -(10**9)),
        "mention_rows": mention_rows,
        "mention_lo": lo,
        "mention_hi": lo + rng.integers(0, 5, size=len(lo)),
    }
    vocabularies = {"speakers": ["", "A", "B", "C"], "affiliations": ["", "X", "Y"],
                    "roles": [""], "places": [""]}  # fmt: skip
    return arrays, vocabularies


def fresh(facts) -> StatementFilter:
    arrays, vocabularies = facts
    return StatementFilter(arrays, vocabularies, Gazetteer.load([]), Timeline(1, None))


def mentioning(arrays, low, high) -> set[int]:
    inside = (arrays["mention_hi"] >= low) & (arrays["mention_lo"] <= high)
    return set(arrays["mention_rows"][inside].tolist())


@pytest.mark.parametrize("count", [1, 5, 40, SIZE // 2, SIZE])
def test_date_mentions_of_some_rows_looked_up_or_read_through(facts, count):
    arrays, _ = facts
    table = fresh(facts)
    among = np.sort(np.random.default_rng(count).choice(SIZE, size=count, replace=False))
    assert (count * MENTION_LOOKUP_COST < len(arrays["mention_rows"])) == (count <= 40)
    for low, high in [(0, 0), (10, 20), (50, 50), (119, 200), (-5, -1)]:
        expected = sorted(mentioning(arrays, low, high) & set(among.tolist()))
        assert table.ids(MentionsDate(low, high), among=among).tolist() == expected
        assert table.ids(MentionsDate(low, high)).tolist() == sorted(mentioning(arrays, low, high))


def test_a_conjunction_is_the_same_whether_its_parts_were_evaluated_first(facts):
    arrays, _ = facts
    speaker = AnyOf("speaker", ("A",))
    dated = Or((Overlaps("said_lo", "said_hi", 30, 60), MentionsDate(30, 60)))
    expected = [
        i for i in range(SIZE)
        if arrays["speaker_codes"][i] == 1
        and ((arrays["said_hi"][i] >= 30 and arrays["said_lo"][i] <= 60)
             or i in mentioning(arrays, 30, 60))
    ]  # fmt: skip
    cold = fresh(facts)
    assert cold.ids(And((speaker, dated))).tolist() == expected
    warm = fresh(facts)
    warm.ids(speaker)
    warm.ids(dated)
    assert warm.ids(And((speaker, dated))).tolist() == expected
    assert warm.ids(And((dated, speaker))).tolist() == expected


def test_parts_matching_nothing_or_everything(facts):
    table = fresh(facts)
    speaker = AnyOf("speaker", ("B",))
    rows = table.ids(speaker).tolist()
    assert rows and len(rows) < SIZE
    assert table.ids(And((speaker, Not(NOTHING)))).tolist() == rows
    assert table.ids(Or((NOTHING, speaker, AnyOf("speaker", ("Z",))))).tolist() == rows
    assert table.ids(Not(NOTHING)).tolist() == list(range(SIZE))
    assert table.ids(Not(EVERYTHING)).tolist() == []
    among = np.array([0, 5, 17, 2999])
    assert table.ids(Not(NOTHING), among=among).tolist() == among.tolist()
    assert table.ids(And((Not(speaker), speaker))).tolist() == []


def test_an_owned_role_prefers_the_titles_that_name_the_owner():
    from qa.answer.filters import owned_where
    from qa.question.roles import RoleFilter
    from qa.store.where import AnyOf

    vocabularies = {
        "roles": ["hillary clinton campaign manager", "trump campaign manager",
                  "republican national committee research director", "research director", ""],
        "affiliations": [""],
    }  # fmt: skip
    manager = RoleFilter(("manager",), None, "Clinton's campaign manager", sure=False,
                         owner="Clinton")  # fmt: skip
    assert owned_where(manager, vocabularies) == AnyOf(
        "role", ("hillary clinton campaign manager",)
    )
    director = RoleFilter(("director",), None, "the RNC's research director", sure=False,
                          owner="RNC")  # fmt: skip
    assert owned_where(director, vocabularies) == AnyOf(
        "role", ("republican national committee research director",)
    )
