"""Who is in the corpus: each speaker with role, affiliation, number of statements and the
range of dates they spoke on; and the name completion the chat offers."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from qa.corpus.dates import Timeline
from qa.corpus.entities import ambiguous_names, speaker_value
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
    # The names the corpus writes this person under, most frequent first ("Donald Trump",
    # "Trump", "Donald J. Trump"); for a bare name the corpus cannot give to one person, the
    # people it may be.
    aliases: tuple[str, ...] = ()
    ambiguous_between: tuple[str, ...] = ()

    def to_json(self) -> dict:
        fields = {name: getattr(self, name) for name in self.__dataclass_fields__}
        del fields["first_order"], fields["last_order"]
        return {**fields, "aliases": list(self.aliases),
                "ambiguous_between": list(self.ambiguous_between)}  # fmt: skip


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
    """The speakers of these statements, one for each person however the corpus writes them
    (a role or affiliation most often given to them), kept when `name` (or a name they are
    written under), `role` and `affiliation` are case-insensitive parts of theirs."""
    if sort not in SORT_KEYS:
        raise QuestionError(f"Cannot sort speakers by {sort!r}; use one of {', '.join(SORT_KEYS)}.")
    timeline = timeline or Timeline()
    roles: dict[str, list] = {}
    places: dict[str, list] = {}
    dates: dict[str, list[tuple[int, str]]] = {}
    written: dict[str, Counter] = {}
    for s in statements:
        person = speaker_value(s)
        if not person:
            continue
        roles.setdefault(person, []).append(s.role)
        places.setdefault(person, []).append(s.affiliation)
        written.setdefault(person, Counter())[s.speaker] += 1
        said = s.said_on
        if said is not None and not said.inferred and said.month and said.text:
            order = timeline.ordinal(said.month, said.day or 1, said.year)
            dates.setdefault(person, []).append((order, said.text))
    ambiguous = ambiguous_names(roles)
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
                aliases=tuple(w for w, _ in written[speaker].most_common()),
                ambiguous_between=ambiguous.get(speaker, ()),
            )
        )
    found = [
        sp
        for sp in found
        if any(_contains(n, name) for n in (sp.name, *sp.aliases)) and _contains(sp.role, role)
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
