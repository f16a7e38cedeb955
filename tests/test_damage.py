"""Every kind of damage to an index ends in a correct answer: the damage is found, the index is
rebuilt from the text, and no damaged vector is carried into the new index."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from conftest import FakeEncoder
from race_worker import engine_for

from qa.answer.compose import answer
from qa.store.embedded.build import build
from qa.store.embedded.index import current_folder, load

LINES = [
    "Gas prices will fall this winter, Hungarian Foreign Minister Peter Szijjarto said on Dec. 28.",
    "Grain exports through the Danube will resume, Romanian Prime Minister Ilie Bolojan said.",
    "Our borders are safe, Moldovan President Maia Sandu said on Jan. 5.",
    "Talks on the minerals deal continue, a Ukrainian official said on Feb. 20.",
    "Air defense systems arrived in Kyiv, a Pentagon spokesman said on March 2.",
    "Sanctions relief is not on the table, EU foreign policy chief Kaja Kallas said on Feb. 3.",
    "Peacekeepers need a clear mandate, French President Emmanuel Macron said on March 1.",
    "Frozen assets will fund reconstruction, Belgian Prime Minister Bart De Wever said.",
]
QUESTION = "What was said about gas prices this winter?"


def _rewrite_manifest(folder: Path, change, update_pointer: bool) -> None:
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest = change(manifest)
    data = json.dumps(manifest).encode()
    (folder / "manifest.json").write_bytes(data)
    if update_pointer:  # as if the pointer had been edited too: the schema must catch it
        pointer = folder.parent / "CURRENT"
        record = json.loads(pointer.read_text())
        record["manifest_sha256"] = hashlib.sha256(data).hexdigest()
        pointer.write_text(json.dumps(record))


def _save(folder: Path, array: np.ndarray) -> None:
    np.save(folder / "vectors.npy", array, allow_pickle=False)


def _overwrite_rows(folder: Path) -> None:
    vectors = np.load(folder / "vectors.npy", mmap_mode="r+")
    vectors[:3] = vectors[3]  # in place: the header is untouched
    vectors.flush()


def _renamed_key(manifest: dict) -> dict:
    manifest["checksumz"] = manifest.pop("checksums")
    return manifest


def _timeline(manifest: dict) -> dict:
    manifest["corpus"]["timeline_start_month"] = 1
    return manifest


def _symlinked_file(folder: Path) -> None:
    copy = folder.parent.parent / "vectors-copy.npy"
    shutil.copy(folder / "vectors.npy", copy)
    (folder / "vectors.npy").unlink()
    (folder / "vectors.npy").symlink_to(copy)


def _symlinked_generation(folder: Path) -> None:
    moved = folder.parent.parent / "moved-generation"
    folder.rename(moved)
    folder.symlink_to(moved)


def _edited_record(folder: Path) -> None:
    path = folder / "statements.jsonl"
    path.write_text(path.read_text().replace("Peter Szijjarto", "Petra Szijjarta"))


DAMAGE = {
    "rows of vectors.npy overwritten": _overwrite_rows,
    "random vectors": lambda f: _save(f, np.random.default_rng(1).random((8, 64), np.float32)),
    "zero vectors": lambda f: _save(f, np.zeros((8, 64), np.float32)),
    "swapped vectors": lambda f: _save(f, np.load(f / "vectors.npy")[::-1].copy()),
    "a (60, 10) array": lambda f: _save(f, np.ones((60, 10), np.float32)),
    "empty vectors.npy": lambda f: (f / "vectors.npy").write_bytes(b""),
    "vectors.npy deleted": lambda f: (f / "vectors.npy").unlink(),
    "a stale qa-index.old": lambda f: (f.parent / "qa-index.old").mkdir(),
    "qa-index a symlink": lambda f: (f.parent / "qa-index").symlink_to(f),
    "vectors.npy a symlink": _symlinked_file,
    "the generation a symlink": _symlinked_generation,
    "renamed checksums key": lambda f: _rewrite_manifest(f, _renamed_key, False),
    "renamed checksums key, pointer updated": lambda f: _rewrite_manifest(f, _renamed_key, True),
    "edited timeline field": lambda f: _rewrite_manifest(f, _timeline, False),
    "manifest of the wrong shape": lambda f: _rewrite_manifest(f, lambda m: [m], True),
    "manifest counts of the wrong type": lambda f: _rewrite_manifest(
        f, lambda m: {**m, "counts": {**m["counts"], "statements": "8"}}, True
    ),
    "manifest deleted": lambda f: (f / "manifest.json").unlink(),
    "edited statement record": _edited_record,
    "pointer garbage": lambda f: (f.parent / "CURRENT").write_text("garbage"),
    "pointer outside the folder": lambda f: (f.parent / "CURRENT").write_text(
        json.dumps({"generation": "../../etc", "manifest_sha256": "0" * 64})
    ),
    "pointer deleted": lambda f: (f.parent / "CURRENT").unlink(),
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_every_damage_ends_in_a_correct_answer(tmp_path, damage):
    corpus = tmp_path / "feed.txt"
    corpus.write_text("\n".join(LINES) + "\n")
    index_dir = tmp_path / "idx"
    first = build([corpus], index_dir, FakeEncoder())
    timeline = first.manifest["corpus"]["timeline_start_month"]
    folder = first.folder
    first.close()
    DAMAGE[damage](folder)

    result = answer(engine_for(corpus, index_dir), QUESTION)

    assert result.passages[0].statement == LINES[0]
    assert result.passages[0].speaker == "Peter Szijjarto"
    assert result.passages[0].said_on.text == "Dec. 28"
    index = load(index_dir)
    assert index.folder == current_folder(index_dir) and not index.folder.is_symlink()
    assert [s.text for s in index.statements] == LINES
    assert index.manifest["corpus"]["timeline_start_month"] == timeline == 12
    # Nothing damaged was carried over: every vector is the text's own embedding.
    assert np.array_equal(np.asarray(index.vectors), FakeEncoder().encode(LINES))


def test_only_the_damaged_rows_are_embedded_again(tmp_path):
    corpus = tmp_path / "feed.txt"
    corpus.write_text("\n".join(LINES) + "\n")
    encoder = FakeEncoder()
    _overwrite_rows(build([corpus], tmp_path / "idx", encoder).folder)
    encoder.encoded.clear()
    rebuilt = build([corpus], tmp_path / "idx", encoder)
    assert encoder.encoded == LINES[:3]
    assert rebuilt.manifest["counts"] == {"statements": 8, "embedded": 3, "reused": 5}
