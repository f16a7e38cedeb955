"""Speaker names and role titles in the forms filters compare: the person a speaker stands for
("Giorgia Meloni's office" speaks for Giorgia Meloni), and a role title normalised."""

from __future__ import annotations

import re


def speaker_owner(speaker: str | None) -> str | None:
    """The person a speaker stands for: "Giorgia Meloni's office" speaks for Giorgia Meloni."""
    if not speaker:
        return None
    return re.sub(r"['’]s\s+\w+(?:\s\w+)?$", "", speaker)


def normal_role(role: str | None) -> str:
    """A role title lower-cased with spellings unified, for matching."""
    if not role:
        return ""
    text = role.lower().replace("defence", "defense").replace("u.n.", "un")
    return " ".join(text.replace("’s", "").replace("'s", "").split())
