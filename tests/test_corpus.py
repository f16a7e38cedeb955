"""Corpus loading: text, JSONL and CSV files; bad files get a clear error naming file and line."""

from __future__ import annotations

import pytest
from conftest import write

from qa.corpus.loading import load_corpus
from qa.errors import CorpusError

FEED = "\n".join(
    [
        '"We are ready," Dutch Prime Minister Dick Schoof said on March 9.',
        '"Talks must include Europe," Austrian Chancellor Karl Nehammer said.',
        "Vienna will host the meeting, Austrian Foreign Minister Beate Meinl-Reisinger said on March 2.",
        "Aid will continue, Norway's defense minister says",
        '"It is a long road," Belgian Prime Minister Bart De Wever said on Feb. 20.',
    ]
)


def test_plain_text_with_bom_and_windows_line_endings(tmp_path):
    path = write(tmp_path / "feed.txt", "\ufeff" + FEED.replace("\n", "\r\n") + "\r\n")
    corpus = load_corpus([path])
    first = corpus.statements[0]
    assert first.text.startswith('"We are ready,"')
    assert first.source == "feed.txt:1"
    assert first.speaker == "Dick Schoof"
    assert not any("\r" in s.text for s in corpus.statements)


def test_undated_statement_in_time_ordered_feed_gets_inferred_interval(tmp_path):
    corpus = load_corpus([write(tmp_path / "feed.txt", FEED)])
    nehammer = corpus.statements[1]
    said = nehammer.said_on
    assert said.inferred and said.text is None and said.month is None
    assert (said.earliest.text, said.latest.text) == ("March 2", "March 9")
    norway = corpus.statements[3]
    assert (norway.said_on.earliest.text, norway.said_on.latest.text) == ("Feb. 20", "March 2")


def test_unordered_feed_infers_nothing(tmp_path):
    lines = FEED.split("\n")
    shuffled = "\n".join([lines[4], lines[1], lines[0], lines[2]])
    corpus = load_corpus([write(tmp_path / "feed.txt", shuffled)])
    assert corpus.statements[1].said_on is None


def test_declared_year_is_marked_declared_and_follows_the_new_year(tmp_path):
    path = write(
        tmp_path / "winter.txt",
        "Talks end, Latvian President Edgars Rinkevics said on Jan. 5.\n"
        "Talks begin, Latvian President Edgars Rinkevics said on Dec. 20.\n",
    )
    write(tmp_path / "winter.txt.meta.toml", "year = 2025\n")
    january, december = load_corpus([path]).statements
    assert (january.said_on.year, january.said_on.year_declared) == (2025, True)
    assert december.said_on.year == 2024


def test_year_written_in_the_text_is_read_not_declared(tmp_path):
    path = write(
        tmp_path / "y.txt",
        "Aid continues, Irish Prime Minister Micheal Martin said on May 2, 2024.\n",
    )
    [s] = load_corpus([path]).statements
    assert (s.said_on.year, s.said_on.year_declared) == (2024, False)


def test_duplicates_become_one_statement_with_every_source(tmp_path):
    line = "Aid continues, Irish Prime Minister Micheal Martin said."
    corpus = load_corpus([write(tmp_path / "d.txt", f"{line}\nOther news\n{line}\n")])
    [aid] = [s for s in corpus.statements if s.text == line]
    assert aid.sources == ("d.txt:1", "d.txt:3")


def test_duplicates_across_files(tmp_path):
    line = "Aid continues, Irish Prime Minister Micheal Martin said."
    a = write(tmp_path / "a.txt", line + "\n")
    b = write(tmp_path / "b.txt", "Something else\n" + line + "\n")
    corpus = load_corpus([a, b])
    [aid] = [s for s in corpus.statements if s.text == line]
    assert aid.sources == ("a.txt:1", "b.txt:2")


def test_jsonl_fields_override_parsing(tmp_path):
    path = write(
        tmp_path / "c.jsonl",
        '{"text": "We will rebuild every city.", "speaker": "Vitali Klitschko", '
        '"affiliation": "Ukrainian", "date": "Feb. 2", "source": "kyiv-post:17"}\n'
        "\n"
        '{"text": "Peace needs guarantees, Romanian President Nicusor Dan said."}\n',
    )
    first, second = load_corpus([path]).statements
    assert first.speaker == "Vitali Klitschko" and first.kind == "quote"
    assert (first.affiliation, first.affiliation_from) == ("Ukraine", "record")
    assert first.said_on.text == "Feb. 2"
    assert first.sources == ("kyiv-post:17",)
    assert second.speaker == "Nicusor Dan" and second.source == "c.jsonl:3"


def test_csv_with_text_column(tmp_path):
    path = write(
        tmp_path / "c.csv",
        'id,text,speaker\n1,"Aid continues, the minister said.",\n2,"We stand firm.",Mark Carney\n',
    )
    first, second = load_corpus([path]).statements
    assert first.role == "minister" and first.source == "c.csv:2"
    assert second.speaker == "Mark Carney"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        # The CLI table in test_hardening.py covers the other kinds of bad file.
        ("binary.txt", b"abc\n\x00\x01\x02", "binary.txt:2 contains a NUL byte"),
        ("blank.txt", b"\n  \n", "is empty"),
        ("short.csv", b'text,speaker\n"Hello",X\n"broken\n', "short.csv:3 is not valid CSV"),
        ("quote.csv", b'text\n"ok"\n"a"b\n"c"\n', "quote.csv:3 is not valid CSV"),
    ],
)
def test_bad_files_name_file_and_line(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CorpusError, match=message.replace("(", r"\(")):
        load_corpus([path])


def test_missing_path_and_directory(tmp_path):
    with pytest.raises(CorpusError, match="does not exist"):
        load_corpus([tmp_path / "nope.txt"])
    with pytest.raises(CorpusError, match="holds no corpus files"):
        load_corpus([tmp_path])  # a folder is read (tests/test_corpora.py); an empty one is refused


def test_gazetteer_beside_the_corpus_fills_what_the_text_does_not_say(tmp_path):
    write(
        tmp_path / "gazetteer.toml",
        '["Kaja Kallas"]\naliases = ["Kallas"]\naffiliation = "European Union"\n',
    )
    [s] = load_corpus([write(tmp_path / "k.txt", '"Europe must act," Kallas said.\n')]).statements
    assert s.speaker == "Kaja Kallas"
    assert (s.affiliation, s.affiliation_from) == ("European Union", "gazetteer")
    assert s.role is None


def test_bad_gazetteer_is_a_clear_error(tmp_path):
    from qa.errors import GazetteerError

    write(tmp_path / "gazetteer.toml", "[broken\n")
    with pytest.raises(GazetteerError, match="not valid TOML"):
        load_corpus([write(tmp_path / "k.txt", "Hello, Kallas said.\n")])
