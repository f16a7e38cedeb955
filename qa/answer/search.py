"""Hybrid search: filters first, then dense and keyword (BM25) ranks fused by reciprocal rank
fusion, then one honest relevance cut, the same with filters and without. The searcher only
ranks, through a Store (qa/store/where.py), whatever backend holds the index: what a question means
is read before it gets here, and a question's work is proportional to its candidates, not to
the corpus."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cached_property
from itertools import compress

import numpy as np

from qa.answer.filters import AttributionWords, mentions_of, plan, who_phrase
from qa.answer.spelling import Spelling
from qa.corpus.gazetteer import Gazetteer
from qa.corpus.statements import Statement
from qa.model.embedding import Encoder
from qa.question.topic import acting_on, expanded_topic, topic_phrase
from qa.question.understanding import Understanding
from qa.store.base import Store, newest_first
from qa.store.where import EVERYTHING, OPEN_HIGH, OPEN_LOW, And, Mentions, Not, Where, either
from qa.text import tokenize, written_words

RRF_K = 60
# BM25's share in the fusion: keyword matches break ties among meanings, they do not lead.
BM25_WEIGHT = 0.5
# Keyword matches vote in the fusion only for statements scoring at least this share of the
# best keyword match: a lone common word ("Ukraine") otherwise drags weak statements up.
BM25_FLOOR = 0.5
CANDIDATES = 100
# Calibrated on the tuning part of the evaluation (see EVALUATION.md), one cut for filtered
# and unfiltered questions alike. A statement's relevance is its cosine similarity to the topic
# (the topic as the question words it or with its synonyms, whichever is closer) plus
# COVERAGE_WEIGHT times the share of the topic's distinctive words it holds. A question is
# answered when its best statement reaches RELEVANT; statements from SHOWN up are shown beside
# it.
COVERAGE_WEIGHT = 0.4
RELEVANT = 0.34
SHOWN = 0.33
# A statement that holds none of the topic's distinctive words, when other statements hold
# them, is most often about something near it ("Europe's security" for "Ukraine joining
# NATO"): its meaning alone answers only this much above RELEVANT. When no statement holds
# them (the question's words are not the corpus's), meaning alone judges at RELEVANT.
WORDLESS_MARGIN = 0.13
# Candidates this close under RELEVANT are also judged by their sentences and quotes; at most
# PART_CANDIDATES of them, so that a question costs a few short encodings at most.
PART_MARGIN = 0.12
PART_CANDIDATES = 2
# A word held by more than this share of the statements is not distinctive of any of them.
COMMON_WORD_SHARE = 0.5
# For "who" questions, statements this much less similar than the best are not contenders.
WHO_MARGIN = 0.15
# A statement that holds a place or organisation modifying the topic ("NATO" in "NATO's
# spending target") and none of the topic's other words has the name count as covering the
# topic only when the topic is this much closer to it than the place alone is; otherwise the
# shared name made the match, and its meaning alone judges it.
ENTITY_GAIN = 0.15
# Once a question about a country or organisation, a role, or several speakers is answered,
# their statements are shown after the relevant ones from this relevance up: each speaker
# speaks in words of their own ("be a part of that" beside "protecting Ukraine"), a role may
# be held or spoken for by several, and the filters have already made the candidates few.
# (For one speaker, "What else did she say?" is how to ask for the rest.)
FILTER_SHOWN = 0.15


@dataclass(frozen=True)
class Hit:
    """A statement found for a question, with its scores and why it matched."""

    row: int  # the statement's id in its store
    statement: Statement | None  # read from the store only for the hits returned
    score: float
    dense: float
    bm25: float
    matched_by: tuple[str, ...]
    said_order: int | None = None  # position of the date said on the corpus timeline
    coverage: float = 0.0  # share of the topic's distinctive words (or synonyms) it holds
    # Shown after the relevant statements because its filter allows it (FILTER_SHOWN), not
    # judged to be on the topic.
    further: bool = False
    # None of the topic's distinctive words, which other statements do hold: its meaning
    # alone must then be closer to answer (WORDLESS_MARGIN).
    wordless: bool = False


@dataclass(frozen=True)
class SearchResult:
    understood: Understanding
    hits: tuple[Hit, ...]
    closest: tuple[Hit, ...]
    answered: bool
    note: str | None
    available: int
    reason: str | None = None  # why nothing was answered: a filter kind, or "relevance"


class Searcher:
    """Ranks the statements of one store for understood questions. Batch search is the
    primitive; single search wraps it."""

    def __init__(self, store: Store, encoder: Encoder, gazetteer: Gazetteer):
        self.store = store
        self.encoder = encoder
        self.gazetteer = gazetteer
        self._part_vectors: dict[int, np.ndarray | None] = {}  # sentences and quotes, per id
        self.spelling = Spelling(store, gazetteer)
        self._attributed: dict[frozenset, Where] = {}

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
        slots: list[tuple[int, int, int | None] | None] = []
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
            slots.append((start, len(texts), len(texts) if places else None))
            if places:
                texts.append(places)
        vectors = self.encoder.encode(texts) if texts else None
        return [
            self._search_one(
                u,
                vectors[slot[0] : slot[1]] if slot else None,
                top_k,
                offset,
                vectors[slot[2]] if slot and slot[2] is not None else None,
                read,
            )
            for u, slot in zip(understandings, slots)
        ]

    def place_text(self, u: Understanding) -> str | None:
        """The places and organisations that modify the next word of a topic ("NATO" in
        "NATO's spending target", "Russian" in "Russian economy"), or None."""
        words = written_words(u.topic)
        heads = {re.sub(r"['’]s$", "", w): i for i, w in enumerate(words)}
        places = [
            c[0]
            for c in self._places(u)
            if c[0] in heads
            and heads[c[0]] + 1 < len(words)
            and not self.gazetteer.place(words[heads[c[0]] + 1])
        ]
        return " ".join(places) if places else None

    def _places(self, u: Understanding) -> tuple[tuple[str, ...], ...]:
        return tuple(c for c in u.concepts if self._is_place(c))

    def _is_place(self, concept: tuple[str, ...]) -> bool:
        return any(self.gazetteer.place(word) for word in concept[:2])

    def search(
        self, understanding: Understanding, top_k: int = 5, offset: int = 0, read: bool = True
    ) -> SearchResult:
        return self.search_batch([understanding], top_k, offset, read)[0]

    def _search_one(
        self, u, query_vectors, top_k, offset, place_vector=None, read=True
    ) -> SearchResult:
        allowed = plan(u, self.store, self.gazetteer)
        where, note, why = allowed.where, allowed.note, allowed.why
        if note:
            return SearchResult(u, (), (), False, note, 0, allowed.reason)
        # A filter every statement passes filters nothing (and is searched as no filter).
        filtered = where != EVERYTHING and self.store.allows_fewer(where)
        where = where if filtered else EVERYTHING
        if query_vectors is None:
            return self._listed(u, where, why, top_k, offset, read)

        hits = self.rank(u, query_vectors, where, why, filtered, place_vector)
        hits = self._of_kind(hits, u.kind)
        unmentioned = self.spelling.unmentioned_names(u)
        if not unmentioned and not any(_answers(h) for h in hits):
            hits = self._by_parts(hits, query_vectors)
        if unmentioned or not any(_answers(h) for h in hits):
            closest = sorted(hits, key=lambda h: -relevance(h))[:3]
            reason = "relevance"
            if unmentioned:
                # The topic names something no statement mentions: whatever shares its other
                # words ("a ceasefire" in "a ceasefire in Gaza") is not about it.
                note = f"Nothing in the corpus mentions {unmentioned[0]}."
            elif allowed.unheard:
                # Only statements naming the actor asked about were searched: it said nothing.
                note, reason = allowed.unheard
            else:
                note = _nothing_note(u, filtered)
            others = (
                self._unfiltered_answers(u, query_vectors, place_vector)
                if filtered and not unmentioned
                else []
            )
            if others:
                # The filter is reported, not silently applied: others did speak to the topic.
                note += " Statements by others about it are listed first below."
                closest = others[:3] + closest[:2]
            return SearchResult(u, (), self.read(closest), False, note, 0, reason)
        relevant = [h for h in hits if _worth_showing(h)]
        # The statement that answers best (by the relevance that judged the answer) comes
        # first, a report about an actor asked about only when clearly better than the
        # actor's own words; the others keep their fused rank.
        top = max(relevant, key=lambda h: relevance(h) - (WHO_MARGIN if _only_names(h) else 0))
        relevant = [top] + [h for h in relevant if h is not top]
        if filtered and (u.affiliations or u.roles or len(u.speakers) > 1):
            # A few statements of the filter's own, each close enough, are all shown; not
            # every report that only names an actor asked about.
            shown = {h.row for h in relevant}
            relevant += [
                replace(h, further=True)
                for h in hits
                if FILTER_SHOWN <= relevance(h) and h.row not in shown and not _only_names(h)
            ]
        if u.intent == "who":
            # A "who" question asks for one statement's speaker: keep the close contenders,
            # those with a named speaker first, the most relevant of them first; a report with
            # no named speaker only answers when no attributed statement does. Asked for the
            # first or the last to speak ("Who was the last to ..."), every relevant statement
            # contends: the answer orders them by date.
            best = max(relevance(h) for h in relevant)
            if not u.order:
                relevant = [h for h in relevant if relevance(h) >= best - WHO_MARGIN]
            facts = self.store.facts([h.row for h in relevant])
            attributed = dict(zip((h.row for h in relevant), facts.attributed))
            relevant.sort(key=lambda h: (not attributed[h.row], -relevance(h)))
        elif u.intent == "when":
            # A "when" question asks for a date: among close contenders, dated ones first.
            best = max(relevance(h) for h in relevant)
            close = [h for h in relevant if relevance(h) >= best - WHO_MARGIN]
            rest = [h for h in relevant if relevance(h) < best - WHO_MARGIN]
            close.sort(key=lambda h: h.said_order is None)
            relevant = close + rest
        page = relevant[offset : offset + top_k]
        page = self.read(page) if read else tuple(page)
        return SearchResult(u, page, (), True, None, len(relevant))

    def rank(
        self, u: Understanding, query_vectors, where: Where, why, filtered, place_vector=None
    ) -> list[Hit]:
        """The candidates the filters allow, fused by rank, best first, with their cosine to
        the topic (the best of the topic as the question words it and with its synonyms) and
        keyword score.
        `place_vector` encodes the places that modify the topic's words (`place_text`)."""
        dense_rows, _ = self.store.dense(query_vectors[0], CANDIDATES, where)
        tokens = [t for concept in u.concepts for t in self.spelling.concept_tokens(concept)]
        bm25_rows, bm25_scores = (
            self.store.keywords(tokens, CANDIDATES, where) if tokens else (dense_rows[:0], [])
        )
        if len(bm25_rows):
            bm25_rows = bm25_rows[np.asarray(bm25_scores) >= BM25_FLOOR * float(bm25_scores[0])]

        # Python numbers from here on (`tolist`): a candidate costs a dict entry, not a numpy
        # scalar per use.
        fused: dict[int, float] = {}
        for rank, row in enumerate(np.asarray(dense_rows).tolist()):
            fused[row] = fused.get(row, 0.0) + 1.0 / (RRF_K + rank + 1)
        for rank, row in enumerate(np.asarray(bm25_rows).tolist()):
            fused[row] = fused.get(row, 0.0) + BM25_WEIGHT / (RRF_K + rank + 1)
        candidates = sorted(fused)
        rows = np.array(candidates, dtype=np.int64)
        # Cosine of every candidate to each form of the topic; the closer one counts.
        exact = self.store.vectors(rows) @ np.asarray(query_vectors).T
        dense_of = dict(zip(candidates, exact.max(axis=1).tolist()))
        bm25 = self.store.keyword_scores(tokens, rows) if tokens else np.zeros(len(rows))
        bm25_of = dict(zip(candidates, np.asarray(bm25, dtype=np.float64).tolist()))
        ranked = sorted(fused, key=lambda r: -fused[r])
        dense_top = set(np.asarray(dense_rows[:10]).tolist())
        covered, worded = self._coverage(u.concepts, rows)
        # What a verb of the topic acts on, held without the verb, covers the topic too; not
        # for a "who" question, whose one answer is the statement that says all it asks.
        acting = acting_on(u) if u.intent != "who" else frozenset()
        if acting:
            acted_on = tuple(c for c in u.concepts if c[0].lower() not in acting)
            covered = np.maximum(covered, self.coverage(acted_on, rows))
        coverage = dict(zip(candidates, np.asarray(covered, dtype=np.float64).tolist()))
        if place_vector is not None:
            for row in self._named_only(u, rows, place_vector, dense_of):
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
            )
            for row, matched, said_order in self._marks(ranked, why)
        ]

    def coverage(self, concepts: tuple[tuple[str, ...], ...], ids) -> np.ndarray:
        """For each id, the share of the topic's distinctive concepts it holds, each counted
        when the statement has the word or another word for it, weighted by how rare it is. A
        word most statements hold ("Ukraine" in a feed about Ukraine) says nothing and is not
        counted."""
        return self._coverage(concepts, ids)[0]

    def _coverage(self, concepts, ids) -> tuple[np.ndarray, bool]:
        """`coverage`, and whether any statement of the store holds a distinctive concept."""
        worded = False
        ids = np.asarray(ids, dtype=np.int64)
        n = self.store.size
        total = np.zeros(len(ids), dtype=np.float32)
        weight_sum = 0.0
        for concept in concepts:
            tokens = self.spelling.concept_tokens(concept)
            if not tokens:
                continue
            holding = either(*(Mentions((t,)) for t in dict.fromkeys(tokens)))
            # A word of a statement's own attribution ("NATO" in "NATO Secretary General Mark
            # Rutte said") is not the statement speaking about it.
            present = And((holding, Not(self._attributed_with(set(tokens)))))
            share = self.store.count(present) / n if n else 1.0
            if share > COMMON_WORD_SHARE:
                continue
            worded = worded or share > 0
            weight = float(np.log(1.0 + 1.0 / max(share, 1.0 / n)))
            total += weight * np.isin(ids, self.store.ids(present, among=ids))
            weight_sum += weight
        return (total / weight_sum if weight_sum else total), worded

    def _named_only(self, u: Understanding, rows, place_vector, dense_of) -> list[int]:
        """Statements that hold a place modifying the topic ("NATO" of "NATO's budget") and
        none of the topic's other distinctive words, and that the whole topic is not
        ENTITY_GAIN closer to than the place alone: the name, not the subject, matched."""
        modifiers = (self.place_text(u) or "").split()
        places = tuple(c for c in self._places(u) if c[0] in modifiers)
        others = tuple(c for c in u.concepts if not self._is_place(c))
        held_place = self.coverage(places, rows) > 0
        held_other = self.coverage(others, rows) > 0
        place_cos = self.store.vectors(rows) @ np.asarray(place_vector)
        return [
            int(row)
            for row, place, other, cos in zip(rows, held_place, held_other, place_cos)
            if place and not other and dense_of[int(row)] - float(cos) < ENTITY_GAIN
        ]

    @cached_property
    def _attribution(self) -> AttributionWords:
        return AttributionWords(self.store.vocabularies)

    def _attributed_with(self, tokens: set[str]) -> Where:
        key = frozenset(tokens)
        if key not in self._attributed:
            self._attributed[key] = self._attribution.where(tokens)
        return self._attributed[key]

    def _listed(
        self, u: Understanding, where: Where, why, top_k, offset, read=True
    ) -> SearchResult:
        """A question with filters and no topic: what the filters allow, newest first."""
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
            order = self._ties_by_id(order, keys, offset, offset + top_k)
        page = [
            Hit(row, None, 1.0, 0.0, 0.0, matched, said_order)
            for row, matched, said_order in self._marks(order[offset : offset + top_k], why)
        ]
        page = self.read(page) if read else tuple(page)
        reason = None if len(order) else "relevance"
        return SearchResult(u, page, (), len(order) > 0, None, len(order), reason)

    def _ties_by_id(self, order: np.ndarray, keys: np.ndarray, start: int, stop: int) -> np.ndarray:
        """`order` (sorted by `keys`, ascending) with the runs of equal keys that hold the page
        [start, stop) ordered by statement id: a tie-break every store shares (store ids
        are corpus positions in one and hashed keys in another)."""
        if not len(order) or start >= len(order):
            return order
        stop = min(stop, len(order))
        lo = int(np.searchsorted(keys, keys[start], side="left"))
        hi = int(np.searchsorted(keys, keys[stop - 1], side="right"))
        run = order[lo:hi].tolist()
        tied = sorted(zip(keys[lo:hi].tolist(), self.store.statement_ids(run), run))
        order = order.copy()
        order[lo:hi] = [row for _, _, row in tied]
        return order

    def _unfiltered_answers(self, u: Understanding, query_vectors, place_vector=None) -> list[Hit]:
        """Statements that answer the topic when no filter applies."""
        hits = self.rank(u, query_vectors, EVERYTHING, {}, False, place_vector)
        return [h for h in self._of_kind(hits, u.kind) if _answers(h)]

    def _by_parts(self, hits: list[Hit], query_vectors) -> list[Hit]:
        """A long passage can hold the answer in one sentence or quote that its whole meaning
        dilutes: the few best candidates just under the cut are judged by their parts too."""
        near = sorted(
            (h for h in hits if RELEVANT - PART_MARGIN <= relevance(h) < RELEVANT),
            key=lambda h: -relevance(h),
        )[:PART_CANDIDATES]
        missing = [h.row for h in near if h.row not in self._part_vectors]
        pieces = [
            (row, part)
            for row, statement in zip(missing, self.store.statements(missing))
            for part in passage_parts(statement)
        ]
        encoded = self.encoder.encode([text for _, text in pieces]) if pieces else []
        for row in missing:
            rows = [i for i, (r, _) in enumerate(pieces) if r == row]
            self._part_vectors[row] = np.asarray(encoded)[rows] if rows else None
        best: dict[int, float] = {}
        for hit in near:
            vectors = self._part_vectors[hit.row]
            if vectors is not None and len(vectors):
                best[hit.row] = float((vectors @ np.asarray(query_vectors).T).max())
        return [replace(h, dense=max(h.dense, best[h.row])) if h.row in best else h for h in hits]

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


def passage_parts(statement: Statement) -> list[str]:
    """The sentences and quoted spans of a passage that has more than one."""
    text = statement.passage
    sentences = [p for p in re.split(r"(?<=[.!?])\s+(?=[\"“A-Z])", text) if len(p) > 20]
    quotes = [q for q in statement.quotes if len(q) > 20]
    parts = list(dict.fromkeys([*quotes, *sentences]))
    return parts if len(parts) > 1 or (parts and parts[0] != text) else []


def relevance(hit: Hit) -> float:
    """How well a statement answers the topic: meaning, plus the topic's own words."""
    return hit.dense + COVERAGE_WEIGHT * hit.coverage


def _answers(hit: Hit) -> bool:
    """Whether a hit is relevant enough for the question to count as answered."""
    return relevance(hit) >= RELEVANT + (WORDLESS_MARGIN if hit.wordless else 0.0)


def _only_names(hit: Hit) -> bool:
    """Whether a hit passed the filters only by naming who is asked about, not as theirs."""
    return "mention" in hit.matched_by and not {"speaker", "affiliation"} & set(hit.matched_by)


def _worth_showing(hit: Hit) -> bool:
    """Once a question is answered, which other hits are shown beside the best."""
    return relevance(hit) >= SHOWN


def _nothing_note(u: Understanding, filtered: bool) -> str:
    if filtered and u.topic:
        return f"Nothing {who_phrase(u)} about {u.topic}."
    if filtered:
        return f"Nothing {who_phrase(u)} in the corpus answers this."
    return "Nothing in the corpus answers this."
