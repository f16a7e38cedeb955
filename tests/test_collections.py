"""Collections: each corpus keeps its own index, so switching back and forth reuses both; a
name finds its corpus again; --list shows them and --prune removes the stale ones."""

from __future__ import annotations

import json

import pytest
from conftest import write
from typer.testing import CliRunner

from qa.cli import app
from qa.folders import CollectionError, choose, corpus_key

runner = CliRunner()
POLAND = '"Hold the line," Polish President Karol Nawrocki said on May 3.\n'
MOLDOVA = '"Borders are safe," Moldovan President Maia Sandu said on May 4.\n'


def test_the_same_files_give_the_same_collection(tmp_path):
    a = write(tmp_path / "a.txt", POLAND)
    b = write(tmp_path / "b.txt", MOLDOVA)
    root = tmp_path / "index"
    assert choose(root, ()) == ((), root)
    _, ab = choose(root, (a, b))
    _, ba = choose(root, (b, a))
    _, only_a = choose(root, (a,))
    assert ab == ba != only_a
    assert ab.parent == only_a.parent == root / "collections"
    assert ab.name == corpus_key((a, b))


def test_a_named_collection_remembers_its_corpus(tmp_path):
    a = write(tmp_path / "a.txt", POLAND)
    root = tmp_path / "index"
    corpus, folder = choose(root, (a,), "poland")
    assert folder == root / "collections" / "poland"
    assert choose(root, (), "poland") == ((a.resolve(),), folder)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("missing", "There is no collection named 'missing'"),
        ("../up", "cannot name a collection"),
        (".hidden", "cannot name a collection"),
    ],
)
def test_bad_collection_names(tmp_path, name, message):
    with pytest.raises(CollectionError, match=message):
        choose(tmp_path, (), name)


def _ask(tmp_path, *args):
    """An ask that loads (or builds) the collection's index; what it answers is not the point."""
    result = runner.invoke(
        app, ["ask", "What did the President say?", "--json", "--index-dir",
              str(tmp_path / "index"), *args],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _listed(tmp_path):
    result = runner.invoke(
        app, ["index", "--list", "--json", "--index-dir", str(tmp_path / "index")]
    )
    assert result.exit_code == 0, result.output
    return {c["name"]: c for c in json.loads(result.stdout)}


def _files(tmp_path) -> dict:
    """Every index file with its modification time (locks and caches aside)."""
    root = tmp_path / "index"
    return {
        p: p.stat().st_mtime_ns
        for p in root.rglob("*")
        if p.is_file() and not p.name.startswith(".") and p.name != "collection.json"
    }


def test_switching_corpora_reuses_each_index(tmp_path):
    a = write(tmp_path / "a.txt", POLAND)
    b = write(tmp_path / "b.txt", MOLDOVA)
    _ask(tmp_path, "--corpus", str(a))
    _ask(tmp_path, "--corpus", str(b), "--collection", "moldova")
    first = _listed(tmp_path)
    assert set(first) == {corpus_key((a,)), "moldova"}
    assert first["moldova"]["statements"] == 1 and first["moldova"]["corpus"] == [str(b.resolve())]
    assert first[corpus_key((a,))]["corpus"] == [str(a.resolve())]
    assert all(c["size_bytes"] > 0 and c["built_at"] and not c["stale"] for c in first.values())
    built = _files(tmp_path)
    # Back to the first corpus, then the named one by name alone: nothing is rebuilt.
    _ask(tmp_path, "--corpus", str(a))
    answer = _ask(tmp_path, "--collection", "moldova")
    assert {p["speaker"] for p in answer["passages"] + answer["closest"]} <= {"Maia Sandu"}
    # Sizes aside: a question may add the small cache of corpus signatures (.corpus.json)
    # once the files are a few seconds old; the index files themselves are compared below.
    assert _without_sizes(_listed(tmp_path)) == _without_sizes(first)
    assert _files(tmp_path) == built


def _without_sizes(listed: dict) -> dict:
    return {name: {k: v for k, v in c.items() if k != "size_bytes"} for name, c in listed.items()}


def test_prune_removes_collections_whose_corpus_is_gone(tmp_path):
    a = write(tmp_path / "a.txt", POLAND)
    b = write(tmp_path / "b.txt", MOLDOVA)
    _ask(tmp_path, "--corpus", str(a))
    _ask(tmp_path, "--corpus", str(b), "--collection", "moldova")
    b.unlink()
    listed = _listed(tmp_path)
    assert (
        listed["moldova"]["stale"].startswith("corpus file")
        and not listed[corpus_key((a,))]["stale"]
    )
    result = runner.invoke(app, ["index", "--prune", "--index-dir", str(tmp_path / "index")])
    assert result.exit_code == 0 and "Removed moldova" in result.output
    assert set(_listed(tmp_path)) == {corpus_key((a,))}
    assert not (tmp_path / "index" / "collections" / "moldova").exists()
