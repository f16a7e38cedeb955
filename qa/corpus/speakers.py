"""Who is in the corpus: each speaker with role, affiliation, number of statements and the
range of dates they spoke on; and the name completion the chat offers."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from qa.corpus.dates import Timeline
from qa.corpus.statements import Statement
from qa.errors import QuestionError

SORT_KEYS = ("name", "statements", "first", "last", "affiliation")


@dataclass(frozen=True)
class Speaker:
    name: str
    role: str | None
    affiliation: str | None
    statements: int
    first: str | None  # the earliest date said, as written
    last: str | None
    first_order: int | None = None  # for sorting; not shown
    last_order: int | None = None

    def to_json(self) -> dict:
        fields = {name: getattr(self, name) for name in self.__dataclass_fields__}
        del fields["first_order"], fields["last_order"]
        return fields


def _most_common(values: list[str]) -> str | None:
    present = [v for v in values if v]
    return Counter(present).most_common(1)[0][0] if present else None


def speakers(
    statements: Iterable[Statement],
    timeline: Timeline | None = None,
    name: str | None = None,
    role: str | None = None,
    affiliation: str | None = None,
    sort: str = "name",
) -> list[Speaker]:
    """The speakers of these statements (a role or affiliation most often given to them),
    kept when `name`, `role` and `affiliation` are case-insensitive parts of theirs."""
    if sort not in SORT_KEYS:
        raise QuestionError(f"Cannot sort speakers by {sort!r}; use one of {', '.join(SORT_KEYS)}.")
    timeline = timeline or Timeline()
    roles: dict[str, list] = {}
    places: dict[str, list] = {}
    dates: dict[str, list[tuple[int, str]]] = {}
    for s in statements:
        if not s.speaker:
            continue
        roles.setdefault(s.speaker, []).append(s.role)
        places.setdefault(s.speaker, []).append(s.affiliation)
        said = s.said_on
        if said is not None and not said.inferred and said.month and said.text:
            order = timeline.ordinal(said.month, said.day or 1, said.year)
            dates.setdefault(s.speaker, []).append((order, said.text))
    found = []
    for speaker, speaker_roles in roles.items():
        spoken = sorted(dates.get(speaker, []))
        found.append(
            Speaker(
                name=speaker,
                role=_most_common(speaker_roles),
                affiliation=_most_common(places[speaker]),
                statements=len(speaker_roles),
                first=spoken[0][1] if spoken else None,
                last=spoken[-1][1] if spoken else None,
                first_order=spoken[0][0] if spoken else None,
                last_order=spoken[-1][0] if spoken else None,
            )
        )
    found = [
        sp
        for sp in found
        if _contains(sp.name, name) and _contains(sp.role, role)
        and _contains(sp.affiliation, affiliation)
    ]  # fmt: skip
    return sorted(found, key=_sort_key(sort))


def _contains(value: str | None, part: str | None) -> bool:
    if not part:
        return True
    return value is not None and part.casefold() in value.casefold()


def _sort_key(sort: str):
    never = 10**9
    if sort == "statements":
        return lambda sp: (-sp.statements, sp.name.casefold())
    if sort == "first":
        return lambda sp: (sp.first_order if sp.first_order is not None else never, sp.name)
    if sort == "last":
        return lambda sp: (-(sp.last_order if sp.last_order is not None else -never), sp.name)
    if sort == "affiliation":
        return lambda sp: ((sp.affiliation or "\uffff").casefold(), sp.name.casefold())
    return lambda sp: sp.name.casefold()


def matches(word: str, name: str) -> bool:
    """True when any word of `name` starts with `word` ("Zel", "Meln", "Ye" for the names they
    begin), case-insensitively, and the name is not already typed in full."""
    prefix, folded = word.casefold(), name.casefold()
    if not prefix or folded == prefix:
        return False
    return any(part.startswith(prefix) for part in [folded, *folded.replace("-", " ").split()])


def completions(word: str, names: Iterable[str]) -> list[str]:
    """The names that `word` completes (see `matches`), each once, in the given order."""
    chosen: list[str] = []
    for name in names:
        if name not in chosen and matches(word, name):
            chosen.append(name)
    return chosen
