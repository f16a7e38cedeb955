"""The order of the hits shown: the best answer first, the close contenders of a "who" or
"when" question first among the rest, and a listing's ties broken by statement id."""

from __future__ import annotations

import numpy as np

from qa.answer.hits import Hit, _only_names
from qa.answer.preference import institution_first, preferred_first
from qa.answer.relevance import relevance
from qa.question.understanding import Understanding
from qa.store.base import Store

# For "who" questions, statements this much less similar than the best are not contenders.
WHO_MARGIN = 0.15


def best_first(relevant: list[Hit]) -> list[Hit]:
    """The relevant hits, the one that answers best first."""
    # The statement that answers best (by the relevance that judged the answer) comes
    # first, a report about an actor asked about only when clearly better than the
    # actor's own words; the others keep their fused rank.
    top = max(relevant, key=lambda h: relevance(h) - (WHO_MARGIN if _only_names(h) else 0))
    return [top] + [h for h in relevant if h is not top]


def by_intent(u: Understanding, relevant: list[Hit], store: Store, gazetteer=None) -> list[Hit]:
    """The relevant hits ordered for what the question asks for: a speaker or a date."""
    if u.intent == "who":
        # A "who" question asks for one statement's speaker: keep the close contenders,
        # those with a named speaker first, the most relevant of them first; a report with
        # no named speaker only answers when no attributed statement does. Asked for the
        # first or the last to speak ("Who was the last to ..."), every relevant statement
        # contends: the answer orders them by date.
        best = max(relevance(h) for h in relevant)
        if not u.order:
            relevant = [h for h in relevant if relevance(h) >= best - WHO_MARGIN]
        facts = store.facts([h.row for h in relevant])
        attributed = dict(zip((h.row for h in relevant), facts.attributed))
        relevant.sort(key=lambda h: (not attributed[h.row], -relevance(h)))
    elif u.intent == "when":
        # A "when" question asks for a date: among close contenders, dated ones first.
        best = max(relevance(h) for h in relevant)
        close = [h for h in relevant if relevance(h) >= best - WHO_MARGIN]
        rest = [h for h in relevant if relevance(h) < best - WHO_MARGIN]
        close.sort(key=lambda h: h.said_order is None)
        relevant = close + rest
    relevant = preferred_first(u, relevant)
    return institution_first(u, relevant, store, gazetteer) if gazetteer else relevant


def ties_by_id(
    store: Store, order: np.ndarray, keys: np.ndarray, start: int, stop: int
) -> np.ndarray:
    """`order` (sorted by `keys`, ascending) with the runs of equal keys that hold the page
    [start, stop) ordered by statement id: a tie-break every store shares (store ids
    are corpus positions in one and hashed keys in another)."""
    if not len(order) or start >= len(order):
        return order
    stop = min(stop, len(order))
    lo = int(np.searchsorted(keys, keys[start], side="left"))
    hi = int(np.searchsorted(keys, keys[stop - 1], side="right"))
    run = order[lo:hi].tolist()
    tied = sorted(zip(keys[lo:hi].tolist(), store.statement_ids(run), run))
    order = order.copy()
    order[lo:hi] = [row for _, _, row in tied]
    return order
