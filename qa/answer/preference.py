"""A preference, not a filter: the statements of a role read by meaning (a `RoleFilter` that
is not sure), and those that mention the occasion a question names (where, to whom or around
which event it was said), come first among those shown; the others keep their order after
them, and none is dropped."""

from __future__ import annotations

import re

import numpy as np

from qa.answer.hits import Hit
from qa.question.understanding import Understanding
from qa.store.base import Store
from qa.text import tokenize


def preferred_first(u: Understanding, hits: list[Hit]) -> list[Hit]:
    """The hits with those of a preferred role (marked "role" by `FilterPlan.why`, which
    names the preferred titles' rows when a role is not sure) first, each part in its order."""
    if all(role.sure for role in u.roles):
        return hits
    preferred = [h for h in hits if "role" in h.matched_by]
    return preferred + [h for h in hits if "role" not in h.matched_by]


def institution_first(u: Understanding, hits: list[Hit], store: Store, gazetteer) -> list[Hit]:
    """The hits of a place asked by one of its institutions ("the White House", "the Kremlin"
    for the United States, Russia) whose speaker or role names that institution first ("White
    House Press Secretary"), each part in its order; the place's other voices follow."""
    typed = [a for name in u.affiliations for a in _institutions(name, gazetteer)
             if re.search(rf"(?i)(?<!\w){re.escape(a)}(?!\w)", u.question)]  # fmt: skip
    if not typed or not hits:
        return hits
    statements = store.statements([h.row for h in hits])
    names = [f"{s.speaker or ''} {s.role or ''}".lower() for s in statements]
    first = [any(a.lower() in n for a in typed) for n in names]
    if not any(first) or all(first):
        return hits
    return [h for h, f in zip(hits, first) if f] + [h for h, f in zip(hits, first) if not f]


def _institutions(name: str, gazetteer) -> list[str]:
    """A place's names that are no name of the place itself: two words or more that are not
    its own ("White House", "State Department"), or one capitalised word past its own names
    and demonyms ("Kremlin")."""
    place = gazetteer.place_named(name)
    if place is None:
        return []
    own = {w.lower() for w in place.name.split()}
    return [a for a in place.aliases if a != place.name and not a.isupper()
            and not {w.lower().strip(".") for w in a.split()} <= own
            and not re.search(r"(?:an|ans|ian|ese|ish)$", a)]  # fmt: skip


def preferred_rows_first(u: Understanding, order: np.ndarray, store: Store, why) -> np.ndarray:
    """A listing's rows (a question with no topic, newest first) with those of a preferred role
    first, each part in its order: `why["role"]` names the preferred titles' rows when a role
    is not sure. When no row holds a preferred title ("the EU Council chief"), only the rows
    whose words name the role's are listed, by their keyword score for them: the whole corpus
    newest first answers nothing asked."""
    if all(role.sure for role in u.roles) or "role" not in why or not len(order):
        return order
    order = np.asarray(order, dtype=np.int64)
    held = np.isin(order, store.ids(why["role"], among=order))
    if held.any() or u.speakers or u.affiliations:
        return np.concatenate([order[held], order[~held]])
    words = sorted(set(tokenize(" ".join(role.label for role in u.roles))))
    scores = np.asarray(store.keyword_scores(words, order), dtype=np.float64)
    ranked = np.argsort(-scores, kind="stable")
    return order[ranked[scores[ranked] > 0]]


def occasion_rows_first(u: Understanding, order: np.ndarray, store: Store) -> np.ndarray:
    """A listing's rows with those that mention the occasion's words ("Italian television",
    "the Paris summit") first, by their keyword score for them (a rarer word counts for more
    than "group"); the others keep their order after them."""
    words = sorted(set(tokenize(u.occasion)))
    if not words or not len(order):
        return order
    order = np.asarray(order, dtype=np.int64)
    scores = np.asarray(store.keyword_scores(words, order), dtype=np.float64)
    return order[np.argsort(-scores, kind="stable")]
