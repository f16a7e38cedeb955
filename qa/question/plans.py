"""Plans a statement reports, for questions shaped as forecasts: "Which countries will the
summit bring together?" is answered by "The Paris summit ... will bring together ...", and
"Would Okafor sign the treaty?" by "she would sign the treaty if it came to her", where the
statement itself reports the plan. What nobody said will happen stays a forecast `qa` declines."""

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
    bring together", "plans to meet", "says he would fund") holds a word the question asks will
    happen. A yes-or-no "Will ...?", a hypothetical ("What happens if ...?") and a question
    that asks no future ("What are the chances ...?", "Could the deal collapse?") never are:
    any future a statement reports is not the one asked."""
    if YES_NO_FUTURE.match(question) or _HYPOTHETICAL.match(question):
        return False
    asked = _ASKED_FUTURE.search(question)
    if not asked:
        return False
    wanted = {_stem(w) for w in re.findall(r"[\w’'\-]+", asked.group("rest").lower())}
    wanted -= {_stem(w) for w in _NOT_PLANNED | STOPWORDS}
    plans = [(m.start(), m.end()) for m in _HEADLINE_PLAN.finditer(passage)]
    for start, end in sorted(plans + _plans(_FUTURE, passage)):
        following = re.findall(r"[\w’'\-]+", passage[end : end + 60].lower())
        if wanted & {_stem(w) for w in following[:4]}:
            return True
        # Or the plan's own sentence holds two words the question asks about: "The Paris
        # summit on March 27 will bring together ..." for "Which countries will attend the
        # summit in Paris?", its subject before the verb.
        before = _SENTENCE_END.split(passage[max(0, start - 60) : start])[-1]
        after = _SENTENCE_END.split(passage[end : end + 60])[0]
        sentence = re.findall(r"[\w’'\-]+", f"{before} {after}".lower())
        shared = wanted & {_stem(w) for w in sentence if w not in STOPWORDS}
        if len(shared) >= 2:
            return True
    return False


def _stem(word: str) -> str:
    """A word's first five letters: "meets", "meeting" and "meet" are one plan."""
    return word[:5]


# The act a yes-or-no question asks will happen and who is to do it: after "going to" ("Are
# Trump and Zelensky going to sign ..."), or after a named subject ("Would Okafor sign ...",
# "Will Russia accept ..."); a subject that is no name ("Will the summit produce ...") asks of
# an event.
_ASKED_ACT = re.compile(
    r"^\s*(?:(?i:is|are|was|were)\s+(?P<who>.{1,60}?)\s+(?i:going|planning|about)\s+to\s+"
    r"(?P<after>[a-z]+)|(?i:will|would|won'?t|wouldn'?t)\s+"
    r"(?P<named>(?:[A-Z][\w.’'\-]*\s+(?:and\s+)?)+)(?P<verb>[a-z]+))\b"
)
# What reports a plan in a passage: a future, or a reported "would" (`_plans`).
_PLAN = re.compile(r"\b(?:will|won't|plans? to|going to|intends? to|expected to|"
                   r"promised to|vowed to)\b", re.IGNORECASE)  # fmt: skip
# How many words after the plan's words the act may stand ("will meet Zelensky on Feb. 28 in
# Washington to sign ...").
ACT_WINDOW = 10
# Where a sentence ends: not in "Feb. 28".
_NEXT_SENTENCE = re.compile(r"[.!?][\"”’]?\s+(?=[A-Z\"“])")
# "Would" is a plan only as reported speech, a speaker's "I will" told by another: "Okafor says
# he would fund it", "her aide said ... “she would sign the treaty”". Elsewhere it is a
# condition or a guess ("the ferry would cost 40 million, auditors say").
_PERSON_WOULD = re.compile(r"\b(?:I|we|he|she|they)\s+(?P<plan>would)\b", re.IGNORECASE)
_SAYING = re.compile(r"\b(?:say|says|said|tell|tells|told|added|stated|announced|declared|"
                     r"promised|pledged|vowed|insisted|wrote|according to)\b", re.IGNORECASE)  # fmt: skip
# A plan said of a person ("he will", "she would"), whom the passage names before it.
_OF_A_PERSON = re.compile(r"\b(?:I|we|he|she|they)\s*$", re.IGNORECASE)


def _plans(future: re.Pattern, passage: str) -> list[tuple[int, int]]:
    """Where the passage reports a plan: each future `future` finds, and each "would" of
    reported speech (a person's, after a verb of saying in its sentence)."""
    spans = [(m.start(), m.end()) for m in future.finditer(passage)]
    for m in _PERSON_WOULD.finditer(passage):
        if _SAYING.search(_NEXT_SENTENCE.split(passage[: m.start()])[-1]):
            spans.append((m.start("plan"), m.end("plan")))
    return sorted(spans)


def reported_plan(question: str, passage: str, speaker: str = "") -> bool:
    """Whether a yes-or-no question about someone's act to come ("Would Okafor sign the
    bill?") is answered by a statement that reports that act planned by them: the act the
    question asks stands after a word of plan in one sentence of the passage, and the plan is
    the subject's own (`_theirs`); `speaker` is who said it as the record gives (name, role,
    organisation)."""
    asked = _ASKED_ACT.match(question)
    if not asked:
        return False
    verb = "after" if asked.group("after") else "verb"
    act = _stem(asked.group(verb).lower())
    if act in {_stem(w) for w in _NOT_PLANNED}:
        return False
    subject = _content(asked.group("who") or asked.group("named"))
    phrase = re.findall(r"[\w’'\-]+", question[asked.start(verb) :].lower())
    # The acts the question asks: its verb, and each after "to" ("bring in a rule to stop the
    # dumping"), the act it is for.
    acts = {act} | {_stem(w) for before, w in zip(phrase, phrase[1:]) if before == "to"}
    asked_words = _content(" ".join(phrase))
    for start, end in _plans(_PLAN, passage):
        if not _theirs(subject, passage, start, speaker):
            continue
        clause = _NEXT_SENTENCE.split(passage[end : end + 200])[0]
        following = re.findall(r"[\w’'\-]+", clause.lower())
        if act in {_stem(w) for w in following[:ACT_WINDOW]}:
            return True
        # The act in other words ("bring in a rule" for "put forward regulation"): the plan's
        # sentence holds an act the question asks and another of its words ("... and stop the
        # dumping"). The words of its object alone are another act on the same thing ("cancel
        # the port deal" is not "sign the port deal").
        shared = asked_words & _content(clause)
        if shared & acts and len(shared) >= 2:
            return True
    return False


def _theirs(subject: set[str], passage: str, start: int, speaker: str) -> bool:
    """Whether a plan that starts at `start` is the subject's own: the statement is theirs (its
    speaker, role or organisation names them: "Berg", "the minister"), or the passage names
    them before a plan said of a person ("Adaeze's aide said ... she would sign", "Fidan says
    he will meet"). Others' guesses ("Dahl said Norway will accept ...") are no plan of the
    subject's."""
    if subject & _content(speaker):
        return True
    before = passage[:start]
    return bool(_OF_A_PERSON.search(before)) and bool(subject & _content(before))


def _content(text: str) -> set[str]:
    """The stems of a text's words that are no stopword."""
    words = re.findall(r"[\w’'\-]+", text.lower())
    return {_stem(w) for w in words if w not in STOPWORDS}
