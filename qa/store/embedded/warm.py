"""Warming a loaded index for a process that answers many questions (the chat).

The index's large files are memory-mapped, so a cold ask reads only the pages it touches. In a
long-lived process every question's first search still stops on the pages it touches for the
first time: at a million statements a country's first graph search takes about 9,500 page
faults (62 ms, against 13 ms when repeated). Warming enters every page of the mapped index files
in the process's page tables ahead of the questions (Linux's MADV_POPULATE_READ), while the
chat waits for the first question. Nothing is done elsewhere than on Linux 5.14 or later, nor
when the mapped files would take more than half the memory available.
"""

from __future__ import annotations

import ctypes
import os
import sys
from pathlib import Path

MADV_POPULATE_READ = 22  # linux/mman.h
PIECE = 4 << 20  # bytes populated per call


def mapped(folder: Path) -> list[tuple[int, int, str]]:
    """(address, length, file) of this process's mappings of files in `folder`."""
    prefix = str(folder.resolve()) + os.sep
    ranges = []
    with open("/proc/self/maps") as maps:
        for line in maps:
            fields = line.split(maxsplit=5)
            if len(fields) == 6 and fields[5].rstrip("\n").startswith(prefix):
                start, end = (int(x, 16) for x in fields[0].split("-"))
                ranges.append((start, end - start, fields[5].rstrip("\n")))
    return ranges


def available_memory() -> int:
    """Bytes of memory available to new work (MemAvailable), 0 if unknown."""
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def warm(folder: Path) -> int:
    """Bytes of the index in `folder` entered in the page tables (0 where nothing was done)."""
    if not sys.platform.startswith("linux"):
        return 0
    try:
        ranges = mapped(folder)
    except (OSError, ValueError):
        return 0
    total = sum(length for _, length, _ in ranges)
    if not total or total > available_memory() // 2:
        return 0
    madvise = ctypes.CDLL(None, use_errno=True).madvise
    madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    for start, length, _ in ranges:
        # A piece at a time: the call holds the process's memory map lock, which an answer
        # allocating a large array waits for.
        for offset in range(0, length, PIECE):
            piece = min(PIECE, length - offset)
            # Fails on kernels before 5.14 (EINVAL) and if the index was closed meanwhile
            # (ENOMEM): either way the questions fault the pages in as they would have.
            if madvise(start + offset, piece, MADV_POPULATE_READ) != 0:
                return 0
    return total
