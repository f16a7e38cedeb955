"""Words that lead to a date in a question ("before", "in the wake of", "the week of"), and
what each does to the range the question asks for."""

from __future__ import annotations

import re

# What a word before a date does to it: opens one side of the range, or keeps it as it is.
DATE_LEADS = {
    "before": "before", "prior to": "before", "ahead of": "before", "earlier than": "before",
    "after": "after", "following": "after", "later than": "after",
    "since": "since", "from": "since", "starting": "since",
    "until": "until", "till": "until", "by": "until", "up to": "until",
    "around": "around", "near": "around", "close to": "around",
    "in the run-up to": "before", "the run-up to": "before", "leading up to": "before",
    "in the wake of": "after",
    "in": None, "on": None, "between": None, "during": None, "of": None, "at": None, "throughout": None,
    "over": None, "in the week of": "week", "the week of": "week", "week of": "week",
    "toward": None, "towards": None, "toward the": None, "towards the": None,
    "on the eve of": "before", "the eve of": "before",
    **{f"{near} {side}": side for near in ("right", "just", "shortly", "soon", "immediately")
       for side in ("before", "after")},
    **{f"{the}{span} {side}": side for the in ("in the ", "the ", "")
       for span in ("day", "days", "week", "weeks", "few days", "few weeks")
       for side in ("before", "after")},
}  # fmt: skip
# The lead words as one pattern, longest first: "in the week of" is read whole, not as "in".
_LEAD = "|".join(sorted((re.escape(w) for w in DATE_LEADS), key=len, reverse=True))
