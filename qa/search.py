"""Hybrid search: filters first, then dense (FAISS) and keyword (BM25) ranks fused by
reciprocal rank fusion, then one honest relevance cut, the same with filters and without.
The searcher only ranks: what a question means is read before it gets here."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import numpy as np

from qa.embedding import Encoder
from qa.filters import OPEN_HIGH, StatementFilter, who_phrase
from qa.index import Index
from qa.lexicon import NAME_SIMILARITY
from qa.query import Understanding
from qa.statements import Statement
from qa.text import tokenize

RRF_K = 60
# BM25's share in the fusion: keyword matches break ties among meanings, they do not lead.
BM25_WEIGHT = 0.5
# Keyword matches vote in the fusion only for statements scoring at least this share of the
# best keyword match: a lone common word ("Ukraine") otherwise drags weak statements up.
BM25_FLOOR = 0.5
CANDIDATES = 100
# Calibrated on the tuning part of the evaluation (see EVALUATION.md), one cut for filtered
# and unfiltered questions alike. A statement's relevance is its cosine similarity to the topic
# (the topic as asked or with its synonyms, whichever is closer) plus COVERAGE_WEIGHT times the
# share of the topic's distinctive words it holds. A question is answered when its best
# statement reaches RELEVANT; statements from SHOWN up are shown beside it.
COVERAGE_WEIGHT = 0.4
RELEVANT = 0.38
SHOWN = 0.33
# Candidates this close under RELEVANT are also judged by their sentences and quotes; at most
# PART_CANDIDATES of them, so that a question costs a few short encodings at most.
PART_MARGIN = 0.12
PART_CANDIDATES = 2
# A word held by more than this share of the statements is not distinctive of any of them.
COMMON_WORD_SHARE = 0.5
# For "who" questions, statements this much less similar than the best are not contenders.
WHO_MARGIN = 0.15
EXACT_FILTERED_LIMIT = 200_000


@dataclass(frozen=True)
class Hit:
    """A statement found for a question, with its scores and why it matched."""

    row: int
    statement: Statement | None  # read from the index only for the hits returned
    score: float
    dense: float
    bm25: float
    matched_by: tuple[str, ...]
    said_order: int | None = None  # position of the date said on the corpus timeline
    coverage: float = 0.0  # share of the topic's distinctive words (or synonyms) it holds


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
    """Ranks the statements of one loaded index for understood questions. Batch search is the
    primitive; single search wraps it."""

    def __init__(self, index: Index, encoder: Encoder, filters: StatementFilter):
        self.index = index
        self.encoder = encoder
        self.filters = filters
        self._part_vectors: dict[int, np.ndarray | None] = {}  # sentences and quotes, per row
        self._spellings: dict[str, str | None] = {}  # a word no statement holds -> closest one

    def mentions(self, name: str) -> np.ndarray:
        """Rows whose text holds every word of a name, from the keyword index's postings."""
        found = np.zeros(len(self.index), dtype=bool)
        rows = self.index.rows_containing(name)
        if rows is not None:
            found[rows] = True
        return found

    def is_mentioned(self, name: str) -> bool:
        tokens = tokenize(name)
        return bool(tokens) and all(t in self.index.bm25.vocab for t in tokens)

    def spelt(self, tokens: list[str]) -> list[str]:
        """Keyword tokens, each one no statement holds followed by the corpus word spelt
        closest to it ("jedah" also counts "jeddah"; a typo is a typo of a word the corpus has)."""
        vocab = self.index.bm25.vocab
        out: list[str] = []
        for token in tokens:
            out.append(token)
            if token not in vocab:
                close = self._close_word(token)
                if close:
                    out.append(close)
        return out

    def _close_word(self, token: str) -> str | None:
        if token not in self._spellings:
            self._spellings[token] = _close_word(token, self.index.bm25.vocab)
        return self._spellings[token]

    def unmentioned_names(self, u: Understanding) -> list[str]:
        """Names in the topic (capitalised words, not opening the question) that no statement
        holds in no spelling close to it (a place by none of its names): "Gaza" in a feed that
        never mentions it."""
        opening = u.question.split()[:1]
        vocab = self.index.bm25.vocab
        found = []
        for concept in u.concepts:
            head = concept[0]
            if not head[:1].isupper() or head in opening or len(head) < 3:
                continue
            place = self.filters.gazetteer.place(head)
            # A place is mentioned by any of its names ("Canadian" for Canada).
            names = [*concept, *((place.name, *place.aliases) if place else ())]
            tokens = tokenize(" ".join(names))
            if not tokens or any(t in vocab for t in tokens):
                continue
            if any(_spelt_close(t, vocab) for t in tokenize(head)):
                continue  # most likely a typo: a word is only called absent when clearly so
            found.append(head)
        return found

    # -- ranking -------------------------------------------------------------------------
    def search_batch(
        self, understandings: list[Understanding], top_k: int = 5, offset: int = 0
    ) -> list[SearchResult]:
        texts: list[str] = []
        slots: list[tuple[int, int] | None] = []
        for u in understandings:
            if not u.topic:
                slots.append(None)
                continue
            expanded = expanded_topic(u)
            slots.append((len(texts), len(texts) + (1 if expanded != u.topic else 0)))
            texts.append(u.topic)
            if expanded != u.topic:
                texts.append(expanded)
        vectors = self.encoder.encode(texts) if texts else None
        return [
            self._search_one(u, vectors[slot[0] : slot[1] + 1] if slot else None, top_k, offset)
            for u, slot in zip(understandings, slots)
        ]

    def search(self, understanding: Understanding, top_k: int = 5, offset: int = 0) -> SearchResult:
        return self.search_batch([understanding], top_k, offset)[0]

    def _search_one(self, u, query_vectors, top_k, offset) -> SearchResult:
        allowed = self.filters.apply(u, self.mentions)
        mask, note, why = allowed.mask, allowed.note, allowed.why
        if note:
            return SearchResult(u, (), (), False, note, 0, allowed.reason)
        filtered = not mask.all()
        if query_vectors is None:
            order = self.filters.newest_first(np.flatnonzero(mask))
            hits = self._of_kind([self._hit(r, 1.0, 0.0, 0.0, why, ()) for r in order], u.kind)
            page = self._read(hits[offset : offset + top_k])
            reason = None if hits else "relevance"
            return SearchResult(u, page, (), len(hits) > 0, None, len(hits), reason)

        hits = self.rank(u, query_vectors, mask, why, filtered)
        hits = self._of_kind(hits, u.kind)
        unmentioned = self.unmentioned_names(u)
        if not unmentioned and not any(_answers(h) for h in hits):
            hits = self._by_parts(hits, query_vectors)
        if unmentioned or not any(_answers(h) for h in hits):
            closest = sorted(hits, key=lambda h: -relevance(h))[:3]
            if unmentioned:
                # The topic names something no statement mentions: whatever shares its other
                # words ("a ceasefire" in "a ceasefire in Gaza") is not about it.
                note = f"Nothing in the corpus mentions {unmentioned[0]}."
            else:
                note = _nothing_note(u, filtered)
            others = (
                self._unfiltered_answers(u, query_vectors) if filtered and not unmentioned else []
            )
            if others:
                # The filter is reported, not silently applied: others did speak to the topic.
                note += " Statements by others about it are listed first below."
                closest = others[:3] + closest[:2]
            return SearchResult(u, (), self._read(closest), False, note, 0, "relevance")
        relevant = [h for h in hits if _worth_showing(h)]
        # The statement that answers best (by the relevance that judged the answer) comes
        # first; the others keep their fused rank.
        top = max(relevant, key=relevance)
        relevant = [top] + [h for h in relevant if h is not top]
        if u.intent == "who":
            # A "who" question asks for one statement's speaker: keep the close contenders,
            # those with a named speaker first, the most relevant of them first; a report with no named speaker only answers
            # when no attributed statement does.
            best = max(relevance(h) for h in relevant)
            relevant = [h for h in relevant if relevance(h) >= best - WHO_MARGIN]
            attributed = self.filters.attributed
            relevant.sort(key=lambda h: (not attributed[h.row], -relevance(h)))
        elif u.intent == "when":
            # A "when" question asks for a date: among close contenders, dated ones first.
            best = max(relevance(h) for h in relevant)
            close = [h for h in relevant if relevance(h) >= best - WHO_MARGIN]
            rest = [h for h in relevant if relevance(h) < best - WHO_MARGIN]
            close.sort(key=lambda h: h.said_order is None)
            relevant = close + rest
        page = self._read(relevant[offset : offset + top_k])
        return SearchResult(u, page, (), True, None, len(relevant))

    def rank(self, u: Understanding, query_vectors, mask, why, filtered) -> list[Hit]:
        """Every candidate the filters allow, fused by rank, best first, with its cosine to the
        topic (the best of the topic as asked and with its synonyms) and its keyword score."""
        query_vector = query_vectors[0]
        dense_rows, dense_scores = self._dense(query_vector, mask, filtered)
        tokens = self.spelt(tokenize(expanded_topic(u)))
        bm25_all = (
            np.asarray(self.index.bm25.scores(tokens), dtype=np.float32)
            if tokens
            else np.zeros(len(mask), dtype=np.float32)
        )
        bm25_all = np.where(mask, bm25_all, 0.0)
        bm25_rows = np.argsort(-bm25_all)[:CANDIDATES]
        floor = BM25_FLOOR * float(bm25_all.max()) if len(bm25_all) else 0.0
        bm25_rows = bm25_rows[(bm25_all[bm25_rows] > 0) & (bm25_all[bm25_rows] >= floor)]

        fused: dict[int, float] = {}
        for rank, row in enumerate(dense_rows):
            fused[int(row)] = fused.get(int(row), 0.0) + 1.0 / (RRF_K + rank + 1)
        for rank, row in enumerate(bm25_rows):
            fused[int(row)] = fused.get(int(row), 0.0) + BM25_WEIGHT / (RRF_K + rank + 1)
        rows = np.array(sorted(fused), dtype=np.int64)
        # Cosine of every candidate to each form of the topic; the closer one counts.
        exact = np.asarray(self.index.vectors[rows]) @ np.asarray(query_vectors).T
        dense_of = dict(zip((int(r) for r in rows), (float(s) for s in exact.max(axis=1))))
        ranked = sorted(fused, key=lambda r: -fused[r])
        dense_top = {int(r) for r in dense_rows[:10]}
        coverage = self.coverage(u.concepts)
        return [
            replace(
                self._hit(
                    r,
                    fused[r],
                    dense_of[r],
                    float(bm25_all[r]),
                    why,
                    ("meaning",) if r in dense_top else (),
                ),
                coverage=float(coverage[r]),
            )
            for r in ranked
        ]

    def coverage(self, concepts: tuple[tuple[str, ...], ...]) -> np.ndarray:
        """For every row, the share of the topic's distinctive concepts it holds, each counted
        when the row has the word or another word for it, weighted by how rare it is. A word
        most statements hold ("Ukraine" in a feed about Ukraine) says nothing and is not
        counted."""
        n = len(self.index)
        total = np.zeros(n, dtype=np.float32)
        weight_sum = 0.0
        for concept in concepts:
            tokens = self.spelt(tokenize(" ".join(concept)))
            if not tokens:
                continue
            present = np.zeros(n, dtype=bool)
            for token in dict.fromkeys(tokens):
                present[self.index.rows_with(token)] = True
            # A word of a statement's own attribution ("NATO" in "NATO Secretary General Mark
            # Rutte said") is not the statement speaking about it.
            present &= ~self.filters.attributed_with(set(tokens))
            share = present.mean() if n else 1.0
            if share > COMMON_WORD_SHARE:
                continue
            weight = float(np.log(1.0 + 1.0 / max(share, 1.0 / n)))
            total += weight * present
            weight_sum += weight
        return total / weight_sum if weight_sum else total

    def _unfiltered_answers(self, u: Understanding, query_vectors) -> list[Hit]:
        """Statements that answer the topic when no filter applies."""
        everything = np.ones(len(self.index), dtype=bool)
        hits = self.rank(u, query_vectors, everything, {}, False)
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
            (row, part) for row in missing for part in passage_parts(self.index.statements[row])
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
        return [h for h in hits if self.index.statements[h.row].kind == kind]

    def _dense(self, query_vector, mask, filtered) -> tuple[np.ndarray, np.ndarray]:
        query = query_vector.reshape(1, -1).astype(np.float32)
        if not filtered:
            k = min(CANDIDATES, self.index.dense.ntotal)
            scores, rows = self.index.dense.search(query, k)
            keep = rows[0] >= 0
            return rows[0][keep], scores[0][keep]
        rows = np.flatnonzero(mask)
        if len(rows) <= EXACT_FILTERED_LIMIT:
            scores = np.asarray(self.index.vectors[rows]) @ query_vector
            order = np.argsort(-scores)[:CANDIDATES]
            return rows[order], scores[order]
        import faiss

        params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(rows.astype(np.int64)))
        scores, found = self.index.dense.search(query, CANDIDATES, params=params)
        keep = found[0] >= 0
        return found[0][keep], scores[0][keep]

    def _hit(self, row, score, dense, bm25, why, extra) -> Hit:
        reasons = [name for name, rows in why.items() if rows[row]]
        if bm25 > 0:
            reasons.append("words")
        reasons.extend(extra)
        order = int(self.filters.said_lo[row])
        return Hit(
            int(row),
            None,
            float(score),
            dense,
            bm25,
            tuple(reasons),
            order if order != OPEN_HIGH else None,
        )

    def _read(self, hits: list[Hit]) -> tuple[Hit, ...]:
        """The hits returned, with their statement records read from the index."""
        return tuple(replace(h, statement=self.index.statements[h.row]) for h in hits)


def _spelt_close(token: str, vocab) -> bool:
    """Whether the corpus holds a word spelt somewhat like this one (as a typed name is)."""
    from rapidfuzz import process
    from rapidfuzz.distance import JaroWinkler

    choices = [w for w in vocab if w[:1] == token[:1]]
    return bool(
        process.extractOne(
            token, choices, scorer=JaroWinkler.normalized_similarity, score_cutoff=NAME_SIMILARITY
        )
    )


def _close_word(token: str, vocab) -> str | None:
    """The corpus word (of the same first letter) one edit (a swap of two letters counts as
    one) away from a word of up to six letters, or two from a longer one: a typo or a
    transliteration, not another word."""
    if len(token) < 4:
        return None
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    choices = [w for w in vocab if w[:1] == token[:1] and abs(len(w) - len(token)) <= 2]
    found = process.extractOne(
        token, choices, scorer=OSA.distance, score_cutoff=1 if len(token) <= 6 else 2
    )
    return found[0] if found else None


def passage_parts(statement: Statement) -> list[str]:
    """The sentences and quoted spans of a passage that has more than one."""
    text = statement.passage
    sentences = [p for p in re.split(r"(?<=[.!?])\s+(?=[\"“A-Z])", text) if len(p) > 20]
    quotes = [q for q in statement.quotes if len(q) > 20]
    parts = list(dict.fromkeys([*quotes, *sentences]))
    return parts if len(parts) > 1 or (parts and parts[0] != text) else []


def expanded_topic(u: Understanding) -> str:
    """The topic with the other words for its words ("soldiers" also searches "troops")."""
    extra = [word for concept in u.concepts for word in concept[1:]]
    return f"{u.topic} {' '.join(extra)}" if extra else u.topic


def relevance(hit: Hit) -> float:
    """How well a statement answers the topic: meaning, plus the topic's own words."""
    return hit.dense + COVERAGE_WEIGHT * hit.coverage


def _answers(hit: Hit) -> bool:
    """Whether a hit is relevant enough for the question to count as answered."""
    return relevance(hit) >= RELEVANT


def _worth_showing(hit: Hit) -> bool:
    """Once a question is answered, which other hits are shown beside the best."""
    return relevance(hit) >= SHOWN


def _nothing_note(u: Understanding, filtered: bool) -> str:
    if filtered and u.topic:
        return f"Nothing {who_phrase(u)} about {u.topic}."
    if filtered:
        return f"Nothing {who_phrase(u)} in the corpus answers this."
    return "Nothing in the corpus answers this."
