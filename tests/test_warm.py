"""Warming the index for the chat: every page of the index files the process has mapped is
entered in its page tables, and nothing is done when memory is short."""

from __future__ import annotations

import qa.store.embedded.warm as warm_module
from qa.store.embedded.warm import mapped, warm


def _resident(start: int) -> tuple[int, int]:
    """Size and resident size (bytes) of the mapping at `start`, from /proc/self/smaps."""
    with open("/proc/self/smaps") as smaps:
        blocks = smaps.read().split("\n")
    for i, line in enumerate(blocks):
        if line.startswith(f"{start:x}-"):
            fields = dict(f.split(":", 1) for f in blocks[i + 1 : i + 6] if ":" in f)
            kib = {name: int(fields[name].split()[0]) * 1024 for name in ("Size", "Rss")}
            return kib["Size"], kib["Rss"]
    raise AssertionError(f"no mapping at {start:x}")


def test_warming_enters_every_page_of_the_mapped_index_files(real_engine):
    folder = real_engine.index.folder
    assert real_engine.searcher is not None  # the index open
    ranges = mapped(folder)
    files = {path.rsplit("/", 1)[-1] for _, _, path in ranges}
    assert {"vectors.npy", "offsets.npy", "data.csc.index.npy"} <= files
    assert real_engine.warm() == sum(length for _, length, _ in ranges)
    for start, length, _ in ranges:
        assert _resident(start) == (length, length)


def test_nothing_is_warmed_when_memory_is_short(real_engine, monkeypatch):
    monkeypatch.setattr(warm_module, "available_memory", lambda: 0)
    assert warm(real_engine.index.folder) == 0


def test_nothing_is_warmed_outside_the_index(tmp_path):
    assert mapped(tmp_path) == []
    assert warm(tmp_path) == 0
