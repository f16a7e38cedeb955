"""The loaded pieces side by side: model, index, filters, question reader and searcher. Each
loads lazily, once; the reader reads questions and the searcher ranks, neither owns the other."""

from __future__ import annotations

from collections import Counter
from functools import cached_property

from qa.corpus import default_corpus_paths
from qa.dates import Timeline
from qa.embedding import Encoder, ModelInfo, resolve_model
from qa.filters import StatementFilter
from qa.gazetteer import Gazetteer, corpus_gazetteer_files
from qa.index import Index, Progress, ensure
from qa.minilm import NumpyEncoder, supports
from qa.query import QuestionReader
from qa.search import Searcher
from qa.settings import Settings


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
        """sentence-transformers, for building the index (loads torch when first used)."""
        return Encoder(self.model)

    @cached_property
    def query_encoder(self):
        """The torch-free encoder for questions, where the model's shape allows it."""
        if supports(self.model.path):
            return NumpyEncoder(self.model)
        return self.encoder

    @cached_property
    def index(self) -> Index:
        return ensure(
            self.corpus_paths,
            self.settings.index_dir,
            self.encoder,
            self.progress,
            self.settings.skip_bad,
        )

    @cached_property
    def gazetteer(self) -> Gazetteer:
        return Gazetteer.load(corpus_gazetteer_files(self.corpus_paths))

    @cached_property
    def timeline(self) -> Timeline:
        corpus = self.index.manifest.get("corpus", {})
        return Timeline(corpus.get("timeline_start_month", 1), corpus.get("timeline_season"))

    @cached_property
    def filters(self) -> StatementFilter:
        return StatementFilter.load(self.index.folder / "facts", self.gazetteer, self.timeline)

    @cached_property
    def searcher(self) -> Searcher:
        return Searcher(self.index, self.query_encoder, self.filters)

    @cached_property
    def reader(self) -> QuestionReader:
        filters = self.filters
        places: dict[str, Counter] = {}
        for speaker, affiliation in zip(filters.speaker_codes, filters.affiliation_codes):
            if speaker and affiliation:
                name = filters.speakers[speaker]
                places.setdefault(name, Counter())[filters.affiliations[affiliation]] += 1
        return QuestionReader(
            self.index.statements,
            self.gazetteer,
            self.timeline,
            speakers=filters.speakers,
            speaker_places={name: c.most_common(1)[0][0] for name, c in places.items()},
            mentioned=self.searcher.is_mentioned,
            rows_naming=self.index.rows_containing,
        )

    def load(self) -> Engine:
        _ = self.searcher, self.reader
        return self

    @property
    def skipped(self) -> list[str]:
        """Bad corpus lines the index was built without (--skip-bad)."""
        return list(self.index.manifest.get("corpus", {}).get("skipped", []))
