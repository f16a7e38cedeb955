"""Roles named by whom their holder serves: "Clinton's campaign manager", "the Trump campaign
spokesman", "the president of the NAACP", "the RNC's research director". The name is whose
official speaks, never the speaker: the role is read with the name as its `owner`, which
ranks first the statements whose title names the owner and filters nothing (qa/answer/
filters.py). A place, or a speaker who serves one, is read by RoleReader instead ("Canada's
foreign minister", "Zelensky's chief of staff", "the president of France")."""

from __future__ import annotations

import re

from qa.question.lexicon import QUESTION_WORDS as SCAFFOLD
from qa.question.roles import GENERIC_HEADS, ROLE_HEADS, ROLE_MODIFIERS, RoleFilter
from qa.question.spans import overlaps
from qa.question.speech import SPEECH_SET

# Who holds a post in a campaign, a company or a group, besides the titles of office; words
# that are a title only with another ("general", "member") are left out.
OWNED_HEADS = (ROLE_HEADS - GENERIC_HEADS - {"general", "member", "speaker", "source", "sources",
               "lady", "pm"}) | {"manager", "founder", "co-founder", "cofounder", "ceo",
               "strategist", "pollster", "lawyer", "counsel", "treasurer", "organizer",
               "organiser", "economist", "researcher", "surrogate", "staffer", "owner",
               "editor", "publisher", "executive", "boss"}  # fmt: skip
_HEAD = "|".join(sorted((re.escape(h) for h in OWNED_HEADS), key=len, reverse=True))
_CAP = r"[A-Z][\w\-.&]*"
# A name of one or more capitalised words, with the small words names hold ("Iraq and
# Afghanistan Veterans of America").
_NAME = rf"{_CAP}(?:\s+(?:(?:of|and|for|the|&)\s+)?{_CAP}){{0,6}}"
# Lower-case words between the owner and the title ("campaign", "research").
_MODS = r"(?:[a-z][\w\-]*\s+){0,2}"
_HEAD_WORD = rf"(?P<head>(?i:{_HEAD}))s?(?![\w’'\-])"
_PATTERNS = (
    # "Clinton's campaign manager", "the RNC's research director"
    re.compile(rf"(?<![\w’'\-])(?P<owner>{_NAME})['’]s\s+(?P<mods>{_MODS}){_HEAD_WORD}"),
    # "the Trump campaign spokesman", "the NAACP president"
    re.compile(rf"\b(?i:the)\s+(?P<owner>{_NAME})\s+(?P<mods>{_MODS}){_HEAD_WORD}"),
    # "Clinton campaign manager Robby Mook": only before the name of who holds the role
    re.compile(rf"(?<![\w’'\-])(?P<owner>{_NAME})\s+(?P<mods>{_MODS}){_HEAD_WORD}(?=\s+[A-Z])"),
    # "the president of the NAACP", "the founder and CEO of Iraq and Afghanistan Veterans ..."
    re.compile(
        rf"\b(?P<mods>){_HEAD_WORD}(?:\s+and\s+[\w\-]+)?\s+(?:of|at|for)\s+(?:the\s+)?"
        rf"(?P<owner>{_NAME})(?![\w’'])"
    ),
)


class OwnedRoles:
    """Reads roles named by whom they serve, against what a question reader knows."""

    def __init__(self, reader):
        self.reader = reader

    def read(self, text: str, taken, in_filter_position) -> list[tuple[RoleFilter | None, tuple]]:
        """Each role named by its owner, with the span of the whole phrase (owner included);
        the role is None when the person who holds it is named after it ("Clinton campaign
        manager Robby Mook"): the person is asked about, the words before are no speaker."""
        found: list[tuple[RoleFilter | None, tuple[int, int]]] = []
        for pattern in _PATTERNS:
            for m in pattern.finditer(text):
                span = m.span()
                if overlaps(span, taken + [s for _, s in found]):
                    continue
                if not in_filter_position(*span):
                    continue
                role = self._role(m)
                if role is not None:
                    named = re.match(r"\s+[A-Z]", text[m.end() :])
                    found.append((None if named else role, span))
        return found

    def _role(self, m: re.Match) -> RoleFilter | None:
        owner = re.sub(r"^(?:The|the)\s+", "", m.group("owner"))
        words = owner.split()
        mods = m.group("mods").split()
        head = m.group("head").lower()
        if any(w.lower() in SCAFFOLD or w.lower() in SPEECH_SET for w in mods + words[:1]):
            return None
        if all(w.lower().strip(".") in ROLE_MODIFIERS | ROLE_HEADS for w in words):
            return None  # "the Prime Minister's spokesman": a title, not an owner
        capitals = [w for w in words if w[0].isupper()]
        if self.reader.place(owner) is not None or all(self.reader.place(w) for w in capitals):
            return None  # "Canada's foreign minister", "the Turkish UN envoy": RoleReader's
        speaker = self.reader.resolve_speaker(owner)
        if speaker in self.reader.speaker_places and head in ROLE_HEADS:
            return None  # "Zelensky's chief of staff": one of the country they serve
        kept = tuple(w.lower() for w in mods if w.lower() in ROLE_MODIFIERS)
        label = m.group(0)
        return RoleFilter((*kept, head), None, label, sure=False, owner=owner)
