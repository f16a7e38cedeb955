"""The small word lists of reporting cues: the forms of a verb as news writes them ("say",
"says", "said", "saying") and the time words that may stand between a speaker and the verb.
The dates of a speech and the reading of names need them without the cues' large patterns
(qa/corpus/cues.py), which take a question's answer some milliseconds to compile."""

from __future__ import annotations

import re

IRREGULAR = {
    "say": ("say", "says", "said", "saying"),
    "tell": ("tell", "tells", "told", "telling"),
    "write": ("write", "writes", "wrote", "written", "writing"),
    "think": ("think", "thinks", "thought", "thinking"),
    "speak": ("speak", "speaks", "spoke", "spoken", "speaking"),
    "swear": ("swear", "swears", "swore", "sworn", "swearing"),
    "forecast": ("forecast", "forecasts", "forecasting"),
    "cry": ("cry", "cries", "cried", "crying"),
    "email": ("email", "emails", "emailed", "emailing"),
}
# Verbs that double their last consonant: "admitted", "regretting".
DOUBLING = {"admit", "rebut", "plot", "quip", "snap", "commit", "regret", "refer", "confer"}


def verb_forms(lemma: str) -> tuple[str, ...]:
    """The base, third person, past and present participle forms of a regular verb."""
    if lemma in IRREGULAR:
        return IRREGULAR[lemma]
    if lemma in DOUBLING:
        return lemma, lemma + "s", lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"
    if lemma.endswith("e"):
        return lemma, lemma + "s", lemma + "d", lemma[:-1] + "ing"
    if re.search(r"[^aeiou]y$", lemma):
        return lemma, lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing"
    if re.search(r"(s|sh|ch|x|z)$", lemma):
        return lemma, lemma + "es", lemma + "ed", lemma + "ing"
    return lemma, lemma + "s", lemma + "ed", lemma + "ing"


# Time words that may stand between a speaker and the verb: "Berg on Monday said".
WEEKDAYS = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday today yesterday tonight".split()
)
