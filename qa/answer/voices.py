"""Whether a passage's own words report someone speaking: "Putin said ...", "Putin told
reporters ...", "according to Putin". A name a question asks about that the corpus never
records as a speaker, only mentions, answers only where the text gives it a voice: "Trump
openly admires Vladimir Putin" mentions Putin and says nothing he said."""

from __future__ import annotations

import re

from qa.question.speech import SPEECH_SET

# How many words after the name its verb of saying may stand ("Putin, in a rare interview,
# said ...").
VERB_WINDOW = 6


def reports_speaking(text: str, name: str) -> bool:
    """Whether the text has the name (or its last word) followed closely by a word of saying,
    or after "according to"."""
    last = name.split()[-1] if name.split() else name
    words = re.findall(r"[\w’'\-]+", text)
    for i, word in enumerate(words):
        if re.sub(r"['’]s$", "", word) not in (last, name):
            continue
        following = {w.lower() for w in words[i + 1 : i + 1 + VERB_WINDOW]}
        before = " ".join(words[max(0, i - 4) : i]).lower()
        if following & SPEECH_SET or "according to" in before:
            return True
    return False
