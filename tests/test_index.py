"""The index on disk: built, reused, rebuilt on change, appended without re-embedding, written
atomically, refused when damaged, and HNSW above the size threshold."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys

import numpy as np
import pytest
from conftest import write

import qa.store.embedded.build as build_module
import qa.store.embedded.generations as generations_module
import qa.store.embedded.index as index_module
import qa.store.embedded.manifest as manifest_module
from qa.errors import IndexStateError
from qa.store.embedded.build import build, ensure
from qa.store.embedded.dense import StoredVectors
from qa.store.embedded.index import current_folder, load
from qa.store.fingerprint import corpus_fingerprint
from qa.text import tokenize

LINES = [
    '"Our borders are safe," Moldovan President Maia Sandu said on March 3.',
    "Gas prices will fall, Hungarian Foreign Minister Peter Szijjarto said on March 1.",
    "Grain exports resumed through the Danube ports, officials said.",
]


@pytest.fixture
def corpus(tmp_path):
    return write(tmp_path / "feed.txt", "\n".join(LINES) + "\n")


def test_build_writes_plain_files_and_a_manifest(tmp_path, corpus, fake_encoder):
    built = build([corpus], tmp_path / "idx", fake_encoder)
    assert built.built
    folder = current_folder(tmp_path / "idx")
    assert built.folder == folder and folder.name.startswith("gen-")
    assert sorted(p.name for p in (tmp_path / "idx").iterdir()) == [
        ".build.lock", "CURRENT", folder.name
    ]  # fmt: skip
    names = sorted(p.name for p in folder.iterdir())
    assert names == [
        ".lease", "bm25", "facts", "manifest.json", "offsets.npy",
        "row_hashes.npy", "statements.jsonl", "vectors.npy",
    ]  # fmt: skip
    pointer = json.loads((tmp_path / "idx" / "CURRENT").read_text())
    data = (folder / "manifest.json").read_bytes()
    assert pointer == {
        "generation": folder.name,
        "manifest_sha256": hashlib.sha256(data).hexdigest(),
    }
    manifest = json.loads(data)
    assert manifest["counts"] == {"statements": 3, "embedded": 3, "reused": 0}
    assert manifest["model"]["weights_sha256"] == "f" * 64
    assert manifest["corpus"]["fingerprint"] == corpus_fingerprint([corpus])
    assert manifest["faiss"]["type"] == "FlatIP"
    assert set(manifest["checksums"]) >= {"statements.jsonl", "vectors.npy"}
    vectors = np.load(folder / "vectors.npy", allow_pickle=False)
    assert vectors.shape == (3, fake_encoder.dimension)
    rows = [json.loads(line) for line in (folder / "statements.jsonl").read_text().splitlines()]
    assert [r["text"] for r in rows] == LINES  # row i is statement i
    assert len(built) == 3
    assert [built.statements[i].text for i in (2, 0, 1)] == [LINES[2], LINES[0], LINES[1]]
    assert [s.text for s in built.statements] == LINES
    offsets = np.load(folder / "offsets.npy")
    assert offsets[-1] == (folder / "statements.jsonl").stat().st_size
    vocabularies = json.loads((folder / "facts" / "vocabularies.json").read_text())
    assert vocabularies["speakers"] == ["", "Maia Sandu", "Peter Szijjarto"]


def test_current_index_is_loaded_not_rebuilt(tmp_path, corpus, fake_encoder):
    build([corpus], tmp_path / "idx", fake_encoder)
    fake_encoder.encoded.clear()
    loaded = ensure([corpus], tmp_path / "idx", fake_encoder)
    assert fake_encoder.encoded == [] and not loaded.built
    assert not build([corpus], tmp_path / "idx", fake_encoder).built  # nothing to do
    assert build([corpus], tmp_path / "idx", fake_encoder, force=True).built
    assert fake_encoder.encoded == []  # forced, yet every vector reused


def test_changed_corpus_is_rebuilt_and_appending_embeds_only_new_statements(
    tmp_path, corpus, fake_encoder
):
    built = build([corpus], tmp_path / "idx", fake_encoder)
    fake_encoder.encoded.clear()
    new_line = "Ports reopened, Romanian Prime Minister Ilie Bolojan said on March 5."
    corpus.write_text(corpus.read_text() + new_line + "\n")
    reason = index_module.stale_reason(built, corpus_fingerprint([corpus]), fake_encoder.info)
    assert reason == "it was built from another corpus or an earlier version of it"
    rebuilt = ensure([corpus], tmp_path / "idx", fake_encoder)
    assert fake_encoder.encoded == [new_line]
    assert rebuilt.manifest["counts"] == {"statements": 4, "embedded": 1, "reused": 3}
    assert rebuilt.statements[-1].speaker == "Ilie Bolojan"


def test_an_unchanged_corpus_is_not_read_again_to_answer(
    tmp_path, corpus, fake_encoder, monkeypatch
):
    monkeypatch.setattr(manifest_module, "SETTLED_SECONDS", 0)
    build([corpus], tmp_path / "idx", fake_encoder)
    ensure([corpus], tmp_path / "idx", fake_encoder)  # hashes the corpus, records its signature
    hashed = []
    real = index_module.corpus_fingerprint
    for module in (index_module, build_module):  # the freshness check, and the build under its lock
        monkeypatch.setattr(module, "corpus_fingerprint", lambda p: hashed.append(p) or real(p))
    again = ensure([corpus], tmp_path / "idx", fake_encoder)
    assert not again.built and hashed == []
    corpus.write_text(corpus.read_text().replace("Grain", "Wheat"))  # same size
    stat = corpus.stat()
    os.utime(corpus, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    rebuilt = ensure([corpus], tmp_path / "idx", fake_encoder)
    assert rebuilt.built and hashed
    assert [s.text for s in rebuilt.statements][2].startswith("Wheat")


def test_changed_gazetteer_triggers_rebuild(tmp_path, corpus, fake_encoder):
    build([corpus], tmp_path / "idx", fake_encoder)
    before = corpus_fingerprint([corpus])
    write(corpus.parent / "gazetteer.toml", '["Maia Sandu"]\naliases = ["Sandu"]\n')
    assert corpus_fingerprint([corpus]) != before


def test_a_change_to_the_parser_code_triggers_rebuild(tmp_path, corpus, monkeypatch):
    import qa.store.fingerprint as fingerprint_module

    package = tmp_path / "parser_stand_in"
    package.mkdir()
    write(package / "__init__.py", "")
    rule = write(package / "rule.py", "CUES = ('said',)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(fingerprint_module, "PARSER_PACKAGES", ("parser_stand_in",))
    fingerprint_module.parser_stamp.cache_clear()
    before = corpus_fingerprint([corpus])
    rule.write_text("CUES = ('said', 'added')\n")  # the version constant left as it was
    fingerprint_module.parser_stamp.cache_clear()
    assert corpus_fingerprint([corpus]) != before
    monkeypatch.undo()
    fingerprint_module.parser_stamp.cache_clear()


def test_damaged_file_is_detected_and_only_its_damage_reembedded(tmp_path, corpus, fake_encoder):
    build([corpus], tmp_path / "idx", fake_encoder)
    folder = current_folder(tmp_path / "idx")
    with open(folder / "vectors.npy", "r+b") as handle:
        handle.seek(-8, 2)  # the last two floats of the last row
        handle.write(b"\xff" * 8)
    with pytest.raises(IndexStateError, match="vectors.npy does not match its checksum"):
        load(tmp_path / "idx")
    fake_encoder.encoded.clear()
    rebuilt = ensure([corpus], tmp_path / "idx", fake_encoder)
    assert rebuilt.built and fake_encoder.encoded == [LINES[2]]
    assert rebuilt.manifest["counts"] == {"statements": 3, "embedded": 1, "reused": 2}
    assert np.array_equal(np.asarray(rebuilt.vectors), fake_encoder.encode(LINES))


def test_failed_build_leaves_previous_index_intact(tmp_path, corpus, fake_encoder, monkeypatch):
    build([corpus], tmp_path / "idx", fake_encoder)
    folder = current_folder(tmp_path / "idx")
    before = (folder / "statements.jsonl").read_text()
    corpus.write_text(corpus.read_text() + "One more line, a diplomat said.\n")

    def explode(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(generations_module, "fsync_tree", explode)
    with pytest.raises(IndexStateError, match="the disk is full"):
        build([corpus], tmp_path / "idx", fake_encoder)
    assert current_folder(tmp_path / "idx") == folder
    assert (folder / "statements.jsonl").read_text() == before
    assert [p.name for p in (tmp_path / "idx").iterdir() if p.name.startswith(".tmp")] == []
    assert len(load(tmp_path / "idx")) == 3


def test_missing_index_is_a_named_error(tmp_path):
    with pytest.raises(IndexStateError, match=r"No usable index in .* \(there is no index yet\)"):
        load(tmp_path / "nothing")


def test_unwritable_index_dir_is_a_clear_error(tmp_path, corpus, fake_encoder):
    blocker = write(tmp_path / "file-not-dir", "x")
    with pytest.raises(IndexStateError, match="Cannot write the index"):
        build([corpus], blocker / "idx", fake_encoder)


def test_hnsw_above_threshold_keeps_recall_against_exact(tmp_path, fake_encoder, monkeypatch):
    words = [
        "grain",
        "ports",
        "gas",
        "troops",
        "talks",
        "aid",
        "drones",
        "ceasefire",
        "sanctions",
        "energy",
        "border",
        "pilots",
        "tanks",
        "loans",
        "summit",
        "treaty",
    ]
    rng = np.random.default_rng(7)
    lines = [
        " ".join(rng.choice(words, size=6)) + f" item {i}, an official said." for i in range(600)
    ]
    path = write(tmp_path / "many.txt", "\n".join(lines) + "\n")
    monkeypatch.setattr(build_module, "HNSW_THRESHOLD", 100)
    built = build([path], tmp_path / "idx", fake_encoder)
    assert built.manifest["faiss"]["type"] == "HNSWFlat"
    queries = fake_encoder.encode(["grain ports aid", "troops border tanks", "gas energy loans"])
    vectors = np.asarray(built.vectors)
    exact = np.argsort(-(queries @ vectors.T), axis=1)[:, :10]
    _, approx = built.dense.search(queries, 10)
    recall = np.mean([len(set(a) & set(e)) / 10 for a, e in zip(approx, exact)])
    assert recall >= 0.95
    # The vectors are stored once, in the HNSW index, and read back from it by row.
    folder = current_folder(tmp_path / "idx")
    assert (folder / "dense.faiss").is_file() and not (folder / "vectors.npy").exists()
    assert np.array_equal(vectors, fake_encoder.encode(lines))
    assert isinstance(built.vectors, np.memmap)  # a view on the HNSW file's storage
    assert np.array_equal(built.vectors[np.array([5, 2, 599])], vectors[[5, 2, 599]])
    stored = StoredVectors(built.dense)  # read through FAISS: the same vectors
    assert np.array_equal(stored[np.array([5, 2, 599])], vectors[[5, 2, 599]])
    assert np.array_equal(np.asarray(stored), vectors) and np.array_equal(stored[3], vectors[3])
    assert np.array_equal(built.vectors[7], vectors[7])
    # A rebuild reuses them from there.
    path.write_text("\n".join(lines + ["One more line, a diplomat said."]) + "\n")
    rebuilt = ensure([path], tmp_path / "idx", fake_encoder)
    assert rebuilt.manifest["counts"] == {"statements": 601, "embedded": 1, "reused": 600}


def test_files_are_rehashed_only_when_their_signature_changes(
    tmp_path, corpus, fake_encoder, monkeypatch
):
    monkeypatch.setattr(manifest_module, "SETTLED_SECONDS", 0)  # record files just written
    build([corpus], tmp_path / "idx", fake_encoder)
    folder = current_folder(tmp_path / "idx")
    load(tmp_path / "idx")  # the first open hashes every file and records its signature
    verified = json.loads((folder / ".verified.json").read_text())
    assert {"vectors.npy", "statements.jsonl", "bm25/data.csc.index.npy"} <= set(verified)
    hashed = []
    real_hash = manifest_module.sha256_of
    monkeypatch.setattr(
        manifest_module, "sha256_of", lambda p: hashed.append(p.name) or real_hash(p)
    )
    load(tmp_path / "idx")
    assert hashed == []
    # Same size, different bytes, a new modification time: hashed again and refused.
    path = folder / "vectors.npy"
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    path.write_bytes(bytes(data))
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    with pytest.raises(IndexStateError, match="vectors.npy does not match its checksum"):
        load(tmp_path / "idx")


def test_files_just_written_are_hashed_again_until_settled(tmp_path, corpus, fake_encoder):
    build([corpus], tmp_path / "idx", fake_encoder)
    load(tmp_path / "idx")
    folder = current_folder(tmp_path / "idx")
    assert not (folder / ".verified.json").exists()  # a change in the same clock tick could hide


def test_full_check_reads_every_file_whatever_its_signature(
    tmp_path, corpus, fake_encoder, monkeypatch
):
    from typer.testing import CliRunner

    from qa.cli import app

    monkeypatch.setattr(manifest_module, "SETTLED_SECONDS", 0)
    build([corpus], tmp_path / "idx", fake_encoder)
    folder = current_folder(tmp_path / "idx")
    runner = CliRunner()
    done = runner.invoke(app, ["index", "--check", "--index-dir", str(tmp_path / "idx")])
    assert done.exit_code == 0
    assert done.stdout == f"The index in {folder} is sound (3 statements).\n"
    # A change the signature missed: the record is made to match the damaged file.
    path = folder / "statements.jsonl"
    path.write_bytes(path.read_bytes().replace(b"Grain", b"Grail"))
    verified = json.loads((folder / ".verified.json").read_text())
    info = path.stat()
    verified["statements.jsonl"][1:] = [
        info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino
    ]  # fmt: skip
    (folder / ".verified.json").write_text(json.dumps(verified))
    load(tmp_path / "idx")  # the cheap check trusts the record
    with pytest.raises(IndexStateError, match="statements.jsonl does not match its checksum"):
        load(tmp_path / "idx", full_check=True)
    done = runner.invoke(app, ["index", "--check", "--index-dir", str(tmp_path / "idx")])
    assert done.exit_code == 2
    assert "statements.jsonl does not match its checksum" in done.stderr
    assert "Traceback" not in done.output


def test_index_check_without_an_index_is_one_sentence(tmp_path):
    from typer.testing import CliRunner

    from qa.cli import app

    done = CliRunner().invoke(app, ["index", "--check", "--index-dir", str(tmp_path / "none")])
    assert done.exit_code == 2
    assert done.stderr.startswith("Error: No usable index in ")
    assert done.stderr.count("\n") == 1


NOTHING_TO_DO = """
import sys
from qa.cli import main
sys.argv = ["qa", "index", "--index-dir", sys.argv[1]]
try:
    main()
except SystemExit as stop:
    assert not stop.code, stop.code
print("torch imported" if "torch" in sys.modules else "torch not imported")
"""


def test_index_with_nothing_to_do_does_not_load_the_model(real_engine, real_index_dir):
    result = subprocess.run(
        [sys.executable, "-c", NOTHING_TO_DO, str(real_index_dir)],
        capture_output=True,
        text=True,
        check=True,
    )
    folder = current_folder(real_index_dir)
    assert result.stdout.splitlines() == [
        f"The index in {folder} is up to date ({real_engine.store.size} statements).",
        "torch not imported",
    ]


def test_rows_containing_are_those_whose_keywords_include_the_phrase(tmp_path, fake_encoder):
    lines = LINES + [
        "Leaders met before the Paris summit on March 27, a French official said.",
        "The summit in Paris ended without a deal, Italian Prime Minister Giorgia Meloni said.",
        "Summits are costly, a Dutch lawmaker says",
    ]
    path = write(tmp_path / "events.txt", "\n".join(lines) + "\n")
    built = build([path], tmp_path / "idx", fake_encoder)
    passages = [set(tokenize(s.passage)) for s in built.statements]
    for phrase in ("the Paris summit", "summit", "Danube ports", "Maia Sandu's borders", "moon"):
        expected = [i for i, words in enumerate(passages) if set(tokenize(phrase)) <= words]
        assert built.rows_containing(phrase).tolist() == expected, phrase
    assert built.rows_containing("Paris summit").tolist() == [3, 4]
    assert built.rows_containing("moon").tolist() == []
    assert built.rows_containing("the of and") is None


def test_a_records_id_is_read_from_its_first_bytes_or_from_the_whole_record(
    tmp_path, corpus, fake_encoder
):
    from qa.store.embedded.records import StatementStore

    built = build([corpus], tmp_path / "idx", fake_encoder)
    folder = current_folder(tmp_path / "idx")
    expected = [s.id for s in built.statements]
    fresh = StatementStore(folder / "statements.jsonl", np.load(folder / "offsets.npy"))
    assert [fresh.id_of(row) for row in range(len(fresh))] == expected
    assert fresh._read == {}  # from the records' first bytes, none parsed whole
    # A record that does not open with its id (written by another writer) is read whole.
    records = [json.loads(line) for line in (folder / "statements.jsonl").read_bytes().splitlines()]
    lines = [json.dumps({**{k: v for k, v in r.items() if k != "id"}, "id": r["id"]}) + "\n"
             for r in records]  # fmt: skip
    path = write(tmp_path / "reordered.jsonl", "".join(lines))
    offsets = np.cumsum([0] + [len(line.encode()) for line in lines])
    reordered = StatementStore(path, offsets)
    assert [reordered.id_of(row) for row in range(len(reordered))] == expected
