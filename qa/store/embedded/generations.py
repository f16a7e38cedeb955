"""Generations of an index folder: each build writes a new, never-changed folder `gen-<id>/`
and then moves the pointer file `CURRENT` to it in one atomic rename.

A reader holds a shared lease (flock on the generation's `.lease` file) for as long as it uses
the generation, so it reads everything from one build however long it lives. A builder removes
a generation only when it is no longer current and it can take its lease exclusively, that is
when no reader holds it. One build at a time holds `.build.lock`; a process waiting for it
reports how long it has waited.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import re
import secrets
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from qa.errors import IndexStateError
from qa.files import KIB, read_text

POINTER = "CURRENT"
POINTER_BYTES = 4 * KIB  # {"generation": ..., "manifest_sha256": ...}
LEASE = ".lease"
BUILD_LOCK = ".build.lock"
TEMP_PREFIX = ".tmp-gen-"
GENERATION = re.compile(r"gen-[0-9A-Za-z-]{1,80}")
# What earlier versions left: one folder replaced in place, its backup and temporary folders.
LEGACY = ("qa-index", "qa-index.old", ".qa-index.tmp-*")
LOCK_TIMEOUT_SECONDS = 600
WAIT_REPORT_SECONDS = 1.0

Waiting = Callable[[Path, float | None], None]


def new_name() -> str:
    return (
        f"gen-{time.strftime('%Y%m%dT%H%M%S', time.gmtime())}-{os.getpid()}-{secrets.token_hex(4)}"
    )


def read_pointer(index_dir: Path) -> dict | None:
    """The pointer's generation name and manifest hash, or None when absent or unreadable."""
    try:
        pointer = json.loads(read_text(Path(index_dir) / POINTER, POINTER_BYTES))
    except (OSError, ValueError):  # missing, refused (a pipe, a device, too large) or garbage
        return None
    if not isinstance(pointer, dict):
        return None
    name, digest = pointer.get("generation"), pointer.get("manifest_sha256")
    if not (isinstance(name, str) and GENERATION.fullmatch(name)):
        return None
    if not (isinstance(digest, str) and re.fullmatch(r"[0-9a-f]{64}", digest)):
        return None
    return {"generation": name, "manifest_sha256": digest}


class Lease:
    """A shared lock on one generation: while it is held, no builder removes the folder."""

    def __init__(self, folder: Path, descriptor: int):
        self.folder = folder
        self._descriptor: int | None = descriptor

    @classmethod
    def take(cls, folder: Path) -> Lease | None:
        """The lease, or None when the generation is gone or being removed."""
        path = folder / LEASE
        try:
            descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            return None
        try:
            fcntl.flock(descriptor, fcntl.LOCK_SH | fcntl.LOCK_NB)
            # A builder unlinks the lease file before it removes the folder: the file we
            # locked must still be the one at the path.
            if os.fstat(descriptor).st_ino != os.stat(path, follow_symlinks=False).st_ino:
                raise FileNotFoundError(path)
        except OSError:
            os.close(descriptor)
            return None
        return cls(folder, descriptor)

    def release(self) -> None:
        if self._descriptor is not None:
            os.close(self._descriptor)  # closing drops the lock
            self._descriptor = None

    def __del__(self):
        try:
            self.release()
        except Exception:  # at interpreter exit the descriptor is closed anyway
            pass


def fsync_tree(folder: Path) -> None:
    """Flush every file and folder under `folder` (and the folder itself) to disk."""
    for path in sorted(folder.rglob("*"), reverse=True):
        if path.is_file() and not path.is_symlink():
            _fsync(path, os.O_RDONLY)
        elif path.is_dir():
            _fsync(path, os.O_RDONLY | os.O_DIRECTORY)
    _fsync(folder, os.O_RDONLY | os.O_DIRECTORY)


def _fsync(path: Path, flags: int) -> None:
    descriptor = os.open(path, flags)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def publish(index_dir: Path, temp: Path, manifest_sha256: str) -> Path:
    """Move a finished temporary folder into place as a generation and point at it. Every file
    is on disk before the pointer moves, so a power cut leaves the old or the new index."""
    (temp / LEASE).touch()
    fsync_tree(temp)
    folder = index_dir / new_name()
    os.rename(temp, folder)
    _fsync(index_dir, os.O_RDONLY | os.O_DIRECTORY)
    pointer = index_dir / f"{TEMP_PREFIX}{POINTER}-{os.getpid()}"
    data = json.dumps({"generation": folder.name, "manifest_sha256": manifest_sha256})
    with open(pointer, "w", encoding="utf-8") as handle:
        handle.write(data + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(pointer, index_dir / POINTER)
    _fsync(index_dir, os.O_RDONLY | os.O_DIRECTORY)
    return folder


def remove_unused(index_dir: Path) -> None:
    """Remove generations no reader holds (never the current one), the temporary folders of
    killed builds and what earlier versions left. Call only while holding the build lock."""
    current = (read_pointer(index_dir) or {}).get("generation")
    for path in index_dir.iterdir():
        name = path.name
        if name.startswith(TEMP_PREFIX):
            _remove(path)
        elif GENERATION.fullmatch(name) and name != current:
            if path.is_symlink() or not path.is_dir():
                _remove(path)
            else:
                _remove_generation(path)
    for pattern in LEGACY:
        for path in index_dir.glob(pattern):
            _remove(path)
    pointer = index_dir / POINTER
    if pointer.is_dir() and not pointer.is_symlink():
        _remove(pointer)  # a folder where the pointer goes would stop every build


def remove_index(index_dir: Path, waiting: Waiting | None = None) -> bool:
    """Remove a whole index folder (to prune an index no longer wanted) unless a reader holds
    one of its generations: then only what no reader holds goes, and the answer is False."""
    index_dir = Path(index_dir)
    if not index_dir.is_dir():
        return True
    with BuildLock(index_dir, waiting):
        _remove(index_dir / POINTER)  # from now on no reader opens a generation here
        remove_unused(index_dir)
        if any(GENERATION.fullmatch(p.name) for p in index_dir.iterdir()):
            return False
        shutil.rmtree(index_dir, ignore_errors=True)
    return not index_dir.exists()


def _remove_generation(folder: Path) -> None:
    try:
        descriptor = os.open(folder / LEASE, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        _remove(folder)  # no lease file: a reader cannot hold it
        return
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(descriptor)
        return  # a reader holds it; a later build removes it
    try:
        os.unlink(folder / LEASE)  # first, so that no reader takes it from now on
        _remove(folder)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _remove(path: Path) -> None:
    """Remove a file, folder or symbolic link (never what a link points to); leftovers that
    cannot be removed are left for a later build, never a reason to fail this one."""
    try:
        if path.is_symlink() or not path.is_dir():
            path.unlink()
        else:
            shutil.rmtree(path, ignore_errors=True)
    except OSError:
        pass


def report_on_terminal(index_dir: Path, seconds: float | None) -> None:
    """The default way to say that a build waits for another one: one line on stderr, updated
    in place, only when stderr is a terminal. `seconds` None means the wait is over."""
    import sys

    if not sys.stderr.isatty():
        return
    if seconds is None:
        sys.stderr.write("\n")
    else:
        sys.stderr.write(
            f"\rWaiting for another qa process building the index in {index_dir} ({seconds:.0f} s)…"
        )
    sys.stderr.flush()


class BuildLock:
    """One build at a time per index folder. Waits up to LOCK_TIMEOUT_SECONDS, calling
    `waiting(index_dir, seconds)` about once a second after the first second, and
    `waiting(index_dir, None)` when a wait it reported is over."""

    def __init__(self, index_dir: Path, waiting: Waiting | None = report_on_terminal):
        self.index_dir = Path(index_dir)
        self.waiting = waiting
        self._descriptor: int | None = None

    def __enter__(self) -> BuildLock:
        try:
            self.index_dir.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(self.index_dir / BUILD_LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as error:
            raise IndexStateError(
                f"Cannot write the index in {self.index_dir}: {describe(error, self.index_dir)}; "
                "pass --index-dir with a writable folder."
            ) from None
        started = time.monotonic()
        reported = 0.0
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                waited = time.monotonic() - started
                if waited >= LOCK_TIMEOUT_SECONDS:
                    os.close(descriptor)
                    if reported and self.waiting:
                        self.waiting(self.index_dir, None)
                    raise IndexStateError(
                        f"Another qa process has been building the index in {self.index_dir} "
                        f"for {LOCK_TIMEOUT_SECONDS:.0f} seconds; wait for it to finish "
                        "or stop it."
                    ) from None
                if self.waiting and waited - reported >= WAIT_REPORT_SECONDS:
                    self.waiting(self.index_dir, waited)
                    reported = waited
                time.sleep(min(0.05, LOCK_TIMEOUT_SECONDS - waited))
            except OSError as error:  # a file system without locks
                os.close(descriptor)
                raise IndexStateError(
                    f"Cannot lock {self.index_dir / BUILD_LOCK}: {describe(error, self.index_dir)}; "
                    "pass --index-dir with a folder on a local disk."
                ) from None
        if reported and self.waiting:
            self.waiting(self.index_dir, None)
        self._descriptor = descriptor
        return self

    def __exit__(self, *exc) -> bool:
        if self._descriptor is not None:
            os.close(self._descriptor)
            self._descriptor = None
        return False


def describe(error: BaseException, where: Path) -> str:
    """An OS error in words, naming a full disk as such (some writers lose the errno), and a
    folder on a file system with no disk behind it (/proc, /sys) as one that cannot be used."""
    code = getattr(error, "errno", None)
    if code != errno.ENOSPC and _virtual(where):
        return "it is on a virtual file system (such as /proc), which cannot hold an index"
    if code == errno.ENOSPC or _disk_full(where):
        return "the disk is full (no space left on device)"
    if code == errno.EDQUOT:
        return "the disk quota is exceeded"
    return getattr(error, "strerror", None) or str(error) or type(error).__name__


def _disk_full(where: Path) -> bool:
    usage = _usage(where)
    return usage is not None and usage.total > 0 and usage.free < 1 << 16


def _virtual(where: Path) -> bool:
    usage = _usage(where)  # a file system with no blocks at all: /proc, /sys
    return usage is not None and usage.total == 0


def _usage(where: Path):
    """The disk usage of the file system that holds `where` (or its nearest existing parent)."""
    for folder in (Path(where), *Path(where).parents):
        try:
            return shutil.disk_usage(folder)
        except OSError:
            continue
    return None
