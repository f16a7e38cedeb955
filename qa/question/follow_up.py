"""A question that follows another in a chat ("And Canada?", "Same question for NATO",
"Anything about it?"): how it is told, and what it keeps of the question before."""

from __future__ import annotations

import re
from dataclasses import replace

from qa.question.understanding import Understanding

FOLLOW_UP = re.compile(
    r"^\s*(?:(?:and|but|also|now|so|ok|okay)\b[\s,]*)*(?:(?:what about|how about|what of|"
    r"(?:the )?same(?: question| thing)? (?:for|with|about|to)|as for|and for|only|just|then|"
    r"anything(?: else)?(?: about| on)?|"
    r"something(?: about| on)|any word (?:about|on)|more (?:about|on))\b)?",
    re.IGNORECASE,
)
# A topic that only points back ("about it", "on that"): the last question's, in a chat.
_TOPIC_BACK = re.compile(r"\b(?:about|on|regarding|of|with)\s+(?:it|that|this|them|those)\b")


def is_follow_up(context, follow: re.Match, topic: str, speech, lowered: str, kind) -> bool:
    """Whether a question in a chat follows the one before (`context`): it opens with a
    follow-up's words (`follow`, a match of FOLLOW_UP), names neither a topic nor a verb of
    saying, points back to the last topic ("about it"), or only asks for a kind of passage."""
    return bool(context) and (
        bool(follow.group(0).strip())
        or (not topic and not speech)
        or (not topic and bool(_TOPIC_BACK.search(lowered)))
        or bool(kind)
    )


def merged(new: Understanding, old: Understanding) -> Understanding:
    """A follow-up keeps the previous topic and whatever filter kind it does not name."""
    names_someone = bool(
        new.speakers or new.affiliations or new.roles or new.unknown_speakers or new.sources
    )
    roles = new.roles
    places = {r.place for r in old.roles if r.place} | set(old.affiliations)
    if roles and not (new.speakers or new.affiliations) and len(places) == 1:
        # "Just the defence minister" after "What did the Canadian ministers say?": of Canada
        place = next(iter(places))
        roles = tuple(r if r.place else replace(r, place=place) for r in roles)
    return replace(
        new,
        intent=old.intent if new.intent == "what" else new.intent,
        topic=new.topic or old.topic,
        compared=names_someone and not new.topic and bool(old.topic),
        speakers=new.speakers if names_someone else old.speakers,
        affiliations=new.affiliations if names_someone else old.affiliations,
        roles=roles if names_someone else old.roles,
        unknown_speakers=new.unknown_speakers if names_someone else old.unknown_speakers,
        about=new.about if names_someone else old.about,
        sources=new.sources if names_someone else old.sources,
        date=new.date or old.date,
        kind=new.kind or old.kind,
        order=new.order or old.order,
        concepts=new.concepts if new.topic else old.concepts,
        occasion=new.occasion or ("" if new.topic else old.occasion),
    )
