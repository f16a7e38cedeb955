"""A conversation with follow-ups: each line is a question, a follow-up that keeps the topic
or the speaker of the one before, or a command; each reply is plain data (`Reply`), printed by
qa/chat/terminal.py or sent by `qa serve`."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from qa.answer.compose import Answer, answer, answer_understood, understand
from qa.answer.engine import Engine
from qa.answer.floor import from_floor
from qa.chat.about_answer import DISAGREE, NOBODY_ELSE, SEARCHES, about_reply, asked_about
from qa.corpus.names import speaker_owner
from qa.corpus.people import given_names
from qa.errors import QaError
from qa.question.understanding import Understanding
from qa.question.when import DateRange
from qa.text import mend

COMMANDS = {
    "/help": "list what you can type",
    "/sources": "show the full statements and sources of everything shown for the last answer",
    "/filters": "show what was understood from the last question",
    "/clear": "forget the conversation so far",
    "/quit": "leave (Ctrl-D does too)",
}
HELP = [
    "Ask a question about the statements, e.g. What did Italy say about peacekeepers?",
    "Follow-ups reuse the last topic: And Canada?  Only in March.  Just Zelensky.  Only quotes.",
    "About the last answer: Who said that?  When?  What else did he say?  Earlier?",
    "  Where?  Who did she tell?  On what condition?  The exact words?  Did anyone disagree?",
    "more — show the next passages of the last answer",
    *(f"{name} — {text}" for name, text in COMMANDS.items()),
    "help, clear and quit work without the slash too.",
]
# A word that only presses the question ("Who said that exactly?", "When was that again?").
_PRESSING = r"(?:\s+(?:exactly|precisely|again|then|originally|first))?"
_WHO_SAID_THAT = re.compile(
    r"^\s*(?:and\s+)?who(?:\s+(?:said|says|wrote|was|is|did)(?:\s+(?:that|it|this|so))?)?"
    rf"(?:\s+say\s+(?:that|it|this))?{_PRESSING}\s*[?.!]*\s*$",
    re.IGNORECASE,
)
_WHEN_WAS_THAT = re.compile(
    r"^\s*(?:and\s+)?when(?:\s+(?:was|is|did)\s+(?:that|it|this)(?:\s+(?:said|written|posted))?"
    rf"|\s+did\s+(?:he|she|they)\s+say\s+(?:that|it|this|so))?{_PRESSING}\s*[?.!]*\s*$",
    re.IGNORECASE,
)
_WHAT_ELSE = re.compile(
    r"^\s*(?:and\s+)?(?:what\s+else|anything\s+else|what\s+more)\b.*\b(?:he|she|they|him|her|them)\b",
    re.IGNORECASE,
)
# "Who else said that?", "Who else talked about troops?": others than the speakers shown.
_WHO_ELSE = re.compile(r"^\s*(?:and\s+)?who\s+else\b(?P<rest>.*)$", re.IGNORECASE)
_PRONOUN = re.compile(r"\b(?P<aux>did|does|has|had|have|was|is)\s+(?:he|she)\b", re.IGNORECASE)
_EARLIER = re.compile(r"^\s*(?:and\s+)?(?:anything\s+|something\s+|what\s+)?(?P<way>earlier|"
                      r"before that|before then|later|after that|after then|since then)\s*[?.!]*\s*$",
                      re.IGNORECASE)  # fmt: skip
# The same shift inside a question of its own ("What did he say before that?").
_SHIFT_WITHIN = re.compile(
    r"\s*\b(?P<way>before that|before then|after that|after then|since then)\b", re.IGNORECASE
)
LINE_LIMIT = 1 << 16
_NEWLINE = re.compile(r"\r\n?|\n")  # the line ends a text stream reads (universal newlines)
MORE = {"more", "more.", "next", "/more", "show more", "more please", "go on", "continue"}


@dataclass(frozen=True)
class Reply:
    """What the conversation returns for one line: an answer, lines of text, or quit."""

    answer: Answer | None = None
    lines: tuple[str, ...] = ()
    show: str = "answer"  # answer | sources | filters | text | quit | error


class Conversation:
    """Keeps what a person expects a conversation to remember: the last answer (for "more",
    "Who said that?", "When?"), everything shown of it (for /sources), and the understanding
    that follow-ups refine."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.last: Answer | None = None
        self.anchor: Answer | None = None  # the last answer that showed passages
        self.shown: list = []  # every passage shown for the anchor, across pages
        self.focus: tuple = ()  # the passages the last follow-up about them was about
        self.context: Understanding | None = None

    def handle(self, line: str) -> Reply:
        text = mend(line).strip()
        if not text:
            return Reply(show="text")
        lowered = text.lower().rstrip("?!. ")
        bare = lowered.lstrip("/")
        if bare in {"quit", "exit", "bye"}:
            return Reply(show="quit")
        if bare == "help":
            return Reply(lines=tuple(HELP), show="text")
        if bare in {"clear", "reset", "new"}:
            self.last, self.anchor, self.shown, self.context = None, None, [], None
            self.focus = ()
            return Reply(lines=("Cleared; the next question starts afresh.",), show="text")
        if text.startswith("/") and bare not in {"more"}:
            return self._command(lowered)
        if lowered in MORE or text.lower() in MORE:
            return self._more()
        try:
            return self._ask(text)
        except QaError as error:
            return Reply(lines=(str(error),), show="error")

    @property
    def answers_shown(self) -> list:
        """The passages shown as the answer's own, which follow-ups about the answer refer to:
        plain search's further statements were shown beside it, not as it (what else the
        speaker said still holds them)."""
        return [p for p in self.shown if not from_floor(p)]

    # ----------------------------------------------------------------------------------
    def _ask(self, text: str) -> Reply:
        top = self.anchor.passages[0] if self.anchor and self.anchor.passages else None
        if top is None and (_WHO_SAID_THAT.match(text) or _WHEN_WAS_THAT.match(text)):
            return Reply(lines=("Nothing has been shown yet to ask that about.",), show="text")
        if top is not None and _WHO_SAID_THAT.match(text):
            return self._about_top(text, "who")
        asked = (
            asked_about(text, self.answers_shown, self.focus, self.anchor.question) if top else None
        )
        if asked is not None and asked.aspect in SEARCHES and self.context is not None:
            notes = DISAGREE if asked.aspect == "disagree" else NOBODY_ELSE
            return self._who_else(text, asked.rest, notes)
        if asked is not None and asked.aspect not in SEARCHES:
            self.focus = asked.passages
            self.last = about_reply(text, asked, self.anchor.understood)
            return Reply(answer=self.last)
        speaker = _person(top) if top is not None else None
        pronoun = re.search(r"\b(?P<word>he|she|him|her)\b", text, re.IGNORECASE)
        if speaker and pronoun:
            speaker = self._referent(speaker, pronoun.group("word").lower())
        if speaker and _WHAT_ELSE.match(text):
            understood = Understanding(question=text, speakers=(speaker,), follow_up=True)
            result = answer_understood(self.engine, understood, offset=0, top_k=50)
            seen = {p.id for p in self.answers_shown}
            others = tuple(p for p in result.passages if p.id not in seen)
            result = replace(result, passages=others[: self.engine.settings.top_k],
                             available=len(others), answered=bool(others),
                             note=None if others else f"Nothing else by {speaker}.",
                             reason=None if others else "relevance")  # fmt: skip
            return self._keep(result)
        who_else = _WHO_ELSE.match(text)
        if who_else and self.context is not None and self.shown:
            return self._who_else(text, who_else.group("rest"))
        if speaker:
            text = _PRONOUN.sub(lambda m: f"{m.group('aux')} {speaker}", text)
        way = _EARLIER.match(text)
        if way and self.context is not None:
            return self._shifted(text, way.group("way").lower())
        within = _SHIFT_WITHIN.search(text)
        if within and self.context is not None and self.shown:
            # "What did he say before that?": the question asked, before what was shown
            rest = f"{text[: within.start()]}{text[within.end() :]}"
            understood = understand(self.engine, rest, self.context)
            return self._shifted(text, within.group("way").lower(), understood)
        return self._keep(answer(self.engine, text, self.context))

    def _referent(self, speaker: str, pronoun: str) -> str:
        """The speaker "he" or "she" points to: the first one shown whose given name tells a
        gender that fits the pronoun, else the first one shown (a name tells nothing here)."""
        wanted = "f" if pronoun in {"she", "her"} else "m"
        names = given_names()
        for passage in self.answers_shown:
            owner = _person(passage)
            if owner and names.get(owner.split()[0]) == wanted:
                return owner
        return speaker

    def _who_else(self, text: str, rest: str, notes: tuple = NOBODY_ELSE) -> Reply:
        """ "Who else said that?": a who-question on the topic asked (or, when it only points
        back with "it" or "that", the last one), answered by others than the speakers shown;
        `notes` are the notes shown with them and without any ("Did anyone disagree?")."""
        own = self.engine.reader.read(f"Who{rest}")
        if own.topic:
            understood = replace(own, question=text)
        else:
            understood = replace(self.context, question=text, intent="who", speakers=(),
                                 affiliations=(), roles=(), unknown_speakers=(), sources=(),
                                 follow_up=True)  # fmt: skip
        result = answer_understood(self.engine, understood, offset=0, top_k=50)
        shown = {_person(p) for p in self.answers_shown if p.speaker}
        others = tuple(p for p in result.passages if _person(p) not in shown)
        result = replace(result, passages=others[: self.engine.settings.top_k],
                         available=len(others), answered=bool(others),
                         note=notes[0] if others else notes[1],
                         reason=None if others else "relevance")  # fmt: skip
        return self._keep(result)

    def _about_top(self, text: str, intent: str) -> Reply:
        """ "Who said that?": the passage shown first, with its speaker."""
        top = self.anchor.passages[0]
        understood = replace(self.anchor.understood, question=text, intent=intent, follow_up=True)
        self.last = Answer(text, True, understood, None, (top,), (), 1)
        return Reply(answer=self.last)

    def _shifted(self, text: str, way: str, understood: Understanding | None = None) -> Reply:
        """ "Earlier?" / "Later?": the same question (or the one asked with it), before or
        after what was shown."""
        dates = [p.said_order for p in self.answers_shown if p.said_order is not None]
        if not dates:
            return Reply(lines=("The passages shown have no date to go before or after.",),
                         show="text")  # fmt: skip
        earlier = way.startswith(("earlier", "before"))
        if earlier:
            date = DateRange(None, min(dates) - 1, "before the passages shown")
        else:
            date = DateRange(max(dates) + 1, None, "after the passages shown")
        understood = replace(understood or self.context, question=text, date=date, follow_up=True)
        return self._keep(answer_understood(self.engine, understood))

    def _keep(self, result: Answer) -> Reply:
        self.last = result
        if result.answered:
            self.anchor = result
            self.shown = list(result.passages)
            self.focus = ()
        understood = result.understood
        if result.reason == "speaker":
            # A name the corpus does not know is not carried into the next question.
            understood = replace(understood, unknown_speakers=(), sources=())
        if result.reason == "date":
            understood = replace(understood, date=None)  # nor a date with nothing in it
        previous = self.context
        if result.reason == "relevance" and understood.follow_up and previous is not None:
            # A follow-up's topic that nothing answers ("And about zorblats?") is not carried
            # on: the next follow-up refines the topic before it.
            understood = replace(understood, topic=previous.topic, concepts=previous.concepts)
        if not understood.refusal:
            self.context = replace(understood, corrections=())
        return Reply(answer=result)

    def _more(self) -> Reply:
        if self.anchor is None:
            return Reply(lines=("There is no answer to show more of yet.",), show="text")
        shown = self.anchor.offset + len(self.anchor.passages)
        if shown >= self.anchor.available:
            return Reply(lines=("That was all of the last answer.",), show="text")
        understood = self.anchor.understood
        result = answer_understood(self.engine, understood, offset=shown)
        self.last = self.anchor = result
        self.shown.extend(result.passages)
        self.focus = ()
        first, last = shown + 1, shown + len(result.passages)
        return Reply(
            answer=result,
            lines=(f"Passages {first}–{last} of {result.available} for: {understood.question}",),
        )

    def _command(self, command: str) -> Reply:
        if command in {"/sources", "/filters"} and self.last is None:
            return Reply(lines=("Ask a question first.",), show="text")
        if command == "/sources":
            shown = self.anchor if self.anchor is not None else self.last
            return Reply(answer=replace(shown, passages=tuple(self.shown)), show="sources")
        if command == "/filters":
            return Reply(answer=self.last, show="filters")
        return Reply(lines=(f"Unknown command {command}; type /help.",), show="error")


def _person(passage) -> str | None:
    """Who a passage is by: the person, however the corpus writes them."""
    return passage.speaker_entity or speaker_owner(passage.speaker)
