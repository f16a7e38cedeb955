"""Questions written in another language: `qa` reads only the names in them, the speakers and
the places (by their names in that language, qa/data/exonyms.toml, or a name in Cyrillic
letters read in Latin ones), never their other words. A question in which no name is read
stays refused for its language."""

from __future__ import annotations

import re
import tomllib
from functools import cache
from importlib import resources

# Ukrainian and Russian letters in Latin ones, as the corpus's romanisations spell names
# ("Зеленський" Zelenskyi, "Макрон" Makron); a word with a Ukrainian letter reads "г" as "h".
_CYRILLIC = dict(zip("абвгґдеєжзиіїйклмнопрстуфхцчшщьюяыэёъ", [
    "a", "b", "v", "g", "g", "d", "e", "ie", "zh", "z", "y", "i", "i", "i", "k", "l", "m", "n",
    "o", "p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "iu", "ia", "y", "e",
    "e", ""]))  # fmt: skip
_UKRAINIAN = set("ґєії")
_WORD = re.compile(r"[^\W\d_][\w’'\-]*")
# Cyrillic endings a name takes in a sentence ("Канади", "Італії"): a name matches with its
# last letter changed and at most two letters more.
_INFLECTED = r"[а-яіїєґ]{0,3}"


def latin(word: str) -> str:
    """A word in Cyrillic letters in Latin ones, capitalised as written; any other word as it
    is."""
    lower = word.lower()
    if not any(ch in _CYRILLIC for ch in lower):
        return word
    letters = [_CYRILLIC.get(ch, ch) for ch in lower]
    if _UKRAINIAN & set(lower):
        letters = ["h" if ch == "г" else out for ch, out in zip(lower, letters)]
    text = "".join(letters)
    return text[:1].upper() + text[1:] if word[:1].isupper() else text


@cache
def _exonyms() -> tuple[tuple[re.Pattern, str], ...]:
    """Each place's names in other languages, as a pattern over a question, longest first."""
    table = tomllib.loads(resources.files("qa.data").joinpath("exonyms.toml").read_text("utf-8"))
    names = sorted(
        ((n, place) for place, ns in table.items() for n in ns), key=lambda p: -len(p[0])
    )
    patterns = []
    for name, place in names:
        body = re.escape(name)
        if re.fullmatch(r"[а-яіїєґА-ЯІЇЄҐ]{4,}", name):
            body = re.escape(name[:-1]) + _INFLECTED
        patterns.append((re.compile(rf"(?<!\w)(?i:{body})(?!\w)"), place))
    return tuple(patterns)


def names_in_other_language(text: str, place, speaker) -> tuple[list, list, list]:
    """The speakers and places a question in another language names, with the names as typed
    where they differ from the corpus's: (speakers, places, corrections). `place(name)` is the
    place a name stands for (or None), `speaker(words)` the speaker a name stands for, typos
    forgiven (or None)."""
    speakers: list[str] = []
    places: list[str] = []
    corrections: list[tuple[str, str]] = []
    taken: list[tuple[int, int]] = []
    for pattern, name in _exonyms():
        for m in pattern.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            found = place(name)
            if found is not None and found.name not in places:
                places.append(found.name)
                corrections.append((m.group(0), found.name))
            taken.append(m.span())
    first = True
    for m in _WORD.finditer(text):
        word, was_first, first = m.group(0), first, False
        if not word[:1].isupper() or any(a < m.end() and m.start() < b for a, b in taken):
            continue
        written = latin(re.sub(r"['’]s$", "", word))
        found = place(written)
        if found is not None:
            if found.name not in places:
                places.append(found.name)
            continue
        # A question's first word is capitalised whatever it is ("Cosa ha detto ..."): a
        # speaker only by a name the corpus writes as it is typed there.
        who = speaker(written) if not was_first else None
        if who is not None and who not in speakers:
            speakers.append(who)
            if word.lower() not in who.lower().split():
                corrections.append((word, who))
    return speakers, places, corrections
