"""The notes that say why nothing answers a question: a name no statement mentions, an actor
asked about who said nothing on it, or nothing in the corpus (or the filters) answering."""

from __future__ import annotations

from qa.answer.filters import FilterPlan, who_phrase
from qa.question.understanding import Understanding

# Added when a filter left nothing that answers and statements by others do.
OTHERS_LISTED = " Statements by others about it are listed first below."
# Added when a date left nothing that answers and statements the filters leave out do.
LEFT_OUT_LISTED = " Statements about it that the filters leave out are listed first below."


def named_note(u: Understanding) -> str:
    """What an answer says when its passages only name the speaker or place asked about (the
    filter's own statements did not answer): their text does not say who speaks."""
    asked = " or ".join((*u.speakers, *u.affiliations))
    return f"The statements shown mention {asked}; their text does not say who speaks."


def compared_note(u: Understanding) -> str:
    """What a follow-up that turns to another speaker says when none of their statements is
    clearly on the subject just answered: their closest ones follow, not judged on it."""
    return (
        f"Nothing {who_phrase(u)} is clearly about {u.topic}; their statements closest to it "
        "follow, not judged on the topic."
    )


def why_nothing(
    u: Understanding, filtered: bool, unmentioned: list[str], allowed: FilterPlan
) -> tuple[str, str]:
    """The note saying why nothing answers, and its reason: a filter kind or "relevance"."""
    reason = "relevance"
    if unmentioned:
        # The topic names something no statement mentions: whatever shares its other
        # words ("a ceasefire" in "a ceasefire in Gaza") is not about it.
        note = f"Nothing in the corpus mentions {unmentioned[0]}."
    elif allowed.unheard:
        # Only statements naming the actor asked about were searched: it said nothing.
        note, reason = allowed.unheard
    elif allowed.unsettled:
        # Only statements that give no date were searched: the date asked matched none.
        note, reason = allowed.unsettled
    else:
        note = _nothing_note(u, filtered)
    return note, reason


def _nothing_note(u: Understanding, filtered: bool) -> str:
    if filtered and u.topic:
        return f"Nothing {who_phrase(u)} about {u.topic}."
    if filtered:
        return f"Nothing {who_phrase(u)} in the corpus answers this."
    return "Nothing in the corpus answers this."


def ambiguity_note(u: Understanding, included: tuple[str, ...] = ()) -> str | None:
    """What an answer says of a name the corpus cannot give to one person: a surname asked
    that several people bear (their statements are all answered, each under its own name),
    or statements that name the person asked only by a surname others bear too: `included`
    unless the corpus names another of them in full more often, else left out."""
    notes = []
    for name, people in u.ambiguous:
        if all(p in u.speakers for p in people):
            notes.append(
                f"{name} is ambiguous in this corpus: {_either(people)}; each passage shows "
                "who said it. Ask with the full name for one of them."
            )
        elif name in included:
            notes.append(
                f"Statements that name only {name}, who may be {_either(people)}, are "
                "included, each matched by surname and under the name as written."
            )
        else:
            notes.append(
                f"Some statements name only {name}, who may be {_either(people)}; they are "
                f"not shown here. Ask about {name} to see them."
            )
    return " ".join(notes) or None


def _either(people) -> str:
    return ", ".join(people[:-1]) + " or " + people[-1] if len(people) > 1 else people[0]
