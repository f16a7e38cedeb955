"""Plans a statement reports, for questions shaped as forecasts: "Which countries will the
summit bring together?" is answered by "The Paris summit ... will bring together ...", and
"Would Clinton sign the bill?" by "she would sign this legislation", where the statement
itself reports the plan. What nobody said will happen stays a forecast `qa` declines."""

from __future__ import annotations

import re

from qa.text import STOPWORDS

# A yes-or-no question about what is to come ("Will ...?", "Is ... going to ...?").
YES_NO_FUTURE = re.compile(r"^\s*(?:will|won'?t|is .{0,50}\bgoing to|are .{0,50}\bgoing to)\b",
                            re.IGNORECASE)  # fmt: skip
_FUTURE = re.compile(r"\b(?:will|won't|plans? to|is to|are to|to meet|going to|scheduled|"
                     r"expected to|intends? to)\b", re.IGNORECASE)  # fmt: skip


_SENTENCE_END = re.compile(r"[.!?]\s")
# A headline's plan: "Macron to host Zelensky in Paris on March 26" (one line, no full stop).
_HEADLINE_PLAN = re.compile(r"^(?=[^.!?\n]{10,160}$)[A-Z][^.!?]*?\bto(?=\s+[a-z]+\b)")
_HYPOTHETICAL = re.compile(r"^\s*(?:what (?:happens|would happen|will happen|if)|what if|"
                           r"suppose|imagine)\b", re.IGNORECASE)  # fmt: skip
_ASKED_FUTURE = re.compile(r"\b(?:will|won't|going to|expected to|plans? to|intends? to)\s+"
                           r"(?P<rest>(?:[\w’'\-]+\s*){1,6})", re.IGNORECASE)  # fmt: skip
# Words after a question's "will" that are not what is planned ("will the summit ...").
_NOT_PLANNED = {"the", "a", "an", "this", "that", "these", "those", "its", "their", "his", "her",
                "be", "have", "it", "they", "he", "she", "we", "you", "there", "next", "ever"}  # fmt: skip


def reported_future(question: str, passage: str) -> bool:
    """Whether a forecast-shaped question ("Which countries will the summit bring together?")
    is answered by a statement that itself reports that plan: the passage's future ("will
    bring together", "plans to meet") holds a word the question asks will happen. A yes-or-no
    "Will ...?" and a hypothetical ("What happens if ...?") never are."""
    if YES_NO_FUTURE.match(question) or _HYPOTHETICAL.match(question):
        return False
    asked = _ASKED_FUTURE.search(question)
    if not asked:
        return bool(_FUTURE.search(passage))
    wanted = {_stem(w) for w in re.findall(r"[\w’'\-]+", asked.group("rest").lower())}
    wanted -= {_stem(w) for w in _NOT_PLANNED}
    plans = [*_FUTURE.finditer(passage), *_HEADLINE_PLAN.finditer(passage)]
    for plan in plans:
        following = re.findall(r"[\w’'\-]+", passage[plan.end() : plan.end() + 60].lower())
        if wanted & {_stem(w) for w in following[:4]}:
            return True
        # Or the plan's own sentence holds two words the question asks about: "The Paris
        # summit on March 27 will bring together ..." for "Which countries will attend the
        # summit in Paris?", its subject before the verb.
        before = _SENTENCE_END.split(passage[max(0, plan.start() - 60) : plan.start()])[-1]
        after = _SENTENCE_END.split(passage[plan.end() : plan.end() + 60])[0]
        sentence = re.findall(r"[\w’'\-]+", f"{before} {after}".lower())
        shared = wanted & {_stem(w) for w in sentence if w not in STOPWORDS}
        if len(shared) >= 2:
            return True
    return False


def _stem(word: str) -> str:
    """A word's first five letters: "meets", "meeting" and "meet" are one plan."""
    return word[:5]


# The act a yes-or-no question asks will happen: after "going to" ("Are Trump and Zelensky
# going to sign ..."), or after a named subject ("Would Clinton sign ...", "Will Russia
# accept ..."); a subject that is no name ("Will the summit produce ...") asks of an event.
_ASKED_ACT = re.compile(
    r"^\s*(?:(?i:is|are|was|were)\s+.{1,60}?\s+(?i:going|planning|about)\s+to\s+(?P<after>[a-z]+)"
    r"|(?i:will|would|won'?t|wouldn'?t)\s+(?:[A-Z][\w.’'\-]*\s+(?:and\s+)?)+(?P<verb>[a-z]+))\b"
)
# What reports a plan in a passage: a future, or a conditional said of oneself ("she would
# sign this legislation", "he would introduce legislation").
_PLAN = re.compile(r"\b(?:will|would|won't|plans? to|going to|intends? to|expected to|"
                   r"promised to|vowed to)\b", re.IGNORECASE)  # fmt: skip
# How many words after the plan's words the act may stand ("will meet Zelensky on Feb. 28 in
# Washington to sign ...").
ACT_WINDOW = 10
# Where a sentence ends: not in "Feb. 28".
_NEXT_SENTENCE = re.compile(r"[.!?][\"”’]?\s+(?=[A-Z\"“])")


def reported_plan(question: str, passage: str) -> bool:
    """Whether a yes-or-no question about someone's act to come ("Would Clinton sign the
    bill?") is answered by a statement that reports that act planned: the act the question
    asks stands after a word of plan in one sentence of the passage."""
    asked = _ASKED_ACT.match(question)
    if not asked:
        return False
    act = _stem((asked.group("after") or asked.group("verb")).lower())
    if act in {_stem(w) for w in _NOT_PLANNED}:
        return False
    for plan in _PLAN.finditer(passage):
        clause = _NEXT_SENTENCE.split(passage[plan.end() : plan.end() + 120])[0]
        following = re.findall(r"[\w’'\-]+", clause.lower())[:ACT_WINDOW]
        if act in {_stem(w) for w in following}:
            return True
    return False
