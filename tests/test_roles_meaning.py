"""Roles in the user's own words, matched to the corpus's titles by meaning: a preference that
ranks, shown on the Understood line, never a filter and never a refusal by itself; roles the
lexicon reads as a title the corpus has still filter. Real model, bundled seeds."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import write

from qa.answer.compose import answer, understand
from qa.answer.engine import Engine
from qa.answer.filters import plan
from qa.answer.preference import preferred_rows_first
from qa.present.formats import understood_label
from qa.settings import Settings
from qa.store.where import EVERYTHING, NOTHING


def _engine_over(tmp_path, name: str, text: str) -> Engine:
    """An engine over one invented corpus file."""
    corpus = write(tmp_path / name, text)
    return Engine(Settings(corpus=(corpus,), index_dir=tmp_path / "index"))


def _speakers(result) -> list[str | None]:
    return [p.speaker for p in result.passages]


def test_alliance_chief_is_read_by_meaning_and_shown(real_engine):
    result = answer(real_engine, "What did the alliance chief post on X?")
    (role,) = result.understood.roles
    assert not role.sure
    assert role.titles == ("nato secretary general",)
    assert "alliance chief" in role.label
    label = understood_label(result)
    assert "role (preferred): nato secretary general (read from 'the alliance chief')" in label
    assert "chief" not in result.understood.topic  # the role's words are not the topic
    assert result.answered and _speakers(result)[0] == "Mark Rutte"
    assert "role" in result.passages[0].matched_by
    json_role = result.to_json()["understood"]["roles"][0]
    assert json_role["sure"] is False and json_role["titles"] == ["nato secretary general"]


def test_a_preference_ranks_first_and_removes_nothing(real_engine):
    question = "What did the press chief say about the minerals deal?"
    result = answer(real_engine, question, top_k=10)
    (role,) = result.understood.roles
    assert not role.sure and role.titles == ("white house press secretary",)
    assert result.answered
    assert result.passages[0].speaker == "Karoline Leavitt"
    # Others who spoke to the topic are still there, after the preferred title's statements.
    others = [p for p in result.passages if p.role != "White House Press Secretary"]
    assert others
    first_other = result.passages.index(others[0])
    assert all("role" not in p.matched_by for p in result.passages[first_other:])
    # The plan filters nothing for it: the preferred titles are a ranking, not a tree.
    allowed = plan(result.understood, real_engine.store, real_engine.gazetteer)
    assert allowed.where == EVERYTHING and allowed.note is None
    assert allowed.prefer != NOTHING


def test_a_listing_puts_the_preferred_role_first(real_engine):
    understood = understand(real_engine, "What did the press chief say?")
    allowed = plan(understood, real_engine.store, real_engine.gazetteer)
    store = real_engine.store
    order = np.asarray(store.ids(allowed.where), dtype=np.int64)[::-1]
    first = preferred_rows_first(understood, order, store, allowed.why)
    assert sorted(first.tolist()) == sorted(order.tolist())
    roles = [s.role for s in store.statements(first.tolist())]
    preferred = [r == "White House Press Secretary" for r in roles]
    assert preferred[0] and not preferred[-1]
    assert preferred == sorted(preferred, reverse=True)


def test_a_role_the_corpus_does_not_have_still_abstains(real_engine):
    result = answer(real_engine, "What did the Japanese emperor say?")
    assert not result.answered
    assert all(role.sure for role in result.understood.roles)
    assert "preferred" not in understood_label(result)


def test_a_place_read_with_a_role_still_filters(real_engine):
    # No German speaker: the chancellor is not read as some other title of the corpus, and
    # the place asked for is no preference.
    result = answer(real_engine, "What did Germany's chancellor say about Ukraine?")
    assert not result.answered and result.reason == "role"


def test_a_role_the_lexicon_reads_filters_as_before(real_engine):
    result = answer(real_engine, "What did Canada's foreign minister say?")
    (role,) = result.understood.roles
    assert role.sure and role.titles == ()
    assert result.answered
    assert {p.speaker for p in result.passages} == {"Melanie Joly"}
    assert understood_label(result).startswith("role: Canada's foreign minister")


def test_italian_premier_at_the_brussels_summit_reads_a_sure_role(real_engine):
    result = answer(real_engine, "What did the Italian premier say at the Brussels EU summit?")
    (role,) = result.understood.roles
    assert role.sure and role.place == "Italy"
    shown = result.passages or result.closest
    meloni = [p for p in shown if p.speaker == "Giorgia Meloni"]
    assert any("sidelines of the EU leaders' meeting in Brussels" in p.text for p in meloni)


@pytest.mark.parametrize(
    ("phrase", "title"),
    [
        ("the alliance chief", "nato secretary general"),
        ("a senior envoy", "senior diplomat"),
        ("the press chief", "white house press secretary"),
        ("White House spokeswoman", "white house press secretary"),
        ("the Japanese emperor", None),
        ("opposition leader", None),
        ("the army chief", None),
        ("Ukraine's first lady", None),
    ],
)
def test_the_threshold_reads_titles_and_not_other_offices(real_engine, phrase, title):
    from qa.question.role_phrases import RolePhrases

    reader = real_engine.reader
    found = reader.role_meanings.closest(RolePhrases(reader).variants(phrase))
    assert found == ((title,) if title else ())


TOLL = """\
Anna Kowal, the finance minister of France, a founding member of the toll union, said on March 2 that the bridge toll will be cut next year.
Piet Maas, a trade minister who left office in May, said on March 3 that ferry fares will rise.
The harbor master said on March 4 that the new pier opens in June.
"""


def test_a_role_no_record_holds_answers_from_the_text_that_names_it(tmp_path):
    # The record misses the role its own text gives ("the finance minister of France" after
    # the name): the statement that names the role and answers is shown, the reply saying no
    # statement is attributed to it; one that names no such role is never shown for it.
    engine = _engine_over(tmp_path, "toll.txt", TOLL)
    result = answer(engine, "What did France's finance minister say about the bridge toll?")
    assert result.answered
    assert [p.source for p in result.passages][:1] == ["toll.txt:1"]
    assert result.note == (
        "No statement in the corpus is attributed to France's finance minister; these name "
        "the role in their text and answer the rest."
    )
    other = answer(engine, "What did France's finance minister say about ferry fares?")
    assert not other.answered and other.reason == "role"
    assert other.note == "No statement by France's finance minister in the corpus."


HARBOR = """\
The finance minister said on March 4 that the new pier opens in June.
Finance Minister Ines Duarte said on March 5 that the lighthouse will be repainted.
On a call with reporters, the finance minister and longtime chairman of the regional port authority said the dredging of the channel would start in May.
"""


def test_a_role_whose_statements_do_not_answer_looks_at_the_text_that_names_it(tmp_path):
    # The record of the role answers nothing on the topic; a statement whose text gives the
    # role to its (unnamed) speaker does: it is shown, the reply saying so.
    engine = _engine_over(tmp_path, "harbor.txt", HARBOR)
    result = answer(engine, "What did the finance minister say about dredging the channel?")
    assert result.answered
    assert [p.source for p in result.passages][:1] == ["harbor.txt:3"]
    assert result.note == (
        "No statement attributed to a finance minister answers this; these name the role in "
        "their text and answer the rest."
    )


PORT = """\
"The pier opens in June," Ana Ruiz, who chairs the Harbor Council, said on March 2.
Taxes will fall next year, Mayor Tom Berg said on March 3.
"Wages are too low," dock workers said on March 4.
"""


def test_a_role_no_title_is_read_as_lists_the_statements_naming_its_words(tmp_path):
    # No title of the corpus is read in "the Harbor Council chief": the statements whose
    # words name the role's are listed, best first; the whole corpus is not.
    engine = _engine_over(tmp_path, "port.txt", PORT)
    result = answer(engine, "What did the Harbor Council chief say?")
    assert [r.sure for r in result.understood.roles] == [False]
    assert result.answered and [p.source for p in result.passages] == ["port.txt:1"]
