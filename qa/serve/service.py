"""The engine behind `qa serve`: one loaded engine, conversations kept by a random id, and a
question answered one at a time. A first question is answered exactly as `qa ask` answers it;
a question with a conversation id is a follow-up, answered as `qa chat` answers it."""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass

from qa.answer.compose import Answer, answer, explicit_filters
from qa.answer.engine import Engine
from qa.chat.conversation import Conversation, Reply
from qa.chat.terminal import reply_json
from qa.errors import QaError, QuestionError
from qa.present.formats import versioned

MAX_QUESTION = 1000  # characters
MAX_CONVERSATIONS = 256  # the least recently used is forgotten past this


class RequestError(QaError):
    """A request the API cannot answer: a missing, empty or too long question, an unknown
    conversation or parameter. Shown as one sentence with status 400."""


class _Kept(Conversation):
    """A conversation that can start from an answer given the way `qa ask` gives it."""

    def start(self, result: Answer) -> Reply:
        return self._keep(result)


@dataclass(frozen=True)
class Served:
    """One reply: its JSON object (what `qa ask --json` or `qa chat --json` prints), its HTTP
    status, the conversation it belongs to, and the chat's reply for the page's labels."""

    body: dict
    status: int
    conversation: str | None
    reply: Reply | None = None


class Service:
    def __init__(self, engine: Engine, max_conversations: int = MAX_CONVERSATIONS):
        self.engine = engine
        self.max_conversations = max_conversations
        self._conversations: OrderedDict[str, _Kept] = OrderedDict()
        # The engine and the conversations are used by one request at a time (a page's view
        # of a reply may read records of the store too: it takes the lock as well).
        self.lock = threading.Lock()

    def ask(
        self,
        question: str | None,
        conversation: str | None = None,
        top_k: str | None = None,
        speaker: str | None = None,
        affiliation: str | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> Served:
        question = _question(question)
        if conversation is not None:
            if top_k or speaker or affiliation or since or until:
                raise RequestError(
                    "A follow-up takes no filters of its own; say them in the question."
                )
            return self._follow_up(question, conversation)
        count = _top_k(top_k)
        with self.lock:
            try:
                filters = explicit_filters(self.engine, speaker, affiliation, since, until)
                result = answer(self.engine, question, filters=filters, top_k=count)
            except QuestionError as error:
                return Served({"error": str(error)}, 400, None)
            talk = _Kept(self.engine)
            reply = talk.start(result)
            key = self._keep(talk)
        return Served(versioned(result.to_json()), 200, key, reply)

    def _follow_up(self, question: str, key: str) -> Served:
        with self.lock:
            talk = self._conversations.get(key)
            if talk is None:
                raise RequestError(
                    "That conversation is not known here (it ended, or the server restarted); "
                    "ask without one to start a new conversation."
                )
            self._conversations.move_to_end(key)
            reply = talk.handle(question)
            if reply.show == "quit":
                del self._conversations[key]
                return Served({"message": "The conversation is closed."}, 200, None, reply)
        body = reply_json(reply) or versioned({"message": ""})
        return Served(body, 400 if "error" in body else 200, key, reply)

    def _keep(self, talk: _Kept) -> str:
        key = secrets.token_urlsafe(18)
        self._conversations[key] = talk
        while len(self._conversations) > self.max_conversations:
            self._conversations.popitem(last=False)
        return key

    @property
    def conversations(self) -> int:
        return len(self._conversations)


def _question(question: str | None) -> str:
    if question is None:
        raise RequestError(
            "The question is missing; give it as q, e.g. /api/ask?q=What+did+Italy+say."
        )
    if not question.strip():
        raise RequestError("The question is empty; type a question about the statements.")
    if len(question) > MAX_QUESTION:
        raise RequestError(
            f"The question is longer than {MAX_QUESTION} characters; ask it in fewer words."
        )
    return question


def _top_k(value: str | None) -> int | None:
    if value is None or value == "":
        return None
    if not value.isdigit() or not 1 <= int(value) <= 100:
        raise RequestError("The top_k parameter must be a whole number from 1 to 100.")
    return int(value)
