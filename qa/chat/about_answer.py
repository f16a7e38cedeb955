"""Follow-ups about the answer just shown ("When did she say that?", "Where?", "Who did she
tell?", "On what condition?", "What were her exact words?", "Did anyone disagree?"), read only
when passages were shown, and answered from the records of those passages: fixed labels,
record fields and verbatim corpus words, never a sentence of our own. What a passage does not
say gets "the statement does not say". "Who else" and "did anyone disagree" are searches the
conversation runs (`Conversation._who_else`); this module only recognises them."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from qa.answer.compose import Answer, Passage
from qa.corpus.dates import find_dates
from qa.corpus.names import speaker_owner
from qa.corpus.people import given_names
from qa.corpus.quotes import mask_quotes
from qa.question.understanding import Understanding
from qa.text import stem, words

# The ways a statement reaches its public ("Which outlet?", "Through which newspaper?").
MEDIA = (
    r"(?:outlet|media|newspaper|paper|channel|network|broadcaster|station|tv|television|radio|"
    r"publication|agency|interview|platform|programme|program|show|podcast|website|site|"
    r"social\s+media)"
)
# What a follow-up asks about the answer shown, in the order they are tried: the first that
# fits is the one asked ("In what interview did she say it?" asks for the channel, not where).
ASPECTS: dict[str, re.Pattern] = {
    "disagree": re.compile(
        r"\b(?:any(?:one|body)|some(?:one|body)|who|others?|any\s+other)\b.*?"
        r"\b(?:disagree\w*|dispute[sd]?|contradict\w*|object(?:s|ed)?|push(?:es|ed)?\s+back|"
        r"reject(?:s|ed)?|oppose[sd]?|rebut\w*|critici[sz]\w*|counter(?:s|ed)?|against)\b",
        re.IGNORECASE,
    ),
    "others": re.compile(
        r"\b(?:who|any(?:one|body)|some(?:one|body))\s+else\b|\bother\s+(?:people|speakers|"
        r"statements|countries|leaders|officials)\b|\bothers\b",
        re.IGNORECASE,
    ),
    "words": re.compile(
        r"\bexact(?:ly)?\s+(?:words?|quote|quotation|wording|phrasing|phrase)\b|\b(?:full|whole|"
        r"complete|entire|original|actual|direct)\s+(?:quote|quotation|words?|text|statement|"
        r"wording)\b|\bword\s+for\s+word\b|\bverbatim\b|\bwhat\s+exactly\b|\bsay\s+exactly\b|"
        r"\bhow\s+did\s+\w+\s+(?:put|phrase|word)\s+it\b|\bin\s+(?:his|her|their)\s+own\s+words\b|"
        r"\bquote\s+(?:him|her|them|it|that)\b|\bwhat\s+(?:were|are)\s+(?:his|her|their|the)\s+"
        r"words\b|\bwhich\s+words\b",
        re.IGNORECASE,
    ),
    "condition": re.compile(
        r"\b(?:on|under|with|upon)\s+(?:what|which)\s+(?:conditions?|terms|premise|caveats?)\b|"
        r"\bwhat\s+(?:are|were|was|is)\s+(?:the|his|her|their)\s+(?:pre)?(?:conditions?|terms|"
        r"caveats?)\b|\b(?:any|what|which)\s+(?:pre)?conditions?\b|\bconditional\s+on\s+what\b|"
        r"\b(?:provided|unless|if)\s+what\b",
        re.IGNORECASE,
    ),
    "channel": re.compile(
        r"\bto\s+whom\b|\bwho\s+(?:did|was|were)\s+(?:he|she|they|it|that)\s+(?:tell|told|say\s+"
        r"\w+\s+to|said\s+to|speak(?:ing)?\s+to|talk(?:ing)?\s+to|address(?:ed|ing)?)\b|"
        r"\bwho\s+(?:was|were)\s+(?:the\s+)?(?:interviewer|audience)\b|"
        rf"\b(?:(?:through|via|in|on)\s+)?(?:which|what)\s+(?:news\s+)?{MEDIA}\b|"
        r"\b(?:through|via)\s+(?:what|which|whom)\b",
        re.IGNORECASE,
    ),
    "when": re.compile(
        r"\bwhen\b|\b(?:what|which)\s+(?:day|date|time|month|year|week)\b|\bthe\s+date\b|"
        r"\bhow\s+(?:long\s+ago|recently)\b|\bdated\b",
        re.IGNORECASE,
    ),
    "where": re.compile(
        r"\bwhere\b|\b(?:what|which)\s+(?:place|city|country|town|venue|event|occasion|meeting|"
        r"summit|conference|location)\b",
        re.IGNORECASE,
    ),
}
# These open the follow-up ("When was that?", "And on what day?", "Tell me where"): inside
# a question of its own they are part of it ("What did she say when asked about ...?").
OPENING = {"when", "where"}
_LEAD = re.compile(
    r"^\W*(?:(?:and|so|but|ok|okay|then|well|also|tell\s+me|remind\s+me|do\s+you\s+know|"
    r"can\s+you\s+tell\s+me|on|at|in|since|until|from)\W+)*",
    re.IGNORECASE,
)
# The searches: the conversation answers these with other speakers on the same topic.
SEARCHES = {"others", "disagree"}
# How the reply names what was asked (and the intent shown with "Understood").
LABELS = {
    "when": "When it was said",
    "where": "Where it was said",
    "channel": "To whom or through which outlet",
    "condition": "On what condition",
    "words": "The exact words",
}
INTENTS = {"when": "when", "where": "where", "channel": "to whom", "condition": "condition",
           "words": "exact words"}  # fmt: skip
# The notes of those searches: with other speakers' statements, and without any. Whether they
# disagree is for the reader to judge: the statements shown never claim it.
NOBODY_ELSE = (None, "Nobody else in the corpus said so.")
DISAGREE = (
    "Other statements on the topic; judge the disagreement yourself.",
    "No statement by another speaker on the topic.",
)
# Words that refer back or only carry the question; any other word must be one of the passages
# shown (or of the question they answered) for the line to be about them.
_CARRIERS = set(
    """a an the and but so then ok okay please exactly actually precisely again also just really
    well that this it its those these there here he she they him her them his hers their theirs
    himself herself themselves i me we us you my your can could would will may might do does did
    done is was were are be been being has have had say said says saying tell told tells speak
    spoke spoken talk talked talking mention mentioned state stated make made give gave given put
    write wrote written post posted comment commented claim claimed add added announce announced
    statement statements quote quotes quoted quotation remark remarks comments words word
    passage passages one ones first second third fourth fifth last latest show shown see get
    know what which who whom whose where when how why to on in at of for with by from about under
    upon into was any anyone anybody someone somebody else other others people all thing""".split()
)
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5}
_NUMBERED = re.compile(
    r"\b(?:the\s+)?(?P<ordinal>first|second|third|fourth|fifth|last)\s+(?:one|passage|statement|"
    r"quote)\b|\b(?:passage|statement|quote|number)\s+(?P<number>\d+)\b",
    re.IGNORECASE,
)
_PRONOUN = re.compile(r"\b(?P<word>he|him|his|himself|she|her|hers|herself)\b", re.IGNORECASE)
# Words that open a place or an occasion after the verb of saying ("said on the sidelines of
# the EU leaders' meeting in Brussels", "said at the end of a special EU summit in Brussels").
_OCCASION = re.compile(r"\s+(?:on|at|in|during|from|outside|inside|near)\s")
# A clause after the place is no longer the place ("said in Ohio that she is thrilled").
_CLAUSE = re.compile(r"\s(?:that|who|which|whom|when|while|because|as|after|before|if|but|where)\s")
# A capital after "in" or "at" that is a place, not a month or a day ("said in July").
_PLACE = re.compile(
    r"\b(?:in|at)\s+(?!(?:January|February|March|April|May|June|July|August|September|October|"
    r"November|December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b)[A-Z]"
)
_VENUES = re.compile(
    r"\b(?:sidelines|meeting|summit|conference|forum|visit|trip|session|rally|briefing|"
    r"parliament|assembly|event|ceremony|talks|interview|speech|address|hearing|council)\b",
    re.IGNORECASE,
)
# Words that open a condition in the passage's own words.
_CONDITIONAL = re.compile(
    r"\b(?:if|unless|provided(?:\s+that)?|providing\s+that|as\s+long\s+as|so\s+long\s+as|"
    r"on\s+(?:the\s+)?condition\s+that|in\s+exchange\s+for|in\s+return\s+for|subject\s+to)\b",
    re.IGNORECASE,
)
# Where a phrase of the passage ends: a comma or other stop, a quotation mark, or a full stop
# that is not an abbreviation's ("U.S.", "Feb. 17", "Gen.").
_PHRASE_END = re.compile(r"[,;:!?\"“”«»()]|(?<=\w)\.(?=\s|$)")
_ABBREVIATION = re.compile(
    r"(?:\b[A-Z]|\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Mr|Mrs|Ms|Dr|Gen|Gov|"
    r"Sen|Rep|Lt|Col|St|No|Jr|Sr|Inc|Corp))$"
)
PHRASE_LIMIT = 160


@dataclass(frozen=True)
class Asked:
    """A follow-up about the answer shown: what it asks, and the passages it is about, with
    their numbers among those shown (from 1), and a line saying which passage when the
    question's "he" or "she" did not point at exactly one speaker."""

    aspect: str
    passages: tuple[Passage, ...] = ()
    numbers: tuple[int, ...] = ()
    pointer: str | None = None
    rest: str = ""  # the words after "else" ("Did anyone else talk about troops?")


def asked_about(
    text: str, shown: list[Passage], focus: tuple[Passage, ...], question: str
) -> Asked | None:
    """What the line asks about the passages shown, or None when it is a question of its own
    (it names something neither the passages nor the question they answered mention)."""
    if not shown:
        return None
    for aspect, pattern in ASPECTS.items():
        match = pattern.search(text)
        if match is None or (aspect in OPENING and match.start() > _LEAD.match(text).end()):
            continue
        leftover = _leftover(f"{text[: match.start()]} {text[match.end() :]}")
        vocabulary = {stem(w) for p in shown for w in words(f"{p.text} {p.speaker or ''}")}
        vocabulary |= {stem(w) for w in words(question)}
        if any(stem(w) not in vocabulary for w in leftover):
            return None
        if aspect in SEARCHES:
            rest = text[match.end() :] if aspect == "others" else ""
            return Asked(aspect, rest=rest)
        passages, pointer = _pointed_at(text, leftover, shown, focus)
        ids = [p.id for p in shown]
        numbers = tuple(ids.index(p.id) + 1 for p in passages)
        return Asked(aspect, passages, numbers, pointer)
    return None


def _leftover(text: str) -> list[str]:
    return [w for w in words(text) if w not in _CARRIERS and not w.isdigit()]


def _pointed_at(
    text: str, leftover: list[str], shown: list[Passage], focus: tuple[Passage, ...]
) -> tuple[tuple[Passage, ...], str | None]:
    """The passages a follow-up is about: the one it numbers ("the second one"), those of the
    speaker it names or of the one its "he" or "she" points at, else those the follow-up
    before was about, else the first shown."""
    numbered = _NUMBERED.search(text)
    if numbered:
        if numbered.group("number"):
            index = int(numbered.group("number"))
        else:
            ordinal = numbered.group("ordinal").lower()
            index = len(shown) if ordinal == "last" else _ORDINALS[ordinal]
        if 1 <= index <= len(shown):
            return (shown[index - 1],), None
    names = {w for w in leftover}
    named = tuple(p for p in shown if names & set(words(speaker_owner(p.speaker) or "")))
    if named:
        return _on_topic(named, leftover), None
    pronoun = _PRONOUN.search(text)
    if pronoun:
        word = pronoun.group("word").lower()
        wanted = "f" if word in {"she", "her", "hers", "herself"} else "m"
        genders = {}
        for passage in shown:
            owner = speaker_owner(passage.speaker)
            if owner and owner not in genders:
                genders[owner] = _gender(owner, shown)
        # Those the pronoun fits, else those it does not contradict (a name that tells nothing).
        owners = [o for o, g in genders.items() if g == wanted]
        owners = owners or [o for o, g in genders.items() if g is None]
        if not owners:
            return (shown[0],), f"“{word}” fits no speaker shown; this is about passage 1."
        pointer = None
        if len(owners) > 1:
            pointer = f"“{word}” could be {' or '.join(owners)}; this is about {owners[0]}."
        theirs = tuple(p for p in shown if speaker_owner(p.speaker) == owners[0])
        return _on_topic(theirs, leftover), pointer
    return (focus or (shown[0],)), None


def _gender(owner: str, shown: list[Passage]) -> str | None:
    """ "m" or "f" when the given name tells it, or else when the reporter's words of the
    speaker's passages say only "he" or only "she" ("..., she added"); None otherwise."""
    told = given_names().get(owner.split()[0])
    if told:
        return told
    said = " ".join(mask_quotes(p.text) for p in shown if speaker_owner(p.speaker) == owner)
    he = re.search(r"\b(?:he|him|his|himself)\b", said, re.IGNORECASE)
    she = re.search(r"\b(?:she|her|hers|herself)\b", said, re.IGNORECASE)
    if bool(he) != bool(she):
        return "m" if he else "f"
    return None


def _on_topic(passages: tuple[Passage, ...], leftover: list[str]) -> tuple[Passage, ...]:
    """Of one speaker's passages, those holding the other words the follow-up names ("When
    did Zelensky talk about NATO accession?"), or all of them when none or all do."""
    topic = [stem(w) for w in leftover]
    holding = tuple(p for p in passages if set(topic) <= {stem(w) for w in words(p.text)})
    return holding or passages


def about_reply(text: str, asked: Asked, understood: Understanding) -> Answer:
    """The answer to a follow-up about the passages shown: the passages it is about, and a
    note with what their records say of the aspect asked."""
    facts = []
    for number, passage in zip(asked.numbers, asked.passages):
        facts.append(f"Passage {number} ({_who(passage)}): {FACTS[asked.aspect](passage)}.")
    note = f"{LABELS[asked.aspect]} — " + " ".join(facts)
    if asked.pointer:
        note = f"{asked.pointer} {note}"
    understood = replace(understood, question=text, intent=INTENTS[asked.aspect], follow_up=True)
    return Answer(text, True, understood, note, asked.passages, (), len(asked.passages))


def _who(passage: Passage) -> str:
    if passage.speaker:
        return passage.speaker
    if passage.source_mention:
        return f"unnamed, “{passage.source_mention}”"
    return "no speaker named"


def _when(passage: Passage) -> str:
    from qa.present.formats import date_label

    said = passage.said_on
    if said is None or (said.inferred and not (said.earliest or said.latest)):
        return "the statement does not say when"
    if said.inferred:
        return f"the statement does not say when; {date_label(said)}"
    return date_label(said) if said.text else "the statement does not say when"


def _where(passage: Passage) -> str:
    occasion, channel = _occasion(passage), _channel(passage)
    if occasion and channel and channel in occasion:
        channel = None
    parts = [f"the passage says “{occasion}”"] if occasion else []
    if channel:
        parts.append(f"channel “{channel}”")
    if not occasion:
        parts.append("the statement does not say where")
    return "; ".join(parts)


def _to_whom(passage: Passage) -> str:
    channel = _channel(passage)
    if channel:
        return f"“{channel}”"
    return "the statement does not say to whom or through which outlet"


def _condition(passage: Passage) -> str:
    found = [_phrase(passage.text, m.start()) for m in _CONDITIONAL.finditer(passage.text)]
    found = [f"“{phrase}”" for phrase in found if phrase]
    if found:
        return "the statement, below; its words of condition: " + " ".join(found)
    return "the statement does not say on what condition; the statement is below"


def _words(passage: Passage) -> str:
    cut = " (the passage is cut short)" if passage.truncated else ""
    if passage.quotes:
        quoted = " ".join(f"“{q}”" for q in passage.quotes)
        if passage.kind == "quote":
            return f"{quoted}{cut}"
        return f"the quoted words, the rest being the reporter's: {quoted}{cut}"
    if passage.kind == "report":
        return "a report, not anyone's own words; the statement does not give any"
    return "a paraphrase, not the speaker's own words; the statement does not give them"


FACTS = {"when": _when, "where": _where, "channel": _to_whom, "condition": _condition,
         "words": _words}  # fmt: skip


def _occasion(passage: Passage) -> str | None:
    """The verb of saying and the place or occasion after it, verbatim ("said on the sidelines
    of the EU leaders' meeting in Brussels"), when the attribution names one."""
    if not passage.cue:
        return None
    masked = mask_quotes(passage.text)
    for cue in re.finditer(rf"\b{re.escape(passage.cue)}\b", masked):
        at = cue.end()
        dated = re.match(r"\s*(?:on\s+)?", masked[at:])
        date = next(iter(find_dates(masked[at + dated.end() :])), None)
        if date is not None and date.start == 0:  # "said on March 15 in Kyiv"
            at += dated.end() + len(date.text)
        opening = _OCCASION.match(masked, at)
        if not opening:
            continue
        phrase = _phrase(masked, opening.start())
        if phrase:
            phrase = _CLAUSE.split(phrase, maxsplit=1)[0]
        if phrase and (_VENUES.search(phrase) or _PLACE.search(phrase)):
            end = masked.index(phrase, opening.start()) + len(phrase)
            return passage.text[cue.start() : end]
    return None


def _channel(passage: Passage) -> str | None:
    """The record's channel with the verb of saying before it, verbatim ("told Reuters", "said
    in an interview with Le Parisien"), or the channel alone."""
    if not passage.channel:
        return None
    masked = mask_quotes(passage.text)
    at = masked.find(passage.channel)
    if at < 0:
        return passage.channel
    if passage.cue:
        before = [m for m in re.finditer(rf"\b{re.escape(passage.cue)}\b", masked[:at])]
        if before and at - before[-1].start() <= 80:
            return passage.text[before[-1].start() : at + len(passage.channel)]
    return passage.channel


def _phrase(text: str, start: int) -> str | None:
    """The words of `text` from `start` to the end of their phrase, or None past the limit."""
    stop = len(text)
    for end in _PHRASE_END.finditer(text, start + 1):
        if end.group() != "." or not _ABBREVIATION.search(text[start : end.start()]):
            stop = end.start()
            break
    if stop - start > PHRASE_LIMIT:
        return None
    return text[start:stop].strip() or None
