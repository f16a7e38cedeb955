"""The loaded pieces side by side: model, store, question reader and searcher. Each loads
lazily, once; the reader reads questions and the searcher ranks, neither owns the other, and
neither knows which backend the store is."""

from __future__ import annotations

from functools import cached_property

from qa.answer.role_meaning import RoleMeanings
from qa.answer.search import Searcher
from qa.corpus.dates import Timeline
from qa.corpus.gazetteer import Gazetteer, corpus_gazetteer_files
from qa.corpus.loading import default_corpus_paths
from qa.model.embedding import Encoder, ModelInfo, resolve_model
from qa.model.minilm import NumpyEncoder, index_encoder, supports
from qa.question.reader import QuestionReader
from qa.settings import Settings
from qa.store.base import Store
from qa.store.embedded.warm import warm
from qa.store.factory import open_store
from qa.store.fingerprint import Progress


class Engine:
    """The loaded pieces: model, index, reader and searcher."""

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
        """sentence-transformers, for building the index (loads torch when first used); the
        numpy encoder where torch is not installed (qa/model/minilm.py `index_encoder`)."""
        return index_encoder(self.model)

    @cached_property
    def query_encoder(self):
        """The torch-free encoder for questions, where the model's shape allows it."""
        if supports(self.model.path):
            return NumpyEncoder(self.model)
        return self.encoder

    @cached_property
    def store(self) -> Store:
        """The index, from the backend the settings name (built first when it must be)."""
        return open_store(
            self.settings, self.corpus_paths, self.encoder, self.gazetteer, self.progress
        )

    @property
    def index(self):
        """The index generation behind the embedded store, for what reads its files (the
        answering code reads the store only)."""
        return self.store.index

    @cached_property
    def gazetteer(self) -> Gazetteer:
        return Gazetteer.load(corpus_gazetteer_files(self.corpus_paths))

    @property
    def timeline(self) -> Timeline:
        return self.store.timeline

    @cached_property
    def searcher(self) -> Searcher:
        return Searcher(self.store, self.query_encoder, self.gazetteer)

    @cached_property
    def reader(self) -> QuestionReader:
        store = self.store
        return QuestionReader(
            _Records(store),
            self.gazetteer,
            self.timeline,
            speakers=store.vocabularies["speakers"],
            speaker_places=store.speaker_places(),
            mentioned=self.searcher.is_mentioned,
            rows_naming=self.searcher.rows_naming,
            role_meanings=RoleMeanings(store.vocabularies["roles"], self.query_encoder),
        )

    def load(self) -> Engine:
        """Everything loaded now, for a process that answers many questions (the chat, the
        evaluation); a one-off question loads only what it touches."""
        _ = self.searcher, self.reader
        if isinstance(self.query_encoder, NumpyEncoder):
            self.query_encoder.lay_out()
        return self

    def warm(self) -> int:
        """Bytes of the embedded index's memory maps entered in the page tables ahead of the
        questions (qa/store/embedded/warm.py); 0 for another backend or where it cannot be done."""
        index = getattr(self.store, "index", None)
        return warm(index.folder) if index is not None else 0

    @property
    def skipped(self) -> list[str]:
        """Bad corpus lines the index was built without (--skip-bad)."""
        return list(self.store.skipped)


class _Records:
    """A store's statements indexed by id, as the question reader reads them."""

    def __init__(self, store: Store):
        self.store = store

    def __getitem__(self, id: int):
        return self.store.statements([id])[0]
