"""Synthetic statement-like text for benchmarks: sentences assembled from the phrasing of news
statements (speakers, verbs, topics, dates), so BM25 sees a realistic vocabulary."""

from __future__ import annotations

import numpy as np

SPEAKERS = [
    "Italian Prime Minister Giorgia Meloni", "French President Emmanuel Macron", "Zelensky",
    "NATO Secretary General Mark Rutte", "Russian Deputy Foreign Minister Alexander Grushko",
    "Canadian Defense Minister Bill Blair", "a senior diplomat", "Polish Foreign Minister",
    "German Chancellor", "the Kremlin", "White House Press Secretary", "Lithuanian President",
    "Spanish Prime Minister", "Japanese Foreign Minister", "EU foreign policy chief",
]  # fmt: skip
VERBS = ["said", "told Reuters", "wrote on X", "said in an interview", "claimed", "added", "says"]
SUBJECTS = [
    "security guarantees", "peacekeepers", "a ceasefire", "the minerals deal", "air defense",
    "NATO membership", "sanctions relief", "reconstruction funds", "grain exports", "troops",
    "the peace talks", "energy supplies", "weapons shipments", "the front line", "drone attacks",
    "prisoner exchanges", "frozen assets", "the coalition of the willing", "monitoring missions",
]  # fmt: skip
CLAIMS = [
    "must be discussed with Ukraine", "will not be possible without the United States",
    "are the only way to a lasting peace", "should be decided by the end of the year",
    "remain on the agenda but are not a priority", "need a mandate from the Security Council",
    "will be part of any agreement", "cannot replace a strong army", "are being negotiated",
]  # fmt: skip
MONTHS = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct."]


def statements(count: int, seed: int = 0) -> list[str]:
    rng = np.random.default_rng(seed)
    out = []
    for i in range(count):
        subject = SUBJECTS[rng.integers(len(SUBJECTS))]
        claim = CLAIMS[rng.integers(len(CLAIMS))]
        speaker = SPEAKERS[rng.integers(len(SPEAKERS))]
        verb = VERBS[rng.integers(len(VERBS))]
        month = MONTHS[rng.integers(len(MONTHS))]
        out.append(
            f"{subject.capitalize()} {claim}, {speaker} {verb} on {month} {rng.integers(1, 29)} "
            f"(item {i})."
        )
    return out
