"""The answer: verbatim passages with their attribution, or an honest abstention. Every front
door (ask, chat, eval) calls `answer()` and only renders what it returns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property

from qa.answer.engine import Engine
from qa.answer.filters import indefinite, shared_surnames
from qa.answer.floor import with_floor
from qa.answer.hits import Hit, SearchResult
from qa.answer.notes import ambiguity_note
from qa.answer.role_text import names_role
from qa.corpus.entities import speaker_value
from qa.corpus.statements import SaidOn
from qa.errors import QaError, QuestionError
from qa.question.explicit import ExplicitFilters, resolve
from qa.question.intent import REFUSALS, asks_quantity, has_number, why_of_shown
from qa.question.plans import reported_future, reported_plan
from qa.question.understanding import Understanding
from qa.text import mend

# Refusals that still list the closest statements on the subject, labelled as not an answer
# (a reason asked for: what was said on the subject, which may give one in the speaker's words).
WITH_CLOSEST = {"opinion", "forecast", "explanation"}
# How many of a forecast's first hits are read for a plan the statements report: the statement
# that reports it may rank below others on the subject (sixth at worst in the tuning
# questions); the plan tests, not the rank, keep the others out.
PLANS_READ = 10
# At most this many passages of one answer are read to count its group headers.
WHOLE = 200

__all__ = ["Answer", "Engine", "ExplicitFilters", "Passage", "answer", "explicit_filters"]


class VerbatimError(QaError):
    """A passage about to be shown is not a verbatim piece of its statement."""


@dataclass(frozen=True)
class Passage:
    """One passage shown to a user: corpus words plus the record's attribution."""

    id: str
    text: str
    statement: str
    quotes: tuple[str, ...]
    kind: str
    speaker: str | None
    speaker_entity: str | None  # the person, however the corpus writes them
    role: str | None
    role_from: str | None
    affiliation: str | None
    affiliation_from: str | None
    cue: str | None
    channel: str | None
    said_on: SaidOn | None
    truncated: bool
    source: str
    sources: tuple[str, ...]
    score: float
    matched_by: tuple[str, ...]
    speaker_from: str | None = None
    resolved_from: str | None = None
    source_mention: str | None = None
    said_order: int | None = None  # for ordering dates; not shown
    # A further statement of the filter asked about, shown after the answer's relevant ones
    # without being judged on the topic (a country's or a role's other statements).
    further: bool = False

    @classmethod
    def of(cls, hit: Hit) -> Passage:
        s = hit.statement
        passage = cls(
            id=s.id,
            text=s.passage,
            statement=s.text,
            quotes=s.quotes,
            kind=s.kind,
            speaker=s.speaker,
            speaker_entity=speaker_value(s),
            role=s.role,
            role_from=s.role_from,
            affiliation=s.affiliation,
            affiliation_from=s.affiliation_from,
            cue=s.cue,
            channel=s.channel,
            said_on=s.said_on,
            truncated=s.truncated,
            source=s.source,
            sources=s.sources,
            score=round(hit.score, 6),
            matched_by=hit.matched_by,
            speaker_from=s.speaker_from,
            resolved_from=s.resolved_from,
            source_mention=s.source_mention,
            said_order=hit.said_order,
            further=hit.further,
        )
        if passage.text not in passage.statement or any(q not in passage.text for q in s.quotes):
            raise VerbatimError(f"Refusing to show {s.source}: its passage is not verbatim.")
        return passage

    def to_json(self) -> dict:
        fields = {name: getattr(self, name) for name in self.__dataclass_fields__}
        del fields["said_order"]
        return {
            **fields,
            "quotes": list(self.quotes),
            "said_on": self.said_on.to_json() if self.said_on else None,
            "sources": list(self.sources),
            "matched_by": list(self.matched_by),
        }


@dataclass(frozen=True)
class Answer:
    question: str
    answered: bool
    understood: Understanding
    note: str | None
    passages: tuple[Passage, ...]
    closest: tuple[Passage, ...]
    available: int
    offset: int = 0
    # Why nothing was answered: a filter that matched nothing ("speaker", "affiliation",
    # "role", "date"), "relevance", or a kind of question not answered with passages
    # ("opinion", "forecast", "instruction", "quantity", "language", "explanation").
    reason: str | None = None
    # The hits of the whole answer when it has more than this page, and how to read their
    # records: `whole` reads them only when a group header asks (most answers never do).
    whole_hits: tuple[Hit, ...] = ()
    read_records: Callable[[tuple[Hit, ...]], tuple[Hit, ...]] | None = field(
        default=None, repr=False, compare=False
    )

    @cached_property
    def whole(self) -> tuple[Passage, ...]:
        """Every passage of the whole answer when it has more than this page (group headers
        count the whole answer, not the page); not part of the JSON, which pages by offset."""
        if not self.whole_hits:
            return ()
        return tuple(Passage.of(h) for h in self.read_records(self.whole_hits))

    def to_json(self) -> dict:
        return {
            "question": self.question,
            "answered": self.answered,
            "reason": self.reason,
            "understood": self.understood.to_json(),
            "note": self.note,
            "passages": [p.to_json() for p in self.passages],
            "closest": [p.to_json() for p in self.closest],
            "available": self.available,
            "offset": self.offset,
        }


def understand(
    engine: Engine,
    question: str,
    context: Understanding | None = None,
    filters: ExplicitFilters | None = None,
) -> Understanding:
    """What the question asks, with explicit filters (options) in place of what it says. Bytes
    that were not UTF-8 (lone surrogates) are read as U+FFFD, never passed to the model."""
    text = mend(question).strip()
    if not text:
        raise QuestionError("The question is empty; type a question about the statements.")
    if not any(ch.isalnum() for ch in text):
        raise QuestionError("The question has no words; type a question about the statements.")
    understood = engine.reader.read(text, context)
    if filters:
        understood = filters.applied_to(understood)
    if not understood.topic and not understood.has_filters and not understood.refusal:
        raise QuestionError(
            "The question names no topic, speaker, country, role or date; "
            "ask about something the statements could say."
        )
    return understood


def answer(
    engine: Engine,
    question: str,
    context: Understanding | None = None,
    top_k: int | None = None,
    offset: int = 0,
    filters: ExplicitFilters | None = None,
) -> Answer:
    """Answer one question; `context` is the previous question's understanding in a chat."""
    understood = understand(engine, question, context, filters)
    return answer_understood(engine, understood, top_k, offset)


def answer_understood(
    engine: Engine, understood: Understanding, top_k: int | None = None, offset: int = 0
) -> Answer:
    """The answer to a question already understood (a chat refines one without re-reading)."""
    top_k = top_k or engine.settings.top_k
    found = None
    if understood.refusal == "forecast":
        found = engine.searcher.search(understood, max(PLANS_READ, offset + top_k))
        plans = [h for h in found.hits[:PLANS_READ] if _reports_plan(understood.question, h)]
        if plans:
            # A plan the statements report ("will bring together", "she would sign the
            # treaty") is what was said: those statements lead, the others follow.
            rows = {h.row for h in plans}
            hits = (*plans, *(h for h in found.hits if h.row not in rows))
            page = replace(found, hits=hits[offset : offset + top_k])
            return _compose(understood.question, page, offset, None, None)
    if understood.refusal:
        closest = ()
        if (
            understood.refusal in WITH_CLOSEST
            and understood.topic
            and not why_of_shown(understood.question)
        ):
            # What was said on the subject, labelled as not an answer. A search from the first
            # hit for at least 3 already holds the first 3: the topic is not encoded twice.
            if found is None:
                found = engine.searcher.search(understood, 3)
            closest = tuple(Passage.of(h) for h in (found.hits or found.closest)[:3])
        return replace(refused(understood, understood.refusal), closest=closest)
    # The whole answer's hits without their records: only the page's are read.
    read = engine.searcher.read
    everything = engine.searcher.search(understood, WHOLE, 0, read=False)
    if understood.order and everything.hits:
        everything = replace(everything, hits=in_order(everything.hits, understood.order))
    if everything.answered and everything.hits:
        # On the page the settings give, whatever page is asked: pages stay stretches of one
        # whole answer.
        everything = with_floor(engine, understood, everything, engine.settings.top_k)
    result = replace(everything, hits=read(everything.hits[offset : offset + top_k]))
    if asks_quantity(understood.question) and not any(
        has_number(h.statement.passage) for h in read(everything.hits[:1])
    ):
        # A figure the statements do not give, whatever else is missing.
        closest = result.hits[:3] or result.closest
        result = replace(result, hits=(), closest=closest, answered=False, available=0)
        return _compose(understood.question, result, offset, "quantity", REFUSALS["quantity"])
    composed = _compose(understood.question, result, offset, result.reason, result.note)
    if composed.reason in ("role", "relevance") and understood.roles and understood.topic:
        # No statement attributed to the role, or none of those answers: the text may name it
        composed = _role_as_words(engine, understood, top_k, offset, composed.reason) or composed
    if composed.answered and understood.ambiguous:
        included = shared_surnames(understood, engine.store)
        notes = (composed.note, ambiguity_note(understood, included))
        composed = replace(composed, note=" ".join(n for n in notes if n) or None)
    if len(result.hits) < len(everything.hits) == everything.available:
        composed = replace(composed, whole_hits=everything.hits, read_records=read)
    return composed


def _role_as_words(
    engine: Engine, understood: Understanding, top_k: int, offset: int, reason: str = "role"
) -> Answer | None:
    """When no statement is attributed to the role asked ("France's foreign minister"), or
    none of those answers (`reason` "relevance"), the statements whose text names the role and
    that answer the question ("Jean-Marc Ayrault, the foreign minister of France, said ..."),
    the reply saying so; None when none answers. A record may miss a role its own text
    gives."""
    label = " ".join(role.label for role in understood.roles)
    found = engine.searcher.search(replace(understood, roles=()), WHOLE)
    hits = [h for h in found.hits if all(names_role(h.statement.passage, role, engine.gazetteer)
                                         for role in understood.roles)]  # fmt: skip
    if not found.answered or not hits:
        return None
    found = replace(found, hits=tuple(hits[offset : offset + top_k]), available=len(hits))
    who = indefinite(label)
    none = (f"No statement in the corpus is attributed to {who}" if reason == "role"
            else f"No statement attributed to {who} answers this")  # fmt: skip
    note = f"{none}; these name the role in their text and answer the rest."
    return _compose(understood.question, replace(found, understood=understood), offset, None, note)


def _reports_plan(question: str, hit: Hit) -> bool:
    """Whether a hit's statement reports the plan a forecast-shaped question asks about, the
    subject's own for a yes-or-no question (qa/question/plans.py)."""
    s = hit.statement
    said_by = " ".join(filter(None, (s.speaker, s.speaker_entity, s.role, s.affiliation,
                                     s.source_mention)))  # fmt: skip
    return reported_future(question, s.passage) or reported_plan(question, s.passage, said_by)


def in_order(hits, order: str):
    """The relevant statements in the order of their dates ("Who was the first to ...", "the
    latest on ..."): dated ones first, earliest or latest first; the undated keep their rank."""
    dated = sorted((h for h in hits if h.said_order is not None), key=lambda h: h.said_order,
                   reverse=order == "latest")  # fmt: skip
    return tuple(dated) + tuple(h for h in hits if h.said_order is None)


def refused(understood: Understanding, reason: str) -> Answer:
    """A question of a kind `qa` does not answer with passages, with its one-sentence reply."""
    return Answer(understood.question, False, understood, REFUSALS[reason], (), (), 0, 0, reason)


def _compose(
    question: str, result: SearchResult, offset: int, reason: str | None, note: str | None
) -> Answer:
    return Answer(
        question=question,
        answered=result.answered,
        understood=result.understood,
        note=note,
        passages=tuple(Passage.of(h) for h in result.hits),
        closest=tuple(Passage.of(h) for h in result.closest),
        available=result.available,
        offset=offset,
        reason=None if result.answered else reason,
    )


def explicit_filters(
    engine: Engine,
    speaker: str | None = None,
    affiliation: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> ExplicitFilters:
    """Filters given as options, resolved against the corpus; unreadable dates are refused."""
    return resolve(engine.reader, speaker, affiliation, since, until)
