"""What a question was understood to ask: who it restricts to (speakers, countries or
organisations, roles), when, what kind of answer, and the topic. The question reader
(qa/question/reader.py) makes it; the searcher, the filters, the answer and the chat read it."""

from __future__ import annotations

from dataclasses import dataclass

from qa.question.roles import RoleFilter
from qa.question.when import DateRange


@dataclass(frozen=True)
class Understanding:
    """What a question restricts, and what it is about."""

    question: str
    intent: str = "what"  # what | who | when
    topic: str = ""
    speakers: tuple[str, ...] = ()
    affiliations: tuple[str, ...] = ()
    roles: tuple[RoleFilter, ...] = ()
    date: DateRange | None = None
    unknown_speakers: tuple[str, ...] = ()
    follow_up: bool = False
    # A follow-up that turns to someone else on the subject just answered ("And Canada?"):
    # their statements are compared on it (qa/answer/search.py).
    compared: bool = False
    sources: tuple[str, ...] = ()  # outlets or names the statements mention, not speakers
    corrections: tuple[tuple[str, str], ...] = ()  # (as typed, as the corpus writes it)
    refusal: str | None = None  # a kind of question not answered with passages
    kind: str | None = None  # only passages of this kind ("quote")
    order: str | None = None  # "earliest" or "latest" first, when the question asks for it
    explicit: tuple[str, ...] = ()  # the filters given as options, not read from the question
    # The speakers and places were read as the subject of a verb of stance ("Has the Kremlin
    # ruled out ...", "Does Italy want ..."), not of saying: statements that name them answer
    # too, as their own do ("the U.S. government supports ...", a digest's "Russia rejects ...").
    about: bool = False
    # The topic's words, each with the other words that stand for it (synonyms, the name of a
    # place the topic calls otherwise: "the alliance" -> NATO).
    concepts: tuple[tuple[str, ...], ...] = ()
    # Names the question gave that the corpus cannot give to one person, each with the
    # people it may be: ("Clinton", ("Bill Clinton", "Hillary Clinton")). Statements by each
    # are answered under their own name.
    ambiguous: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # Where, to whom or around which event it was said ("the Brussels summit", "Italian
    # television", the event a date is read from): not a topic nor a filter; the statements
    # that mention its words come first among those listed (qa/question/occasion.py).
    occasion: str = ""
    # A question in another language, of which only the names were read (qa/question/foreign.py):
    # their statements are listed, the rest of the question unread.
    names_only: bool = False

    @property
    def has_filters(self) -> bool:
        return bool(
            self.speakers
            or self.affiliations
            or self.roles
            or self.date
            or self.unknown_speakers
            or self.sources
            or self.kind
        )

    def about_too(self, kind: str) -> bool:
        """Whether statements that name who is asked about answer too, for this kind of filter
        ("speaker", "affiliation"): read from a verb of stance, not given as an option."""
        return self.about and kind not in self.explicit

    @property
    def scope(self) -> str:
        """Whose statements the speakers and places asked about allow ("by or about")."""
        kinds = [
            k for k, v in (("speaker", self.speakers), ("affiliation", self.affiliations)) if v
        ]
        return "by or about" if any(self.about_too(k) for k in kinds) else "by"

    def to_json(self) -> dict:
        return {
            "intent": self.intent,
            "topic": self.topic,
            "occasion": self.occasion or None,
            "speakers": list(self.speakers),
            "affiliations": list(self.affiliations),
            "scope": self.scope,
            "roles": [r.to_json() for r in self.roles],
            "date": self.date.to_json() if self.date else None,
            "unknown_speakers": list(self.unknown_speakers),
            "sources": list(self.sources),
            "corrections": [{"typed": t, "understood": n} for t, n in self.corrections],
            "kind": self.kind,
            "order": self.order,
            "follow_up": self.follow_up,
            "ambiguous": [{"name": n, "candidates": list(c)} for n, c in self.ambiguous],
            "names_only": self.names_only,
        }
