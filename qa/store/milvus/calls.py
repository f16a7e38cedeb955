"""Calls to one Milvus collection as the store makes them: the most rows Milvus answers to one,
and a failed call said in one sentence that names the collection.

The readers of the store (records, keywords, filters) read WINDOW and IDS_PER_QUERY from this
module when they call, so that a test can narrow the window for all of them at once."""

from __future__ import annotations

from qa.store.milvus import collection as milvus
from qa.store.milvus.collection import MilvusError

# Milvus answers at most this many rows to one search or query (its topk and query window).
WINDOW = 16_384
IDS_PER_QUERY = 1_000


class CollectionCalls:
    """One loaded collection's client and name, and every call the store makes to it."""

    def __init__(self, client, name: str):
        self.client = client
        self.name = name

    def __call__(self, method, *args, **kwargs):
        try:
            return method(*args, **kwargs)
        except MilvusError:
            raise
        except Exception as error:  # the client's many kinds of failure, said in one sentence
            raise MilvusError(
                f"Milvus failed to answer for the collection {self.name}: "
                f"{milvus.first_line(error)}."
            ) from None
