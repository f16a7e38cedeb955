"""The answer: verbatim passages with their attribution, or an honest abstention. Every front
door (ask, chat, eval) calls `answer()` and only renders what it returns."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from qa.corpus import default_corpus_paths
from qa.embedding import Encoder, ModelInfo, resolve_model
from qa.errors import QaError, QuestionError
from qa.gazetteer import Gazetteer, corpus_gazetteer_files
from qa.index import Progress, ensure
from qa.minilm import NumpyEncoder, supports
from qa.query import Understanding
from qa.search import Hit, Searcher
from qa.settings import Settings
from qa.statements import SaidOn


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
    said_order: int | None = None  # for ordering dates; not shown

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
            said_order=hit.said_order,
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

    def to_json(self) -> dict:
        return {
            "question": self.question,
            "answered": self.answered,
            "understood": self.understood.to_json(),
            "note": self.note,
            "passages": [p.to_json() for p in self.passages],
            "closest": [p.to_json() for p in self.closest],
            "available": self.available,
            "offset": self.offset,
        }


class Engine:
    """The loaded pieces: model, index and searcher. Loads lazily, once."""

    def __init__(self, settings: Settings | None = None, progress: Progress | None = None):
        self.settings = settings or Settings()
        self.progress = progress

    @cached_property
    def corpus_paths(self):
        return list(self.settings.corpus) or default_corpus_paths()

    @cached_property
    def model(self) -> ModelInfo:
        return resolve_model(self.settings.model, self.settings.index_dir)

    @cached_property
    def encoder(self) -> Encoder:
        """sentence-transformers, for building the index (loads torch when first used)."""
        return Encoder(self.model)

    @cached_property
    def query_encoder(self):
        """The torch-free encoder for questions, where the model's shape allows it."""
        if supports(self.model.path):
            return NumpyEncoder(self.model)
        return self.encoder

    @cached_property
    def searcher(self) -> Searcher:
        index = ensure(
            self.corpus_paths,
            self.settings.index_dir,
            self.encoder,
            self.progress,
            self.settings.skip_bad,
        )
        gazetteer = Gazetteer.load(corpus_gazetteer_files(self.corpus_paths))
        return Searcher(index, self.query_encoder, gazetteer)

    def load(self) -> Engine:
        _ = self.searcher
        return self

    @property
    def skipped(self) -> list[str]:
        """Bad corpus lines the index was built without (--skip-bad)."""
        return list(self.searcher.index.manifest.get("corpus", {}).get("skipped", []))


def understand(
    engine: Engine,
    question: str,
    context: Understanding | None = None,
    filters: dict | None = None,
) -> Understanding:
    """What the question asks, with explicit filters (options) in place of what it says."""
    text = question.strip()
    if not text:
        raise QuestionError("The question is empty; type a question about the statements.")
    if not any(ch.isalnum() for ch in text):
        raise QuestionError("The question has no words; type a question about the statements.")
    understood = _with_filters(engine.searcher.understand(text, context), filters)
    if not understood.topic and not understood.has_filters:
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
    filters: dict | None = None,
) -> Answer:
    """Answer one question; `context` is the previous question's understanding in a chat."""
    understood = understand(engine, question, context, filters)
    result = engine.searcher.search(understood, top_k or engine.settings.top_k, offset)
    return _compose(question, result, offset)


def _compose(question: str, result, offset: int) -> Answer:
    return Answer(
        question=question,
        answered=result.answered,
        understood=result.understood,
        note=result.note,
        passages=tuple(Passage.of(h) for h in result.hits),
        closest=tuple(Passage.of(h) for h in result.closest),
        available=result.available,
        offset=offset,
    )


def _with_filters(u: Understanding, filters: dict | None) -> Understanding:
    """Explicit filters from options (--speaker, --affiliation, --since, --until) win."""
    if not filters:
        return u
    from dataclasses import replace

    changes = {}
    if "speakers" in filters:
        changes["speakers"] = tuple(filters["speakers"])
        changes["unknown_speakers"] = tuple(filters.get("unknown_speakers", ()))
    if filters.get("affiliations"):
        changes["affiliations"] = tuple(filters["affiliations"])
    if filters.get("date") is not None:
        changes["date"] = filters["date"]
    return replace(u, **changes)


def explicit_filters(
    engine: Engine,
    speaker: str | None = None,
    affiliation: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> dict:
    """Filters given as options, resolved against the corpus; unreadable dates are refused."""
    from qa.query import DateRange

    reader = engine.searcher.reader
    filters: dict = {}
    if speaker:
        name = reader.resolve_speaker(speaker)
        filters["speakers"] = [name] if name else []
        if not name:
            filters["unknown_speakers"] = [speaker]
    if affiliation:
        place = engine.searcher.gazetteer.place(affiliation)
        filters["affiliations"] = [place.name if place else affiliation]
    start = end = None
    labels = []
    for words, kind in ((since, "since"), (until, "until")):
        if not words:
            continue
        rng = reader.resolve_date(words, kind)
        if rng is None:
            raise QuestionError(
                f"Cannot read {words!r} as a date; write it like 'March 19' or 'January'."
            )
        start = rng.start if kind == "since" else start
        end = rng.end if kind == "until" else end
        labels.append(rng.label)
    if labels:
        filters["date"] = DateRange(start, end, " and ".join(labels))
    return filters
