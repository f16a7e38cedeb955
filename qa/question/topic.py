"""The texts a topic is searched with: its words as the question wrote them, and with the
other words for them; and the words of the topic that a verb of it acts on."""

from __future__ import annotations

import re

from qa.question.understanding import Understanding
from qa.text import written_words


def topic_phrase(u: Understanding) -> str | None:
    """The topic as the question words it, with its small words ("mission on the ground"
    for the topic "mission ground"): a sentence model reads a phrase better than a word list."""
    words = written_words(u.topic)
    at, begin = 0, None
    for word in words:
        m = re.compile(rf"\b{re.escape(word)}\b", re.IGNORECASE).search(u.question, at)
        if m is None:
            return None
        begin = m.start() if begin is None else begin
        at = m.end()
    return u.question[begin:at] if words else None


def expanded_topic(u: Understanding) -> str:
    """The topic with the other words for its words ("soldiers" also searches "troops")."""
    extra = [word for concept in u.concepts for word in concept[1:]]
    return f"{u.topic} {' '.join(extra)}" if extra else u.topic


def acting_on(u: Understanding) -> frozenset[str]:
    """Verbs of the topic that act on the word after them ("sending" in "sending troops",
    "joining" in "joining a force"): what is acted on is the subject, the verb only how."""
    heads = {c[0].lower() for c in u.concepts}
    words = written_words(u.topic)
    return frozenset(
        w.lower()
        for w, after in zip(words, words[1:])
        if w.lower().endswith("ing")
        and len(w) > 5
        and w.lower() in heads
        and re.sub(r"['’]s$", "", after).lower() in heads
    )
