"""Roles in the user's own words: a role the lexicon reads as no title the corpus has ("the
press chief"), or the words of who is asked about that nothing else read ("chief" in "the
alliance chief"), matched to the corpus's titles by meaning. The matching itself (an encoder
and the corpus's titles) is given to the question reader as `role_meanings`: an object with
`known(words)` (the lexicon's words name a corpus title) and `closest(phrases)` (the corpus
titles the phrases mean, closest first). A role read this way is not sure: it ranks its
titles' statements first and filters nothing (`RoleFilter.sure`)."""

from __future__ import annotations

import re
from dataclasses import replace

from qa.question.lexicon import QUESTION_WORDS as SCAFFOLD
from qa.question.roles import RoleFilter
from qa.question.spans import overlaps
from qa.question.speech import SPEECH_SET

# Words between who is asked about and the rest of their role ("the head at the ministry").
_GLUE = {"the", "a", "an", "of", "at", "in", "for", "to", "'s", "’s"}
# Bodies that speak as a whole, not one holder of a title: "the US administration" is the
# United States, not its president.
_BODIES = {"administration", "cabinet", "leadership", "regime", "delegation", "parliament",
           "congress", "senate", "camp", "team", "establishment", "coalition", "bloc"}  # fmt: skip


class RolePhrases:
    """Reads roles by meaning against what a question reader knows (its `role_meanings`)."""

    def __init__(self, reader):
        self.reader = reader

    def read(
        self, text: str, read, taken, verb_at: int | None, in_filter_position
    ) -> tuple[list[RoleFilter], list[tuple[int, int]]]:
        """The roles of the question: those the lexicon read (`read`, as (role, span)), each
        read by meaning instead when it names no title the corpus has, and a role read by
        meaning from the words before the verb that nothing else read (when the lexicon read
        no role); with the spans of those words, which leave the topic."""
        meanings = getattr(self.reader, "role_meanings", None)
        roles = [role for role, _ in read]
        if meanings is None:
            return roles, []
        for k, (role, span) in enumerate(read):
            if not meanings.known(role.words):
                article = re.search(r"\b(?:the|a|an)\s+$", text[: span[0]], re.IGNORECASE)
                start = article.start() if article else span[0]  # "the press chief"
                titles = meanings.closest(self.variants(text[start : span[1]]))
                if titles:
                    roles[k] = replace(role, sure=False, titles=titles)
        if read or verb_at is None or text.isupper():
            return roles, []
        found = self.leftover(text, taken, verb_at, in_filter_position)
        if found is None:
            return roles, []
        (start, end), words = found
        phrase = text[start:end]
        titles = meanings.closest(self.variants(phrase))
        if not titles:
            return roles, []
        return roles + [RoleFilter((), None, phrase, sure=False, titles=titles)], words

    def leftover(self, text: str, taken, verb_at: int, in_filter_position):
        """The stretch before the verb holding words of who is asked about that nothing read
        (lower-case words that are not the question's own), with a place read next to them
        ("alliance chief"), and the spans of those words; or None."""
        tokens = [m for m in re.finditer(r"[\w’'\-]+", text[:verb_at])
                  if in_filter_position(*m.span())]  # fmt: skip
        kinds = []
        for m in tokens:
            word = m.group(0)
            bare = re.sub(r"['’]s$", "", word).lower()
            if overlaps(m.span(), taken):
                kinds.append("taken")
            elif bare in SCAFFOLD or bare in SPEECH_SET or bare in _GLUE:
                kinds.append("glue")
            elif word == word.lower() and bare.isalpha():
                kinds.append("left")
            else:
                return None  # a name nothing read: who is asked about is not a role
        left = [k for k, kind in enumerate(kinds) if kind == "left"]
        if not left or any(tokens[k].group(0).lower() in _BODIES for k in left):
            return None
        first, last = left[0], left[-1]
        if any(kinds[k] == "taken" for k in range(first, last)):
            return None  # words of two people, not of one role
        before = first - 1
        while before >= 0 and kinds[before] == "glue" and tokens[before].group(0) in _GLUE:
            before -= 1
        if before >= 0 and kinds[before] == "taken" and before >= first - 2:
            first = before
        start = tokens[first].start()
        while start > 0 and overlaps((start - 1, start), taken):
            start -= 1  # the whole of a place of several words ("the United Nations")
        return (start, tokens[last].end()), [tokens[k].span() for k in left]

    def variants(self, phrase: str) -> list[str]:
        """A phrase as typed and with the places it names written as the corpus names them
        ("the alliance chief" -> "the NATO chief")."""

        def named(m: re.Match) -> str:
            place = self.reader.place(re.sub(r"['’]s$", "", m.group(0)))
            return place.name if place else m.group(0)

        canonical = re.sub(r"[\w’'.\-]+", named, phrase)
        return [phrase] if canonical == phrase else [phrase, canonical]
