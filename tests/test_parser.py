"""The statement parser on statements that are not in the seeds: every pattern has a case with
new names, countries, roles and date formats, so that the rules are general."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qa.corpus.gazetteer import Gazetteer, Person
from qa.corpus.parser import digest_items, is_truncated, parse_line
from qa.corpus.quotes import find_quotes, quote_text


@pytest.fixture(scope="module")
def gazetteer():
    base = Gazetteer.load([])
    people = (
        Person("Olaf Scholz", ("Scholz",), "Chancellor", "Germany"),
        Person("Kaja Kallas", ("Kallas",), "High Representative", "European Union"),
    )
    return Gazetteer(base.places, people)


def parse(text, gazetteer):
    [statement] = parse_line(text, "test.txt", 7, gazetteer)
    return statement


def test_quote_then_role_before_name_with_date(gazetteer):
    s = parse(
        '"We will not send soldiers without a mandate," Spanish Foreign Minister José Manuel '
        "Albares said on April 3.",
        gazetteer,
    )
    assert s.kind == "quote"
    assert s.quotes == ("We will not send soldiers without a mandate",)
    assert s.speaker == "José Manuel Albares"
    assert s.role == "Foreign Minister"
    assert (s.affiliation, s.affiliation_from) == ("Spain", "text")
    assert s.cue == "said"
    assert (s.said_on.text, s.said_on.month, s.said_on.day) == ("April 3", 4, 3)
    assert s.source == "test.txt:7"
    assert not s.truncated


def test_paraphrase_with_apposition_and_channel(gazetteer):
    s = parse(
        "Poland will train Ukrainian pilots, Radoslaw Sikorski, Poland's foreign minister, "
        "told Politico on Nov. 4.",
        gazetteer,
    )
    assert s.kind == "paraphrase"
    assert s.speaker == "Radoslaw Sikorski"
    assert s.role == "foreign minister"
    assert s.affiliation == "Poland"
    assert s.cue == "told"
    assert s.channel == "Politico"
    assert s.said_on.text == "Nov. 4"


def test_speaker_first_reported_speech_keeps_later_dates_out(gazetteer):
    s = parse("Scholz says he will visit Kyiv on Oct. 12 to discuss air defense", gazetteer)
    assert s.kind == "paraphrase"
    assert s.speaker == "Olaf Scholz"
    assert s.speaker_as_written == "Scholz"
    assert (s.role, s.role_from) == ("Chancellor", "gazetteer")
    assert (s.affiliation, s.affiliation_from) == ("Germany", "gazetteer")
    assert s.said_on is None  # Oct. 12 is the visit, not when he spoke
    assert [d.text for d in s.dates_mentioned] == ["Oct. 12"]


def test_said_inversion(gazetteer):
    s = parse(
        "The alliance must double its ammunition output, said Danish Prime Minister Mette "
        "Frederiksen.",
        gazetteer,
    )
    assert s.speaker == "Mette Frederiksen"
    assert s.role == "Prime Minister"
    assert s.affiliation == "Denmark"
    assert s.kind == "paraphrase"


def test_according_to(gazetteer):
    s = parse(
        "According to Swedish Defense Minister Pal Jonson, the first jets will arrive in spring.",
        gazetteer,
    )
    assert s.speaker == "Pal Jonson"
    assert s.affiliation == "Sweden"
    assert s.cue == "According to"  # as written


def test_according_to_a_document_names_no_one(gazetteer):
    s = parse(
        'According to the memo seen by Bloomberg, the fund would be "fully operational" soon.',
        gazetteer,
    )
    assert s.speaker is None and s.role is None
    assert s.kind == "report"
    assert s.quotes == ("fully operational",)


def test_possessive_office(gazetteer):
    s = parse(
        "Spain will not deploy troops, Spanish Prime Minister Pedro Sanchez's office said on "
        "Feb. 3.",
        gazetteer,
    )
    assert s.speaker == "Pedro Sanchez's office"
    assert s.role == "Prime Minister"
    assert s.affiliation == "Spain"


def test_bare_surname_from_gazetteer(gazetteer):
    s = parse('"Europe must be ready to defend itself," Kallas said.', gazetteer)
    assert s.speaker == "Kaja Kallas"
    assert s.speaker_as_written == "Kallas"
    assert (s.affiliation, s.affiliation_from) == ("European Union", "gazetteer")


def test_unknown_bare_surname_stays_unknown(gazetteer):
    s = parse('"We are ready," Novak said.', gazetteer)
    assert s.speaker == "Novak"
    assert s.role is None and s.affiliation is None


def test_institution_speaks(gazetteer):
    s = parse("No talks are planned this month, the Kremlin said on Sept. 9.", gazetteer)
    assert s.speaker == "Kremlin"
    assert s.affiliation == "Russia"
    assert s.said_on.text == "Sept. 9"


def test_unnamed_role(gazetteer):
    s = parse("Talks will resume next week, a senior official says", gazetteer)
    assert s.speaker is None
    assert s.role == "senior official"
    assert s.kind == "paraphrase"


def test_country_possessive_role(gazetteer):
    s = parse("Gas transit will end in January, Slovakia's prime minister says", gazetteer)
    assert s.speaker is None
    assert s.role == "prime minister"
    assert s.affiliation == "Slovakia"


def test_quote_continuing_after_attribution_is_one_speaker(gazetteer):
    s = parse(
        '"The door is open," the NATO chief told reporters. "But the decision is not ours '
        'alone," he added.',
        gazetteer,
    )
    assert s.kind == "quote"
    assert s.quotes == ("The door is open", "But the decision is not ours alone")
    assert s.speaker is None and s.role == "NATO chief"
    assert s.affiliation == "NATO"
    assert s.channel == "reporters"


def test_mixed_quote_and_paraphrase_with_pronoun(gazetteer):
    s = parse(
        '"We need guarantees that work" rather than promises on paper, Finnish President '
        'Alexander Stubb said in an interview with Yle on Dec. 2. "Words are not enough," he '
        "added.",
        gazetteer,
    )
    assert s.kind == "mixed"
    assert s.speaker == "Alexander Stubb"
    assert s.channel == "Yle"
    assert s.said_on.text == "Dec. 2"
    assert s.quotes == ("We need guarantees that work", "Words are not enough")


def test_curly_quotes_and_social_channel(gazetteer):
    s = parse(
        "“Support will continue,” Estonian President Alar Karis wrote on Telegram.", gazetteer
    )
    assert s.quotes == ("Support will continue",)
    assert s.speaker == "Alar Karis"
    assert s.channel == "Telegram"
    assert s.affiliation == "Estonia"


def test_dated_interview_release_dates_the_quote(gazetteer):
    s = parse(
        'The minister gave an interview to public radio published on May 14. "We are not '
        'afraid," Novak told listeners before turning to',
        gazetteer,
    )
    assert s.said_on.text == "May 14"
    assert s.truncated


def test_headline_without_speaker_is_a_report(gazetteer):
    s = parse("Scholz to visit Kyiv on June 11 ahead of aid conference", gazetteer)
    assert s.kind == "report"
    assert s.speaker is None
    assert s.said_on is None
    assert not s.truncated


def test_date_range_as_written(gazetteer):
    [first, *_] = parse_line(
        "Key developments on Nov. 3-4: * Kyiv hit by drones, mayor says * Talks stall",
        "t.txt",
        1,
        gazetteer,
    )
    said = first.said_on
    assert (said.text, said.month, said.day, said.end_month, said.end_day) == (
        "Nov. 3-4",
        11,
        3,
        11,
        4,
    )
    assert said.from_digest


def test_digest_items_each_with_own_attribution(gazetteer):
    line = (
        "Key developments on April 2: * Grain corridor to reopen, Turkish Foreign Minister "
        "Hakan Fidan says * No ceasefire before summer, Kallas says * Prices rise in"
    )
    items = parse_line(line, "d.txt", 3, gazetteer)
    assert [i.part for i in items] == [
        "Grain corridor to reopen, Turkish Foreign Minister Hakan Fidan says",
        "No ceasefire before summer, Kallas says",
        "Prices rise in",
    ]
    assert [i.speaker for i in items] == ["Hakan Fidan", "Kaja Kallas", None]
    assert [i.affiliation for i in items] == ["Turkey", "European Union", None]
    assert all(i.said_on.text == "April 2" for i in items)
    assert [i.truncated for i in items] == [False, False, True]
    assert all(i.text == line for i in items)
    assert all(i.part in line for i in items)
    assert len({i.id for i in items}) == 3


def test_digest_detection_needs_a_header_and_two_items():
    assert digest_items("Markets: * only one item") is None
    assert digest_items("Plain sentence with * an asterisk * inside") is None
    header, items = digest_items("Overnight on May 1: * one * two")
    assert header == "Overnight on May 1" and items == ["one", "two"]


@pytest.mark.parametrize(
    ("text", "truncated"),
    [
        ("The talks went well. Now, as the war drags on, the question is whether", True),
        ("Officials met in Geneva to discuss the", True),
        ("Leaders agree on new aid package", False),
        ("It was a long day. Everyone went home.", False),
        ('"We will see," she said.', False),
        ("Moscow rejects the so-called", True),
        ("Deal reached after talks,", True),
    ],
)
def test_truncation(text, truncated):
    assert is_truncated(text) is truncated


def test_quote_spans_are_verbatim():
    text = 'He said "first part," then “second part” and left.'
    spans = find_quotes(text)
    assert [quote_text(text, s) for s in spans] == ["first part", "second part"]
    assert all(quote_text(text, s) in text for s in spans)


def test_blank_line_has_no_statement(gazetteer):
    assert parse_line("   ", "x.txt", 1, gazetteer) == []


def test_ids_are_stable_and_depend_only_on_words(gazetteer):
    a = parse("Talks will resume, a diplomat says", gazetteer)
    b = parse_line("Talks will resume, a diplomat says", "other.txt", 99, gazetteer)[0]
    assert a.id == b.id


# One invented line per way news writes an attribution that a list of titles and "said" misses.
# (speaker, role) as the record should give them; None where the line names no one.
ATTRIBUTION_CLASSES = [
    # a role outside any word list keeps the whole attribution
    ('"We will keep the borders open," Italian Agriculture Minister Anna Rossi said on March 4.',
     "Anna Rossi", "Agriculture Minister"),
    ("Output will fall this year, Polish Mining Minister Tomas Vial said.",
     "Tomas Vial", "Mining Minister"),
    # reporting verbs beyond the say family
    ("Councillor Tomas Berg accused the utility of hiding the figures.", "Tomas Berg",
     "Councillor"),
    ("Greta Lind warned that the bridge would close in winter.", "Greta Lind", None),
    ("Omar Haddad tweeted that the vote had been postponed.", "Omar Haddad", None),
    # quotations written with two apostrophes
    ("''The budget is balanced,'' said Maria Okafor, the city treasurer.", "Maria Okafor", None),
    # honorifics with a full stop, party tags
    ('"We have the votes," said Sen. Mary Quinlan.', "Mary Quinlan", "Sen."),
    ("Mr. Delgado said the hearing would resume on Friday.", "Delgado", None),
    ("Gov. Ruth Amsel (D-Ore.) told reporters the roads were safe.", "Ruth Amsel", "Gov."),
    ('"There is no deficit," Ronald T. Weeks said.', "Ronald T. Weeks", None),
    ('"This is a sad day," said Rep. J.R. Tolliver (D-N.C.), head of the caucus.', "J.R. Tolliver",
     "Rep."),
    # auxiliaries, adverbs and participles around the cue
    ("Ortega has said he will not run again.", "Ortega", None),
    ("Ortega also said the tax would be cut.", "Ortega", None),
    ("Ortega went on to say that the tax would be cut.", "Ortega", None),
    ("Vidal rejected the plan, saying it would cost too much.", "Vidal", None),
    ("Kessler criticised the ruling and said it would be appealed.", "Kessler", None),
    ("Mr. Berg generally backed the mayor during his term, which ended in 2015, and said he "
     "would not run.", "Berg", None),
    ("Lee, a doctor, appeared on the radio on Tuesday and began by saying she would not run.",
     "Lee", None),
    ('Said Ann Lee: "The budget is final."', "Ann Lee", None),
    ("In a radio interview Berg declared that the plan was dead.", "Berg", None),
    ("In a meeting with the editors of the Lakeside Herald Berg said the plan was dead.", None,
     None),
    # appositives between the name and the verb
    ("Laura Fenwick, a professor of government at a state university, said the vote was close.",
     "Laura Fenwick", None),
    ("Paul Imre, 61, who has led the union since 2010, told members the strike was over.",
     "Paul Imre", None),
    # lower-case roles before the name
    ("The rally is cancelled, campaign spokesperson Dan Ortiz told reporters.", "Dan Ortiz",
     "campaign spokesperson"),
    # words glued to a name
    ("While Alvarez said the plan was sound, others disagreed.", "Alvarez", None),
    # organisations, passives with their agent, coordinated speakers
    ("The Springfield Gazette reported that the mayor would resign.", "Springfield Gazette", None),
    ("The figures were first reported by the Lakeside Herald.", "Lakeside Herald", None),
    ("The Commission on Harbor Safety says the pier is unsafe.", "Commission on Harbor Safety",
     None),
    ("Citizens for Clean Water advocates a ban on the plant.", "Citizens for Clean Water", None),
    ("Ann Lee of Ohio said the vote was close.", "Ann Lee", None),
    ("Mayor Ines Vidal and Councillor Omar Haddad said the budget was final.", "Ines Vidal",
     "Mayor"),
    ("Ann Lee -- a former mayor of the town -- said the plan was sound.", "Ann Lee", None),
    # headlines in title case
    ("Ann Lee Vows To Cut Taxes For Working Families", "Ann Lee", None),
    ("Tomas Berg Calls Stadium Plan A Waste Of Money", "Tomas Berg", None),
    ("Senate Report Finds Waste In Defense Spending", None, None),
    # a name set off as the appositive of a description; a reporting noun owned by a name
    ("The mayor's spokeswoman, Ana Ruiz, told reporters the event was off.", "Ana Ruiz",
     "mayor's spokeswoman"),
    ("Berg's claim that the bridge was unsafe drew criticism.", "Berg", None),
    # no one speaks
    ("Officials must admit the error before the vote.", None, None),
    ("The memo was mentioned during the hearing.", None, None),
    ("Ahmed declined to say when the talks would resume.", None, None),
    ("The agreement states the budget will rise.", None, None),
    ("No talks are planned before the summit.", None, None),
    ("The Harbor Street attack shocked the city.", None, None),
    ("Ohio state lawmakers approved the budget.", None, None),
    ("Officials at the Lakeside Institute, a research group, said the data was old.", None, None),
]  # fmt: skip


@pytest.mark.parametrize(("text", "speaker", "role"), ATTRIBUTION_CLASSES)
def test_attribution_classes(text, speaker, role, gazetteer):
    s = parse(text, gazetteer)
    assert s.speaker == speaker
    assert s.role == role
    assert s.speaker_from == ("text" if speaker else None)
    if speaker is None:
        assert s.source_mention is None


def test_the_issue_example_keeps_role_country_and_date(gazetteer):
    s = parse(
        '"We will keep the borders open," Italian Agriculture Minister Anna Rossi said on March 4.',
        gazetteer,
    )
    assert (s.affiliation, s.affiliation_from) == ("Italy", "text")
    assert (s.said_on.month, s.said_on.day) == (3, 4)
    assert s.kind == "quote"


def test_two_apostrophes_are_quotation_marks(gazetteer):
    s = parse("''The budget is balanced,'' said Maria Okafor, the city treasurer.", gazetteer)
    assert s.quotes == ("The budget is balanced",)
    assert s.kind == "quote"


@pytest.mark.parametrize(
    ("text", "mention"),
    [
        ('"We are ready," he said.', "he"),
        ("The plan is dead, a campaign spokesman said.", "a campaign spokesman"),
        ("The senator added that the vote would wait.", "The senator"),
        ('"It is over," said a senior aide.', "a senior aide"),
        (
            "Several officials, speaking on condition of anonymity, said the plan had stalled.",
            "Several officials",
        ),
        ('"We are done," he said. Ann Lee agreed.', "he"),
        ("Residents praised Thursday's vote on the new school.", "Residents"),
        ("Prices will rise in the spring, the agency said.", "the agency"),
        ("Don't blame the voters, the mayor said.", "the mayor"),
    ],
)
def test_unnamed_sources_keep_their_words(text, mention, gazetteer):
    s = parse(text, gazetteer)
    assert s.speaker is None and s.speaker_from is None
    assert s.source_mention == mention
    assert mention in text


def test_a_passage_of_several_sentences_parses_as_one_record(gazetteer):
    from qa.corpus.parser import parse_passage

    text = (
        'The mayor spoke at noon. "We will rebuild," said Ines Vidal. "It will take years," '
        "she added."
    )
    s = parse_passage(text, text, "a.txt:3", gazetteer)
    assert s.speaker == "Ines Vidal"
    assert s.quotes == ("We will rebuild", "It will take years")


def test_a_curly_quotation_closed_by_a_straight_mark_ends_there(gazetteer):
    s = parse(
        '“Tolls must fall by spring," Transport Minister Ines Duarte (Green) said in a '
        'statement, adding that the old rates were "a relic."',
        gazetteer,
    )
    assert s.speaker == "Ines Duarte"
    assert s.quotes == ("Tolls must fall by spring", "a relic.")
    assert find_quotes("“A,” he said, “B.”") == [(1, 3), (15, 17)]  # curly pairs as ever


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        # "continued" reports speech next to a quotation
        ('Ines Duarte continued: "The old rates were a relic."', "Ines Duarte"),
        ('"The old rates were a relic," Ines Duarte continued.', "Ines Duarte"),
        ('"The old rates were a relic," continued Ines Duarte.', "Ines Duarte"),
        # a statement issued, then a participle, is the issuer's
        ('The Harlow Council issued a statement calling the toll "a relic."', "Harlow Council"),
        ("The Harlow Council released a statement Friday saying the toll would fall.",
         "Harlow Council"),
        # "tweets", "emails", "posts" report speech before what is said, else are nouns
        ("Duarte tweets that the toll will fall.", "Duarte"),
        ('"The toll will fall," Duarte tweets.', "Duarte"),
        ("Duarte tweets attacking the council drew criticism.", None),
        ("Harlow Council emails combed through by reporters suggest that tolls rose.", None),
        ("The hearing covered Duarte’s email server and its logs.", None),
        ("Duarte posts a video saying the toll will fall.", "Duarte"),
    ],
)  # fmt: skip
def test_speakers_of_attributions_read_with_what_stands_around_them(text, speaker, gazetteer):
    assert parse(text, gazetteer).speaker == speaker


def test_continued_alone_reports_nothing(gazetteer):
    s = parse("Ines Duarte continued her work on the toll bridge.", gazetteer)
    assert s.speaker is None and s.cue is None


def test_a_body_of_a_place_speaks_for_that_place(gazetteer):
    s = parse("The Security Council said the test was a clear violation.", gazetteer)
    assert (s.speaker, s.affiliation) == ("Security Council", "United Nations")


def test_a_claim_owned_after_a_preposition_is_its_owners(gazetteer):
    s = parse("The fact-checkers pounced on Duarte’s claim that tolls fell by half.", gazetteer)
    assert s.speaker == "Duarte" and s.cue == "claim"
    # An owner's remarks answered by someone else: the one who speaks is not the owner.
    s = parse("In response to Duarte's remarks, the mayor said the tolls stay.", gazetteer)
    assert s.speaker is None and s.source_mention == "the mayor"


def test_a_name_inside_what_an_unnamed_source_says_is_not_the_speaker(gazetteer):
    s = parse(
        "A Labour source said he could not comment because Conservatives had asked for the "
        "figures only hours earlier.",
        gazetteer,
    )
    assert s.speaker is None
    assert s.source_mention == "A Labour source"
    # A sentence joined to the one before ("But critics say") is read the same way.
    s = parse("But critics say that Harlow Mining has not disclosed its taxes.", gazetteer)
    assert s.speaker is None and s.source_mention == "critics"
    # So is a name inside what a source closing the sentence says.
    s = parse("Duarte had told the council that she wanted no escort, the source added.",
              gazetteer)  # fmt: skip
    assert s.speaker is None and s.source_mention == "the source"
    s = parse('"The toll will fall," Duarte said. A spokesman agreed.', gazetteer)
    assert s.speaker == "Duarte"
    # In another sentence, a name still speaks for the passage.
    s = parse("The mayor spoke at noon. Ines Vidal said the bridge would reopen.", gazetteer)
    assert s.speaker == "Ines Vidal"


@pytest.mark.parametrize(
    "text",
    [
        "Harlow Mining this month announced it would close the plant.",
        "Harlow Mining last week said it would close the plant.",
        "Harlow Mining earlier this year said it would close the plant.",
        "Harlow Mining today announced it would close the plant.",
    ],
)
def test_a_time_between_the_speaker_and_the_verb(text, gazetteer):
    assert parse(text, gazetteer).speaker == "Harlow Mining"


@pytest.mark.parametrize(
    ("text", "mention", "role"),
    [
        ("The secretary of state said the talks would resume.", "The secretary of state",
         "secretary of state"),
        ("The director of the agency said the files were lost.", "The director of the agency",
         "director of the agency"),
        ("The bank said that it had dismissed the employees.", "The bank", None),
        ("The foundation said in a statement that it had paid nothing.", "The foundation", None),
    ],
)  # fmt: skip
def test_described_sources_with_of_or_an_organisation_head(text, mention, role, gazetteer):
    s = parse(text, gazetteer)
    assert s.speaker is None
    assert (s.source_mention, s.role) == (mention, role)


def test_a_role_word_after_titles_in_a_headline_is_no_name(gazetteer):
    s = parse("Mayor Hid Budget Gap From Council, Former White House Lawyer Says.", gazetteer)
    assert s.speaker is None
    assert s.role == "Former White House Lawyer"


class _CountedPattern:
    """A compiled pattern that adds the length of every text it scans to a counter."""

    SCANS = {"search", "match", "fullmatch", "finditer", "findall", "sub", "split"}

    def __init__(self, pattern, counter):
        self._pattern, self._counter = pattern, counter

    def __getattr__(self, name):
        method = getattr(self._pattern, name)
        if name not in self.SCANS:
            return method

        def counted(*args, **kwargs):
            text = args[1] if name == "sub" else args[0]
            self._counter[0] += len(text)
            return method(*args, **kwargs)

        return counted


class _CountedRe:
    """The `re` module, with every scan's text length added to a counter."""

    def __init__(self, counter):
        import re

        self._re, self._counter = re, counter

    def __getattr__(self, name):
        value = getattr(self._re, name)
        if name not in _CountedPattern.SCANS:
            return value

        def counted(pattern, *args, **kwargs):
            return getattr(_CountedPattern(self._re.compile(pattern), self._counter), name)(
                *args, **kwargs
            )

        return counted


def _parse_work(line: str, monkeypatch) -> int:
    """What parsing one line costs, counted without a clock: the characters every regular
    expression scans, plus every line of the parser's Python code run."""
    import importlib
    import pkgutil
    import re
    import sys

    import qa.corpus

    counter = [0]
    modules = [
        importlib.import_module(info.name)
        for info in pkgutil.iter_modules(qa.corpus.__path__, "qa.corpus.")
    ]
    for module in modules:
        if hasattr(module, "re"):
            monkeypatch.setattr(module, "re", _CountedRe(counter))
        for name, value in list(vars(module).items()):
            if isinstance(value, re.Pattern):
                monkeypatch.setattr(module, name, _CountedPattern(value, counter))
    gazetteer = Gazetteer.load([])
    gazetteer.__dict__["place_pattern"] = _CountedPattern(gazetteer.place_pattern, counter)
    folder = str(Path(qa.corpus.__file__).parent)

    def trace(frame, event, arg):
        if not frame.f_code.co_filename.startswith(folder):
            return None
        counter[0] += 1
        return trace

    sys.settrace(trace)
    try:
        parse_line(line, "big.txt", 1, gazetteer)
    finally:
        sys.settrace(None)
        monkeypatch.undo()
    return counter[0]


@pytest.mark.parametrize(
    "unit",
    [
        "said ",
        "the minister said that ",
        "according to ",
        '"We will win," Sen. Mary Quinlan said on March 4. ',
        "“",
        "“a b ",
        "on March 3, ",
        "in an interview with Radio ",
        "'' x ",
        "Ann Lee, ",
        "Ann Lee ",
        "told Ann ",
        "Key developments on May 1: * one * two ",
        "Ann Lee -- a mayor -- said ",
        "Ann Lee Vows More Tax Cuts ",
        "— said ",
    ],
)
def test_parsing_work_grows_linearly_with_the_line(unit, monkeypatch):
    size = 6_000
    small = _parse_work(unit * (size // len(unit)), monkeypatch)
    large = _parse_work(unit * (4 * size // len(unit)), monkeypatch)
    # Four times the text: four times the work, with room for rounding; quadratic would be 16.
    assert large <= 5 * small, (small, large)


NEWS_PIECES = [
    "Sen. ", "Mr. ", "Ann", "  Lee", "\tBerg", " (D-Ore.)", ", a professor,", " said", " told",
    " has also said", " he", " the campaign", ' "We will win,"', " ''Done,''", "“Yes”", " “open",
    ", saying", " and said", " according to", " was reported by", " The Lakeside Herald", ".",
    " ", "\n", " on March 3", " Thursday's", " of Ohio", " spokesman", " Residents",
]  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(NEWS_PIECES), max_size=40).map("".join))
def test_sources_are_verbatim_and_consistent(line):
    gazetteer = Gazetteer.load([])
    for s in parse_line(line, "p.txt", 1, gazetteer):
        if s.speaker is not None:
            assert s.speaker in s.passage and s.speaker_from == "text"
            assert s.speaker_as_written in s.passage
            assert s.source_mention is None
        else:
            assert s.speaker_from is None
        if s.source_mention is not None:
            assert s.source_mention in s.passage
        if s.role is not None and s.role_from == "text":
            assert all(word in s.passage for word in s.role.split())


# An unnamed source keeps the head noun of its description as its role, with the words saying
# whose it is; the name of whom it serves is never the speaker. (text, role, affiliation,
# source_mention)
UNNAMED_ROLES = [
    ("A spokeswoman for Ines Vidal says the budget is final.", "spokeswoman for Ines Vidal", None,
     "A spokeswoman for Ines Vidal"),
    ("Aides to Tomas Berg said the vote would wait.", "Aides to Tomas Berg", None,
     "Aides to Tomas Berg"),
    ("The lawyers for the family said the appeal was filed.", "lawyers for the family", None,
     "The lawyers for the family"),
    ("Okafor aides acknowledged a close tie with the union.", "Okafor aides", None,
     "Okafor aides"),
    ("Haddad's spokesman said the plan was dead.", "Haddad's spokesman", None,
     "Haddad's spokesman"),
    ("Two officials said the deal was done.", "officials", None, "Two officials"),
    ("His lawyer said the charges would be dropped.", "lawyer", None, "His lawyer"),
    ("After campaign aides insisted in June that the plan was sound, the mayor agreed.",
     "campaign aides", None, "campaign aides"),
    ("But a Harbor Authority official said the pier was unsafe.", "Harbor Authority official",
     None, "a Harbor Authority official"),
    ("The Lakeside candidate's former doctor said she was fit.",
     "Lakeside candidate's former doctor", None, "The Lakeside candidate's former doctor"),
    ("A spokesman for the Polish foreign ministry said the talks were over.",
     "spokesman for the Polish foreign ministry", "Poland",
     "A spokesman for the Polish foreign ministry"),
    ("Demonstrators said they would march again.", "Demonstrators", None, "Demonstrators"),
    ("the former president said the law was failing.", "former president", None,
     "the former president"),
    # after the cue
    ('"We are done," said a spokeswoman for the mayor, adding that talks were over.',
     "spokeswoman for the mayor", None, "a spokeswoman for the mayor"),
    ('"We are done," said an aide to Ines Vidal on Monday.', "aide to Ines Vidal", None,
     "an aide to Ines Vidal"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "role", "affiliation", "mention"), UNNAMED_ROLES)
def test_unnamed_sources_keep_their_role(text, role, affiliation, mention, gazetteer):
    s = parse(text, gazetteer)
    assert s.speaker is None and s.speaker_as_written is None and s.speaker_from is None
    assert (s.role, s.role_from) == (role, "text")
    assert s.affiliation == affiliation
    assert s.source_mention == mention


@pytest.mark.parametrize(
    "text",
    [
        "Experts on Poland say the vote was fair.",  # a place they study, not serve
        "A U.N. envoy to Poland said the vote was fair.",  # a place they are sent to
    ],
)
def test_a_place_an_unnamed_source_deals_with_is_not_its_affiliation(text, gazetteer):
    s = parse(text, gazetteer)
    assert s.speaker is None
    assert s.affiliation != "Poland"


@pytest.mark.parametrize(
    ("text", "mention"),
    [
        # a sum before a noun for people is no source
        ("That is less than the minimum $20 million experts say it costs.", None),
        # the family speaks, but holds no post
        ("His family said he would not run.", "His family"),
        ("The Lakeside campaign said it would appeal.", "The Lakeside campaign"),
    ],
)
def test_no_role_without_a_post(text, mention, gazetteer):
    s = parse(text, gazetteer)
    assert s.speaker is None and s.role is None
    if mention is not None:
        assert s.source_mention == mention
