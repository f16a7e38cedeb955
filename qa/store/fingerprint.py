"""What a store records of the corpus it was built from: a fingerprint of everything that
decides the statement records, and a cheap signature of the files behind it, so that a store
built from other files, another parser or another format is rebuilt."""

from __future__ import annotations

import hashlib
import importlib
import os
from collections.abc import Callable
from functools import cache
from pathlib import Path

from qa.corpus import files as corpus_files
from qa.corpus.gazetteer import MAX_GAZETTEER_BYTES, corpus_gazetteer_files
from qa.corpus.meta import MAX_META_BYTES, meta_files
from qa.corpus.paths import corpus_entries
from qa.errors import UnsafeFileError
from qa.files import open_regular, read_bytes

# Bump when the files of an index change shape; older indexes are rebuilt, never misread.
FORMAT_VERSION = 4
# Bump when parsing changes what a corpus line becomes, so old indexes are rebuilt. The code
# and data of the corpus layer are part of the fingerprint too (`parser_stamp`): a change
# forgotten here still rebuilds.
PARSER_VERSION = 5
# The packages and modules whose files decide what a corpus line becomes and its keywords.
PARSER_PACKAGES = ("qa.corpus", "qa.data", "qa.text")


Progress = Callable[[int, int], None]


def corpus_fingerprint(paths: list[Path]) -> str:
    """A hash of everything that decides the statement records, read without parsing (a
    folder: the files under it, by the names their statements cite)."""
    # The parser stamp holds the bundled places (qa/data) with the corpus layer's code
    digest = hashlib.sha256(f"format {FORMAT_VERSION} parser {parser_stamp()}".encode())
    metas: dict[Path, None] = {}  # in order, each once
    for entry in corpus_entries(paths):
        path = entry.path
        digest.update(entry.label.encode("utf-8", "surrogateescape") + b"\0")
        try:
            with open_regular(path, corpus_files.MAX_FILE_BYTES) as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
        except UnsafeFileError as error:  # refused when the corpus is loaded
            digest.update(b"<too large>" if error.kind == "size" else b"<not a file>")
        except OSError:
            digest.update(b"<unreadable>")
        metas.update(dict.fromkeys(meta_files(entry)))
    for meta in metas:
        digest.update(b"\0" + meta.name.encode("utf-8", "surrogateescape") + b"\0")
        _digest_sidecar(digest, meta, MAX_META_BYTES)
    for gazetteer in corpus_gazetteer_files(paths):
        _digest_sidecar(digest, gazetteer, MAX_GAZETTEER_BYTES)
    return digest.hexdigest()


@cache
def parser_stamp() -> str:
    """The parser's version with a hash of the corpus layer's code and bundled data, read once
    a process."""
    digest = hashlib.sha256(str(PARSER_VERSION).encode())
    for name in PARSER_PACKAGES:
        module = importlib.import_module(name)
        path = Path(module.__file__)
        paths = sorted(path.parent.iterdir()) if hasattr(module, "__path__") else [path]
        for path in paths:
            if path.suffix in (".py", ".toml"):
                digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return f"{PARSER_VERSION}-{digest.hexdigest()[:16]}"


def _digest_sidecar(digest, path: Path, limit: int) -> None:
    """Add a metadata or gazetteer file to the fingerprint; one that cannot be read is
    refused, with its reason, when the corpus is loaded."""
    try:
        digest.update(read_bytes(path, limit))
    except FileNotFoundError:
        pass
    except OSError:
        digest.update(f"<unreadable {path.name}>".encode())


def corpus_signature(paths: list[Path]) -> list:
    """What the files behind the fingerprint look like, without reading them: path, size,
    modification and change times, inode (and the parser stamp, which holds the bundled
    places)."""
    signature: list = [f"format {FORMAT_VERSION} parser {parser_stamp()}"]
    files: dict[Path, None] = {}  # in order, each once
    for entry in corpus_entries(paths):
        files.update(dict.fromkeys((entry.path, *meta_files(entry))))
    for path in [*files, *corpus_gazetteer_files(paths)]:
        try:
            info = os.stat(path)
        except OSError:
            signature.append([str(path), None])
            continue
        times = [info.st_mtime_ns, info.st_ctime_ns]
        signature.append([str(path.resolve()), info.st_size, *times, info.st_ino])
    return signature
