"""The searcher on an invented feed with the fake encoder: fusion of meaning and words, the one
relevance cut (with and without filters), synonyms as concepts, words too common to count,
and filters that find nothing, each with its typed reason."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from conftest import write

from qa.answer.hits import Hit
from qa.answer.relevance import (
    CUT,
    FILTERED_MARGIN,
    RELEVANT,
    WORDLESS_MARGIN,
    _answers,
    relevance,
)
from qa.answer.search import Searcher
from qa.corpus.gazetteer import Gazetteer, corpus_gazetteer_files
from qa.question.roles import RoleFilter
from qa.question.understanding import Understanding
from qa.store.embedded.build import ensure
from qa.store.embedded.store import EmbeddedStore
from qa.store.where import EVERYTHING

FEED = "\n".join(
    [
        "Portugal will send troops to the border, Portuguese Defence Minister Nuno Melo said on May 3.",
        "Portugal wants fishing quotas kept for the region, Portuguese Defence Minister Nuno Melo said on May 9.",
        "Spain backs more funding for the region, Spanish Prime Minister Pedro Sanchez said on May 4.",
        "Spain will not send troops to the region, Spanish Prime Minister Pedro Sanchez said on May 12.",
        "The region needs roads and schools, a report on the region said on May 6.",
        "Tariffs on steel from the region rose again, a trade report said on May 7.",
    ]
)


def searcher_of(tmp_path_factory, name: str, feed: str) -> Searcher:
    """A searcher over a feed of the given lines, with the fake encoder."""
    from conftest import FakeEncoder

    folder = tmp_path_factory.mktemp(name)
    corpus = write(folder / "feed.txt", feed)
    encoder = FakeEncoder()
    index = ensure([corpus], folder / "index", encoder)
    gazetteer = Gazetteer.load(corpus_gazetteer_files([corpus]))
    return Searcher(EmbeddedStore.of_index(index, gazetteer), encoder, gazetteer)


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    return searcher_of(tmp_path_factory, "search", FEED)


def ask(searcher, **fields):
    topic = fields.get("topic", "")
    concepts = fields.pop("concepts", tuple((w,) for w in topic.split()))
    return searcher.search(Understanding(question="?", concepts=concepts, **fields), top_k=5)


def passages(result):
    return [h.statement.passage.split(",")[0] for h in result.hits]


def test_meaning_and_words_both_lead_to_the_statement(searcher):
    result = ask(searcher, topic="fishing quotas")
    assert result.answered
    assert passages(result)[0] == "Portugal wants fishing quotas kept for the region"


def test_a_filter_does_not_make_any_statement_an_answer(searcher):
    result = ask(searcher, topic="tariffs on steel", speakers=("Nuno Melo",))
    assert not result.answered and result.reason == "relevance"
    assert result.note.startswith("Nothing by Nuno Melo about tariffs on steel.")
    # Others did speak to it: they are listed first among the closest, and so labelled.
    assert "others" in result.note
    assert result.closest[0].statement.passage.startswith("Tariffs on steel")


def test_the_same_cut_holds_with_and_without_filters(searcher):
    unfiltered = ask(searcher, topic="volcanoes")
    filtered = ask(searcher, topic="volcanoes", affiliations=("Spain",))
    assert not unfiltered.answered and not filtered.answered
    assert unfiltered.reason == filtered.reason == "relevance"


def test_a_synonym_meets_the_word_the_statement_uses(searcher):
    # The fake encoder knows no synonyms: only the concept ("soldiers" = "troops") can match.
    plain = ask(searcher, topic="soldiers", affiliations=("Spain",))
    assert not plain.answered
    concept = ask(
        searcher, topic="soldiers", affiliations=("Spain",), concepts=(("soldiers", "troops"),)
    )
    assert passages(concept) == ["Spain will not send troops to the region"]


def test_every_filtered_statement_on_the_topic_is_shown(searcher):
    result = ask(searcher, topic="troops", affiliations=("Portugal", "Spain"))
    assert sorted(passages(result)) == [
        "Portugal will send troops to the border",
        "Spain will not send troops to the region",
    ]


def test_a_question_about_several_speakers_shows_each_ones_closer_statements(searcher):
    # Spain's statement on troops is less close to "troops border" than the cut for showing
    # beside the best; asked of both countries, it is what Spain said, and it is shown.
    result = ask(searcher, topic="troops border", affiliations=("Portugal", "Spain"))
    assert passages(result) == [
        "Portugal will send troops to the border",
        "Spain will not send troops to the region",
    ]
    assert relevance(result.hits[1]) < 0.33


COUNTRY = "\n".join(
    [
        "Portugal will send troops to the border, Portuguese Defence Minister Nuno Melo said on May 3.",
        "Portugal keeps watch at sea and at ports, Portuguese Prime Minister Luis Montenegro said on May 5.",
        "Portugal keeps guard at lakes and at ports, Portuguese Defence Minister Nuno Melo said on May 8.",
        "Spain will not send troops to the region, Spanish Prime Minister Pedro Sanchez said on May 12.",
    ]
)


def test_a_country_asked_about_shows_its_speakers_closer_statements(tmp_path_factory):
    # A country speaks through several people, each in words of their own: once answered, its
    # statements under the cut for showing beside the best are shown after it; one speaker's
    # are not ("What else did he say?" asks for those).
    searcher = searcher_of(tmp_path_factory, "country", COUNTRY)
    concepts = (("troops",), ("border",))
    country = ask(searcher, topic="troops at border", concepts=concepts, affiliations=("Portugal",))
    assert passages(country)[0] == "Portugal will send troops to the border"
    assert sorted(passages(country)[1:]) == [
        "Portugal keeps guard at lakes and at ports",
        "Portugal keeps watch at sea and at ports",
    ]
    assert all(0.15 <= relevance(h) < 0.33 for h in country.hits[1:])
    melo = ask(searcher, topic="troops at border", concepts=concepts, speakers=("Nuno Melo",))
    assert passages(melo) == ["Portugal will send troops to the border"]


def test_a_role_asked_about_shows_its_holders_closer_statements(tmp_path_factory):
    # A role may be held by several people, or spoken for by an office: as for a country,
    # its statements under the cut for showing beside the best are shown after the answer.
    searcher = searcher_of(tmp_path_factory, "role", COUNTRY)
    role = RoleFilter(("defence", "minister"), None, "defence minister")
    concepts = (("troops",), ("border",))
    result = ask(searcher, topic="troops at border", concepts=concepts, roles=(role,))
    assert passages(result) == [
        "Portugal will send troops to the border",
        "Portugal keeps guard at lakes and at ports",
    ]
    assert relevance(result.hits[1]) < 0.33


def test_a_statement_without_the_topics_words_needs_a_closer_meaning():
    # Other statements say the topic's words and this one none of them: it is more likely
    # about something else, so its meaning alone must be WORDLESS_MARGIN closer to answer.
    near = Hit(0, None, 0.0, RELEVANT + WORDLESS_MARGIN / 2, 0.0, ())
    assert _answers(near)
    assert not _answers(replace(near, wordless=True))
    assert _answers(replace(near, dense=RELEVANT + WORDLESS_MARGIN, wordless=True))


def test_the_cut_is_the_fitted_one_and_asks_less_within_the_filters():
    # The values are fitted on tuning questions only (bench/cut.py), never on a held-out or
    # validation part; a statement the question's filters allow needs FILTERED_MARGIN less.
    data = json.loads(CUT.read_text(encoding="utf-8"))
    assert data["fitted_on"] and not any(
        part in path for path in data["fitted_on"]
        for part in ("heldout_fresh", "news_heldout", "validation")
    )  # fmt: skip
    assert (RELEVANT, WORDLESS_MARGIN) == (data["relevant"], data["wordless_margin"])
    edge = Hit(0, None, 0.0, RELEVANT - FILTERED_MARGIN / 2, 0.0, ())
    assert FILTERED_MARGIN > 0 and not _answers(edge)
    assert _answers(replace(edge, filtered=True))
    assert not _answers(replace(edge, dense=RELEVANT - FILTERED_MARGIN * 2, filtered=True))


def test_only_a_topic_other_statements_word_makes_a_statement_wordless(searcher):
    sanchez = ask(searcher, topic="fishing quotas", speakers=("Pedro Sanchez",))
    assert not sanchez.answered
    closest = [h for h in sanchez.closest if h.statement.speaker == "Pedro Sanchez"]
    assert closest and all(h.wordless for h in closest)  # Melo's statement holds the words
    nobody = ask(searcher, topic="whaling", speakers=("Pedro Sanchez",))
    assert nobody.closest and not any(h.wordless for h in nobody.closest)


def test_a_word_most_statements_hold_is_not_distinctive(searcher):
    coverage = searcher.coverage((("region",),), searcher.store.ids(EVERYTHING))
    assert coverage.max() == 0.0
    result = ask(searcher, topic="region", speakers=("Nuno Melo",))
    assert all(relevance(h) < 0.38 for h in result.closest)


def test_filters_that_find_nothing_give_their_kind(searcher):
    assert ask(searcher, topic="troops", unknown_speakers=("Ana Costa",)).reason == "speaker"
    assert ask(searcher, topic="troops", affiliations=("Japan",)).reason == "affiliation"
    role = RoleFilter(("ambassador",), None, "ambassador")
    assert ask(searcher, topic="troops", roles=(role,)).reason == "role"


def test_no_topic_lists_the_filtered_statements_newest_first(searcher):
    result = ask(searcher, speakers=("Pedro Sanchez",))
    assert passages(result) == [
        "Spain will not send troops to the region",
        "Spain backs more funding for the region",
    ]


def test_only_quotes(searcher):
    result = ask(searcher, speakers=("Pedro Sanchez",), kind="quote")
    assert not result.answered and result.hits == ()


def test_the_statement_that_answers_best_comes_first(searcher):
    # Fusion chooses the candidates; the one that judged the answer is shown first.
    result = ask(searcher, topic="troops for the region")
    assert result.answered and len(result.hits) > 1
    assert relevance(result.hits[0]) == max(relevance(h) for h in result.hits)


def test_a_name_no_statement_mentions_is_not_answered_by_the_other_words(searcher):
    # "troops" alone would answer; "Atlantis" is in no statement, in no spelling close to it.
    u = Understanding(
        question="What was said about troops in Atlantis?",
        topic="troops in Atlantis",
        concepts=(("troops",), ("Atlantis",)),
    )
    result = searcher.search(u, top_k=5)
    assert not result.answered and result.reason == "relevance"
    assert result.note == "Nothing in the corpus mentions Atlantis."
    assert searcher.spelling.unmentioned_names(u) == ["Atlantis"]


@pytest.mark.parametrize(
    "topic, concepts",
    [
        ("troops for Portgual", (("troops",), ("Portgual",))),  # a typo of a word it holds
        ("troops for Portugal", (("troops",), ("Portugal",))),  # a place it holds
        ("troops for the Region", (("troops",), ("Region",))),  # capitalised, but held
    ],
)
def test_names_the_corpus_holds_or_nearly_holds_are_mentioned(searcher, topic, concepts):
    u = Understanding(question=f"What was said about {topic}?", topic=topic, concepts=concepts)
    assert searcher.spelling.unmentioned_names(u) == []
    assert searcher.search(u, top_k=5).answered


def test_a_known_place_no_statement_mentions_is_unmentioned(searcher):
    # Japan is a place the gazetteer knows, but no statement names it by any of its names.
    u = Understanding(
        question="What was said about troops for Japan?",
        topic="troops for Japan",
        concepts=(("troops",), ("Japan",)),
    )
    assert searcher.spelling.unmentioned_names(u) == ["Japan"]


def test_a_typo_of_a_corpus_word_counts_as_that_word(searcher):
    u = Understanding(
        question="What was said about fishing qoutas?",
        topic="fishing qoutas",
        concepts=(("fishing",), ("qoutas",)),
    )
    assert searcher.spelling.spelt(["qouta"]) == ["qouta", "quota"]
    assert searcher.spelling.spelt(["budget"]) == ["budget"]  # no corpus word is that close
    result = searcher.search(u, top_k=5)
    assert result.answered and result.hits[0].coverage == 1.0


def test_a_synonym_is_not_read_as_a_slip_of_a_corpus_word(searcher):
    # "quotes" is one swap from no corpus word here, "qoutas" is a slip of "quotas": only the
    # word the question typed is corrected, never the lexicon's other words for it.
    assert searcher.spelling.concept_tokens(("qoutas",)) == ["qouta", "quota"]
    assert searcher.spelling.concept_tokens(("levies", "qoutas")) == ["levi", "qouta"]
    every = range(searcher.store.size)
    assert searcher.coverage((("levies", "qoutas"),), every).max() == 0.0
    assert searcher.coverage((("qoutas",),), every).max() == 1.0


NAMES = "\n".join(
    [
        "Spain must join the border talks, Portuguese Defence Minister Nuno Melo said on May 3.",
        "Spain cut pensions again, a budget report said on May 5.",
        "Fishing quotas stay, a fisheries report said on May 6.",
        "Roads and schools are needed, a regional report said on May 7.",
        "Steel tariffs rose, a trade report said on May 9.",
        "Troops will stay home, Portuguese Defence Minister Nuno Melo said on May 10.",
    ]
)


@pytest.fixture(scope="module")
def names_searcher(tmp_path_factory):
    return searcher_of(tmp_path_factory, "names", NAMES)


def melo_on(searcher, topic):
    concepts = tuple((w.removesuffix("'s"),) for w in topic.split())
    result = ask(searcher, topic=topic, concepts=concepts, speakers=("Nuno Melo",))
    found = result.hits + result.closest
    return next(h for h in found if h.statement.passage.startswith("Spain must"))


def test_a_place_modifying_the_topic_does_not_cover_it_alone(names_searcher):
    # "Spain's pensions": Melo's statement holds the name, not the subject.
    u = Understanding(question="?", topic="Spain's pensions", concepts=(("Spain",), ("pensions",)))
    assert names_searcher.place_text(u) == "Spain"
    assert melo_on(names_searcher, "Spain's pensions").coverage == 0.0
    # Holding another word of the topic too, the name counts.
    assert melo_on(names_searcher, "Spain's border").coverage == 1.0


def test_a_place_that_modifies_nothing_is_not_set_apart(names_searcher):
    u = Understanding(question="?", topic="talks Spain", concepts=(("talks",), ("Spain",)))
    assert names_searcher.place_text(u) is None


def test_the_topic_is_also_read_as_the_question_words_it():
    from qa.question.topic import topic_phrase

    asked = Understanding(question="What did Italy say about a mission on the ground?",
                          topic="mission ground")  # fmt: skip
    assert topic_phrase(asked) == "mission on the ground"
    # A topic word the question does not hold (a synonym, a correction) leaves no phrase.
    assert topic_phrase(Understanding(question="What did Rute say?", topic="Rutte")) is None


DATED = "\n".join(
    [
        "Spain backs more funding for the region, Spanish Prime Minister Pedro Sanchez said on May 4.",
        "The region needs roads and schools, a report on the region said.",
        "Portugal wants fishing quotas kept, Portuguese Defence Minister Nuno Melo said on May 9.",
        "Tariffs on steel rose again, a trade report said.",
        "Ports in the region reopened, a shipping report said.",
        "Rail links to the region were cut, a transport report said.",
        "Spain will not send troops to the region, Spanish Prime Minister Pedro Sanchez said on May 12.",
    ]
)


@pytest.fixture(scope="module")
def dated_searcher(tmp_path_factory):
    return searcher_of(tmp_path_factory, "dated", DATED)


def test_a_time_lists_statements_said_in_it_before_those_inferred_to_fall_in_it(dated_searcher):
    from qa.question.when import DateRange

    may = DateRange(None, None, "in May")
    listed = dated_searcher.search(Understanding(question="?", date=may), top_k=7).hits
    dated = [h.statement.passage.split(",")[0] for h in listed if h.statement.said_on.text]
    assert dated == [
        "Spain will not send troops to the region",
        "Portugal wants fishing quotas kept",
        "Spain backs more funding for the region",
    ]
    assert [h.statement.said_on.text for h in listed[:3]] == ["May 12", "May 9", "May 4"]


def test_statements_of_one_date_are_paged_by_statement_id(dated_searcher):
    # Three reports inferred to fall on May 9-12 tie: a page boundary inside them falls where
    # every store puts it, by statement id, not by the store's own row numbers.
    from qa.question.when import DateRange

    may = DateRange(None, None, "in May")
    whole = dated_searcher.search(Understanding(question="?", date=may), top_k=7).hits
    tied = [h.statement.id for h in whole[3:6]]
    assert len(tied) == 3 and tied == sorted(tied)
    page = dated_searcher.search(Understanding(question="?", date=may), top_k=1, offset=4).hits
    assert [h.statement.id for h in page] == [tied[1]]


def test_what_a_verb_of_the_topic_acts_on_covers_the_topic_alone(names_searcher):
    from qa.question.topic import acting_on

    def troops_statement(**fields):
        u = Understanding(question="What did Melo say about sending troops?",
                          topic="sending troops", concepts=(("sending",), ("troops",)),
                          speakers=("Nuno Melo",), **fields)  # fmt: skip
        found = names_searcher.search(u, top_k=5)
        return next(
            h for h in found.hits + found.closest if h.statement.passage.startswith("Troops")
        )

    assert acting_on(Understanding(question="?", topic="sending troops",
                                    concepts=(("sending",), ("troops",)))) == {"sending"}  # fmt: skip
    assert acting_on(Understanding(question="?", topic="troops sending",
                                    concepts=(("troops",), ("sending",)))) == set()  # fmt: skip
    # "Troops will stay home" says nothing of sending, and is about the troops asked about.
    assert troops_statement().coverage == 1.0
    # A "who" question's one answer is the statement that says all it asks.
    assert troops_statement(intent="who").coverage < 1.0


ABOUT = "\n".join(
    [
        "Portugal will send troops to the border, Portuguese Defence Minister Nuno Melo said on May 3.",
        "Lisbon backs a ceasefire, a report said on May 6.",
        "Spain wants a ceasefire that Portugal backs too, Spanish Prime Minister Pedro Sanchez said on May 4.",
        "France backs a truce, a report said on May 7.",
        "Roads and schools are needed in the region, a report said on May 8.",
        "Tariffs on steel rose again, a trade report said on May 9.",
        "Fishing quotas were kept, a report said on May 10.",
        "Troops of Portugal reached the border, a report said on May 11.",
    ]
)


@pytest.fixture(scope="module")
def about_searcher(tmp_path_factory):
    return searcher_of(tmp_path_factory, "about", ABOUT)


def test_an_actor_of_a_stance_is_answered_by_a_report_that_names_it(about_searcher):
    # "Does Portugal back a ceasefire?": Portugal said nothing of it, a report on its stance
    # did ("Lisbon" is Portugal); read as a plain filter, the report is not searched.
    about = ask(about_searcher, topic="ceasefire", affiliations=("Portugal",), about=True)
    assert passages(about) == ["Lisbon backs a ceasefire"]
    assert about.hits[0].matched_by[0] == "mention"
    by = ask(about_searcher, topic="ceasefire", affiliations=("Portugal",))
    assert not by.answered and by.note.startswith("Nothing by Portugal about ceasefire.")


def test_another_speakers_words_naming_the_actor_are_not_about_its_stance(about_searcher):
    # Sanchez names Portugal in his own statement: what he says is his stance, not Portugal's.
    result = ask(about_searcher, topic="ceasefire", affiliations=("Portugal",), about=True)
    assert all(h.statement.speaker is None for h in result.hits)
    assert "Spain wants a ceasefire that Portugal backs too" not in passages(result)


def test_the_actors_own_statement_comes_before_a_report_about_it(about_searcher):
    # A report about it that is about as close comes after the actor's own words.
    own = "Portugal will send troops to the border"
    report = "Troops of Portugal reached the border"
    result = ask(about_searcher, topic="troops border", affiliations=("Portugal",), about=True)
    assert passages(result) == [own, report]
    assert relevance(result.hits[1]) > relevance(result.hits[0])
    assert result.hits[0].matched_by[0] == "affiliation"


def test_an_actor_with_no_statement_of_its_own_is_reported_when_nothing_answers(about_searcher):
    # France speaks in no statement; a report names it: that answers on its stance, and
    # when nothing does, the answer says France said nothing, with the filter's kind.
    found = ask(about_searcher, topic="truce", affiliations=("France",), about=True)
    assert passages(found) == ["France backs a truce"]
    missing = ask(about_searcher, topic="border troops", affiliations=("France",), about=True)
    assert not missing.answered and missing.reason == "affiliation"
    assert missing.note.startswith("No statement by France in the corpus.")
    # others did speak to it: listed first among the closest, so the filter is not silent
    assert {h.statement.passage.split(",")[0] for h in missing.closest[:2]} == {
        "Portugal will send troops to the border",
        "Troops of Portugal reached the border",
    }
    alone = ask(about_searcher, topic="truce", affiliations=("Japan",), about=True)
    assert alone.reason == "affiliation" and alone.hits == alone.closest == ()


def test_an_actor_given_as_an_option_allows_only_its_own_statements(about_searcher):
    result = ask(
        about_searcher,
        topic="ceasefire",
        affiliations=("Portugal",),
        about=True,
        explicit=("affiliation",),
    )
    assert not result.answered and result.note.startswith("Nothing by Portugal about")


def test_a_person_asked_about_is_named_by_surname_in_reports(tmp_path_factory):
    feed = "\n".join(
        [
            "Portugal will send troops to the border, Portuguese Defence Minister Nuno Melo said on May 3.",
            "Melo backs a ceasefire, a report said on May 6.",
            "Roads and schools are needed in the region, a report said on May 8.",
            "Tariffs on steel rose again, a trade report said on May 9.",
        ]
    )
    searcher = searcher_of(tmp_path_factory, "about-person", feed)
    result = ask(searcher, topic="ceasefire", speakers=("Nuno Melo",), about=True)
    assert passages(result) == ["Melo backs a ceasefire"]
    assert result.understood.scope == "by or about"


@pytest.mark.parametrize(
    "fields",
    [
        {"topic": "troops for the region"},  # ranked
        {"speakers": ("Pedro Sanchez",)},  # listed
        {"topic": "tariffs on steel", "speakers": ("Nuno Melo",)},  # not answered: closest
    ],
)
def test_hits_left_unread_are_the_same_hits_once_read(searcher, fields):
    concepts = tuple((w,) for w in fields.get("topic", "").split())
    asked = Understanding(question="?", concepts=concepts, **fields)
    read = searcher.search(asked, top_k=5)
    unread = searcher.search(asked, top_k=5, read=False)
    assert read.hits or read.closest
    assert all(h.statement is None for h in unread.hits)
    assert searcher.read(unread.hits) == read.hits
    # The closest are few and always shown: read either way.
    assert unread.closest == read.closest and all(h.statement for h in unread.closest)


def test_an_occasion_lists_the_statements_that_mention_it_first(searcher):
    # "What did Sanchez tell the funding summit?": his statements, the one naming it first
    result = ask(searcher, speakers=("Pedro Sanchez",), occasion="the funding summit")
    assert result.answered and passages(result) == [
        "Spain backs more funding for the region",
        "Spain will not send troops to the region",
    ]


EVENT = "\n".join(
    [
        "The harbour summit on May 20 will gather the ministers of the region.",
        "Spain will not send troops to the region, Spanish Prime Minister Pedro Sanchez said on May 12.",
        "Portugal wants fishing quotas kept, Portuguese Defence Minister Nuno Melo said on May 9.",
        "Spain backs more funding for the region, Spanish Prime Minister Pedro Sanchez said on May 4.",
    ]
)


def test_what_names_an_event_comes_first_among_what_was_said_before_it(tmp_path_factory):
    # "What was announced ahead of the harbour summit?": the statement that announces it may
    # have been said before it (a feed newest first dates it after May 12, open after that)
    # and comes first
    from qa.question.when import DateRange

    searcher = searcher_of(tmp_path_factory, "event", EVENT)
    summit = searcher.store.timeline.ordinal(5, 20)
    before = DateRange(None, summit - 1, "ahead of the harbour summit", "the harbour summit")
    result = ask(searcher, date=before, occasion="the harbour summit")
    assert passages(result) == [
        "The harbour summit on May 20 will gather the ministers of the region.",
        "Spain will not send troops to the region",
        "Portugal wants fishing quotas kept",
        "Spain backs more funding for the region",
    ]
    # after it, nothing dated is known to fall: the announcement is not read as after it
    after = DateRange(summit + 1, None, "after the harbour summit", "the harbour summit")
    assert "The harbour summit" not in " ".join(passages(ask(searcher, date=after)))
