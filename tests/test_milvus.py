"""The Milvus store on Milvus Lite (a temporary .db file): building writes only what changed,
parts add up to the whole, filters select what the embedded store selects (hostile values
included), the evaluation set gets the same answers as from the embedded index, and every
refusal is one sentence."""

from __future__ import annotations

import io
import json
import os
import sys

import numpy as np
import pytest

pytest.importorskip("pymilvus")
pytest.importorskip("milvus_lite")

from conftest import SEEDS, FakeEncoder, write  # noqa: E402

from qa.corpus.files import read_rows  # noqa: E402
from qa.corpus.loading import load_corpus
from qa.model.embedding import Encoder, resolve_model  # noqa: E402
from qa.store.milvus import collection as milvus  # noqa: E402
from qa.store.milvus.build import build  # noqa: E402
from qa.store.milvus.collection import MilvusError, Part  # noqa: E402
from qa.store.milvus.store import open_milvus  # noqa: E402
from qa.store.milvus.where import compile_where  # noqa: E402
from qa.store.where import (
    EVERYTHING,
    NOTHING,
    And,
    AnyOf,
    Mentions,
    MentionsDate,
    Not,
    Or,
    Overlaps,
    Within,
)

HOSTILE = 'Dan "The Man" O\'Brien \\" or pk >= 0 or "\\'


class Counting:
    """The real encoder, counting the texts it embeds."""

    def __init__(self, encoder):
        self.encoder, self.info, self.count = encoder, encoder.info, 0

    @property
    def dimension(self):
        return self.encoder.dimension

    def encode(self, texts, batch_size=64):
        self.count += len(texts)
        return self.encoder.encode(texts)


@pytest.fixture(scope="session")
def seeds_uri(tmp_path_factory):
    """The bundled seeds in a Milvus Lite file, built once with the real model."""
    uri = str(tmp_path_factory.mktemp("milvus") / "seeds.db")
    encoder = Counting(Encoder(resolve_model()))
    report = build(uri, None, encoder)
    assert report.embedded == report.statements == encoder.count > 0
    return uri


@pytest.fixture(scope="session")
def milvus_engine(seeds_uri):
    from qa.answer.engine import Engine
    from qa.settings import Settings

    return Engine(Settings(store="milvus", uri=seeds_uri)).load()


@pytest.fixture(autouse=True)
def no_store_in_env(monkeypatch):
    monkeypatch.delenv("QA_STORE", raising=False)
    monkeypatch.delenv("QA_URI", raising=False)


def _rows(uri: str, name: str = "qa") -> dict[int, str]:
    client = milvus.connect(uri)
    client.load_collection(name)
    rows = client.query(name, filter="pk >= 0", output_fields=["pk", "row_hash"], limit=10_000)
    client.close()
    return {r["pk"]: r["row_hash"] for r in rows}


# -- building ------------------------------------------------------------------------------
def test_a_rebuild_writes_nothing_and_an_edit_embeds_only_what_changed(tmp_path, seeds_uri):
    encoder = Counting(Encoder(resolve_model()))
    again = build(seeds_uri, None, encoder)
    assert (again.embedded, again.rewritten, again.deleted, encoder.count) == (0, 0, 0, 0)
    assert again.unchanged == again.statements

    lines = SEEDS[0].read_text(encoding="utf-8").splitlines()
    corpus = write(tmp_path / "feed.txt", "\n".join(lines[:20]) + "\n")
    uri = str(tmp_path / "edit.db")
    fake = FakeEncoder()
    first = build(uri, [corpus], fake)
    assert first.embedded == first.statements == len(fake.encoded)
    # One line edited, one removed, one added: only the new passages are embedded, and
    # the statements no longer in the corpus are deleted.
    before = {s.id: s.passage for s in load_corpus([corpus]).statements}
    edited = [*lines[:20]]
    edited[3] = edited[3] + " Updated."
    del edited[7]
    edited.append(lines[25])
    write(corpus, "\n".join(edited) + "\n")
    after = {s.id: s.passage for s in load_corpus([corpus]).statements}
    fake.encoded.clear()
    second = build(uri, [corpus], fake)
    new = set(after.values()) - set(before.values())
    assert new and sorted(fake.encoded) == sorted(new) and second.embedded == len(new)
    assert second.deleted == len(set(before) - set(after)) > 0
    assert second.statements == len(after)
    assert len(_rows(uri)) == second.statements


def test_parts_add_up_to_the_whole(tmp_path):
    whole, parted = str(tmp_path / "whole.db"), str(tmp_path / "parted.db")
    build(whole, list(SEEDS), FakeEncoder())
    first = build(parted, list(SEEDS), FakeEncoder(), part=Part.parse("1/2"))
    second = build(parted, list(SEEDS), FakeEncoder(), part=Part.parse("2/2"))
    assert first.statements and second.statements
    assert first.deleted == second.deleted == 0
    assert _rows(parted) == _rows(whole)
    assert first.statements + second.statements == len(_rows(whole))


@pytest.mark.parametrize("text", ["0/2", "3/2", "2", "a/b", "1/0"])
def test_a_bad_part_is_one_sentence(text):
    with pytest.raises(Exception, match="is not N/M"):
        Part.parse(text)


def _mixed_corpus(folder) -> list:
    """The seeds as four files: as they are, a part again with a declared year (statements met
    twice), reversed (a feed newest first) and as JSONL with a speaker on some records."""
    lines = SEEDS[0].read_text(encoding="utf-8").splitlines()
    (folder / "gazetteer.toml").write_bytes((SEEDS[0].parent / "gazetteer.toml").read_bytes())
    records = [json.dumps({"text": line, "speaker": "Someone" if i % 3 == 0 else ""})
               for i, line in enumerate(lines[:15])]  # fmt: skip
    files = [
        write(folder / "a.txt", "\n".join(lines) + "\n"),
        write(folder / "b.txt", "\n".join(lines[5:30]) + "\n"),
        write(folder / "c.txt", "\n".join(reversed(lines)) + "\n"),
        write(folder / "d.jsonl", "\n".join(records) + "\n"),
    ]
    write(folder / "b.txt.meta.toml", "year = 2025\n")
    return files


@pytest.mark.parametrize("order", [(0, 1, 2, 3), (1, 2, 0, 3), (2,)])
def test_the_batched_read_gives_the_statements_of_the_whole_read(tmp_path, order):
    from qa.store.milvus import batches as milvus_corpus

    files = _mixed_corpus(tmp_path)
    paths = [files[i] for i in order]
    whole = load_corpus(paths)
    found = milvus_corpus.survey(paths)
    pairs = [pair for batch in milvus_corpus.batches(found, size=7) for pair in batch]
    assert found.timeline == whole.timeline and found.statements == len(whole.statements)
    assert [s.to_json() for _, s in sorted(pairs, key=lambda p: p[0])] == [
        s.to_json() for s in whole.statements
    ]


def test_the_build_reads_parses_and_embeds_in_batches(tmp_path, monkeypatch):
    """No step of a build is handed more than a batch: the parser gets at most ROWS rows at
    once, the encoder and the collection at most `batch` statements; the collection is the
    one a build in one large batch writes."""
    from qa.store.milvus import batches as milvus_corpus
    from qa.store.milvus import build as milvus_build

    paths = _mixed_corpus(tmp_path)
    rows = sum(len(read_rows(p)) for p in paths)
    whole = str(tmp_path / "whole.db")
    build(whole, paths, FakeEncoder(), batch=10_000)
    parsed, encoded, written = [], [], []
    parse, encoder = milvus_corpus._file_statements, FakeEncoder()
    monkeypatch.setattr(milvus_corpus, "ROWS", 4)
    monkeypatch.setattr(milvus_corpus, "_file_statements",
                        lambda path, batch, *rest: parsed.append(len(batch)) or
                        parse(path, batch, *rest))  # fmt: skip
    monkeypatch.setattr(encoder, "encode", lambda texts, **_: encoded.append(len(texts)) or
                        FakeEncoder.encode(encoder, texts))  # fmt: skip
    write_batch = milvus_build._write_batch
    monkeypatch.setattr(
        milvus_build,
        "_write_batch",
        lambda client, name, batch, *rest: (
            written.append(len(batch)) or write_batch(client, name, batch, *rest)
        ),
    )
    batched = str(tmp_path / "batched.db")
    report = build(batched, paths, encoder, batch=5)
    assert max(parsed) == 4 and sum(parsed) == 2 * rows  # read twice: survey, then write
    assert max(encoded) == 5 and max(written) == 5 and sum(written) == report.statements
    assert report.embedded == report.statements == len(_rows(whole))
    assert _rows(batched) == _rows(whole)


# -- filters -------------------------------------------------------------------------------
@pytest.mark.parametrize("window", [None, 3])
def test_filter_trees_select_what_the_embedded_store_selects(
    real_engine, milvus_engine, seeds_uri, monkeypatch, window
):
    """Also with a search window of 3 rows, so that every word's rows are searched a range
    of keys at a time and ranges are halved when full."""
    from qa.store.milvus import calls as milvus_store

    embedded, store = real_engine.store, milvus_engine.store
    if window:
        monkeypatch.setattr(milvus_store, "WINDOW", window)
        store = open_milvus(seeds_uri, None, store.model_id, store.weights_sha256)
    vocab = embedded.vocabularies
    trees = [
        EVERYTHING,
        NOTHING,
        AnyOf("speaker", tuple(vocab["speakers"][:3])),
        AnyOf("affiliation", ("Italy", "NATO")),
        AnyOf("role", ("",)),
        AnyOf("place", tuple(vocab["places"])),
        Overlaps("said_lo", "said_hi", 60, 80),
        Within("inferred_lo", "inferred_hi", 0, 10**6),
        MentionsDate(0, 10**9),
        MentionsDate(70, 75),
        Mentions(("secur", "guarante")),
        Mentions(("peacekeep",)),
        Mentions(()),
        Not(AnyOf("affiliation", ("Ukraine",))),
        AnyOf("speaker", (HOSTILE,)),  # allows nothing
        Not(AnyOf("speaker", (HOSTILE,))),  # allows everything
        Or((AnyOf("speaker", (HOSTILE,)), Mentions(("nato",)))),
        And((Not(Overlaps("said_lo", "said_hi", -(10**9), 10**9)), Mentions(("ukrain",)))),
        # Read from the BM25 index (qa.milvus_where.keyword_plan): one word of several, and
        # filters naming no word.
        And(
            (
                Or((Mentions(("nato",)), Mentions(("secur",)), Mentions(("zzzz",)))),
                Not(AnyOf("affiliation", ("NATO",))),
            )
        ),
        Mentions(("peacekeep",)),
        Or((Mentions(("nato",)), Mentions(("ukrain",)))),
    ]
    for tree in trees:
        want = {s.id for s in embedded.statements(embedded.ids(tree))}
        got = {s.id for s in store.statements(store.ids(tree))}
        assert got == want, tree
        assert store.count(tree) == len(want)
        assert store.allows_any(tree) == embedded.allows_any(tree) == bool(want), tree
        fewer = len(want) < embedded.size
        assert store.allows_fewer(tree) == embedded.allows_fewer(tree) == fewer, tree
        assert {s.id for s in store.statements(store.ids(tree, limit=len(want) + 1))} == want
        among = embedded.ids(EVERYTHING)[::3]
        want = {s.id for s in embedded.statements(embedded.ids(tree, among=among))}
        mine = store.ids(EVERYTHING)
        got = {s.id for s in store.statements(store.ids(tree, among=mine))} & {
            s.id for s in embedded.statements(among)}  # fmt: skip
        assert got == want, tree
    assert store.size == embedded.size


def test_hostile_values_stay_values(tmp_path):
    names = [HOSTILE, "Line\nbreak", "Tab\there", "back\\slash", "it's"]
    records = [
        {"text": f"We will defend every border, {name} said on March {i + 1}.", "speaker": name}
        for i, name in enumerate(names)
    ]
    corpus = write(tmp_path / "hostile.jsonl", "\n".join(json.dumps(r) for r in records) + "\n")
    uri = str(tmp_path / "hostile.db")
    fake = FakeEncoder()
    build(uri, [corpus], fake)
    store = open_milvus(uri, None, fake.info.model_id, fake.info.weights_sha256)
    assert sorted(store.vocabularies["speakers"]) == sorted(names)
    for name in names:
        found = store.statements(store.ids(AnyOf("speaker", (name,))))
        assert [s.speaker for s in found] == [name]
    assert len(store.ids(AnyOf("speaker", ('" or pk >= 0 or "',)))) == 0
    # Each value is one string literal, escaped as JSON escapes it, whatever it holds.
    assert compile_where(AnyOf("speaker", (HOSTILE,))) == f"speaker in [{milvus.quote(HOSTILE)}]"
    assert all(json.loads(milvus.quote(name)) == name for name in names)
    store.close()


def test_a_statement_mentioning_many_dates_is_found_by_each(tmp_path):
    """Mentioned spans past the row's MENTIONS fields are kept in the catalog and filtered."""
    text = ("We met on March 1, on April 5, on May 9, on June 13, on July 17 and on Aug. 21, "
            "Smith said on Sept. 2.\nTalks ended on Oct. 4, Jones said on Sept. 30.\n")  # fmt: skip
    corpus = write(tmp_path / "dates.txt", text)
    uri = str(tmp_path / "dates.db")
    fake = FakeEncoder()
    build(uri, [corpus], fake)
    store = open_milvus(uri, None, fake.info.model_id, fake.info.weights_sha256)
    whole = load_corpus([corpus])
    from qa.store.facts import row_facts

    spans = {s.id: row_facts(s, whole.gazetteer, whole.timeline)["mentioned"]
             for s in whole.statements}  # fmt: skip
    assert max(len(v) for v in spans.values()) > milvus.MENTIONS
    assert store.more_spans
    every = store.ids(EVERYTHING)
    for day in sorted({d for v in spans.values() for lo, hi in v for d in (lo, hi)}):
        want = {i for i, v in spans.items() if any(lo <= day <= hi for lo, hi in v)}
        tree = MentionsDate(day, day)
        assert {s.id for s in store.statements(store.ids(tree))} == want, day
        assert {s.id for s in store.statements(store.ids(tree, among=every))} == want, day
    store.close()


# -- answering -----------------------------------------------------------------------------
COMPARE = """
import json, sys
from pathlib import Path
from qa.answer.engine import Engine
from qa.model.embedding import Encoder, resolve_model
from qa.evaluation.questions import default_parts, load_questions
from qa.evaluation.runs import _run_product
from qa.store.milvus.build import build
from qa.settings import Settings

folder = Path(sys.argv[1])
engines = [Engine(Settings(index_dir=folder / "index")).load()]
build(str(folder / "seeds.db"), None, Encoder(resolve_model()))
engines.append(Engine(Settings(store="milvus", uri=str(folder / "seeds.db"))).load())
out = []
for path in default_parts().values():
    queries = load_questions(path)
    runs = [_run_product(engine, queries)[1] for engine in engines]
    for q, a, b in zip(queries, *runs):
        out.append([q.id] + [[x.answered, x.reason, [[p.id, p.score] for p in x.passages]]
                             for x in (a, b)])
print(json.dumps(out))
"""


def test_the_evaluation_set_gets_the_same_answers(tmp_path):
    """Questions answered or not alike, for the same reason, with the same passages (the
    order may differ where the embedded store breaks a tie by corpus position and Milvus by
    key). Both stores are built and asked in a fresh process."""
    import subprocess

    # One hash seed, so that a failure can be replayed (QA_TEST_HASH_SEED picks another).
    env = {**os.environ, "PYTHONHASHSEED": os.environ.get("QA_TEST_HASH_SEED", "0")}
    done = subprocess.run([sys.executable, "-c", COMPARE, str(tmp_path)], capture_output=True,
                          text=True, check=True, env=env)  # fmt: skip
    compared = json.loads(done.stdout.strip().splitlines()[-1])
    assert len(compared) > 600
    differing = [
        id
        for id, (answered, reason, shown), (served, served_reason, passages) in compared
        if (served, served_reason) != (answered, reason)
        or {p for p, _ in shown} != {p for p, _ in passages}
    ]
    assert not differing, differing


def test_keyword_scores_follow_the_embedded_index(real_engine, milvus_engine):
    tokens = ["secur", "guarante", "ukrain"]
    embedded, store = real_engine.store, milvus_engine.store
    ids, scores = embedded.keywords(tokens, 10, EVERYTHING)
    mids, mscores = store.keywords(tokens, 10, EVERYTHING)
    want = [s.id for s in embedded.statements(ids)]
    got = [s.id for s in store.statements(mids)]
    assert got[:5] == want[:5]
    np.testing.assert_allclose(mscores, scores, rtol=0.05)
    again = store.keyword_scores(tokens, mids[::-1])
    np.testing.assert_allclose(again, mscores[::-1], rtol=1e-5)


def test_ask_through_the_cli(monkeypatch, capsys, seeds_uri):
    code, out, err = _run(monkeypatch, capsys, ["ask", "What did Italy say about peacekeepers?",
                          "--store", "milvus", "--uri", seeds_uri, "--json"])  # fmt: skip
    assert code == 0, err
    answer = json.loads(out)
    assert answer["answered"] and answer["passages"][0]["affiliation"] == "Italy"


def test_answering_from_a_collection_of_other_files_says_so(monkeypatch, capsys, tmp_path):
    lines = SEEDS[0].read_text(encoding="utf-8").splitlines()
    corpus = write(tmp_path / "feed.txt", "\n".join(lines[:20]) + "\n")
    uri = str(tmp_path / "feed.db")
    build(uri, [corpus], Encoder(resolve_model()))
    ask = ["ask", "peace", "--corpus", str(corpus), "--store", "milvus", "--uri", uri]
    code, _, err = _run(monkeypatch, capsys, ask)
    assert code == 0 and "built from other files" not in err
    write(corpus, "\n".join(lines[:21]) + "\n")
    code, out, err = _run(monkeypatch, capsys, ask)
    assert code == 0 and out
    warnings = [line for line in err.splitlines() if "built from other files" in line]
    assert len(warnings) == 1 and "qa index --store milvus" in warnings[0]


def test_index_list_check_and_prune_with_milvus(monkeypatch, capsys, tmp_path):
    uri = str(tmp_path / "admin.db")
    fake = FakeEncoder()
    build(uri, list(SEEDS), fake, collection="news")
    code, out, err = _run(monkeypatch, capsys, ["index", "--list", "--json", "--store", "milvus",
                                                "--uri", uri])  # fmt: skip
    assert code in (0, None), err
    listed = json.loads(out)
    assert [c["collection"] for c in listed] == ["news"]
    assert listed[0]["rows"] == listed[0]["statements"] > 0
    monkeypatch.setattr("qa.model.embedding.resolve_model", lambda *a, **k: fake.info)
    args = ["index", "--check", "--store", "milvus", "--uri", uri, "--collection", "news"]
    code, out, err = _run(monkeypatch, capsys, args)
    assert code in (0, None) and "is sound" in out, err
    client = milvus.connect(uri)
    client.load_collection("news")
    client.delete(
        "news", ids=[client.query("news", filter="", output_fields=["pk"], limit=1)[0]["pk"]]
    )
    client.close()
    _refused(monkeypatch, capsys, args, "statements where its corpus had")
    _refused(monkeypatch, capsys, ["index", "--prune", "--store", "milvus", "--uri", uri],
             "--prune does not apply to --store milvus")  # fmt: skip


# -- refusals ------------------------------------------------------------------------------
def _run(monkeypatch, capsys, args, env=None):
    from qa.cli import main

    for name, value in (env or {}).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(sys, "argv", ["qa", *args])
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    with pytest.raises(SystemExit) as stopped:
        main()
    out, err = capsys.readouterr()
    return stopped.value.code, out, err


def _refused(monkeypatch, capsys, args, message, env=None):
    code, out, err = _run(monkeypatch, capsys, args, env)
    assert code == 2 and out == ""
    assert err.startswith("Error: ") and err.count("\n") == 1, err
    assert message in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("uri", "message"),
    [
        ("ftp://example.org/x", "is not one qa can use"),
        ("qa.sqlite", "neither a file path ending in .db"),
        ("/no/such/folder/qa.db", "does not exist"),
        ("http://127.0.0.1:1", "Cannot reach Milvus at http://127.0.0.1:1"),
    ],
)
def test_a_bad_or_unreachable_uri_is_one_sentence(monkeypatch, capsys, uri, message):
    for command in (["ask", "peace"], ["index"]):
        _refused(monkeypatch, capsys, [*command, "--store", "milvus", "--uri", uri], message)


HOLD = """
import sys
from qa.store.milvus import collection
client = collection.connect(sys.argv[1])
print("held", flush=True)
sys.stdin.read()
"""


def test_a_lite_file_another_process_holds_is_called_busy(monkeypatch, capsys, tmp_path):
    import subprocess

    uri = str(tmp_path / "busy.db")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    holder = subprocess.Popen([sys.executable, "-c", HOLD, uri], env=env, text=True,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE)  # fmt: skip
    try:
        assert holder.stdout.readline() == "held\n"
        message = (f"The Milvus Lite file {uri} is in use by another process (a build?); "
                   "wait for it or use another file.")  # fmt: skip
        for command in (["index"], ["index", "--list"], ["ask", "peace"]):
            _refused(monkeypatch, capsys, [*command, "--store", "milvus", "--uri", uri], message)
        assert milvus.lite_in_use(uri)
    finally:
        holder.communicate("", timeout=60)  # a safety net only
    assert not milvus.lite_in_use(uri)  # let go with the process: usable again
    milvus.connect(uri).close()


def test_a_lite_error_naming_the_lock_is_called_busy(tmp_path):
    recorded = "another process holds the lock on '/x/qa.db': [Errno 11] Resource temporarily"
    assert milvus.lite_in_use(str(tmp_path / "none.db"), RuntimeError(recorded))
    assert not milvus.lite_in_use(str(tmp_path / "none.db"), RuntimeError("Open local failed"))


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["ask", "peace"], {"QA_STORE": "mongo"}, "'mongo' is not one of 'embedded', 'milvus'"),
        (["ask", "peace", "--store", "milvus"], {}, "needs --uri"),
        (["index", "--part", "1/2"], {}, "--part needs --store milvus"),
        (["index", "--store", "milvus", "--uri", "x.db", "--part", "3/2"], {}, "is not N/M"),
        (["ask", "peace", "--store", "milvus", "--uri", "x.db", "--collection", "a-b"], {},
         "cannot name a Milvus collection"),
    ],
)  # fmt: skip
def test_store_settings_are_checked(monkeypatch, capsys, args, env, message):
    _refused(monkeypatch, capsys, args, message, env)


def test_a_collection_of_another_schema_is_refused(monkeypatch, capsys, tmp_path):
    uri = str(tmp_path / "other.db")
    client = milvus.connect(uri)
    client.create_collection("qa", dimension=8)
    client.close()
    for command in (["ask", "peace"], ["index"]):
        _refused(monkeypatch, capsys, [*command, "--store", "milvus", "--uri", uri],
                 "was not written by this qa (its fields differ")  # fmt: skip


def test_a_collection_built_with_another_model_is_refused(monkeypatch, capsys, tmp_path):
    uri = str(tmp_path / "fake.db")
    build(uri, list(SEEDS), FakeEncoder())
    _refused(monkeypatch, capsys, ["ask", "peace", "--store", "milvus", "--uri", uri],
             "was built with model fake/bag-of-words")  # fmt: skip
    _refused(monkeypatch, capsys, ["index", "--store", "milvus", "--uri", uri, "--part", "1/2"],
             "rebuild it whole first")  # fmt: skip


def test_no_collection_and_no_client_are_one_sentence(monkeypatch, capsys, tmp_path):
    uri = str(tmp_path / "empty.db")
    _refused(monkeypatch, capsys, ["ask", "peace", "--store", "milvus", "--uri", uri],
             "There is no collection qa")  # fmt: skip
    monkeypatch.setitem(sys.modules, "pymilvus", None)
    _refused(monkeypatch, capsys, ["ask", "peace", "--store", "milvus", "--uri", uri],
             "pip install 'qa[milvus]'")  # fmt: skip


def test_the_default_install_never_imports_pymilvus():
    import subprocess

    code = "import qa.cli, qa.answer, qa.store, sys; print('pymilvus' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout
    assert out.strip() == "False"


def test_the_expression_of_each_tree():
    assert compile_where(EVERYTHING) == "true" and compile_where(NOTHING) == "false"
    assert compile_where(Overlaps("said_lo", "said_hi", 3, 9)) == "(said_hi >= 3 and said_lo <= 9)"
    assert compile_where(MentionsDate(5, 7), (6, 100), {"12": [[1, 2]], "34": [[7, 9]]}) == (
        "((mention_hi_1 >= 6 and mention_lo_1 <= 7) or (mention_hi_2 >= 6 and mention_lo_2 <= 7)"
        " or (mention_hi_3 >= 6 and mention_lo_3 <= 7) or (mention_hi_4 >= 6 and mention_lo_4"
        " <= 7) or pk in [34])"
    )
    assert milvus.mention_spans([(9, 12), (1, 3), (4, 4), (11, 20)]) == [(1, 4), (9, 20)]
    assert compile_where(MentionsDate(1, 4), (6, 100)) == "false"
    brien = milvus.term("o'brien")
    assert compile_where(Mentions(("o'brien", "nato"))) == (
        f'(TEXT_MATCH(terms, "{brien}") and TEXT_MATCH(terms, "nato"))'
    )
    with pytest.raises(ValueError):
        compile_where(AnyOf("record", ("x",)))
    with pytest.raises(ValueError):
        compile_where(Overlaps("pk", "said_hi", 0, 1))


def test_terms_keep_every_token_whole():
    tokens = ["ukrain", "o'brien", "2025", "zürich", "0abc"]
    assert [milvus.term(t) for t in tokens][:1] == ["ukrain"]
    encoded = [milvus.term(t) for t in tokens]
    assert len(set(encoded)) == len(tokens)
    assert all(e.isascii() and e.isalnum() for e in encoded)
    assert bytes.fromhex(milvus.term("o'brien")[1:]).decode() == "o'brien"


def test_primary_keys_are_stable_and_parts_cover_each_once():
    keys = [milvus.primary_key(f"s{i:012x}") for i in range(0, 10**6, 9973)]
    assert keys == [milvus.primary_key(f"s{i:012x}") for i in range(0, 10**6, 9973)]
    parts = [Part(n, 3) for n in (1, 2, 3)]
    assert all(sum(p.holds(k) for p in parts) == 1 for k in keys)
    with pytest.raises(MilvusError):
        milvus.check_collection_name("bad-name")
