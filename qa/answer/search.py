"""Hybrid search: filters first, then dense and keyword (BM25) ranks fused by reciprocal rank
fusion, then one honest relevance cut, the same with filters and without. The searcher only
ranks, through a Store (qa/store/where.py), whatever backend holds the index: what a question means
is read before it gets here, and a question's work is proportional to its candidates, not to
the corpus. What each step decides lives beside it (fusion, coverage, places, relevance,
ordering, notes; the records in hits); the searcher puts them in order."""

from __future__ import annotations

from dataclasses import replace
from itertools import compress

import numpy as np

from qa.answer.coverage import Coverage
from qa.answer.filters import mentions_of, plan
from qa.answer.floor import plain_search_applies
from qa.answer.fusion import fused_candidates
from qa.answer.hits import Hit, SearchResult
from qa.answer.notes import (
    LEFT_OUT_LISTED,
    OTHERS_LISTED,
    compared_note,
    named_note,
    why_nothing,
)
from qa.answer.ordering import best_first, by_intent, ties_by_id
from qa.answer.places import named_only, place_text
from qa.answer.preference import occasion_rows_first, preferred_rows_first
from qa.answer.relevance import PartJudge, _answers, _worth_showing, filter_shown, relevance
from qa.answer.spelling import Spelling
from qa.answer.voices import reports_speaking
from qa.corpus.gazetteer import Gazetteer
from qa.model.embedding import Encoder
from qa.question.topic import acting_on, expanded_topic, topic_phrase
from qa.question.understanding import Understanding
from qa.store.base import Store, newest_first
from qa.store.where import EVERYTHING, NOTHING, OPEN_HIGH, OPEN_LOW, Where
from qa.text import tokenize


class Searcher:
    """Ranks the statements of one store for understood questions. Batch search is the
    primitive; single search wraps it."""

    def __init__(self, store: Store, encoder: Encoder, gazetteer: Gazetteer):
        self.store = store
        self.encoder = encoder
        self.gazetteer = gazetteer
        self.part_judge = PartJudge(store, encoder)
        self.spelling = Spelling(store, gazetteer)
        self.word_coverage = Coverage(store, self.spelling)

    def mentions(self, name: str) -> np.ndarray:
        """Ids of the statements whose text holds every word of a name, ascending."""
        return self.store.ids(mentions_of(name))

    def is_mentioned(self, name: str) -> bool:
        tokens = tokenize(name)
        return bool(tokens) and all(self.store.has_word(t) for t in tokens)

    def rows_naming(self, words: str) -> np.ndarray | None:
        """Ids of the statements whose text holds every keyword of `words` (None when it has
        none), to find where the corpus dates an event it names."""
        return self.mentions(words) if tokenize(words) else None

    # -- ranking -------------------------------------------------------------------------
    def search_batch(
        self,
        understandings: list[Understanding],
        top_k: int = 5,
        offset: int = 0,
        read: bool = True,
    ) -> list[SearchResult]:
        """The results of each question; with `read=False` the page's hits come without their
        statement records (`read` them when they are needed: a record costs a parse), the
        closest ones (few, and always shown) with them."""
        texts: list[str] = []
        slots: list[tuple[int, int, int | None, int | None] | None] = []
        for u in understandings:
            if not u.topic:
                slots.append(None)
                continue
            expanded = expanded_topic(u)
            places = self.place_text(u)
            start = len(texts)
            phrase = topic_phrase(u)
            texts.append(phrase or u.topic)
            if expanded != u.topic:
                texts.append(expanded)
            end = len(texts)
            if places:
                texts.append(places)
            # The question as asked, for plain search (qa/answer/floor.py), in the same
            # encoding: the model's weights are read once for all the texts.
            asked = None
            if plain_search_applies(u):
                asked = len(texts)
                texts.append(u.question)
            slots.append((start, end, end if places else None, asked))
        vectors = self.encoder.encode(texts) if texts else None
        results = []
        for u, slot in zip(understandings, slots):
            found = self._search_one(
                u,
                vectors[slot[0] : slot[1]] if slot else None,
                top_k,
                offset,
                vectors[slot[2]] if slot and slot[2] is not None else None,
                read,
            )
            if slot and slot[3] is not None:
                found = replace(found, asked=np.stack([vectors[slot[3]], vectors[slot[0]]]))
            results.append(found)
        return results

    def place_text(self, u: Understanding) -> str | None:
        """The places and organisations that modify the next word of a topic ("NATO" in
        "NATO's spending target", "Russian" in "Russian economy"), or None."""
        return place_text(u, self.gazetteer)

    def search(
        self, understanding: Understanding, top_k: int = 5, offset: int = 0, read: bool = True
    ) -> SearchResult:
        return self.search_batch([understanding], top_k, offset, read)[0]

    def _search_one(
        self, u, query_vectors, top_k, offset, place_vector=None, read=True
    ) -> SearchResult:
        allowed = plan(u, self.store, self.gazetteer, asked=True)
        where, note, why = allowed.where, allowed.note, allowed.why
        if note:
            return SearchResult(u, (), (), False, note, 0, allowed.reason)
        # A filter every statement passes filters nothing (and is searched as no filter).
        filtered = where != EVERYTHING and self.store.allows_fewer(where)
        where = where if filtered else EVERYTHING
        if query_vectors is None:
            return self._listed(u, where, why, top_k, offset, read, allowed.caveat)

        hits = self.rank(u, query_vectors, where, why, filtered, place_vector)
        hits = self._of_kind(hits, u.kind)
        if u.sources:
            hits = self._voiced(hits, u.sources)
            if not hits:
                note = f"No statement by {' or '.join(u.sources)} in the corpus."
                return SearchResult(u, (), (), False, note, 0, "speaker")
        unmentioned = self.spelling.unmentioned_names(u)
        if not unmentioned and not any(_answers(h) for h in hits):
            hits = self.part_judge.by_parts(hits, query_vectors)
        if unmentioned or not any(_answers(h) for h in hits):
            closest = sorted(hits, key=lambda h: -relevance(h))[:3]
            note, reason = why_nothing(u, filtered, unmentioned, allowed)
            named = (
                self._named_answers(u, allowed, query_vectors, place_vector)
                if filtered and not unmentioned
                else []
            )
            if named:
                # Plain retrieval is the floor: statements that name whom the filter asks
                # about, with no speaker of their own, answer as any statement must.
                note = f"{allowed.caveat or note} {named_note(u)}"
                # The filter's own statements closest to the topic follow, as further ones.
                return self._page(u, named + filter_shown(hits, named), offset, top_k, read, note)
            own = filter_shown(hits, []) if u.compared and filtered and not unmentioned else []
            if own:
                # "And Canada?" after an answer: whom the follow-up turns to is compared on
                # the subject just answered; their closest statements are shown, labelled as
                # not judged on the topic (each speaker speaks in words of their own).
                own = sorted(own, key=lambda h: -relevance(h))
                return self._page(u, own, offset, top_k, read, compared_note(u))
            others = (
                self._unfiltered_answers(u, query_vectors, place_vector)
                if filtered and not unmentioned
                else []
            )
            if others:
                # The filter is reported, not silently applied: others did speak to the topic
                # (or, for a date, statements said on other dates may have).
                note += LEFT_OUT_LISTED if allowed.unsettled else OTHERS_LISTED
                closest = others[:3] + closest[:2]
            return SearchResult(u, (), self.read(closest), False, note, 0, reason)
        relevant = best_first([h for h in hits if _worth_showing(h)])
        if filtered and (u.affiliations or u.roles or len(u.speakers) > 1):
            relevant += filter_shown(hits, relevant)
        return self._page(u, relevant, offset, top_k, read, allowed.caveat)

    def _page(self, u, relevant: list[Hit], offset, top_k, read, note=None) -> SearchResult:
        """An answered result: the relevant hits in the order the question asks, one page."""
        relevant = by_intent(u, relevant, self.store, self.gazetteer)
        page = relevant[offset : offset + top_k]
        page = self.read(page) if read else tuple(page)
        return SearchResult(u, page, (), True, note, len(relevant))

    def _named_answers(self, u, allowed, query_vectors, place_vector=None) -> list[Hit]:
        """The statements that name a speaker or place asked about, with no speaker of their
        own (`FilterPlan.named`), that answer the topic, best first; matched by "mention"."""
        if allowed.named == NOTHING or not self.store.allows_any(allowed.named):
            return []
        why = {"mention": allowed.named}
        hits = self.rank(u, query_vectors, allowed.named, why, True, place_vector)
        answering = [h for h in self._of_kind(hits, u.kind) if _answers(h)]
        return best_first(answering) if answering else []

    def rank(
        self, u: Understanding, query_vectors, where: Where, why, filtered, place_vector=None
    ) -> list[Hit]:
        """The candidates the filters allow, fused by rank, best first, with their cosine to
        the topic (the best of the topic as the question words it and with its synonyms) and
        keyword score.
        `place_vector` encodes the places that modify the topic's words (`place_text`)."""
        dense_rows, tokens, fused = fused_candidates(
            self.store, self.spelling, u, query_vectors[0], where
        )
        candidates = sorted(fused)
        rows = np.array(candidates, dtype=np.int64)
        # Cosine of every candidate to each form of the topic; the closer one counts.
        exact = self.store.vectors(rows) @ np.asarray(query_vectors).T
        dense_of = dict(zip(candidates, exact.max(axis=1).tolist()))
        bm25 = self.store.keyword_scores(tokens, rows) if tokens else np.zeros(len(rows))
        bm25_of = dict(zip(candidates, np.asarray(bm25, dtype=np.float64).tolist()))
        ranked = sorted(fused, key=lambda r: -fused[r])
        dense_top = set(np.asarray(dense_rows[:10]).tolist())
        covered, worded = self.word_coverage.coverage_and_worded(u.concepts, rows)
        # What a verb of the topic acts on, held without the verb, covers the topic too; not
        # for a "who" question, whose one answer is the statement that says all it asks.
        acting = acting_on(u) if u.intent != "who" else frozenset()
        if acting:
            acted_on = tuple(c for c in u.concepts if c[0].lower() not in acting)
            covered = np.maximum(covered, self.coverage(acted_on, rows))
        coverage = dict(zip(candidates, np.asarray(covered, dtype=np.float64).tolist()))
        if place_vector is not None:
            for row in named_only(
                u, rows, place_vector, dense_of, self.store, self.gazetteer, self.word_coverage
            ):
                coverage[row] = 0.0  # the shared name is not the topic: meaning alone judges
        return [
            Hit(
                row=row,
                statement=None,
                score=fused[row],
                dense=dense_of[row],
                bm25=bm25_of[row],
                matched_by=matched
                + (("words",) if bm25_of[row] > 0 else ())
                + (("meaning",) if row in dense_top else ()),
                said_order=said_order,
                coverage=coverage[row],
                wordless=worded and not coverage[row],
                filtered=filtered,
            )
            for row, matched, said_order in self._marks(ranked, why)
        ]

    def coverage(self, concepts: tuple[tuple[str, ...], ...], ids) -> np.ndarray:
        """For each id, the share of the topic's distinctive concepts it holds (`Coverage`)."""
        return self.word_coverage.coverage(concepts, ids)

    def _listed(
        self, u: Understanding, where: Where, why, top_k, offset, read=True, note=None
    ) -> SearchResult:
        """A question with filters and no topic: what the filters allow, newest first (those
        that mention the occasion asked first); `note` is the plan's caveat."""
        ids = np.asarray(self.store.ids(where), dtype=np.int64)
        facts = self.store.facts(ids)
        if u.date is None:
            order = newest_first(ids, facts)
            keys = None
        else:
            # Asked for a time, statements said on a date in it come before those only
            # inferred to fall in it; newest first within each. One sort key holds both: the
            # inferred ones are shifted past every date.
            inferred = facts.said_hi == OPEN_LOW
            said = np.where(inferred, facts.inferred_hi, facts.said_hi)
            key = inferred * (OPEN_HIGH - OPEN_LOW + 1) - said
            at = np.argsort(key, kind="stable")
            order, keys = ids[at], key[at]
        if u.kind is not None:
            kept = np.array([s.kind == u.kind for s in self.store.statements(order)], dtype=bool)
            order = order[kept]
            keys = keys[kept] if keys is not None else None
        if keys is not None:
            order = ties_by_id(self.store, order, keys, offset, offset + top_k)
        order = preferred_rows_first(u, occasion_rows_first(u, order, self.store), self.store, why)
        page = [
            Hit(row, None, 1.0, 0.0, 0.0, matched, said_order)
            for row, matched, said_order in self._marks(order[offset : offset + top_k], why)
        ]
        page = self.read(page) if read else tuple(page)
        reason = None if len(order) else "relevance"
        return SearchResult(u, page, (), len(order) > 0, note, len(order), reason)

    def _unfiltered_answers(self, u: Understanding, query_vectors, place_vector=None) -> list[Hit]:
        """Statements that answer the topic when no filter applies."""
        hits = self.rank(u, query_vectors, EVERYTHING, {}, False, place_vector)
        return [h for h in self._of_kind(hits, u.kind) if _answers(h)]

    def _voiced(self, hits: list[Hit], names: tuple[str, ...]) -> list[Hit]:
        """Only hits whose text gives a voice to a name asked that no record has as its
        speaker ("Putin said", not "Trump admires Putin")."""
        statements = self.store.statements([h.row for h in hits])
        return [h for h, s in zip(hits, statements)
                if any(reports_speaking(s.passage, n) for n in names)]  # fmt: skip

    def _of_kind(self, hits: list[Hit], kind: str | None) -> list[Hit]:
        """Only hits whose statement is of the kind asked for ("only quotes")."""
        if kind is None:
            return hits
        statements = self.store.statements([h.row for h in hits])
        return [h for h, s in zip(hits, statements) if s.kind == kind]

    def _marks(self, ids, why: dict[str, Where]) -> list[tuple[int, tuple[str, ...], int | None]]:
        """For each id: the id, the filters it matched (in the order they were applied) and its
        place on the timeline, from which its hit is made."""
        if not len(ids):
            return []
        ids = np.asarray(ids, dtype=np.int64)
        held = [np.isin(ids, self.store.ids(tree, among=ids)).tolist() for tree in why.values()]
        matched = [tuple(compress(why, flags)) for flags in zip(*held)] if held else [()] * len(ids)
        said = self.store.facts(ids).said_lo.tolist()
        return [
            (row, names, order if order != OPEN_HIGH else None)
            for row, names, order in zip(ids.tolist(), matched, said)
        ]

    def read(self, hits) -> tuple[Hit, ...]:
        """The hits with their statement records read from the store."""
        statements = self.store.statements([h.row for h in hits])
        return tuple(replace(h, statement=s) for h, s in zip(hits, statements))
