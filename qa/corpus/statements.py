"""The statement record: one attributed passage of the corpus, and its JSON form."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace

from qa.corpus.dates import DateMention, date_fields

KINDS = ("quote", "paraphrase", "mixed", "report")


@dataclass(frozen=True)
class SaidOn:
    """When a statement was made.

    `text` is the date as written. `year` is set only when the corpus states it; `year_declared`
    says it came from the corpus metadata file rather than the statement. An undated statement
    in a time-ordered feed carries `inferred=True` and the dates of its dated neighbours as
    `earliest` and `latest` (either may be None at the ends of the feed). A date computed from
    a publication date ("said Tuesday" in an article published 2016-09-14, or the year of "said
    on March 4" in it) keeps the words as written in `text` and the publication date (ISO) in
    `relative_to`.
    """

    text: str | None
    month: int | None
    day: int | None
    end_month: int | None = None
    end_day: int | None = None
    year: int | None = None
    year_declared: bool = False
    inferred: bool = False
    earliest: DateMention | None = None
    latest: DateMention | None = None
    from_digest: bool = False
    relative_to: str | None = None

    @classmethod
    def written(cls, mention: DateMention, from_digest: bool = False) -> SaidOn:
        return cls(
            mention.text,
            mention.month,
            mention.day,
            mention.end_month,
            mention.end_day,
            mention.year,
            from_digest=from_digest,
        )

    def to_json(self) -> dict:
        return {
            **date_fields(self),
            "year_declared": self.year_declared,
            "inferred": self.inferred,
            "earliest": self.earliest.to_json() if self.earliest else None,
            "latest": self.latest.to_json() if self.latest else None,
            "from_digest": self.from_digest,
            # Only dates computed from a publication date have it (older records stay as they were).
            **({"relative_to": self.relative_to} if self.relative_to else {}),
        }


@dataclass(frozen=True)
class Statement:
    """One attributed passage. `text` is the verbatim corpus line; `part` the verbatim piece of
    it when the line is a digest of several items. Unknown facts are None, never guesses.

    `source_mention` keeps the words of a source that is not a name ("he", "the senator", "a
    spokesman"); `speaker` stays None for it unless another sentence of the same article names
    the speaker. `speaker_from` says where the speaker came from: "text" (named in the passage),
    "gazetteer" (an alias the corpus's people file resolves), "resolved" (named in another
    sentence of the same article, kept in `resolved_from`), or None when there is no speaker.
    """

    id: str
    sources: tuple[str, ...]
    text: str
    part: str | None
    kind: str
    quotes: tuple[str, ...] = ()
    speaker: str | None = None
    speaker_as_written: str | None = None
    # The person the speaker is, as the whole corpus names them (qa/corpus/entities.py):
    # "Donald Trump" for a speaker written "Trump"; the name itself when the corpus cannot
    # tell who a bare surname is.
    speaker_entity: str | None = None
    source_mention: str | None = None
    speaker_from: str | None = None
    resolved_from: str | None = None
    role: str | None = None
    role_from: str | None = None
    affiliation: str | None = None
    affiliation_from: str | None = None
    cue: str | None = None
    channel: str | None = None
    said_on: SaidOn | None = None
    dates_mentioned: tuple[DateMention, ...] = field(default=())
    truncated: bool = False

    @property
    def passage(self) -> str:
        """The verbatim words this statement stands for."""
        return self.part if self.part is not None else self.text

    @property
    def source(self) -> str:
        return self.sources[0]

    def with_sources(self, sources: tuple[str, ...]) -> Statement:
        return replace(self, sources=sources)

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "source": self.source,
            "sources": list(self.sources),
            "text": self.text,
            "part": self.part,
            "kind": self.kind,
            "quotes": list(self.quotes),
            "speaker": self.speaker,
            "speaker_as_written": self.speaker_as_written,
            "speaker_entity": self.speaker_entity,
            "source_mention": self.source_mention,
            "speaker_from": self.speaker_from,
            "resolved_from": self.resolved_from,
            "role": self.role,
            "role_from": self.role_from,
            "affiliation": self.affiliation,
            "affiliation_from": self.affiliation_from,
            "cue": self.cue,
            "channel": self.channel,
            "said_on": self.said_on.to_json() if self.said_on else None,
            "dates_mentioned": [d.to_json() for d in self.dates_mentioned],
            "truncated": self.truncated,
        }

    @classmethod
    def from_json(cls, data: dict) -> Statement:
        said_on = data.get("said_on")
        if said_on is not None:
            said_on = SaidOn(
                **{
                    **said_on,
                    "earliest": _mention(said_on.get("earliest")),
                    "latest": _mention(said_on.get("latest")),
                }
            )
        return cls(
            id=data["id"],
            sources=tuple(data["sources"]),
            text=data["text"],
            part=data.get("part"),
            kind=data["kind"],
            quotes=tuple(data.get("quotes", ())),
            speaker=data.get("speaker"),
            speaker_as_written=data.get("speaker_as_written"),
            speaker_entity=data.get("speaker_entity"),
            source_mention=data.get("source_mention"),
            speaker_from=data.get("speaker_from"),
            resolved_from=data.get("resolved_from"),
            role=data.get("role"),
            role_from=data.get("role_from"),
            affiliation=data.get("affiliation"),
            affiliation_from=data.get("affiliation_from"),
            cue=data.get("cue"),
            channel=data.get("channel"),
            said_on=said_on,
            dates_mentioned=tuple(_mention(d) for d in data.get("dates_mentioned", ())),
            truncated=bool(data.get("truncated", False)),
        )


def _mention(data: dict | None) -> DateMention | None:
    return DateMention(**data) if data else None


def statement_id(passage: str) -> str:
    """A stable id: the same words give the same id on every build, in every corpus."""
    return "s" + hashlib.blake2b(passage.encode("utf-8"), digest_size=6).hexdigest()
