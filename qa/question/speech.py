"""Words for saying and for taking a stance, and where they put who is asked about: before
the verb ("What did Rome say"), after a word for what is said ("statements from Canada"), or
owning one ("Rome's line on ...")."""

from __future__ import annotations

import re
from collections.abc import Callable

SPEECH_WORDS = (
    r"say|said|says|saying|think|thinks|thought|want|wants|wanted|propose|proposed|proposes|"
    r"claim|claimed|claims|write|wrote|written|writes|post|posted|tell|told|tells|announce|"
    r"announced|argue|argued|warn|warned|believe|believes|believed|suggest|suggested|mean|meant|"
    r"stance|position|positions|view|views|comment|comments|commented|remarks|statement|"
    r"statements|react|reacted|respond|responded|stated|declare|declared|insist|insisted|"
    r"promise|promised|pledge|pledged|demand|demanded|call|called|offer|offered|express|"
    r"expressed|discuss|discussed|reveal|revealed|admit|admitted|deny|denied|stress|stressed|"
    r"note|noted|add|added|joke|joked|predict|predicted|weighed in|weigh in|weighs in|"
    r"message|messages|argument|arguments|verdict|assessment|interview|interviews|speech|"
    r"tweet|tweeted|op-ed|"
    r"quote|quoted|quotes|opinion|talk|talked|speak|spoke|speaks|mention|mentioned|report|"
    r"reported|reports"
)
SPEECH_SET = set(SPEECH_WORDS.split("|"))
SPEECH = re.compile(rf"\b(?:{SPEECH_WORDS})\b", re.IGNORECASE)
# Verbs (and a few adjectives) of taking a stance: their grammatical subject is who is asked
# about, as a speech verb's is ("Has the Kremlin ruled out ...", "Is Italy against ..."). They
# say what the stance is about, so they stay in the topic ("accept" meets "accept or reject").
# Verbs of expecting, hoping and fearing are left out: what is expected is as often told by a
# report about the actor ("the US expects Europe to do more") as in the actor's own words.
STANCE_WORDS = (
    r"rul(?:e|es|ed|ing)\s+out|reject(?:s|ed|ing)?|back(?:s|ed|ing)?|support(?:s|ed|ing)?|"
    r"oppos(?:e|es|ed|ing)|accept(?:s|ed|ing)?|plan(?:s|ned|ning)?|agree(?:s|d|ing)?|"
    r"welcom(?:e|es|ed|ing)|endors(?:e|es|ed|ing)|favou?r(?:s|ed|ing)?|resist(?:s|ed|ing)?|"
    r"refus(?:e|es|ed|ing)|urg(?:e|es|ed|ing)|(?:push|press)(?:es|ed|ing)?\s+for|"
    r"(?:call|ask)(?:s|ed|ing)?\s+for|object(?:s|ed|ing)?\s+to|approv(?:e|es|ed|ing)|"
    r"dismiss(?:es|ed|ing)?|condemn(?:s|ed|ing)?|critici[sz](?:e|es|ed|ing)|"
    r"turn(?:s|ed|ing)?\s+down|intend(?:s|ed|ing)?|seek(?:s|ing)?|sought|"
    r"prefer(?:s|red|ring)?|threaten(?:s|ed|ing)?|vow(?:s|ed|ing)?|conced(?:e|es|ed|ing)|"
    r"acknowledg(?:e|es|ed|ing)|send(?:s|ing)?|sent|contribut(?:e|es|ed|ing)|"
    r"commit(?:s|ted|ting)?|calling|willing|open\s+to|opposed\s+to|against|"
    r"in\s+favou?r\s+of|keen\s+on|committed\s+to"
)
# Verbs that only frame a stance ("How does Rome feel about ...", "Where does Canada stand on
# ...", "What does Costa make of ..."): not the topic, as a speech verb is not.
FRAME_WORDS = (
    r"feel(?:s|ing)?|felt|see(?:s|ing)?|saw|regard(?:s|ed)?|consider(?:s|ed)?|"
    r"stand(?:s|ing)?|make\s+of"
)
STANCE_AT_END = re.compile(rf"\b(?:{STANCE_WORDS})$", re.IGNORECASE)
_FILTER_LEAD = re.compile(r"\b(?:according to|from|by)\s*$", re.IGNORECASE)
# "statements from Russia", "any comments by Canada": a speech noun names who speaks.
_SPEECH_NOUN_LEAD = re.compile(
    r"\b(?:statements?|quotes?|comments?|remarks|words|reactions?|responses?|messages?|"
    r"anything|something|everything|news)\s+(?:from|by)\s*(?:the\s+)?$"
    # "the views of Italy", but not "Meloni's view of NATO": there NATO is what it is about
    r"|(?<!['’]s\s)\b(?:views?|positions?|stance|opinions?|take|thoughts|words|line)\s+of\s+"
    r"(?:the\s+)?$",
    re.IGNORECASE,
)
# A possessive before a word for what someone says: the possessor speaks ("Rome's line").
POSSESSIVE_SPEECH = re.compile(
    r"['’]s\s+(?:take|line|reaction|response|thoughts|words|answer|reply|"
    r"message|position|view|views|stance|remarks|comments|verdict|assessment)\b",
    re.IGNORECASE,
)


def filter_position(
    text: str, intent: str, asking, verb_at: int | None, follow: re.Match
) -> Callable[[int, int], bool]:
    """The test of whether a stretch of the question (start, end) stands where who is asked
    about goes, so that a name there is a filter, not the topic. `asking` is the span of
    "which minister ...", `verb_at` where the verb of saying or stance starts, `follow` the
    match of a follow-up's lead words."""

    def in_filter_position(start: int, end: int) -> bool:
        lead = _FILTER_LEAD.search(text[:start])
        if asking and asking[0] <= start and end <= asking[1]:
            return True  # "Which Canadian minister ...": who is asked for
        if intent == "who":
            return bool(lead) and lead.group(0).lower().startswith(("according", "by"))
        if verb_at is not None and start < verb_at:
            return True
        if POSSESSIVE_SPEECH.match(text, max(end - 2, 0)):
            return True  # "What's Rome's line on ...", "Canada's take on ...": who speaks
        if lead and (lead.group(0).lower().startswith(("according", "by")) or verb_at is None):
            return True
        if _SPEECH_NOUN_LEAD.search(text[:start]):
            return True
        before = text[follow.end() if follow.end() <= start else 0 : start]
        if re.search(
            r"\b(?:anything|something|word|more)\b.*\b(?:about|on)$",
            follow.group(0).rstrip().lower(),
        ):
            return False  # "Anything about NATO?": what is asked about, not who speaks
        if re.match(r"^[\s,]*(?:the\s+)?$", before):
            return verb_at is None  # "And Canada?", "Same for the EU", "Only Italy"
        return False

    return in_filter_position
