"""Whether a passage's own words name a role: "the foreign minister of France", "French
Foreign Minister", "France's foreign minister" for the role France's foreign minister. A
record may miss a role its text gives; the text still settles who holds it only when the
role's words and its place stand together."""

from __future__ import annotations

import re

from qa.corpus.gazetteer import Gazetteer
from qa.question.roles import RoleFilter

# How many words apart a role's words and its place may stand ("the foreign minister of
# France": five words from "foreign" to "France").
WINDOW = 6


def names_role(text: str, role: RoleFilter, gazetteer: Gazetteer) -> bool:
    """Whether the text holds every word of the role, and a name of its place when it has one,
    within a few words of each other."""
    words = [w.lower() for w in re.findall(r"[\w’'\-]+", text)]
    words = [re.sub(r"['’]s$", "", w) for w in words]
    wanted = {w.lower() for w in role.words}
    place = gazetteer.place_named(role.place) if role.place else None
    names = [n.lower().split() for n in (place.name, *place.aliases)] if place else []
    width = max(WINDOW, len(wanted) + 1)
    for start in range(len(words)):
        window = words[start : start + width]
        if not wanted <= set(window):
            continue
        if not names or any(set(name) <= set(window) for name in names):
            return True
    return False
