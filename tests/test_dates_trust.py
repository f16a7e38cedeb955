"""Dates a user can trust: a declared year that does not shift a corpus into the year before,
the structured dates of a JSONL or CSV `date` field (ISO 8601, numeric dates in a declared
order), reported by line when unreadable, and relative dates placed by tense and by the clause
that speaks."""

from __future__ import annotations

import json
from datetime import date

import pytest
from conftest import write
from typer.testing import CliRunner

from qa.cli import app
from qa.corpus.articles import Article, article_statements
from qa.corpus.dates import find_relative_dates, resolve_relative, speech_date, year_of
from qa.corpus.gazetteer import Gazetteer
from qa.corpus.loading import load_corpus
from qa.corpus.written_dates import UnreadableDate, read_date_field
from qa.errors import CorpusError

runner = CliRunner()

LINE = "Talks {n}, Latvian President Edgars Rinkevics said on {date}."


def _feed(tmp_path, dates: list[str], year: int | None, name: str = "feed.txt"):
    lines = [LINE.format(n=i, date=d) for i, d in enumerate(dates)]
    path = write(tmp_path / name, "\n".join(lines) + "\n")
    if year is not None:
        write(tmp_path / f"{name}.meta.toml", f"year = {year}\n")
    return path


_MONTHS = "Jan. Feb. March April May June July Aug. Sept. Oct. Nov. Dec.".split()


# The corpus matrix for a declared year: one month, months within one year, months across a
# New Year, a whole year, newest first and oldest first.
@pytest.mark.parametrize(
    ("dates", "years"),
    [
        (["June 4", "June 12"], [2024, 2024]),  # one month
        (["March 2", "May 9", "Oct. 30"], [2024, 2024, 2024]),  # months within one year
        (["Dec. 20", "Dec. 31"], [2024, 2024]),  # December alone is the declared year's
        (["Jan. 5", "Jan. 20"], [2024, 2024]),
        (["Nov. 20", "Dec. 20", "Jan. 5", "Feb. 2"], [2023, 2023, 2024, 2024]),  # across
        (["Feb. 2", "Jan. 5", "Dec. 20"], [2024, 2024, 2023]),  # across, newest first
        ([f"{m} 9" for m in _MONTHS], [2024] * 12),  # a whole year
    ],
)
def test_a_declared_year_across_and_not_across_new_year(tmp_path, dates, years):
    corpus = load_corpus([_feed(tmp_path, dates, 2024)])
    said = [s.said_on for s in corpus.statements]
    assert [d.year for d in said] == years
    assert all(d.year_declared for d in said)


def test_a_declared_year_per_file_of_a_corpus_of_several(tmp_path):
    summer = _feed(tmp_path, ["June 4", "June 12"], 2024, "summer.txt")
    winter = _feed(tmp_path, ["Dec. 20", "Jan. 5"], 2025, "winter.txt")
    corpus = load_corpus([summer, winter])
    assert [s.said_on.year for s in corpus.statements] == [2024, 2024, 2024, 2025]


def test_a_declared_year_prints_once_and_marked(tmp_path):
    path = _feed(tmp_path, ["June 4"], 2024)
    result = runner.invoke(app, ["statements", "--corpus", str(path)])
    assert result.exit_code == 0, result.output
    assert "June 4 2024 (year declared)" in result.output
    assert "2023" not in result.output


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-06-03", (2024, 6, 3)),
        ("2024-06-03T10:00:00Z", (2024, 6, 3)),
        ("2024-06-03T23:30:00-05:00", (2024, 6, 3)),  # the day where it was said
        ("2024-06-03 10:00", (2024, 6, 3)),
        ("2024/06/03", (2024, 6, 3)),
        ("06/06/2024", (2024, 6, 6)),  # either order gives the same day
        ("13/06/2024", (2024, 6, 13)),  # a day above 12 settles the order
        ("06/13/2024", (2024, 6, 13)),
        ("June 4, 2024", (2024, 6, 4)),
        ("Tuesday, June 4, 2024", (2024, 6, 4)),
        ("4 June 2024", (2024, 6, 4)),
        ("Feb. 2", (None, 2, 2)),
    ],
)
def test_structured_dates_are_read(value, expected):
    mention = read_date_field(value)
    assert (mention.year, mention.month, mention.day) == expected
    assert mention.text == value


@pytest.mark.parametrize(
    ("value", "order", "expected"),
    [("06/03/2024", "dmy", (2024, 3, 6)), ("06/03/2024", "mdy", (2024, 6, 3))],
)
def test_numeric_dates_in_the_declared_order(value, order, expected):
    mention = read_date_field(value, order)
    assert (mention.year, mention.month, mention.day) == expected


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("06/03/2024", "either way round"),
        ("31/31/2024", "month must be in 1..12"),
        ("2023-02-29", "day is out of range"),
        ("Feb. 30, 2024", "no date written"),
        ("06/03/24", "four digits"),
        ("soon", "no date written"),
        ("June 2024", "no date written"),
    ],
)
def test_what_is_no_readable_date(value, why):
    with pytest.raises(UnreadableDate, match=why):
        read_date_field(value)


TEXT = "We will rebuild every city."


def _records(tmp_path, dates: list[str], meta: str | None = None):
    lines = [json.dumps({"text": TEXT + f" ({i})", "date": d}) for i, d in enumerate(dates)]
    path = write(tmp_path / "feed.jsonl", "\n".join(lines) + "\n")
    if meta is not None:
        write(tmp_path / "feed.jsonl.meta.toml", meta)
    return path


def test_a_jsonl_date_field_in_iso_and_numeric_form(tmp_path):
    path = _records(tmp_path, ["2024-06-03", "2024-06-03T10:00:00Z", "06/06/2024", "June 4, 2024"])
    corpus = load_corpus([path])
    said = [(s.said_on.year, s.said_on.month, s.said_on.day) for s in corpus.statements]
    assert said == [(2024, 6, 3), (2024, 6, 3), (2024, 6, 6), (2024, 6, 4)]
    assert corpus.skipped == ()


def test_a_csv_date_field_in_the_declared_order(tmp_path):
    path = write(tmp_path / "feed.csv", f'text,date\n"{TEXT}",06/03/2024\n')
    write(tmp_path / "feed.csv.meta.toml", 'date_order = "dmy"\n')
    [statement] = load_corpus([path]).statements
    assert (statement.said_on.year, statement.said_on.month, statement.said_on.day) == (2024, 3, 6)


def test_an_unknown_date_order_is_refused(tmp_path):
    path = _records(tmp_path, ["06/03/2024"], 'date_order = "ydm"\n')
    with pytest.raises(CorpusError, match='date_order must be "dmy" or "mdy"'):
        load_corpus([path])


def test_an_unreadable_date_is_reported_by_line_and_the_record_kept(tmp_path):
    path = _records(tmp_path, ["2024-06-03", "31/31/2024", "06/03/2024"])
    corpus = load_corpus([path])
    assert [s.said_on.day if s.said_on else None for s in corpus.statements] == [3, None, None]
    assert len(corpus.skipped) == 2
    assert corpus.skipped[0].startswith(f"{path}:2 date '31/31/2024' cannot be read")
    assert corpus.skipped[1].startswith(f"{path}:3 date '06/03/2024' cannot be read")
    result = runner.invoke(app, ["statements", "--corpus", str(path)])
    assert result.exit_code == 0
    warnings = result.stderr.splitlines()
    assert warnings[0] == (
        f"Warning: {path}:2 date '31/31/2024' cannot be read (month must be in 1..12); "
        "the record is kept without that date."
    )
    assert warnings[1].startswith(f"Warning: {path}:3 date '06/03/2024' cannot be read (day")
    assert len(warnings) == 2


def test_iso_dates_of_a_date_field_meet_since_and_print_once(tmp_path):
    path = _records(tmp_path, ["2024-05-30", "2024-06-03", "June 4, 2024"])
    result = runner.invoke(
        app, ["statements", "--corpus", str(path), "--since", "2024-06-01", "--json"]
    )
    assert result.exit_code == 0, result.output
    days = [json.loads(line)["said_on"]["day"] for line in result.stdout.splitlines()]
    assert days == [3, 4]
    printed = runner.invoke(app, ["statements", "--corpus", str(path)]).output
    assert "June 4, 2024" in printed and "June 4, 2024 2024" not in printed
    assert "undated" not in printed


# Relative and year-less dates: 2016-10-20 is a Thursday.
PUBLISHED = date(2016, 10, 20)


@pytest.mark.parametrize(
    ("words", "future", "expected"),
    [
        ("Friday", False, date(2016, 10, 14)),
        ("Friday", True, date(2016, 10, 21)),  # "will speak Friday": the coming one
        ("Thursday", True, PUBLISHED),
        ("last Friday", True, date(2016, 10, 14)),  # "last" is never to come
        ("Tuesday", True, date(2016, 10, 25)),
    ],
)
def test_a_weekday_is_placed_by_tense(words, future, expected):
    mention = resolve_relative(words, PUBLISHED, future)
    assert date(mention.year, mention.month, mention.day) == expected


@pytest.mark.parametrize(
    ("month", "day", "future", "year"),
    [
        (11, 4, True, 2016),  # "will perform on Nov. 4" in an October paper
        (11, 4, False, 2015),  # "said on Nov. 4": the last Nov. 4
        (10, 20, True, 2016),
        (10, 20, False, 2016),
        (10, 3, True, 2017),
        (10, 3, False, 2016),
        (1, 5, True, 2017),
    ],
)
def test_a_year_less_date_is_placed_by_tense(month, day, future, year):
    assert year_of(month, day, PUBLISHED, future) == year


@pytest.mark.parametrize(
    ("passage", "cue", "expected"),
    [
        ("Jane Doe will announce her plan Friday.", "announce", ("Friday", True)),
        ("Jane Doe is set to testify Tuesday.", "testify", ("Tuesday", True)),
        ("Jane Doe testified Tuesday.", "testified", ("Tuesday", False)),
        # the day of an event talked about is not the day of the speech
        ("Jane Doe said the vote on Monday was a disgrace.", "said", None),
        ("Jane Doe condemned Friday's test as reckless.", "condemned", None),
        ("Doe has not mentioned it since the Monday night debate.", "mentioned", None),
        ("Doe responded with attacks, including Friday's tweets.", "responded", None),
        # unless the speech was made there
        (
            "Trump said during a Friday evening rally that trade is bad.",
            "said",
            ("Friday evening", False),
        ),
        ("They cited the figure at last week's forum.", "cited", ("last week", False)),
        ("Mook said as much in an interview earlier Thursday.", "said", ("Thursday", False)),
        ("In one tweet Friday, Trump said the debate was rigged.", "said", ("Friday", False)),
        ("At a rally on Monday, Doe said taxes will rise.", "said", ("Monday", False)),
    ],
)
def test_the_speech_date_comes_from_the_clause_that_speaks(passage, cue, expected):
    found = speech_date(passage, cue, find_relative_dates(passage))
    assert ((found[0].text, found[1]) if found else None) == expected


def _article_dates(sentence: str, published: date = PUBLISHED):
    article = Article("Headline\n\n" + sentence, "a.txt", published)
    said = [s.said_on for s in article_statements(article, Gazetteer.load([]))]
    return [(d.text, date(d.year, d.month, d.day)) if d else None for d in said]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Jane Doe said on Nov. 25 that the vote was lost.", ("Nov. 25", date(2015, 11, 25))),
        ("Jane Doe said on Oct. 18 that the vote was lost.", ("Oct. 18", date(2016, 10, 18))),
        ("“We will perform on Nov. 4,” Jane Doe said Tuesday.", ("Tuesday", date(2016, 10, 18))),
        ("“We played Monday,” Jane Doe said Tuesday.", ("Tuesday", date(2016, 10, 18))),
        ("Jane Doe said the vote on Monday was a disgrace.", None),
        ("Jane Doe will announce her plan Friday, her spokesman said.", None),
        # a quotation that runs on into the next paragraph is still a quotation
        ("Jane Doe said: “We will meet on Monday and decide", None),
    ],
)
def test_an_article_dates_the_speech_not_what_it_speaks_of(sentence, expected):
    assert _article_dates(sentence) == [expected]


def test_a_line_corpus_with_a_publication_date_reads_the_same_way(tmp_path):
    path = write(
        tmp_path / "day.txt",
        "Jane Doe said on Nov. 25 that the vote was lost.\n"
        "Jane Doe said the vote on Monday was a disgrace.\n"
        "Jane Doe said Tuesday that the vote was lost.\n",
    )
    write(tmp_path / "day.txt.meta.toml", "published = 2016-10-20\n")
    said = [s.said_on for s in load_corpus([path]).statements]
    assert [(d.year, d.month, d.day) if d else None for d in said] == [
        (2015, 11, 25),
        None,
        (2016, 10, 18),
    ]
    assert all(d.relative_to == "2016-10-20" for d in said if d)
