"""The statement records of an embedded index, one JSON line each, read on demand by byte
offset."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import numpy as np

from qa.corpus.statements import Statement
from qa.errors import IndexStateError

# A record of statements.jsonl opens with its statement id (`Statement.to_json` puts it
# first), so an id can be read from a record's first bytes without parsing the record.
RECORD_ID = re.compile(rb'\{"id": "([^"\\]+)"')


RECORD_ID_BYTES = 64


class StatementStore:
    """The statement records of an index, read on demand: row i is line i of
    statements.jsonl, found by its byte offset, so an index of a million statements opens
    without parsing them."""

    def __init__(self, path: Path, offsets: np.ndarray):
        self.path = path
        self.offsets = offsets
        self._read: dict[int, Statement] = {}
        self._ids: dict[int, str] = {}  # ids read from records' first bytes (`id_of`)
        self._fd: int | None = None  # opened on the first record read, kept for the next

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    __del__ = close

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, row: int) -> Statement:
        row = int(row) + (len(self) if row < 0 else 0)
        if not 0 <= row < len(self):
            raise IndexError(row)
        if row not in self._read:
            self._read[row] = self._record(self._bytes(row))
        return self._read[row]

    def _bytes(self, row: int, most: int | None = None) -> bytes:
        """The record of a row as stored (its first `most` bytes), read with `pread` on a
        descriptor opened once."""
        start, end = int(self.offsets[row]), int(self.offsets[row + 1])
        if self._fd is None:
            self._fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        return os.pread(self._fd, end - start if most is None else min(end - start, most), start)

    def id_of(self, row: int) -> str:
        """The statement id of a row, from the first bytes of its record when the record
        has not been read (a tie-break by id reads thousands of rows, a record costs a parse);
        a record that does not open with its id is read whole."""
        row = int(row)
        if row in self._ids:
            return self._ids[row]
        if row in self._read or not 0 <= row < len(self):
            return self[row].id
        found = RECORD_ID.match(self._bytes(row, RECORD_ID_BYTES))
        if not found:
            return self[row].id
        self._ids[row] = found.group(1).decode("utf-8")
        return self._ids[row]

    def __iter__(self):
        with open(self.path, "rb") as handle:
            for line in handle:
                yield self._record(line)

    def _record(self, line: bytes) -> Statement:
        try:
            return Statement.from_json(json.loads(line))
        except (ValueError, KeyError, TypeError):
            raise IndexStateError(
                f"The index file {self.path} was changed while in use; run the command again."
            ) from None
