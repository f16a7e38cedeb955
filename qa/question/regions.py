"""Groups of countries asked about as one speaker ("the Baltic states", "European leaders"),
and people of no place in particular ("world leaders"), read where a speaker goes."""

from __future__ import annotations

import re
from functools import cache

# Words after a group of countries that say "someone from there" ("Baltic leaders", "a
# Baltic leader"), plural and singular.
REGION_HEADS = {"leaders", "countries", "states", "nations", "governments", "officials",
                "capitals", "allies", "partners", "members", "diplomats", "politicians",
                "authorities", "people", "side", "leader", "country", "state", "nation",
                "government", "official", "capital", "ally", "partner", "member", "diplomat",
                "politician"}  # fmt: skip
# People of no place in particular, asked for as who speaks: no filter, and not the topic.
_ANYONE = re.compile(
    r"\b(?:world|western|international|global|foreign|other|allied|key|major)\s+(?:leaders|"
    r"officials|governments|countries|nations|politicians|diplomats|partners|allies|capitals|"
    r"powers)\b",
    re.IGNORECASE,
)


@cache
def regions() -> dict[str, tuple[tuple[str, ...], bool]]:
    """Lower-cased names of groups of countries ("the Baltics", "Baltic") -> the places they
    stand for, and whether the name needs a word for people or countries after it ("European
    leaders"), from qa/data/regions.toml."""
    import tomllib
    from importlib import resources

    text = resources.files("qa.data").joinpath("regions.toml").read_text(encoding="utf-8")
    table: dict[str, tuple[tuple[str, ...], bool]] = {}
    for region in tomllib.loads(text).values():
        members = tuple(region["members"])
        for alias in region.get("aliases", ()):
            table[alias.lower()] = (members, False)
        for adjective in region.get("adjectives", ()):
            table.setdefault(adjective.lower(), (members, True))
    return table


@cache
def _pattern() -> re.Pattern:
    body = "|".join(re.escape(a) for a in sorted(regions(), key=len, reverse=True))
    heads = "|".join(sorted(REGION_HEADS))
    return re.compile(
        rf"(?<![\w])(?:the\s+)?(?P<region>{body})(?:\s+(?P<head>{heads}))?(?![\w])",
        re.IGNORECASE,
    )


class RegionReader:
    """Reads groups against what a question reader knows of places."""

    def __init__(self, reader):
        self.reader = reader

    def read(self, text, taken, in_filter_position, groups: bool = True) -> list[str]:
        """The places a group names where a speaker goes ("the Baltic states", "European
        leaders"): any of them may answer; a longer place name wins ("European Council").
        Words for people of nowhere in particular are taken out of the topic, with no filter.
        `groups` False reads only the latter (a speaker is named already)."""
        found: list[str] = []
        for m in _pattern().finditer(text) if groups else ():
            if _overlaps(m.span(), taken) or not in_filter_position(*m.span()):
                continue
            place = self.reader._place_pattern.match(text, m.start("region"))
            if place and place.end() > m.end("region"):
                continue
            members, needs_head = regions()[m.group("region").lower()]
            if needs_head and not m.group("head"):
                continue
            gazetteer = self.reader.gazetteer
            known = [p.name for p in map(gazetteer.place, members) if p is not None]
            if not known:
                continue
            taken.append(m.span())
            found += [name for name in known if name not in found]
        for m in _ANYONE.finditer(text):
            if not _overlaps(m.span(), taken) and in_filter_position(*m.span()):
                taken.append(m.span())  # "world leaders", "Western officials": no one place
        return found


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in taken)
