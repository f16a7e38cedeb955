"""The seam between answering and storage: the filter trees a question becomes select, in the
embedded store, exactly the rows the per-row masks selected before the trees existed, on the
seeds and on a generated corpus, for every filter kind and their combinations; and a second,
row-by-row evaluation of the same trees (as a backend filtering each record would do) agrees."""

from __future__ import annotations

import random

import numpy as np
import pytest
from conftest import FakeEncoder, write

from qa.answer.filters import AttributionWords, plan
from qa.corpus.gazetteer import Gazetteer, corpus_gazetteer_files
from qa.corpus.loading import default_corpus_paths
from qa.corpus.names import normal_role
from qa.question.lexicon import role_matches
from qa.question.roles import RoleFilter
from qa.question.understanding import Understanding
from qa.question.when import DateRange
from qa.store.embedded.build import ensure
from qa.store.embedded.store import EmbeddedStore
from qa.store.facts import row_facts
from qa.store.where import (
    EVERYTHING,
    OPEN_HIGH,
    OPEN_LOW,
    And,
    AnyOf,
    Mentions,
    MentionsDate,
    Not,
    Or,
    Overlaps,
    Within,
)
from qa.text import tokenize

PLACES = ["Poland", "Germany", "Italy", "Canada", "Spain", "Japan", "Ukraine", "France"]
PEOPLE = ["Giorgia Meloni", "Mark Rutte", "Pedro Sanchez", "Bill Blair", "Nuno Melo"]
ROLES = ["foreign minister", "defense minister", "trade minister", "prime minister", "envoy"]
TOPICS = ["grain exports", "troops", "a ceasefire", "sanctions", "the summit", "air defense"]
MONTHS = ["January", "February", "March", "April", "May", "June"]
OUTLETS = ["Reuters", "the BBC", "Kyiv Independent"]


def synthetic_lines(count: int, seed: int) -> list[str]:
    """News-like lines of every attribution the filters tell apart: named people with and
    without a country, roles with a country, roles with none (digest items naming places),
    outlets, dates said, and dates only mentioned."""
    rng = random.Random(seed)
    lines = []
    for i in range(count):
        topic, month, day = rng.choice(TOPICS), rng.choice(MONTHS), rng.randint(1, 28)
        place, other = rng.sample(PLACES, 2)
        shape = i % 6
        if shape == 0:
            who = f"{place}'s {rng.choice(ROLES)} {rng.choice(PEOPLE)}"
            lines.append(f"{topic.capitalize()} must wait, {who} said on {month} {day}.")
        elif shape == 1:
            lines.append(f"{place} doubts {topic} will hold, {rng.choice(ROLES)} says")
        elif shape == 2:
            lines.append(
                f"{topic.capitalize()} before the summit on {rng.choice(MONTHS)} {day} matter,"
                f" {rng.choice(PEOPLE)} told {rng.choice(OUTLETS)} on {month} {day}."
            )
        elif shape == 3:
            lines.append(
                f"Key developments on {month} {day}: * {place} joins talks on {topic} with"
                f" {other}, {rng.choice(ROLES)} says * {other} rejects {topic}, {rng.choice(ROLES)}"
                " says"
            )
        elif shape == 4:
            lines.append(f"{topic.capitalize()} are on the table, the {other} {rng.choice(ROLES)}"
                         f" said.")  # fmt: skip
        else:
            lines.append(f'"We want {topic}," {rng.choice(PEOPLE)} said on {month} {day}.')
    return lines


def _store(tmp_path_factory, name: str, paths) -> tuple[EmbeddedStore, list]:
    folder = tmp_path_factory.mktemp(name)
    index = ensure(paths, folder / "index", FakeEncoder())
    gazetteer = Gazetteer.load(corpus_gazetteer_files(paths))
    store = EmbeddedStore.of_index(index, gazetteer)
    return store, list(index.statements)


@pytest.fixture(scope="module", params=["seeds", "synthetic"])
def corpus(request, tmp_path_factory):
    if request.param == "seeds":
        paths = default_corpus_paths()
    else:
        folder = tmp_path_factory.mktemp("synthetic-corpus")
        paths = [write(folder / "feed.txt", "\n".join(synthetic_lines(240, seed=7)) + "\n")]
    store, statements = _store(tmp_path_factory, request.param, paths)
    yield store, statements
    store.close()


# -- the masks as they were computed before the trees (the reference) ----------------------
def old_mask(u: Understanding, store: EmbeddedStore) -> np.ndarray:
    """The rows the filters allowed when each filter was a boolean mask over every row,
    computed from the index's fact arrays as the searcher did then."""
    f = store.filters
    n = f.size

    def mentions(name: str) -> np.ndarray:
        found = np.zeros(n, dtype=bool)
        rows = store.index.rows_containing(name)
        if rows is not None:
            found[rows] = True
        return found

    def matching(vocabulary, codes, wanted):
        chosen = [i for i, value in enumerate(vocabulary) if value and value in set(wanted)]
        return np.isin(codes, chosen)

    mask = np.ones(n, dtype=bool)
    if u.unknown_speakers:
        return np.zeros(n, dtype=bool)
    for name, wanted, vocabulary, codes in (
        ("speaker", u.speakers, f.speakers, f.speaker_codes),
        ("affiliation", u.affiliations, f.affiliations, f.affiliation_codes),
    ):
        if wanted:
            matched = matching(vocabulary, codes, wanted)
            if name == "affiliation":
                matched |= matching(f.places, f.place_codes, wanted)
            mask &= matched
    for source in u.sources:
        mask &= mentions(source)
    for role in u.roles:
        titled = np.array([bool(r) and role_matches(role.words, r) for r in f.roles])
        result = titled[f.role_codes]
        if role.place:
            place = next((p for p in f.gazetteer.places if p.name == role.place), None)
            names = (place.name, *place.aliases) if place else (role.place,)
            aliases = [normal_role(a) for a in names]
            placed = np.array([any(f" {a} " in f" {r} " for a in aliases) for r in f.roles])
            serving = np.array([a == role.place for a in f.affiliations])
            allowed = placed[f.role_codes] | serving[f.affiliation_codes]
            unplaced = result & (f.affiliation_codes == 0) & ~allowed
            if unplaced.any():
                named = np.zeros(n, dtype=bool)
                for alias in names:
                    named |= mentions(alias)
                allowed |= unplaced & named
            result &= allowed
        mask &= result
    if u.date:
        low = OPEN_LOW if u.date.start is None else u.date.start
        high = OPEN_HIGH if u.date.end is None else u.date.end
        said = (f.said_hi >= low) & (f.said_lo <= high)
        inferred = (f.inferred_lo >= low) & (f.inferred_hi <= high)
        inferred &= f.inferred_lo <= f.inferred_hi
        mentioned = np.zeros(n, dtype=bool)
        if len(f.mention_rows):
            inside = (f.mention_hi >= low) & (f.mention_lo <= high)
            mentioned[f.mention_rows[inside]] = True
        mask &= said | inferred | mentioned
    return mask


# -- a second evaluation, one record at a time ---------------------------------------------
def mentioned_days(spans: list[tuple[int, int]]) -> list[int]:
    """Every day ordinal the (lo, hi) spans of a statement's mentioned dates cover."""
    return sorted({day for lo, hi in spans for day in range(lo, hi + 1)})


def passes(where, facts: dict, words: set[str]) -> bool:
    """Whether one statement's facts (`row_facts`) and keyword tokens pass a tree."""
    if isinstance(where, And):
        return all(passes(p, facts, words) for p in where.parts)
    if isinstance(where, Or):
        return any(passes(p, facts, words) for p in where.parts)
    if isinstance(where, Not):
        return not passes(where.part, facts, words)
    if isinstance(where, AnyOf):
        return facts[where.field] in where.values
    if isinstance(where, Mentions):
        return bool(where.words) and set(where.words) <= words
    if isinstance(where, MentionsDate):
        days = set(mentioned_days(facts["mentioned"]))
        low = max(where.low, min(days, default=0))
        high = min(where.high, max(days, default=-1))
        return any(day in days for day in range(low, high + 1))
    low, high = facts[where.low_field], facts[where.high_field]
    if isinstance(where, Overlaps):
        return high >= where.low and low <= where.high
    assert isinstance(where, Within)
    return where.low <= low <= high <= where.high


def generated_questions(store: EmbeddedStore, seed: int, count: int) -> list[Understanding]:
    """Understandings with every kind of filter, alone and combined, drawn from what the
    corpus holds and from what it does not."""
    rng = random.Random(seed)
    vocab = store.vocabularies
    places = [p.name for p in store.filters.gazetteer.places] or PLACES
    f = store.filters
    days = np.concatenate([f.said_lo[f.said_lo < OPEN_HIGH], f.mention_lo,
                           f.inferred_hi[f.inferred_hi < OPEN_HIGH]])  # fmt: skip
    days = [int(d) for d in days] or [1, 100]
    words = sorted(
        {w for s in store.statements(range(min(store.size, 60))) for w in tokenize(s.passage)}
    )

    def speakers():
        return tuple(rng.sample(vocab["speakers"], min(len(vocab["speakers"]), rng.randint(1, 2))))

    def affiliations():
        pool = vocab["affiliations"] + vocab["places"] + rng.sample(places, min(3, len(places)))
        return tuple(rng.sample(pool, min(len(pool), rng.randint(1, 2))))

    def sources():
        return (" ".join(rng.sample(words, rng.randint(1, 2))),)

    def roles():
        titles = [r for r in vocab["roles"]] + ROLES
        title = rng.choice(titles).split()
        picked = tuple(rng.sample(title, min(len(title), rng.randint(1, 2))))
        place = rng.choice([None, None, rng.choice(places)])
        return (RoleFilter(picked, place, " ".join(picked)),)

    def date():
        a, b = sorted(rng.sample(days, 2) if len(days) > 1 else days * 2)
        start, end = rng.choice([(a, b), (None, b), (a, None), (a, a)])
        return DateRange(start, end, "then")

    makers = {"speakers": speakers, "affiliations": affiliations, "sources": sources,
              "roles": roles, "date": date}  # fmt: skip
    out = []
    for i in range(count):
        kinds = [list(makers)[i % len(makers)]] + rng.sample(list(makers), rng.randint(0, 2))
        out.append(Understanding(question="?", **{k: makers[k]() for k in dict.fromkeys(kinds)}))
    return out


def test_trees_select_the_rows_the_masks_did(corpus):
    store, _ = corpus
    questions = generated_questions(store, seed=3, count=300)
    nonempty = 0
    for u in questions:
        expected = np.flatnonzero(old_mask(u, store))
        found = plan(u, store, store.filters.gazetteer)
        if found.note:
            # A filter that matched nothing is named: the masks allowed nothing either, or
            # (for a date) nothing beside the earlier filters.
            assert len(expected) == 0, (u, found.note)
            continue
        assert store.ids(found.where).tolist() == expected.tolist(), u
        nonempty += len(expected) > 0
    assert nonempty >= 60  # the generated filters do select rows, not only nothing


def test_every_filter_kind_selects_rows_somewhere(corpus):
    store, _ = corpus
    kinds = {"speakers": 0, "affiliations": 0, "sources": 0, "roles": 0, "date": 0}
    for u in generated_questions(store, seed=5, count=200):
        found = plan(u, store, store.filters.gazetteer)
        if found.note is None and store.count(found.where) < store.size:
            for kind in kinds:
                kinds[kind] += bool(getattr(u, kind))
    assert all(count > 0 for count in kinds.values()), kinds


def test_a_record_at_a_time_agrees_with_the_embedded_store(corpus):
    store, statements = corpus
    gazetteer, timeline = store.filters.gazetteer, store.timeline
    facts = [row_facts(s, gazetteer, timeline) for s in statements]
    words = [set(tokenize(s.passage)) for s in statements]
    for u in generated_questions(store, seed=11, count=120):
        found = plan(u, store, gazetteer)
        trees = [found.where, *found.why.values()]
        for tree in trees:
            expected = [i for i in range(store.size) if passes(tree, facts[i], words[i])]
            assert store.ids(tree).tolist() == expected, tree


def test_trees_restricted_to_candidates_and_counted(corpus):
    store, _ = corpus
    rng = np.random.default_rng(0)
    for u in generated_questions(store, seed=13, count=60):
        where = plan(u, store, store.filters.gazetteer).where
        among = np.sort(rng.choice(store.size, size=min(25, store.size), replace=False))
        every = store.ids(where)
        assert store.ids(where, among=among).tolist() == np.intersect1d(every, among).tolist()
        assert store.count(where) == len(every)
        assert store.ids(where, limit=1).tolist() == every[:1].tolist()
        assert store.allows_any(where) == bool(len(every))
        assert store.allows_fewer(where) == (len(every) < store.size)
        assert store.filters.allows_any(where) == bool(len(every))


def test_the_fields_are_values_not_codes(corpus):
    """Two builds of different corpora name the same speaker with the same value."""
    store, statements = corpus
    named = [s for s in statements if s.speaker][:3]
    for s in named:
        facts = row_facts(s, store.filters.gazetteer, store.timeline)
        rows = store.ids(AnyOf("speaker", (facts["speaker"],)))
        assert statements.index(s) in rows.tolist()
    assert store.ids(EVERYTHING).tolist() == list(range(store.size))
    assert store.ids(Or(())).tolist() == []
    assert store.ids(Mentions(())).tolist() == []


def test_mentioned_days_cover_each_span():
    assert mentioned_days([(3, 5), (4, 4), (10, 10)]) == [3, 4, 5, 10]
    assert mentioned_days([]) == []


def test_words_starting_is_the_corpus_vocabulary_by_first_letter(corpus):
    store, _ = corpus
    vocabulary = list(store.index.bm25.vocab)
    for letter in "aspt":
        assert store.words_starting(letter) == [w for w in vocabulary if w[:1] == letter]
    assert store.words_starting("\u0416") == []


def test_keyword_top_k_under_a_filter_matches_a_full_scoring(corpus):
    store, statements = corpus
    rng = random.Random(1)
    words = sorted({w for s in statements[:40] for w in tokenize(s.passage)})
    for u in generated_questions(store, seed=17, count=30):
        where = plan(u, store, store.filters.gazetteer).where
        tokens = rng.sample(words, 3)
        every = np.asarray(store.index.bm25.scores(tokens), dtype=np.float32)
        allowed = np.zeros(store.size, dtype=bool)
        allowed[store.ids(where)] = True
        scored = [(-float(every[i]), i) for i in range(store.size) if allowed[i] and every[i] > 0]
        expected = [i for _, i in sorted(scored)[:10]]
        ids, scores = store.keywords(tokens, 10, where)
        assert ids.tolist() == expected
        assert np.allclose(scores, every[ids])
        assert np.allclose(store.keyword_scores(tokens, range(store.size)), every)


def test_attribution_words_are_the_values_holding_a_token(corpus):
    store, _ = corpus
    vocabularies = store.vocabularies
    attribution = AttributionWords(vocabularies)
    tokens = sorted(
        {t for v in vocabularies["speakers"] + vocabularies["roles"] for t in tokenize(v)}
    )
    for picked in [tokens[i : i + 2] for i in range(0, len(tokens), 7)] + [["zzz-none"]]:
        wanted = set(picked)
        expected = [
            AnyOf(name, chosen)
            for name in ("speaker", "role", "affiliation")
            if (chosen := tuple(v for v in vocabularies[name + "s"] if wanted & set(tokenize(v))))
        ]
        found = attribution.where(wanted)
        assert (list(found.parts) if isinstance(found, Or) else [found]) == expected or (
            not expected and found == Or(())
        )
