"""Speakers as entities: the forms under which a corpus names one person become one speaker
(full name, surname, title and surname, possessive, middle initial), people who share a
surname stay apart, and a bare surname the corpus cannot give to one person is answered as
ambiguous; in the records, `qa statements`, `qa speakers`, answers and both stores."""

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
from qa.corpus.entities import speaker_entities
from qa.corpus.loading import load_corpus
from qa.present.formats import understood_label
from qa.settings import Settings

runner = CliRunner()

# A made-up harbor town: Jane Roe under five forms; two people called Vale, and a "Vale" the
# corpus cannot give to either; Marek Holt with a title.
HARBOR = """\
Jane Roe, the harbor commissioner, said on March 3 that the ferry terminal will reopen in the spring.
Roe said on March 5 that ferry fares will not rise this year.
Ms. Roe told reporters on March 6 that dredging of the channel starts in April.
Roe's office said on March 7 that the pier inspection found no structural damage.
Jane Q. Roe said on March 8 that the new breakwater is on budget.
Jane Roe said on March 9 that the ferry will run every hour in summer.
Tomas Vale, the town mayor, said on March 9 that the fish market will move to the east quay.
Ingrid Vale, a fisheries scientist, said on March 10 that cod stocks in the bay are recovering slowly.
Vale said on March 11 that the cod quota for next season is too high.
Sen. Marek Holt said on March 12 that the lighthouse restoration needs federal money.
Holt said on March 13 that the lighthouse will open to visitors in June.
"""


@pytest.fixture
def harbor(tmp_path) -> Path:
    return write(tmp_path / "harbor.txt", HARBOR)


def statements(corpus: Path, *args) -> list[dict]:
    result = runner.invoke(app, ["statements", "--corpus", str(corpus), "--json", *args])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def engine_for(corpus: Path, index_dir: Path) -> Engine:
    engine = Engine(Settings(corpus=(corpus,), index_dir=index_dir))
    fake = FakeEncoder()
    engine.__dict__.update(model=fake.info, encoder=fake, query_encoder=fake)
    return engine


# -- the forms of one person, as a pure function ----------------------------------------------
def entity_of(written, *speakers):
    found = speaker_entities(speakers)
    return found.entity(written), found


def test_full_name_surname_title_possessive_and_initial_are_one_person():
    forms = [("Jane Roe", None, None, None)] * 2 + [
        ("Roe", None, None, None),
        ("Ms. Roe", None, None, None),
        ("Roe's office", None, None, None),
        ("Jane Q. Roe", None, None, None),
        ("Sen. Jane Roe", None, None, None),
    ]
    found = speaker_entities(forms)
    assert {found.entity(f) for f in forms} == {"Jane Roe"}  # the most frequent full form
    assert found.aliases["Jane Roe"][0] == "Jane Roe"
    assert set(found.aliases["Jane Roe"]) == {s for s, *_ in forms}
    assert found.ambiguous == {}


def test_two_given_names_are_never_merged_and_their_surname_stays_ambiguous():
    forms = [("Tomas Vale", None, None, None), ("Ingrid Vale", None, None, None),
             ("Vale", None, None, None), ("Mr. Vale", None, None, None)]  # fmt: skip
    found = speaker_entities(forms)
    assert [found.entity(f) for f in forms] == ["Tomas Vale", "Ingrid Vale", "Vale", "Vale"]
    assert found.ambiguous == {"Vale": ("Ingrid Vale", "Tomas Vale")}


def test_an_article_naming_one_of_them_tells_who_its_bare_surname_is():
    forms = [("Tomas Vale", None, None, "a.txt"), ("Vale", None, None, "a.txt"),
             ("Ingrid Vale", None, None, "b.txt"), ("Vale", None, None, "b.txt"),
             ("Vale", None, None, "c.txt")]  # fmt: skip
    found = speaker_entities(forms)
    assert [found.entity(f) for f in forms] == [
        "Tomas Vale", "Tomas Vale", "Ingrid Vale", "Ingrid Vale", "Vale"
    ]  # fmt: skip
    assert found.ambiguous == {"Vale": ("Ingrid Vale", "Tomas Vale")}


def test_a_role_only_one_of_them_holds_tells_who_the_title_is():
    forms = [("Tomas Vale", "Mayor", None, None), ("Ingrid Vale", "fisheries scientist", None, None),
             ("Mayor Vale", None, None, None), ("Vale", "mayor", None, None),
             ("Vale", "spokesperson", None, None)]  # fmt: skip
    found = speaker_entities(forms)
    assert [found.entity(f) for f in forms[2:]] == ["Tomas Vale", "Tomas Vale", "Vale"]


@pytest.mark.parametrize(
    "written, other",
    [("Harbor Times", "Times"), ("Fellow Democrats", "Democrats"), ("Joan Roe", "Jane Roe")],
)
def test_bodies_and_other_people_are_not_joined(written, other):
    found = speaker_entities([(written, None, None, None), (other, None, None, None)])
    assert found.entity((other, None, None, None)) == other
    assert found.entity((written, None, None, None)) == written


# -- the records, qa statements and qa speakers -------------------------------------------------
def test_records_keep_the_name_as_written_and_carry_the_entity(harbor):
    records = statements(harbor)
    assert [(r["speaker"], r["speaker_entity"]) for r in records] == [
        ("Jane Roe", "Jane Roe"), ("Roe", "Jane Roe"), ("Roe", "Jane Roe"),
        ("Roe's office", "Jane Roe"), ("Jane Q. Roe", "Jane Roe"), ("Jane Roe", "Jane Roe"),
        ("Tomas Vale", "Tomas Vale"), ("Ingrid Vale", "Ingrid Vale"), ("Vale", "Vale"),
        ("Marek Holt", "Marek Holt"), ("Holt", "Marek Holt"),
    ]  # fmt: skip
    assert all(errors("statements", r) == [] for r in records)


@pytest.mark.parametrize("form", ["Roe", "Jane Roe", "Ms. Roe", "Jane Q. Roe", "Roe's"])
def test_every_form_of_a_name_lists_the_same_statements(harbor, form):
    lines = [r["source"] for r in statements(harbor, "--speaker", form)]
    assert lines == [f"harbor.txt:{n}" for n in range(1, 7)]


def test_a_shared_surname_lists_everyone_who_bears_it_and_a_full_name_one(harbor):
    assert [r["source"] for r in statements(harbor, "--speaker", "Vale")] == [
        "harbor.txt:7", "harbor.txt:8", "harbor.txt:9"
    ]  # fmt: skip
    assert [r["source"] for r in statements(harbor, "--speaker", "Ingrid Vale")] == ["harbor.txt:8"]


def test_qa_speakers_lists_people_with_the_names_they_are_written_under(harbor):
    result = runner.invoke(app, ["speakers", "--corpus", str(harbor), "--json"])
    assert result.exit_code == 0, result.output
    listed = {s["name"]: s for s in json.loads(result.stdout)}
    assert sorted(listed) == ["Ingrid Vale", "Jane Roe", "Marek Holt", "Tomas Vale", "Vale"]
    roe = listed["Jane Roe"]
    assert roe["statements"] == 6 and roe["aliases"][:2] == ["Jane Roe", "Roe"]
    assert set(roe["aliases"]) == {"Jane Roe", "Roe", "Roe's office", "Jane Q. Roe"}
    assert listed["Vale"]["ambiguous_between"] == ["Ingrid Vale", "Tomas Vale"]
    assert listed["Tomas Vale"]["ambiguous_between"] == []
    assert all(errors("speakers", s) == [] for s in listed.values())
    found = runner.invoke(app, ["speakers", "--corpus", str(harbor), "--json", "Roe's"])
    assert [s["name"] for s in json.loads(found.stdout)] == ["Jane Roe"]


# -- questions ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "question",
    [
        "What did Roe say about the ferry?",
        "What did Jane Roe say about the ferry?",
        "What did Ms. Roe say about the ferry?",
        "What did Jane Q. Roe say about the ferry?",
    ],
)
def test_every_form_of_a_name_in_a_question_is_the_person(harbor, tmp_path, question):
    result = answer(engine_for(harbor, tmp_path / "index"), question)
    assert result.understood.speakers == ("Jane Roe",)
    assert result.understood.topic == "ferry"
    assert result.answered and {p.speaker_entity for p in own(result.passages)} == {"Jane Roe"}
    assert {p.speaker for p in own(result.passages)} <= {"Jane Roe", "Roe", "Roe's office"}


def test_a_shared_surname_is_answered_as_ambiguous_under_each_name(harbor, tmp_path):
    result = answer(engine_for(harbor, tmp_path / "index"), "What did Vale say about cod?")
    assert result.understood.speakers == ("Ingrid Vale", "Tomas Vale", "Vale")
    assert result.understood.ambiguous == (("Vale", ("Ingrid Vale", "Tomas Vale")),)
    assert result.note == (
        "Vale is ambiguous in this corpus: Ingrid Vale or Tomas Vale; each passage shows who "
        "said it. Ask with the full name for one of them."
    )
    shown = {(p.speaker, p.speaker_entity) for p in own(result.passages)}
    assert shown == {("Vale", "Vale"), ("Ingrid Vale", "Ingrid Vale")}
    assert "Vale → Ingrid Vale or Tomas Vale (ambiguous)" in understood_label(result)
    data = json.loads(json.dumps({"format_version": 1, **result.to_json()}))
    assert errors("answer", data) == []
    assert data["understood"]["ambiguous"] == [
        {"name": "Vale", "candidates": ["Ingrid Vale", "Tomas Vale"]}
    ]


def test_a_full_name_answers_that_person_and_marks_what_names_only_the_shared_surname(
    harbor, tmp_path
):
    engine = engine_for(harbor, tmp_path / "index")
    result = answer(engine, "What did Ingrid Vale say about cod stocks?")
    assert result.understood.speakers == ("Ingrid Vale",)
    assert own(result.passages)[0].speaker == "Ingrid Vale"
    assert "speaker" in own(result.passages)[0].matched_by
    # Never the other person's words; the bare surname only as written, matched by it.
    assert "Tomas Vale" not in {p.speaker for p in own(result.passages)}
    for p in own(result.passages):
        if p.speaker == "Vale":
            assert "surname" in p.matched_by and "speaker" not in p.matched_by
    assert result.note == (
        "Statements that name only Vale, who may be Ingrid Vale or Tomas Vale, are included, "
        "each matched by surname and under the name as written."
    )


def test_words_that_name_only_a_shared_surname_answer_marked_as_such(harbor, tmp_path):
    # Refusing with "Vale said ..." in hand would hide the answer; giving it to Tomas Vale
    # would guess. It answers under the name as written, matched by surname.
    engine = engine_for(harbor, tmp_path / "index")
    result = answer(engine, "What did Tomas Vale say about the cod quota for next season?")
    assert result.answered
    first = own(result.passages)[0]
    assert first.source == "harbor.txt:9"
    assert (first.speaker, first.speaker_entity) == ("Vale", "Vale")
    assert first.matched_by[0] == "surname"
    assert "who may be Ingrid Vale or Tomas Vale, are included" in result.note


def test_a_given_name_typed_in_lower_case_goes_with_a_surname_the_corpus_writes_alone(tmp_path):
    corpus = write(
        tmp_path / "bridge.txt",
        "Lind said on March 4 that the bridge toll will double next year.\n"
        "Tomas Berg said on March 5 that the ferry is late again.\n",
    )
    engine = engine_for(corpus, tmp_path / "index")
    for question in (
        "what did maria lind say about the bridge toll",
        "What did Maria Lind say about the bridge toll?",
    ):
        result = answer(engine, question)
        assert result.understood.speakers == ("Lind",), question
        assert result.understood.topic == "bridge toll", question
        assert own(result.passages)[0].source == "bridge.txt:1"


def test_a_shared_surname_is_not_given_to_whom_the_corpus_names_less_often(tmp_path):
    # Tomas Vale is named in full twice, Ingrid Vale once: "Vale said ..." goes with a
    # question about Tomas, never with one about Ingrid.
    corpus = write(
        tmp_path / "harbor.txt",
        HARBOR + "Tomas Vale said on March 14 that the east quay needs dredging.\n",
    )
    engine = engine_for(corpus, tmp_path / "index")
    ingrid = answer(engine, "What did Ingrid Vale say about the cod quota for next season?")
    assert "harbor.txt:9" not in {p.source for p in own(ingrid.passages)}
    assert not ingrid.answered or ingrid.note.endswith("Ask about Vale to see them.")
    tomas = answer(engine, "What did Tomas Vale say about the cod quota for next season?")
    assert tomas.answered and own(tomas.passages)[0].source == "harbor.txt:9"


def test_another_given_name_is_another_person(harbor, tmp_path):
    engine = engine_for(harbor, tmp_path / "index")
    result = answer(engine, "What did Petra Vale say about the cod quota?")
    assert not result.answered and result.reason == "speaker"
    assert result.note == "No statement by Petra Vale in the corpus."
    mistyped = answer(engine, "What did Ingrd Vale say about cod stocks?")
    assert mistyped.understood.speakers == ("Ingrid Vale",)
    assert mistyped.understood.corrections == (("Ingrd Vale", "Ingrid Vale"),)


# -- both stores ----------------------------------------------------------------------------
def test_the_embedded_store_keeps_entities_as_its_speakers(harbor, tmp_path):
    engine = engine_for(harbor, tmp_path / "index")
    assert engine.store.vocabularies["speakers"] == [
        "Ingrid Vale", "Jane Roe", "Marek Holt", "Tomas Vale", "Vale"
    ]  # fmt: skip


def test_the_milvus_build_gives_the_records_and_speakers_of_the_whole_read(harbor, tmp_path):
    pytest.importorskip("pymilvus")
    pytest.importorskip("milvus_lite")
    from qa.store.milvus import batches as milvus_corpus
    from qa.store.milvus.build import build
    from qa.store.milvus.store import open_milvus

    articles = write(tmp_path / "quay.txt", QUAY)
    write(tmp_path / "quay.txt.meta.toml", 'kind = "article"\n')
    paths = [harbor, articles]
    whole = load_corpus(paths)
    found = milvus_corpus.survey(paths)
    pairs = [pair for batch in milvus_corpus.batches(found, size=3) for pair in batch]
    assert [s.to_json() for _, s in sorted(pairs, key=lambda p: p[0])] == [
        s.to_json() for s in whole.statements
    ]
    uri = str(tmp_path / "harbor.db")
    encoder = FakeEncoder()
    build(uri, paths, encoder, batch=4)
    store = open_milvus(uri, None, encoder.info.model_id, encoder.info.weights_sha256)
    try:
        assert store.vocabularies["speakers"] == sorted(
            {s.speaker_entity for s in whole.statements if s.speaker_entity}
        )
        assert "Jane Roe" in store.vocabularies["speakers"]
        assert "Roe" not in store.vocabularies["speakers"]
    finally:
        store.close()


# An article that names Tomas Vale in full, then by surname alone.
QUAY = """\
Market to move

Tomas Vale, the town mayor, said on Monday that the fish market will move by summer.

"The east quay is ready," Vale said.
"""


def test_an_article_gives_its_bare_surname_to_the_one_it_names(harbor, tmp_path):
    articles = write(tmp_path / "quay.txt", QUAY)
    write(tmp_path / "quay.txt.meta.toml", 'kind = "article"\n')
    corpus = load_corpus([harbor, articles])
    quay = [s for s in corpus.statements if s.source.startswith("quay.txt")]
    assert {s.speaker_entity for s in quay} == {"Tomas Vale"}
    line = next(s for s in corpus.statements if s.source == "harbor.txt:9")
    assert (line.speaker, line.speaker_entity) == ("Vale", "Vale")


FESTIVAL = """\
Mayor Anna de Witt said on March 14 that the harbor festival moves to August.
De Witt said on March 15 that the festival will have a rowing race.
Tomas Vale said on March 16 that the fish market stays open during the festival.
"""


@pytest.mark.parametrize(
    "question",
    [
        "What did De Witt say about the rowing race?",
        "What did de Witt say about the rowing race?",
        "What did Anna de Witt say about the rowing race?",
    ],
)
def test_a_surname_with_a_particle_is_the_person_typed_either_way(tmp_path, question):
    festival = write(tmp_path / "festival.txt", FESTIVAL)
    result = answer(engine_for(festival, tmp_path / "index"), question)
    assert result.understood.speakers == ("Anna de Witt",)
    assert result.understood.topic == "rowing race"
    assert result.answered and {p.speaker_entity for p in own(result.passages)} == {"Anna de Witt"}


NEWSROOM = """\
"The march was peaceful," police said on May 9.
"The race is close," Politico reported on May 10.
"Growth will slow this year," the International Monetary Fund said on May 6.
"The fund is short of money," the charity's treasurer said on May 7.
"""


@pytest.mark.parametrize(
    "question, speakers",
    [
        # a word the corpus writes, after an article, is not a name typed loosely
        ("What did the Police say about the march?", ()),
        # an organisation's last word is a common noun, not a surname
        ("What did the fund say about money?", ()),
        (
            "What did the International Monetary Fund say about growth?",
            ("International Monetary Fund",),
        ),
    ],  # fmt: skip
)
def test_common_words_are_not_organisations_or_their_slips(tmp_path, question, speakers):
    newsroom = write(tmp_path / "newsroom.txt", NEWSROOM)
    engine = engine_for(newsroom, tmp_path / "index")
    u = answer(engine, question).understood
    assert u.speakers == speakers and u.corrections == ()


def test_a_suffix_is_no_surname_and_an_everyday_given_name_is_the_same_person(tmp_path):
    corpus = write(
        tmp_path / "vp.txt",
        "Vice President Joseph R. Biden Jr. said on March 3 that the rail bill will pass.\n"
        "Joseph Crowley said on March 4 that the tunnel needs repairs.\n",
    )
    engine = engine_for(corpus, tmp_path / "index")
    for question in ("What did Biden say about the rail bill?",
                     "What did Joseph Biden say about the rail bill?",
                     "What did Joe Biden say about the rail bill?"):  # fmt: skip
        result = answer(engine, question)
        assert result.understood.speakers == ("Joseph R. Biden Jr.",), question
        assert result.understood.topic == "rail bill", question
    called = answer(engine, "What did Joe Biden say about the rail bill?")
    assert called.understood.corrections == (("Joe Biden", "Joseph R. Biden Jr."),)
    other = answer(engine, "What did Hunter Biden say about the rail bill?")
    assert not other.answered and other.reason == "speaker"


def test_a_place_asked_by_its_institution_puts_that_institution_first(tmp_path):
    corpus = write(
        tmp_path / "sanctions.txt",
        "Sanctions on grain exports will stay, U.S. Senator Ann Lee said on March 4.\n"
        "Sanctions on grain exports will be reviewed, White House spokesman Tom Berg said on "
        "March 2.\n",
    )
    engine = engine_for(corpus, tmp_path / "index")
    asked = answer(engine, "What did the White House say about sanctions on grain exports?")
    assert asked.understood.affiliations == ("United States",)
    assert [p.speaker for p in asked.passages] == ["Tom Berg", "Ann Lee"]
    country = answer(engine, "What did the United States say about sanctions on grain exports?")
    assert [p.speaker for p in country.passages] == ["Ann Lee", "Tom Berg"]  # newest first


def test_an_organisation_by_its_initials_is_the_one_named_in_full():
    written = [("World Grain Council", None, None, None), ("WGC", None, None, None),
               ("WGC", None, None, None), ("Anna Kowal", None, None, None),
               ("AK", None, None, None), ("Ports Association", None, None, None),
               ("PA", None, None, None), ("Pacific Alliance", None, None, None)]  # fmt: skip
    entities = speaker_entities(written)
    assert entities.entity(("WGC", None, None, None)) == "World Grain Council"
    assert set(entities.aliases["World Grain Council"]) == {"WGC", "World Grain Council"}
    assert entities.entity(("AK", None, None, None)) == "AK"  # a person's initials: no one
    assert entities.entity(("PA", None, None, None)) == "PA"  # two names have them


def test_a_question_may_name_an_organisation_by_its_initials(tmp_path):
    corpus = write(
        tmp_path / "grain.txt",
        "The World Grain Council said on March 3 that wheat prices will fall.\n"
        "Harvests were late, the WGC said on March 4.\n"
        "Anna Kowal said on March 5 that wheat prices will rise.\n",
    )
    engine = engine_for(corpus, tmp_path / "index")
    result = answer(engine, "What did the WGC say about wheat prices?")
    assert result.understood.speakers == ("World Grain Council",)
    assert result.answered and [p.source for p in result.passages][:1] == ["grain.txt:1"]


def test_another_romanisation_of_a_slavic_given_name_is_the_same_person(tmp_path):
    corpus = write(
        tmp_path / "ministry.txt",
        "Ministry spokesperson Heorhii Dovzhenko said on March 3 that the grain corridor is open.\n"
        "Yurii Dovzhenko said on March 4 that the port needs repairs.\n",
    )
    engine = engine_for(corpus, tmp_path / "index")
    called = answer(engine, "What did Georgiy Dovzhenko say about the grain corridor?")
    assert called.understood.speakers == ("Heorhii Dovzhenko",)
    assert called.understood.corrections == (("Georgiy Dovzhenko", "Heorhii Dovzhenko"),)
    assert answer(engine, "What did Yuriy Dovzhenko say?").understood.speakers == (
        "Yurii Dovzhenko",
    )
    other = answer(engine, "What did Mykola Dovzhenko say about the grain corridor?")
    assert not other.answered and other.reason == "speaker"


def test_a_name_only_mentioned_answers_only_where_the_text_gives_it_a_voice(tmp_path):
    from qa.answer.voices import reports_speaking

    corpus = write(
        tmp_path / "wall.txt",
        "Donald Trump said on March 3 that the border wall will be built.\n"
        "Trump openly admires Russian President Vladimir Putin as a strong leader.\n",
    )
    engine = engine_for(corpus, tmp_path / "index")
    result = answer(engine, "What has Vladimir Putin said about Trump?")
    assert result.understood.sources == ("Vladimir Putin",)
    assert not result.answered and result.reason == "speaker"
    assert result.note == "No statement by Vladimir Putin in the corpus."
    assert reports_speaking("Putin told reporters that Trump is bright.", "Vladimir Putin")
    assert reports_speaking("Trump is bright, according to Vladimir Putin.", "Vladimir Putin")
    assert not reports_speaking("Trump admires Putin as a strong leader.", "Vladimir Putin")
