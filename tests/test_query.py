"""Question understanding on a corpus that is not the seeds: speakers, places, roles, dates,
intent, and the difference between a statement by a country and one about it."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import write

from qa.answer.filters import apply
from qa.corpus.loading import load_corpus
from qa.question.reader import QuestionReader
from qa.question.understanding import Understanding
from qa.store.embedded.facts import StatementFilter

FEED = "\n".join(
    [
        '"Shipping is safe again," Turkish Foreign Minister Hakan Fidan said on April 20.',
        "Ankara will host talks, Turkish President Recep Tayyip Erdogan said on April 12.",
        '"We need more air defense," Spanish Prime Minister Pedro Sanchez said on April 2.',
        "The summit in Madrid on April 25 will gather 30 leaders.",
        "Spain will send engineers, the Spanish defence minister said on March 28.",
        "Japan pledged loans, Japanese Prime Minister Shigeru Ishiba said on March 14.",
        "Ports will reopen, Turkish Deputy Foreign Minister Nuh Yilmaz said on April 21.",
    ]
)


@pytest.fixture(scope="module")
def reader(tmp_path_factory):
    path = write(tmp_path_factory.mktemp("q") / "feed.txt", FEED)
    corpus = load_corpus([path])
    return QuestionReader(list(corpus.statements), corpus.gazetteer, corpus.timeline), corpus


def read(reader, question, context=None):
    return reader[0].read(question, context)


def test_country_by_demonym_capital_and_name(reader):
    for question in (
        "What did Turkey say about shipping?",
        "What did Turkish officials say?",
        "What did Ankara say about shipping?",
        "what did turkey say about shipping?",
    ):
        assert read(reader, question).affiliations == ("Turkey",), question


def test_statement_by_versus_about(reader):
    by = read(reader, "What did Spain say about Turkey?")
    assert by.affiliations == ("Spain",)
    assert "Turkey" in by.topic
    about = read(reader, "What was said about Japan?")
    assert about.affiliations == () and about.topic == "Japan"


def test_person_by_surname_and_full_name(reader):
    assert read(reader, "What did Fidan say about shipping?").speakers == ("Hakan Fidan",)
    assert read(reader, "What did Recep Tayyip Erdogan say?").speakers == ("Recep Tayyip Erdogan",)
    assert read(reader, "What did Erdogan's government say?").speakers == ("Recep Tayyip Erdogan",)


def test_unknown_person_is_named_in_the_filter(reader):
    u = read(reader, "What did Giorgos Gerapetritis say about shipping?")
    assert u.unknown_speakers == ("Giorgos Gerapetritis",)


def test_roles_with_place_and_british_spelling(reader):
    u = read(reader, "What did Turkey's foreign minister say?")
    assert [(r.words, r.place) for r in u.roles] == [(("foreign", "minister"), "Turkey")]
    filters = StatementFilter.from_statements(
        list(reader[1].statements), reader[1].gazetteer, reader[1].timeline
    )
    assert apply(filters, u).mask.sum() == 1
    defence = read(reader, "What did the Spanish defence minister say?")
    assert apply(filters, defence).mask.sum() == 1
    generic = read(reader, "What did Spanish officials say?")
    assert generic.roles == () and generic.affiliations == ("Spain",)


def test_a_word_that_changes_the_office_is_matched_only_when_asked(reader):
    # The deputy foreign minister is not the foreign minister; a former one is neither.
    filters = StatementFilter.from_statements(
        list(reader[1].statements), reader[1].gazetteer, reader[1].timeline
    )
    speakers = [s.speaker for s in reader[1].statements]

    def who(question):
        mask = apply(filters, read(reader, question)).mask
        return sorted(speakers[i] for i in np.flatnonzero(mask))

    assert who("What did Turkey's foreign minister say?") == ["Hakan Fidan"]
    assert who("What did Turkey's deputy foreign minister say?") == ["Nuh Yilmaz"]
    assert who("What did the former Turkish foreign minister say?") == []


def test_dates_in_the_forms_people_type(reader):
    tl = reader[1].timeline
    u = read(reader, "What was said in April?")
    assert (u.date.start, u.date.end) == tl.month_span(4)
    u = read(reader, "What did Spain say on April 2?")
    assert u.date.start == u.date.end == tl.ordinal(4, 2)
    u = read(reader, "What was said at the end of March?")
    # the end of a month is its last third, reaching two days into the middle one
    assert (u.date.start, u.date.end) == (tl.ordinal(3, 19), tl.ordinal(3, 31))
    u = read(reader, "What was said since April 12?")
    assert (u.date.start, u.date.end) == (tl.ordinal(4, 12), None)
    u = read(reader, "What was said between March 20 and April 5?")
    assert (u.date.start, u.date.end) == (tl.ordinal(3, 20), tl.ordinal(4, 5))
    u = read(reader, "What did Spain say before the summit in Madrid?")
    assert (u.date.start, u.date.end) == (None, tl.ordinal(4, 25) - 1)
    assert u.affiliations == ("Spain",)


def test_intents(reader):
    assert read(reader, "Who said shipping is safe?").intent == "who"
    assert read(reader, "When did Fidan talk about shipping?").intent == "when"
    assert read(reader, "Which countries will gather in Madrid?").intent == "who"
    assert read(reader, "Who backs the talks in Ankara?").intent == "who"
    assert read(reader, "On what date did Fidan talk about shipping?").intent == "when"
    assert read(reader, "How long ago did Sanchez ask for air defense?").intent == "when"


def test_who_question_keeps_places_in_the_topic(reader):
    u = read(reader, "Who said Spain needs more air defense?")
    assert u.affiliations == () and "Spain" in u.topic


def test_follow_up_reuses_topic_and_replaces_the_speaker(reader):
    first = read(reader, "What did Spain say about air defense?")
    second = read(reader, "And Turkey?", first)
    assert second.follow_up
    assert second.affiliations == ("Turkey",)
    assert second.topic == first.topic
    third = read(reader, "What about in March?", second)
    assert third.affiliations == ("Turkey",) and third.date is not None


def test_a_question_that_is_only_a_name(reader):
    u = read(reader, "Fidan")
    assert u.speakers == ("Hakan Fidan",) and u.topic == ""


def test_speech_nouns_name_who_speaks(reader):
    u = read(reader, "statements from Spain in April")
    assert u.affiliations == ("Spain",) and u.topic == ""
    about = read(reader, "What was said about loans from Japan?")
    assert about.affiliations == () and "Japan" in about.topic


def test_from_a_month_means_that_month(reader):
    tl = reader[1].timeline
    u = read(reader, "Show everything from March")
    assert (u.date.start, u.date.end) == tl.month_span(3)
    assert u.topic == ""


class _CountingRecords(list):
    """Statement records that remember which rows were read."""

    def __init__(self, items):
        super().__init__(items)
        self.read: set[int] = set()

    def __getitem__(self, row):
        self.read.add(row)
        return super().__getitem__(row)

    def __iter__(self):
        raise AssertionError("the event lookup must not scan every statement")


def test_an_event_is_placed_in_time_from_the_rows_that_name_it(reader):
    corpus = reader[1]
    records = _CountingRecords(corpus.statements)
    summit_row = next(i for i, s in enumerate(corpus.statements) if "summit" in s.text)
    looked_up = []

    def rows_naming(words):
        looked_up.append(words)
        return [summit_row] if "summit" in words else []

    events = QuestionReader(
        records,
        corpus.gazetteer,
        corpus.timeline,
        speakers=["Hakan Fidan"],
        speaker_places={},
        rows_naming=rows_naming,
    )
    u = events.read("What did Spain say before the summit in Madrid?")
    assert (u.date.start, u.date.end) == (None, corpus.timeline.ordinal(4, 25) - 1)
    assert records.read == {summit_row}
    assert looked_up == ["summit in Madrid"]
    assert events.read("What was said before the gala?").date is None


def test_a_role_without_a_country_is_placed_by_the_first_place_its_line_names(tmp_path):
    digest = write(
        tmp_path / "digest.txt",
        "Key developments on May 2: * Poland joins the grain pact with Germany, trade"
        " minister says * Germany doubts the pact will hold, economy minister says\n",
    )
    corpus = load_corpus([digest])
    filters = StatementFilter.from_statements(
        list(corpus.statements), corpus.gazetteer, corpus.timeline
    )
    by = {
        place: [
            corpus.statements[r].passage.split(",")[0]
            for r in np.flatnonzero(
                apply(filters, Understanding(question="", affiliations=(place,))).mask
            )
        ]
        for place in ("Poland", "Germany")
    }
    assert by["Poland"] == ["Poland joins the grain pact with Germany"]
    assert by["Germany"] == ["Germany doubts the pact will hold"]


@pytest.mark.parametrize(
    "label, said",
    [
        ("Italian premier", "an Italian premier"),
        ("American lawmaker", "an American lawmaker"),
        ("European official", "a European official"),
        ("Ukrainian minister", "a Ukrainian minister"),
        ("EU envoy", "an EU envoy"),
        ("UN envoy", "a UN envoy"),
        ("U.S. senator", "a U.S. senator"),
        ("NATO official", "a NATO official"),
        ("Spanish minister", "a Spanish minister"),
    ],
)
def test_a_role_is_named_with_the_article_it_is_spoken_with(label, said):
    from qa.answer.filters import indefinite

    assert indefinite(label) == said


def test_a_note_names_a_role_with_its_article(reader):
    from qa.answer.filters import who_phrase

    u = read(reader, "What did the Italian premier say about loans?")
    assert who_phrase(u) == "by an Italian premier"
