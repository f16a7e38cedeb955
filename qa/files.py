"""The one way qa reads a file whole: corpus files, their sidecars, the index's own files and
the model's configuration. Anything but a regular file (a pipe, device, socket or folder,
also behind a symbolic link) is refused before a byte is read, the file is opened without
blocking (so a pipe with no writer cannot hang), and no more than `limit` bytes are read, so
a file can cost no more memory than that file can legitimately need.

A missing file raises FileNotFoundError and other failures to open it their OSError, as
`open` does; a file refused here raises UnsafeFileError (an OSError too, so code that treats
an unreadable file as absent or as damage treats a refused one the same way).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from qa.errors import UnsafeFileError

KIB, MIB = 2**10, 2**20


def _size(limit: int) -> str:
    if limit >= MIB:
        return f"{limit / MIB:g} MiB"
    return f"{limit / KIB:g} KiB" if limit >= KIB else f"{limit} bytes"


def open_regular(path: Path | str, limit: int | None) -> BinaryIO:
    """A regular file of at most `limit` bytes (None: any size), opened for reading in
    binary; a caller that reads it in blocks stops after `limit` bytes itself."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(descriptor)
        if stat.S_ISDIR(info.st_mode):
            raise UnsafeFileError(path, "is a directory", "directory")
        if not stat.S_ISREG(info.st_mode):
            raise UnsafeFileError(path, "is not a regular file (a pipe, device or socket)", "type")
        if limit is not None and info.st_size > limit:
            raise _too_large(path, limit)
        os.set_blocking(descriptor, True)
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def _too_large(path: Path | str, limit: int) -> UnsafeFileError:
    return UnsafeFileError(path, f"is larger than {_size(limit)}", "size")


def read_bytes(path: Path | str, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes."""
    with open_regular(path, limit) as handle:
        data = handle.read(limit + 1)  # the file may have grown since it was opened
    if len(data) > limit:
        raise _too_large(path, limit)
    return data


def read_text(path: Path | str, limit: int, encoding: str = "utf-8") -> str:
    """The text of a regular file of at most `limit` bytes (UnicodeDecodeError if it is not
    in `encoding`)."""
    return read_bytes(path, limit).decode(encoding)


def replace_file(path: Path, data: bytes) -> None:
    """Write `data` to a temporary file beside `path` and rename it over `path`, so that what
    stood there (a link, a pipe, a half-written file) is replaced, never written through."""
    path = Path(path)
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temp, "wb") as handle:
            handle.write(data)
        os.replace(temp, path)
    except BaseException:
        try:
            temp.unlink(missing_ok=True)
        except OSError:
            pass
        raise
