"""Words for keyword search: one tokenizer for statements and questions alike."""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer

# British spellings folded into American ones before stemming, so "defence" finds "defense".
SPELLINGS = {
    "defence": "defense", "offence": "offense", "licence": "license", "centre": "center",
    "organisation": "organization", "organisations": "organizations", "favour": "favor",
    "labour": "labor", "neighbour": "neighbor", "neighbours": "neighbors", "armour": "armor",
    "programme": "program", "emphasise": "emphasize", "emphasised": "emphasized",
    "recognise": "recognize", "recognised": "recognized", "apologise": "apologize",
    "authorise": "authorize", "prioritise": "prioritize", "prioritising": "prioritizing",
    "mobilise": "mobilize", "stabilise": "stabilize", "normalise": "normalize",
    "realise": "realize", "travelled": "traveled", "dialogue": "dialog",
}  # fmt: skip
STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself
    yourselves say said says tell told think thought statement statements anything something
    also""".split()
)
_SURROGATE = re.compile("[\ud800-\udfff]")


def mend(text: str) -> str:
    """Text from outside (an argument, an environment value, a line read) as valid Unicode:
    bytes that were not UTF-8 arrive as lone surrogates (Python's surrogateescape) and become
    U+FFFD, as a UTF-8 decoder replacing errors would make them."""
    if not _SURROGATE.search(text):
        return text
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # a surrogate no byte escapes to ("\ud800")
        return _SURROGATE.sub("\ufffd", text)


_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_stemmer = Stemmer.Stemmer("english")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """One word as keyword search sees it (British spellings folded, then stemmed)."""
    return _stemmer.stemWord(SPELLINGS.get(word, word))


def written_words(text: str) -> list[str]:
    """The words as written (an apostrophe inside a word keeps it whole: "NATO's")."""
    return _WORD.findall(text)


# An initialism written with full stops ("E.U.", "U.S.", "D.C."): one word, as "EU" is.
_INITIALISM = re.compile(r"\b(?:[A-Za-z]\.){2,}")


def words(text: str) -> list[str]:
    """Lower-cased words, possessive endings dropped, initialisms without their full stops."""
    text = _INITIALISM.sub(lambda m: m.group(0).replace(".", ""), text)
    return [re.sub(r"['’]s$", "", w.lower()) for w in written_words(text)]


def tokenize(text: str) -> list[str]:
    """Stemmed content words."""
    return [stem(w) for w in words(text) if w not in STOPWORDS]
