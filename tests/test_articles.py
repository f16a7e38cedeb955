"""Corpora of whole articles: cutting into statements, exact offsets, references resolved within
one article, dates from a publication date. Every article here is invented."""

from __future__ import annotations

import importlib.util
import json
import re
from datetime import date
from pathlib import Path

import pytest
from conftest import write
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from qa.cli import app
from qa.corpus.articles import Article, article_statements, paragraphs, sentences, units
from qa.corpus.gazetteer import Gazetteer
from qa.corpus.loading import load_corpus
from qa.errors import CorpusError

SOURCE = re.compile(r"^(?P<label>.+):p(?P<paragraph>\d+):(?P<start>\d+)-(?P<end>\d+)$")

ARTICLE = """Harbor council split over new bridge

The city council voted 5-4 on Tuesday to fund a new bridge over the harbor.

"This bridge will carry our grandchildren. It is worth every cent," Commissioner Rosa Lindqvist said after the vote. "We waited long enough."

Opponents packed the hall. "The money is not there.

"We will be paying for it until 2060," said Commissioner Peter Albrecht.

Albrecht added that he would ask for a new vote in January.

The mayor, Helen Okafor, did not attend the meeting. She said Wednesday that she would sign the budget.

The measure now goes to the state, the mayor added.

A spokesman said the design was final.
"""


def _statements(text=ARTICLE, published=None):
    article = Article(text, "harbor.txt", published=published)
    return article_statements(article, Gazetteer.load([]))


def _offsets(statement):
    m = SOURCE.match(statement.source)
    return int(m.group("paragraph")), int(m.group("start")), int(m.group("end"))


def test_paragraphs_and_sentences_keep_abbreviations_together():
    text = "Headline\n\nSen. Mary Quinlan spoke in the U.S. Senate on Jan. 5. She left.\n\nMore."
    spans = paragraphs(text)
    assert [text[s:e] for s, e in spans] == [
        "Headline",
        "Sen. Mary Quinlan spoke in the U.S. Senate on Jan. 5. She left.",
        "More.",
    ]
    start, end = spans[1]
    assert [text[s:e] for s, e in sentences(text, start, end)] == [
        "Sen. Mary Quinlan spoke in the U.S. Senate on Jan. 5.",
        "She left.",
    ]


def test_a_body_without_blank_lines_has_one_paragraph_a_line():
    text = "Headline\nFirst paragraph here.\nSecond one here."
    assert [text[s:e] for s, e in paragraphs(text)] == [
        "Headline",
        "First paragraph here.",
        "Second one here.",
    ]


def test_quotes_across_sentences_and_paragraphs_are_kept_whole_and_offsets_are_exact():
    statements = _statements()
    passages = [s.passage for s in statements]
    for statement in statements:
        paragraph, start, end = _offsets(statement)
        assert ARTICLE[start:end] == statement.passage
    # One quote over two sentences, and the quote sentence that follows it in the paragraph.
    assert passages[0] == (
        '"This bridge will carry our grandchildren. It is worth every cent," Commissioner '
        'Rosa Lindqvist said after the vote. "We waited long enough."'
    )
    assert _offsets(statements[0])[0] == 2
    # A quote over two paragraphs: the first ends without a closing mark, the next reopens it.
    assert passages[1] == (
        '"The money is not there.\n\n"We will be paying for it until 2060," said Commissioner '
        "Peter Albrecht."
    )
    assert _offsets(statements[1])[0] == 3
    # Narration without an attribution or a quote is nobody's statement.
    assert not any("voted 5-4" in p or "packed the hall" in p for p in passages)
    assert not any("did not attend" in p for p in passages)


def test_a_headline_is_a_statement_only_when_it_names_who_speaks():
    assert not any(s.source.startswith("harbor.txt:p0:") for s in _statements())
    text = "Mayor Helen Okafor says the bridge will be built\n\nThe council met on Tuesday."
    (headline,) = _statements(text)
    assert headline.source == "harbor.txt:p0:0-48"
    assert headline.speaker == "Helen Okafor"


def test_references_resolve_to_a_person_named_earlier_and_say_so():
    by_start = {s.passage.split()[0]: s for s in _statements()}
    lindqvist = by_start['"This']
    assert (lindqvist.speaker, lindqvist.speaker_from) == ("Rosa Lindqvist", "text")
    assert lindqvist.resolved_from is None

    surname = by_start["Albrecht"]
    assert surname.speaker == "Peter Albrecht"
    assert surname.speaker_as_written == "Albrecht"
    assert surname.speaker_from == "resolved"
    assert "Commissioner Peter Albrecht" in surname.resolved_from

    she = by_start["She"]
    assert (she.speaker, she.speaker_from, she.source_mention) == (
        "Helen Okafor",
        "resolved",
        "She",
    )
    assert she.resolved_from == "The mayor, Helen Okafor, did not attend the meeting."

    role = by_start["The"]
    assert role.source_mention == "the mayor"
    assert (role.speaker, role.speaker_from) == ("Helen Okafor", "resolved")


def test_a_resolved_speaker_gets_what_the_gazetteer_knows(tmp_path):
    write(
        tmp_path / "gazetteer.toml",
        '["Helen Okafor"]\nrole = "Mayor"\naffiliation = "Harbor City"\n',
    )
    path = write(tmp_path / "harbor.txt", ARTICLE)
    write(tmp_path / "harbor.txt.meta.toml", 'kind = "article"\n')
    she = next(s for s in load_corpus([path]).statements if s.passage.startswith("She"))
    assert (she.speaker, she.speaker_from) == ("Helen Okafor", "resolved")
    assert (she.role, she.role_from) == ("Mayor", "gazetteer")
    assert (she.affiliation, she.affiliation_from) == ("Harbor City", "gazetteer")


def test_unclear_references_stay_unresolved():
    text = (
        "Two council members clash\n\n"
        "Mr. Tomas Berg and Mr. Ivan Holt met on Monday.\n\n"
        '"We agreed on nothing," she said.\n\n'
        "A spokesman said the design was final.\n\n"
        "Jon Berg and Tomas Berg were both at the meeting.\n\n"
        "Berg said the talks would go on."
    )
    statements = {s.passage.split()[0]: s for s in _statements(text)}
    # Only men were named before "she".
    assert statements['"We'].speaker is None and statements['"We'].source_mention == "she"
    # "a spokesman" introduces someone new.
    assert statements["A"].speaker is None
    # Two people share the surname.
    assert statements["Berg"].speaker == "Berg"
    assert statements["Berg"].speaker_from == "text"


def test_an_unnamed_person_in_between_stops_the_search():
    text = (
        "Farm bill\n\n"
        "Mr. Ivan Holt spoke first at the hearing on Tuesday.\n\n"
        "My father, a farmer all his life, stood up next.\n\n"
        '"The bridge costs too much," he said.\n\n'
        "President Ana Ruiz opened the session.\n\n"
        "The president's plan was adopted.\n\n"
        '"We move on," she said.'
    )
    statements = {s.passage.split()[0]: s for s in _statements(text)}
    # "he" is the father, who has no name: not Mr. Holt.
    assert statements['"The'].speaker is None
    # "the president" is the person last named with that role.
    assert (statements['"We'].speaker, statements['"We'].speaker_from) == ("Ana Ruiz", "resolved")


def test_a_pronoun_far_from_any_name_stays_unresolved():
    paragraphs_between = "\n\n".join("The weather was mild that week." for _ in range(5))
    text = f"Headline\n\nRosa Lindqvist arrived.\n\n{paragraphs_between}\n\nShe said it was fine."
    (statement,) = _statements(text)
    assert statement.source_mention == "She" and statement.speaker is None


def test_nothing_is_resolved_across_lines_of_a_line_corpus(tmp_path):
    path = write(
        tmp_path / "lines.txt",
        "Commissioner Rosa Lindqvist said the bridge was worth it.\n"
        '"We waited long enough," she said.\n',
    )
    second = load_corpus([path]).statements[1]
    assert second.speaker is None and second.speaker_from is None


def test_relative_dates_with_and_without_a_publication_date():
    undated = {s.passage.split()[0]: s for s in _statements()}
    # "said Wednesday", but no publication date: the words stay in the passage, undated.
    assert "said Wednesday" in undated["She"].passage
    assert undated["She"].said_on is None

    dated = {s.passage.split()[0]: s for s in _statements(published=date(2031, 3, 14))}
    said = dated["She"].said_on  # 2031-03-14 is a Friday; "said Wednesday" is two days before
    assert (said.text, said.year, said.month, said.day) == ("Wednesday", 2031, 3, 12)
    assert said.relative_to == "2031-03-14"
    assert dated["She"].to_json()["said_on"]["relative_to"] == "2031-03-14"
    # "voted ... on Tuesday" is narration, not a speech date, and no statement.
    assert dated['"This'].said_on is None


def test_a_computed_date_answers_a_date_filter_written_without_a_year(tmp_path):
    from qa.answer.listing import select_statements

    path = write(tmp_path / "harbor.txt", ARTICLE)
    write(tmp_path / "harbor.txt.meta.toml", 'kind = "article"\npublished = 2031-03-14\n')
    corpus = load_corpus([path])
    (found,) = select_statements(corpus, date="March 12")
    assert found.passage.startswith("She said Wednesday")
    assert select_statements(corpus, date="March 13") == []


def test_a_written_date_gets_its_year_from_the_publication_date(tmp_path):
    path = write(
        tmp_path / "dates.txt",
        "Commissioner Peter Albrecht said on Dec. 28 that the vote was lost.\n"
        "Commissioner Peter Albrecht said on Jan. 2 that he would try again.\n",
    )
    write(tmp_path / "dates.txt.meta.toml", "published = 2031-01-03\n")
    december, january = (s.said_on for s in load_corpus([path]).statements)
    assert (december.text, december.year, december.relative_to) == ("Dec. 28", 2030, "2031-01-03")
    assert (january.year, january.relative_to) == (2031, "2031-01-03")


def test_line_corpus_with_a_publication_date_in_its_meta(tmp_path):
    path = write(
        tmp_path / "day.txt", "Commissioner Peter Albrecht said yesterday that he would vote no.\n"
    )
    write(tmp_path / "day.txt.meta.toml", "published = 2031-01-01\n")
    (statement,) = load_corpus([path]).statements
    said = statement.said_on
    assert (said.year, said.month, said.day, said.relative_to) == (2030, 12, 31, "2031-01-01")
    assert statement.source == "day.txt:1"


def test_article_file_through_the_meta_file(tmp_path):
    path = write(tmp_path / "harbor.txt", ARTICLE.replace("\n", "\r\n"))
    write(tmp_path / "harbor.txt.meta.toml", 'kind = "article"\npublished = 2031-03-14\n')
    statements = load_corpus([path]).statements
    text = ARTICLE  # offsets count a Windows line break as one character
    assert len(statements) == 6
    for statement in statements:
        m = SOURCE.match(statement.source)
        assert m.group("label") == "harbor.txt"
        assert text[int(m.group("start")) : int(m.group("end"))] == statement.passage
    she = next(s for s in statements if s.passage.startswith("She"))
    assert she.said_on.day == 12 and she.speaker == "Helen Okafor"


def test_jsonl_articles_beside_ordinary_records(tmp_path):
    body = ARTICLE.split("\n\n", 1)[1]  # the headline goes in "title"
    records = [
        {"text": '"Ordinary line," Commissioner Peter Albrecht said.', "url": "https://a.example"},
        {"title": "Harbor council split", "published": "2031-03-14T09:00:00Z", "text": body},
        {"title": "Harbor split", "text": body.replace("Lindqvist", "Lindgren")},
    ]
    path = write(tmp_path / "news.jsonl", "\n".join(json.dumps(r) for r in records) + "\n")
    statements = load_corpus([path]).statements
    assert statements[0].source == "news.jsonl:1"  # a record with a url only is one statement
    second = [s for s in statements if any(x.startswith("news.jsonl:2:") for x in s.sources)]
    third = [s for s in statements if any(x.startswith("news.jsonl:3:") for x in s.sources)]
    assert len(second) == len(third) == 6
    for statement in second:
        source = next(x for x in statement.sources if x.startswith("news.jsonl:2:"))
        paragraph, start, end = (int(x) for x in SOURCE.match(source).group(2, 3, 4))
        assert body[start:end] == statement.passage
    lindqvist = second[0]
    assert lindqvist.source.startswith("news.jsonl:2:p2:")  # the body's second paragraph
    she = next(s for s in second if s.passage.startswith("She"))
    assert she.said_on.relative_to == "2031-03-14"
    assert len(she.sources) == 2  # the same sentence in both articles
    assert next(s for s in third if s.passage.startswith("She")) is she
    lindgren = next(s for s in third if "Lindgren" in s.passage)
    assert lindgren.speaker == "Rosa Lindgren"


runner = CliRunner()


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"a.txt": "Only a headline\n", "a.txt.meta.toml": 'kind = "article"\n'},
         "a.txt has a headline but no article text after it"),
        ({"a.txt": ARTICLE, "a.txt.meta.toml": 'kind = "articles"\n'},
         'kind must be "article" or "lines"'),
        ({"a.txt": ARTICLE, "a.txt.meta.toml": 'kind = "article"\npublished = "last week"\n'},
         "published must be a date written 2016-09-12"),
        ({"a.jsonl": '{"text": "Body.", "published": "soon"}\n'},
         "a.jsonl:1: published must be a date written 2016-09-12"),
        ({"a.jsonl": '{"text": " ", "title": "Headline only"}\n'},
         "a.jsonl:1 has no article text"),
    ],
)  # fmt: skip
def test_bad_article_files_are_one_sentence(tmp_path, files, message):
    for name, content in files.items():
        write(tmp_path / name, content)
    corpus = next(tmp_path / n for n in files if not n.endswith(".toml"))
    result = runner.invoke(app, ["statements", "--corpus", str(corpus)])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    with pytest.raises(CorpusError):
        load_corpus([corpus])


def test_skip_bad_skips_a_bad_jsonl_article_with_a_warning(tmp_path):
    records = [{"text": "Body.", "published": "soon"}, {"text": ARTICLE, "title": "Harbor"}]
    path = write(tmp_path / "a.jsonl", "\n".join(json.dumps(r) for r in records) + "\n")
    corpus = load_corpus([path], skip_bad=True)
    assert corpus.skipped == (f"{path}:1: published must be a date written 2016-09-12",)
    assert len(corpus.statements) == 6


def test_a_long_article_is_cut_whole():
    paragraph = 'The council met again. "We disagree. We always will," Peter Albrecht said.'
    text = "Headline\n\n" + "\n\n".join([paragraph] * 3000)
    found = units(text)
    assert len(found) == 2 * 3000 + 1
    assert text[found[-1].start : found[-1].end] == paragraph[23:]


ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT.parent / "shared" / "real" / "polnear-dev"


@pytest.mark.skipif(not (REAL / "gold.jsonl").is_file(), reason="real news folder not present")
def test_real_articles_in_article_mode():
    """All real articles ingest with every passage verbatim and every computed date fits its
    publication date; speakers at the levels EVALUATION.md reports (pronouns at the 70 %
    target, scored against automatic coreference names)."""
    spec = importlib.util.spec_from_file_location("bench_articles", ROOT / "bench" / "articles.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    result = bench.measure(REAL)
    assert result["articles"] == 84 and result["not_verbatim"] == 0
    assert result["gold_found_in_article"] == result["gold_lines"]
    dates = result["relative_dates"]
    assert dates["computed"] > 0 and dates["consistent"] == dates["computed"]
    assert dates["written_consistent"] == dates["written"]
    assert result["named"]["precision_pct"] >= 93
    assert result["named"]["strict_pct"] >= 85
    assert result["pronoun"]["right_pct"] >= 70
    assert result["pronoun"]["precision_pct"] >= 80


ARTICLE_PIECES = [*"abcdefgh ABCDEFGH.,;:'\"“”’-0123456789", "\n", "\n\n", "\n\n\"", "''"] + [
    " said ", " she said.", " he added.", "Mr. ", "Sen. ", "U.S. ", "Jan. ", " Quinlan",
    "Mary Quinlan", " the senator", " on Tuesday", " last week", "My father ", "“We go. Now.”",
]  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(ARTICLE_PIECES), max_size=120).map("".join))
def test_any_article_is_cut_verbatim_without_a_crash(text):
    article = Article(text, "a.txt", published=date(2031, 3, 14))
    statements = article_statements(article, Gazetteer.load([]))
    for statement in statements:
        _paragraph, start, end = _offsets(statement)
        assert text[start:end] == statement.passage
        assert statement.passage.strip() == statement.passage and statement.passage
        if statement.speaker_from == "resolved":
            assert statement.resolved_from in text
