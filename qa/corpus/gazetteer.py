"""What the text does not say: places and organisations (shipped with qa) and people
(shipped with a corpus, in `gazetteer.toml` beside it). Both are plain TOML a person can edit."""

from __future__ import annotations

import errno
import os
import re
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path

from qa.corpus.paths import corpus_entries, folders_down
from qa.errors import GazetteerError, UnsafeFileError
from qa.files import MIB, read_text

GAZETTEER_NAME = "gazetteer.toml"
MAX_GAZETTEER_BYTES = 16 * MIB  # some 100,000 people with their aliases and roles


@dataclass(frozen=True)
class Place:
    """A country or organisation that statements can speak for."""

    name: str
    kind: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Person:
    """A person the corpus quotes, with facts from the gazetteer file."""

    name: str
    aliases: tuple[str, ...] = ()
    role: str | None = None
    affiliation: str | None = None


def _read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(read_text(path, MAX_GAZETTEER_BYTES))
    except UnsafeFileError as error:
        raise GazetteerError(str(error)) from None
    except OSError as error:
        reason = "its symbolic links form a loop" if error.errno == errno.ELOOP else error.strerror
        raise GazetteerError(f"Cannot read {path}: {reason}.") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise GazetteerError(f"{path} is not valid TOML: {error}.") from None


def _check_person(path: Path, name: str, entry: object) -> None:
    """A people file's entry as qa reads it: a table of text, aliases a list of names."""
    if not isinstance(entry, dict):
        raise GazetteerError(f"{path}: entry {name!r} must be a table.")
    aliases = entry.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise GazetteerError(f'{path}: entry {name!r}: aliases must be a list of names ["..."].')
    for key in ("role", "affiliation"):
        if not isinstance(entry.get(key, ""), str):
            raise GazetteerError(f"{path}: entry {name!r}: {key} must be text in quotes.")


def _alias_pattern(aliases: list[str]) -> re.Pattern:
    # Longest first so "Czech Republic" wins over "Czech"; word edges on both sides.
    ordered = sorted(set(aliases), key=len, reverse=True)
    body = "|".join(re.escape(a) for a in ordered)
    return re.compile(rf"(?<![\w.])(?:{body})(?:['’]s)?(?![\w])")


@dataclass(frozen=True)
class Gazetteer:
    """Places and people, with lookups by any alias."""

    places: tuple[Place, ...]
    people: tuple[Person, ...] = ()
    sources: tuple[str, ...] = field(default=())

    @classmethod
    def load(cls, people_files: list[Path] | None = None) -> Gazetteer:
        """Read the shipped places and every given people file (later files win)."""
        text = resources.files("qa.data").joinpath("places.toml").read_text(encoding="utf-8")
        places = tuple(
            Place(name, entry.get("kind", "country"), tuple(entry.get("aliases", [])))
            for name, entry in tomllib.loads(text).items()
        )
        people: dict[str, Person] = {}
        sources = []
        for path in people_files or []:
            if not os.path.lexists(path):
                continue
            sources.append(str(path))
            for name, entry in _read_toml(path).items():
                _check_person(path, name, entry)
                people[name] = Person(
                    name,
                    tuple(entry.get("aliases", [])),
                    entry.get("role"),
                    entry.get("affiliation"),
                )
        return cls(places, tuple(people.values()), tuple(sources))

    @cached_property
    def _place_by_alias(self) -> dict[str, Place]:
        table = {}
        for place in self.places:
            for alias in (place.name, *place.aliases):
                table.setdefault(alias, place)
                table.setdefault(alias.lower(), place)
        return table

    @cached_property
    def place_pattern(self) -> re.Pattern:
        return _alias_pattern([a for p in self.places for a in (p.name, *p.aliases)])

    @cached_property
    def _person_by_alias(self) -> dict[str, Person]:
        table = {}
        for person in self.people:
            for alias in (person.name, *person.aliases):
                table[alias.lower()] = person
        return table

    def place(self, words: str) -> Place | None:
        """The place named by these words ("Italian", "the Kremlin", "Russia's"), or None."""
        words = re.sub(r"['’]s$", "", words.strip())
        return self._place_by_alias.get(words) or (
            self._place_by_alias.get(words.lower()) if len(words) > 3 else None
        )

    def place_named(self, name: str) -> Place | None:
        """The place whose own name (not an alias) this is, or None."""
        return next((p for p in self.places if p.name == name), None)

    def find_places(self, text: str) -> list[tuple[re.Match, Place]]:
        """Every place alias written in the text, leftmost first."""
        found = []
        for match in self.place_pattern.finditer(text):
            place = self.place(match.group(0))
            if place:
                found.append((match, place))
        return found

    def person(self, name: str) -> Person | None:
        """The person known by this name or alias, or None."""
        return self._person_by_alias.get(name.strip().lower())

    def place_names(self) -> list[str]:
        return [p.name for p in self.places]


def corpus_gazetteer_files(corpus_paths: list[Path]) -> list[Path]:
    """The people files that ship with these corpus files and folders: `gazetteer.toml` in the
    folder of each file, and in each folder from a folder given down to its files."""
    seen = []
    for entry in corpus_entries(corpus_paths):
        for folder in folders_down(entry):
            candidate = folder / GAZETTEER_NAME
            if candidate not in seen:
                seen.append(candidate)
    return seen
