"""Plain retrieval is the floor: a speaker filter that leaves nothing relevant shows the
statements with no speaker of their own that name the person asked and answer, labelled as
not saying who speaks (never given the name asked); a date the corpus cannot settle is not
applied to the statements that give none, and the answer says so in one sentence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import FakeEncoder, own, write
from test_output_contracts import errors
from typer.testing import CliRunner

from qa.answer.compose import answer
from qa.answer.engine import Engine
from qa.cli import app
from qa.present import formats
from qa.settings import Settings

runner = CliRunner()

# A made-up mountain valley: Ilse Varga's own statements (two dated, one not), a leaflet
# that names her, the mayor naming her in his own words, and reports naming no one.
VALLEY = """\
Ilse Varga, the valley's transport chief, said on April 2 that snow chains are required on the pass.
Ilse Varga said on April 9 that the cable car fares will be cut after the repairs.
Varga said the cable car fares will stay the same for residents.
A leaflet handed out in the square says Varga wants the bridge tolls scrapped.
Mayor Otto Brenn said the bridge tolls help Varga's rivals most.
Otto Brenn said on April 3 that the ski school will open a second site.
The bridge tolls were collected by hand until last year.
A leaflet says Varga keeps a dog named Pepper at the depot.
"""
LEAFLET = "A leaflet handed out in the square says Varga wants the bridge tolls scrapped."
MAYOR = "Mayor Otto Brenn said the bridge tolls help Varga's rivals most."
UNDATED_FARES = "Varga said the cable car fares will stay the same for residents."
DATED_FARES = "Ilse Varga said on April 9 that the cable car fares will be cut after the repairs."


@pytest.fixture(scope="module")
def valley(tmp_path_factory) -> Path:
    return write(tmp_path_factory.mktemp("valley") / "valley.txt", VALLEY)


@pytest.fixture(scope="module")
def engine(valley, tmp_path_factory) -> Engine:
    """The valley with the fake encoder: relevance is shared words here."""
    engine = Engine(Settings(corpus=(valley,), index_dir=tmp_path_factory.mktemp("index")))
    fake = FakeEncoder()
    engine.__dict__.update(model=fake.info, encoder=fake, query_encoder=fake)
    return engine


def texts(passages) -> list[str]:
    return [p.text for p in passages]


# -- a speaker filter that leaves nothing relevant --------------------------------------------
def test_a_statement_naming_the_speaker_with_no_speaker_of_its_own_answers(engine):
    result = answer(engine, "What did Ilse Varga say about the bridge tolls?")
    assert result.understood.speakers == ("Ilse Varga",)
    assert result.answered and texts(result.passages)[0] == LEAFLET
    assert result.note == (
        "Nothing by Ilse Varga about bridge tolls. The statements shown mention Ilse Varga; "
        "their text does not say who speaks."
    )


def test_a_passage_brought_in_by_mention_is_never_given_the_asked_speakers_name(engine):
    result = answer(engine, "What did Ilse Varga say about the bridge tolls?")
    leaflet = result.passages[0]
    assert leaflet.matched_by[0] == "mention"
    assert (leaflet.speaker, leaflet.speaker_entity) == (None, None)
    assert formats.attribution_label(leaflet) == "no speaker (report)"
    assert formats.shown_as(leaflet) == formats.NAMED
    # Her own statements that follow are further ones, under her own name; plain search's
    # (matched by the question) keep their own speakers.
    assert all(p.further and p.speaker_entity == "Ilse Varga" for p in own(result.passages)[1:])


def test_a_statement_by_someone_else_naming_the_speaker_is_not_an_answer(engine):
    result = answer(engine, "What did Ilse Varga say about the bridge tolls?")
    # Not as the answer's own: plain search may follow with it, labelled as such.
    assert MAYOR not in texts(own(result.passages))
    assert all(p.matched_by == ("question",) for p in result.passages if p.text == MAYOR)
    # Nor a report that names no one.
    assert "The bridge tolls were collected by hand until last year." not in texts(
        own(result.passages)
    )


def test_a_statement_naming_the_speaker_must_still_answer_the_topic(engine):
    # The dog leaflet names Varga but is not about the ski school: nothing answers.
    result = answer(engine, "What did Ilse Varga say about the ski school?")
    assert not result.answered and result.reason == "relevance"
    assert result.note.startswith("Nothing by Ilse Varga about ski school.")


def test_a_speaker_whose_own_statement_answers_needs_no_mention(engine):
    result = answer(engine, "What did Otto Brenn say about the ski school?")
    assert result.answered and result.note is None
    assert [p.matched_by[0] for p in own(result.passages)] == ["speaker"]


def test_the_label_is_printed_and_the_json_holds_to_its_schema(valley, tmp_path):
    args = ["ask", "What did Ilse Varga say about the bridge tolls?", "--corpus", str(valley)]
    args += ["--index-dir", str(tmp_path / "index")]
    shown = runner.invoke(app, args, env={"COLUMNS": "400"})
    assert shown.exit_code == 0, shown.output
    assert "The statements shown mention Ilse Varga" in shown.stdout
    assert formats.NAMED in shown.stdout
    data = json.loads(runner.invoke(app, [*args, "--json"]).stdout)
    assert errors("answer", data) == []
    assert data["answered"] and data["note"].endswith("their text does not say who speaks.")
    assert data["passages"][0]["speaker"] is None
    assert "mention" in data["passages"][0]["matched_by"]


# -- a date the corpus cannot settle ----------------------------------------------------------
def test_statements_with_no_date_are_shown_when_the_date_matches_none(engine):
    result = answer(engine, "What did Ilse Varga say about cable car fares on April 20?")
    assert result.answered and texts(result.passages) == [UNDATED_FARES]
    assert result.note == (
        "No statement by Ilse Varga is dated on April 20; those shown say no date, so they "
        "may or may not be from then."
    )
    assert "no date" in result.passages[0].matched_by


def test_a_dated_statement_outside_the_range_stays_out(engine):
    result = answer(engine, "What did Ilse Varga say about cable car fares on April 20?")
    assert DATED_FARES not in texts(result.passages)
    # Asked for its own day, the dated one answers, and no caveat is said.
    on_the_day = answer(engine, "What did Ilse Varga say about cable car fares on April 9?")
    assert texts(on_the_day.passages) == [DATED_FARES] and on_the_day.note is None


def test_the_date_refusal_stands_when_no_undated_statement_answers(engine):
    result = answer(engine, "What did Otto Brenn say about the ski school on April 20?")
    assert not result.answered and result.reason == "date"
    assert result.note == (
        "No statement dated on April 20 in the corpus. Statements about it that the filters "
        "leave out are listed first below."
    )
    # His statement dated April 3 is among them, not as an answer.
    assert "Otto Brenn said on April 3 that the ski school will open a second site." in texts(
        result.closest
    )


def test_a_date_with_no_topic_lists_what_says_no_date_with_the_caveat(tmp_path):
    # A corpus whose statements give no date (news lines cut from their articles): asked
    # what someone said on a day, their statements are listed, said to give no date; one
    # dated on another day stays out.
    corpus = write(
        tmp_path / "undated.txt",
        "Ilse Varga said the cable car fares will stay the same for residents.\n"
        "Ilse Varga said on April 9 that the cable car will close for repairs.\n"
        "Otto Brenn said the ski school will open a second site.\n",
    )
    engine = Engine(Settings(corpus=(corpus,), index_dir=tmp_path / "index"))
    fake = FakeEncoder()
    engine.__dict__.update(model=fake.info, encoder=fake, query_encoder=fake)
    result = answer(engine, "What did Ilse Varga say on April 20?")
    assert result.answered
    assert texts(result.passages) == [
        "Ilse Varga said the cable car fares will stay the same for residents."
    ]
    assert result.note == (
        "No statement by Ilse Varga is dated on April 20; those shown say no date, so they "
        "may or may not be from then."
    )


def test_the_date_caveat_reaches_the_json_of_an_answered_reply(valley, tmp_path):
    args = ["ask", "What did Ilse Varga say about cable car fares on April 20?", "--json"]
    args += ["--corpus", str(valley), "--index-dir", str(tmp_path / "index")]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert errors("answer", data) == []
    assert data["answered"] and data["note"].startswith("No statement by Ilse Varga is dated")


# An organisation a report names is most often who acts; a country, what is spoken of.
HARBOUR = """\
Portugal wants fishing quotas kept, Portuguese Defence Minister Nuno Melo said.
No ferry subsidy for Portugal this year.
The exercise starts in June, NATO Secretary General Mark Rutte said.
A NATO council backed the ferry subsidy plan for the harbour.
"""


@pytest.fixture(scope="module")
def harbour(tmp_path_factory) -> Engine:
    folder = tmp_path_factory.mktemp("harbour")
    corpus = write(folder / "harbour.txt", HARBOUR)
    engine = Engine(Settings(corpus=(corpus,), index_dir=folder / "index"))
    fake = FakeEncoder()
    engine.__dict__.update(model=fake.info, encoder=fake, query_encoder=fake)
    return engine


def test_an_organisation_named_by_a_report_answers_and_a_country_does_not(harbour):
    body = answer(harbour, "What did NATO say about the ferry subsidy?")
    assert body.understood.affiliations == ("NATO",)
    assert texts(body.passages)[:1] == [
        "A NATO council backed the ferry subsidy plan for the harbour."
    ]
    country = answer(harbour, "What did Portugal say about the ferry subsidy?")
    assert country.understood.affiliations == ("Portugal",)
    assert not country.answered and country.reason == "relevance"
