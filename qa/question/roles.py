"""Roles asked about in a question: "Canada's foreign minister", "the NATO chief", "the head
of Ukraine's presidential office", "Zelensky's chief of staff", "the Russian UN envoy"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.corpus.attribution import PERSON_HEADS, TITLE_WORDS
from qa.question.lexicon import QUESTION_WORDS as SCAFFOLD
from qa.question.lexicon import ROLE_PHRASES, ROLE_SYNONYMS, closest_name, closest_word

# Generic words for "someone from there": they ask for a country, not for a role.
GENERIC_HEADS = {
    "official",
    "officials",
    "leaders",
    "authorities",
    "government",
    "people",
    "side",
    "politicians",
    "diplomats",
}
ROLE_HEADS = PERSON_HEADS | set(ROLE_SYNONYMS) | GENERIC_HEADS | {"pm"}
_UN = "United Nations"
_LOOSE_MODIFIERS = {"new", "top", "senior", "current", "then"}
ROLE_MODIFIERS = (TITLE_WORDS - _LOOSE_MODIFIERS - {"first"}) | {"defence"}


# Words of titles a slip of the keyboard is corrected to ("presdient" -> "president").
_TITLE_WORDS = frozenset(
    w
    for w in (*ROLE_HEADS, *ROLE_MODIFIERS, *(p for phrase in ROLE_PHRASES for p in phrase.split()))
    if len(w) >= 6 and w.isalpha()
)


# Where a capitalised word is a name, not a title: right after the verb or "by", no article.
_NAME_SLOT = re.compile(r"\b(?:did|does|has|have|had|was|is|by|from|according to)\s+$", re.I)
# What a title's possessive names when it serves the title: it speaks with the title it serves.
_OWN = re.compile(r"['’]s\s+(?:office|team|staff|camp)\b", re.IGNORECASE)


@dataclass(frozen=True)
class RoleFilter:
    """A role asked about: words every matching title contains, and where it serves. One read
    by meaning (`sure` false) names the corpus titles it was matched to instead: a preference
    that ranks their statements first, never a filter. One whose holder is named by whom they
    serve ("Clinton's campaign manager", "the president of the NAACP") has that `owner`: a
    preference too, for the titles that name the owner."""

    words: tuple[str, ...]
    place: str | None
    label: str
    sure: bool = True
    titles: tuple[str, ...] = ()
    owner: str | None = None

    def to_json(self) -> dict:
        return {"label": self.label, "words": list(self.words), "place": self.place,
                "sure": self.sure, "titles": list(self.titles), "owner": self.owner}  # fmt: skip

    def shown(self) -> str:
        """As the Understood line shows it: "role: Canada's foreign minister", or a role read
        by meaning with what it was read from, "role (preferred): nato secretary general (read
        from 'the alliance chief')"."""
        if self.sure:
            return "role: " + self.label
        if self.owner is not None:
            return f"role (preferred): {self.label} (serving {self.owner})"
        return f"role (preferred): {' or '.join(self.titles)} (read from '{self.label}')"


class RoleReader:
    """Reads roles against what a question reader knows of places and speakers."""

    def __init__(self, reader):
        self.reader = reader

    def read(self, text, taken, in_filter_position):
        """Roles asked about: "Canada's foreign minister", "the NATO chief", "the head of
        Ukraine's presidential office", "Zelensky's chief of staff", "the premier"."""
        found = []
        for phrase, words in ROLE_PHRASES.items():
            for m in re.finditer(rf"\b{re.escape(phrase)}\b", text, re.IGNORECASE):
                if _overlaps(m.span(), taken) or not in_filter_position(*m.span()):
                    continue
                start, end = m.start(), m.end()
                own = _OWN.match(text[end:])  # "the prime minister's office"
                end += own.end() if own else 0
                place, start = self._place_before(text, start)
                place_after, end = self._place_after(text, end)
                place = place or place_after
                found.append(
                    (RoleFilter(tuple(words.split()), place, text[start:end]), (start, end))
                )
                taken.append((start, end))
        tokens = list(re.finditer(r"[\w’'.\-]+", text))
        for k, m in enumerate(tokens):
            raw = m.group(0)
            word = (raw[:-2] if raw[-2:] in ("'s", "’s") else raw).lower().strip(".")
            if word not in ROLE_HEADS and word.endswith("s") and word[:-1] in ROLE_HEADS:
                word = word[:-1]  # "Canadian ministers": any minister of Canada
            if word not in ROLE_HEADS or _overlaps(m.span(), taken):
                continue
            own = None
            if word != raw.lower().strip("."):
                # A possessive title: "the president's spokesman" asks for the spokesman (the
                # next title reads this one as its modifier); "the PM's office" for the office,
                # which speaks with the title it serves.
                own = _OWN.match(text[m.start() :], len(m.group(0)) - 2)
                following = re.match(r"\s+([\w\-]+)", text[m.end() :])
                if (
                    not own
                    and following
                    and following.group(1).lower() in ROLE_HEADS | ROLE_MODIFIERS
                ):
                    continue
            if word in {
                "general",
                "member",
                "speaker",
                "source",
                "sources",
                "head",
                "chief",
            } and not (_has_modifier(text, m.start()) or re.match(r"\s+of\s", text[m.end() :])):
                continue
            start, end = m.start(), m.start() + own.end() if own else m.end()
            words, place = [word], None
            # Title words and a place just before the head ("Canada's foreign minister").
            for prior in reversed(tokens[:k]):
                token = prior.group(0)
                bare = re.sub(r"['’]s$", "", token).strip(".").lower()
                if _overlaps(prior.span(), taken):
                    break
                if bare in ROLE_MODIFIERS and bare not in SCAFFOLD:
                    words.insert(0, bare)
                    start = prior.start()
                    continue
                if bare in _LOOSE_MODIFIERS:  # "senior", "new": no title needs them
                    start = prior.start()
                    continue
                candidate = self._place_of(token)
                if candidate == _UN and _UN not in (place, *words):
                    words.append("un")  # "the Russian UN envoy": the UN is where, not whose
                    start = prior.start()
                    continue
                if candidate and place is None:
                    place, start = candidate, prior.start()
                    continue
                break
            # "head of Ukraine's presidential office", "president of France", "envoy to the UN".
            after = re.match(
                r"\s+(?:of|to|at|for)\s+(?:the\s+)?(?P<rest>[\w’'.\- ]+)", text[m.end() :]
            )
            if after:
                consumed = skip = 0
                rest = after.group("rest")
                whole = self.reader._place_pattern.match(rest)
                if whole and self.reader.place(whole.group(0)):
                    # A place of several words ("the United Nations") read as one.
                    named = self.reader.place(whole.group(0)).name
                    if named == _UN:
                        words.append("un")
                    elif place is None:
                        place = named
                    skip = whole.end()
                    consumed = after.start("rest") + skip
                for piece in re.finditer(r"[\w’'.\-]+", rest[skip:]):
                    token = piece.group(0)
                    bare = re.sub(r"['’]s$", "", token).strip(".").lower()
                    candidate = self._place_of(token)
                    if candidate and place is None:
                        place = candidate
                    elif candidate and bare in {"un", "u.n", "united nations"}:
                        words.append("un")
                    elif bare in ROLE_MODIFIERS and bare not in SCAFFOLD:
                        words.insert(len(words) - 1, bare)
                    else:
                        break
                    consumed = after.start("rest") + skip + piece.end()
                if consumed:
                    end = m.end() + consumed
            if not in_filter_position(start, end):
                continue
            generic = word in GENERIC_HEADS
            if generic and place is None:
                # "What did European leaders say": who is asked about, not the topic; no filter.
                found.append((RoleFilter((word,), None, text[start:end]), (start, end)))
                continue
            if (
                place is None
                and len(words) == 1
                and not generic
                and word not in ROLE_SYNONYMS
                and word
                not in {"president", "minister", "diplomat", "congressman", "chancellor", "premier"}
            ):
                continue
            found.append((RoleFilter(tuple(words), place, text[start:end]), (start, end)))
        # A title read inside a longer one ("defence" in "the German defence minister") is
        # part of it, not a role of its own.
        return [
            (role, span)
            for role, span in found
            if not any(
                other[0] <= span[0] and span[1] <= other[1] and other != span for _, other in found
            )
        ]

    def spelt(self, text: str, verb_at: int) -> tuple[str, list[tuple[str, str]]]:
        """The question with slips in the words of titles before its verb corrected ("the
        lithuanian presdient", "canada's foriegn minister"), and the corrections made. A word
        the corpus has, or a name or place, is never corrected."""
        reader = self.reader
        slips: list[tuple[str, str]] = []

        def spelt(m: re.Match) -> str:
            typed = m.group(0)
            bare = typed.lower()
            if bare in SCAFFOLD or bare in reader.speaker_aliases or reader.place(typed):
                return typed
            following = re.match(r"\s+([\w’'\-]+)", text[m.end() :])
            named = following and following.group(1).lower() in reader.speaker_aliases
            if typed[0].isupper() and _NAME_SLOT.search(text[: m.start()]) and not named:
                return typed  # "What did Politico say": a name where a speaker's name goes
            word = closest_word(bare, _TITLE_WORDS)
            if word is not None and re.fullmatch(re.escape(word) + "e?s", bare):
                return typed  # "Veterans": the plural of a title word, no slip
            if word is None or (reader._mentioned is not None and reader._mentioned(typed)):
                return typed
            slips.append((typed, word))
            return word

        fixed = re.sub(r"(?<![\w’'])[^\W\d_]{6,}(?![\w’'])", spelt, text[:verb_at])
        return fixed + text[verb_at:], slips

    def _place_of(self, token: str) -> str | None:
        """The place a token names: a place, or the place a named speaker serves ("Macron's")."""
        candidate = self.reader.place(token)
        if candidate:
            return candidate.name
        if re.search(r"['’]s$", token):
            name = self.reader.speaker_aliases.get(re.sub(r"['’]s$", "", token).lower())
            if name is None:
                bare = re.sub(r"['’]s$", "", token).lower()
                name = closest_name(bare, self.reader.speaker_aliases) if len(bare) >= 4 else None
            return self.reader.speaker_places.get(name) if name else None
        return None

    def _place_before(self, text: str, start: int) -> tuple[str | None, int]:
        before = re.search(r"([\w’'.\-]+)\s+$", text[:start])
        if before:
            place = self._place_of(before.group(1))
            if place:
                return place, before.start(1)
        return None, start

    def _place_after(self, text: str, end: int) -> tuple[str | None, int]:
        after = re.match(
            r"\s+(?:of|in|for|at)\s+(?:the\s+)?([\w’'.\-]+(?:\s[A-Z][\w.]+)?)", text[end:]
        )
        if after:
            candidate = self.reader.place(after.group(1))
            if candidate:
                return candidate.name, end + after.end()
        return None, end


def _has_modifier(text: str, at: int) -> bool:
    before = re.findall(r"[\w’'.]+", text[:at])
    word = re.sub(r"['’]s$", "", before[-1]).lower() if before else ""
    return word in ROLE_MODIFIERS | {"nato", "un", "eu"}  # "NATO's chief" as "the NATO chief"


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in taken)
