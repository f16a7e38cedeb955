"""The question's words against the corpus's own: a word no statement holds is searched
with the corpus word spelt closest to it (a typo or a transliteration is one of a word the
corpus has), and a name of the topic that no statement holds in any spelling close to it is
reported as absent ("Gaza" in a feed that never mentions it)."""

from __future__ import annotations

from qa.corpus.gazetteer import Gazetteer
from qa.question.lexicon import NAME_SIMILARITY
from qa.question.understanding import Understanding
from qa.store.base import Store
from qa.text import tokenize


class Spelling:
    """The spellings of one store's words, looked up once per word."""

    def __init__(self, store: Store, gazetteer: Gazetteer):
        self.store = store
        self.gazetteer = gazetteer
        self._spellings: dict[str, str | None] = {}  # a word no statement holds -> closest one

    def spelt(self, tokens: list[str]) -> list[str]:
        """Keyword tokens, each one no statement holds followed by the corpus word spelt
        closest to it ("jedah" also counts "jeddah"; a typo is a typo of a word the corpus has)."""
        out: list[str] = []
        for token in tokens:
            out.append(token)
            if not self.store.has_word(token):
                close = self._close_word(token)
                if close:
                    out.append(close)
        return out

    def concept_tokens(self, concept: tuple[str, ...]) -> list[str]:
        """The keyword tokens of a topic word and its other words: a slip is looked for in the
        word the question typed only, since the other words are the lexicon's, spelt right
        ("boots" for "troops" is not a slip of "boost")."""
        return self.spelt(tokenize(concept[0])) + tokenize(" ".join(concept[1:]))

    def _close_word(self, token: str) -> str | None:
        if token not in self._spellings:
            self._spellings[token] = _close_word(token, self.store.words_starting(token[:1]))
        return self._spellings[token]

    def unmentioned_names(self, u: Understanding) -> list[str]:
        """Names in the topic (capitalised words, not opening the question) that no statement
        holds in no spelling close to it (a place by none of its names): "Gaza" in a feed that
        never mentions it."""
        opening = u.question.split()[:1]
        found = []
        for concept in u.concepts:
            head = concept[0]
            if not head[:1].isupper() or head in opening or len(head) < 3:
                continue
            place = self.gazetteer.place(head)
            # A place is mentioned by any of its names ("Canadian" for Canada).
            names = [*concept, *((place.name, *place.aliases) if place else ())]
            tokens = tokenize(" ".join(names))
            if not tokens or any(self.store.has_word(t) for t in tokens):
                continue
            if any(_spelt_close(t, self.store.words_starting(t[:1])) for t in tokenize(head)):
                continue  # most likely a typo: a word is only called absent when clearly so
            found.append(head)
        return found


def _spelt_close(token: str, vocab) -> bool:
    """Whether the corpus holds a word spelt somewhat like this one (as a typed name is).
    `vocab` holds (at least) the corpus words of the token's first letter."""
    from rapidfuzz import process
    from rapidfuzz.distance import JaroWinkler

    choices = [w for w in vocab if w[:1] == token[:1]]
    return bool(
        process.extractOne(
            token, choices, scorer=JaroWinkler.normalized_similarity, score_cutoff=NAME_SIMILARITY
        )
    )


def _close_word(token: str, vocab) -> str | None:
    """The corpus word (of the same first letter) one edit (a swap of two letters counts as
    one) away from a word of up to six letters, or two from a longer one: a typo or a
    transliteration, not another word. `vocab` holds (at least) the words of that letter."""
    if len(token) < 4:
        return None
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    choices = [w for w in vocab if w[:1] == token[:1] and abs(len(w) - len(token)) <= 2]
    found = process.extractOne(
        token, choices, scorer=OSA.distance, score_cutoff=1 if len(token) <= 6 else 2
    )
    return found[0] if found else None
