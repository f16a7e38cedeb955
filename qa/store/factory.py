"""Opening the store the settings name: the embedded index, or a Milvus collection."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qa.store.base import Store

if TYPE_CHECKING:
    from qa.corpus.gazetteer import Gazetteer
    from qa.settings import Settings


def open_store(
    settings: Settings, corpus_paths, encoder, gazetteer: Gazetteer, progress=None
) -> Store:
    """The store the settings name: the embedded index (built first if the corpus or model
    changed) unless another backend is asked for. `encoder` is only used to build."""
    kind = getattr(settings, "store", "embedded") or "embedded"
    if kind == "embedded":
        from qa.store.embedded.build import ensure
        from qa.store.embedded.store import EmbeddedStore

        index = ensure(corpus_paths, settings.index_dir, encoder, progress, settings.skip_bad)
        return EmbeddedStore.of_index(index, gazetteer)
    if kind == "milvus":  # a Milvus collection, built with qa index --store milvus
        from qa.store.milvus.store import open_milvus

        info = encoder.info  # the model's name and weights hash: the model is not loaded
        return open_milvus(
            settings.uri, settings.collection, info.model_id, info.weights_sha256, corpus_paths
        )
    from qa.errors import QaError

    raise QaError(f"There is no store called {kind!r}; use embedded or milvus.")
