"""A reply as the page shows it: the same fixed labels the terminal prints (the Understood
line, group headers, each passage's attribution, date, kind, source and the further / closest
labels), as plain strings. The page puts them in the document as text, never as markup."""

from __future__ import annotations

from qa.answer.compose import Answer, Passage
from qa.chat.conversation import Reply
from qa.present.formats import (
    attribution_label,
    date_label,
    further_label,
    neutralise,
    passage_groups,
    understood_label,
)

CLOSEST = "Closest, but not an answer:"


def view(reply: Reply | None, body: dict) -> dict:
    """What the page shows for one reply; `body` is the API's JSON object for it."""
    shown: dict = {"lines": [neutralise(line) for line in reply.lines] if reply else []}
    if reply is None or reply.answer is None or reply.show not in {"answer", "sources", "filters"}:
        message = body.get("error") or body.get("message") or ""
        shown["lines"] = [neutralise(message)] if message else shown["lines"]
        shown["error"] = "error" in body
        return shown
    result = reply.answer
    if reply.show == "filters":
        label = understood_label(result)
        shown["lines"] = [neutralise(label) or "No filters; the whole question is the topic."]
        return shown
    if reply.show == "sources":
        shown["sources"] = [
            {"source": neutralise(", ".join(p.sources)), "statement": neutralise(p.statement)}
            for p in result.passages or result.closest
        ]
        return shown
    return {**shown, **answer_view(result)}


def answer_view(result: Answer) -> dict:
    passages = result.passages if result.answered else ()
    by_place = bool(result.understood.affiliations)
    groups = [
        {
            "label": neutralise(label) if label else None,
            "passages": [passage_view(p) for p in items],
        }
        for label, items in passage_groups(passages, by_place, lambda: result.whole)
    ]
    remaining = result.available - result.offset - len(result.passages)
    return {
        "understood": neutralise(understood_label(result)),
        "note": neutralise(result.note) if result.note else None,
        "groups": groups,
        "closest_label": CLOSEST if result.closest else None,
        "closest": [passage_view(p) for p in result.closest],
        "more": f"{remaining} more; type 'more' to see them."
        if result.answered and remaining > 0
        else None,
    }


def passage_view(passage: Passage) -> dict:
    """One passage: its words as the terminal shows them (controls escaped), the labels of its
    attribution line, and a citation to copy."""
    text = neutralise(passage.text) + (" …" if passage.truncated else "")
    who = neutralise(attribution_label(passage))
    date = neutralise(date_label(passage.said_on))
    source = neutralise(", ".join(passage.sources))
    return {
        "text": text,
        "who": who,
        "date": date,
        "kind": passage.kind,
        "channel": "via " + neutralise(passage.channel) if passage.channel else None,
        "source": source,
        "matched_by": "matched by " + ", ".join(passage.matched_by) if passage.matched_by else None,
        "further": further_label(passage) if passage.further else None,
        "citation": f"{text}\n— {who}, {date}, source: {source}",
    }
