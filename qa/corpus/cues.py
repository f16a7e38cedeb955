"""Reporting cues: the verbs that mark who said something ("said", "argued", "has warned",
"according to"), in every form news writes them, and the small words that may stand between a
speaker and the verb ("also", "has", "repeatedly")."""

from __future__ import annotations

import re

from qa.corpus.cue_words import verb_forms

# Verbs of saying, telling, asking, claiming and judging aloud: general English, the kind any
# style guide lists as attribution verbs. Irregular forms are listed in IRREGULAR.
REPORTING_VERBS = """
say tell add write state claim note announce argue warn insist stress emphasize emphasise
declare explain reply respond joke post tweet assert acknowledge confirm suggest urge predict
reiterate underline comment remark admit deny vow caution recall conclude believe think accuse
ask demand criticize criticise blame praise describe report reveal complain contend maintain
allege charge concede counter observe promise pledge threaten tout boast brag mock slam attack
defend dismiss question wonder agree disagree estimate propose recommend testify inform advise
assure reassure signal indicate hint imply worry fear hope retort quip muse lament decry
condemn denounce rebuke scold chide fault ridicule applaud hail welcome thank congratulate
endorse dispute reject rebut refute challenge object protest plead beg implore encourage invite
instruct advocate proclaim pronounce mention disclose divulge confide concur surmise speculate
aver affirm attest certify swear recount narrate characterize characterise label brand dub call
term nickname confess gloat crow sniff snap shout yell scream cry whisper mutter murmur sigh
grumble groan moan gripe carp whine speak talk preach lecture blog email clarify elaborate
specify stipulate highlight underscore point recognize recognise forecast alert notify cite
continue
""".split()
# Verbs that report speech only next to a quotation ("Lee continued: “...”", '"...," Lee
# continued'), never alone ("the talks continued").
BY_QUOTATIONS = frozenset(verb_forms("continue"))
# Third-person forms that are more often plural nouns ("Clinton emails show ...", "Trump tweets
# attacking ..."): a cue only before what is said ("tweets that", "tweets:", "posts “...").
NOUN_FORMS = frozenset(
    form for lemma in ("email", "tweet", "post", "blog", "text") for form in verb_forms(lemma)[:2]
)
CUE_WORDS = frozenset(form for lemma in REPORTING_VERBS for form in verb_forms(lemma))
# The base forms: a cue only in the present tense ("Democrats argue"), never after a modal.
BASE_FORMS = frozenset(REPORTING_VERBS)
MODALS = frozenset(
    "will would shall should can could may might must do does did not n't to never".split()
)
BE_FORMS = frozenset("be is are was were been being".split())
# The say family: the cues that never mean anything but reporting speech.
SAY_FAMILY = frozenset(
    form for lemma in ("say", "tell", "add", "write") for form in verb_forms(lemma)
)
# Headlines and inverted openings capitalise the say family: "Ann Lee Says", "Said Berg:".
CAPITALISED = frozenset(word.capitalize() for word in SAY_FAMILY)
CUE_PATTERN = re.compile(
    r"\b(?P<cue>(?i:according\s+to)|"
    + "|".join(sorted(CAPITALISED, key=len, reverse=True))
    + "|"
    + "|".join(sorted(CUE_WORDS, key=len, reverse=True))
    + r")\b(?![-’'])"
)
# A headline in title case capitalises every cue ("Ann Lee Vows To Cut Taxes"): there, the
# third person and past forms count too (never the base form, which headlines use as a noun).
TITLE_CUE_WORDS = frozenset(
    form.capitalize()
    for lemma in REPORTING_VERBS
    for form in verb_forms(lemma)
    if form != lemma and not form.endswith("ing")
)
TITLE_CUE_PATTERN = re.compile(
    r"\b(?P<cue>"
    + "|".join(sorted(TITLE_CUE_WORDS | CUE_WORDS, key=len, reverse=True))
    + r")\b(?![-’'])"
)


def is_title_case(text: str) -> bool:
    """A headline written in title case: nine in ten words of four letters or more are
    capitalised."""
    words = re.findall(r"[A-Za-z]{4,}", text[:400])
    return len(words) >= 4 and sum(w[0].isupper() for w in words) >= 0.9 * len(words)


# Cues whose source may follow them ('"...," said Mary Quinlan'); after the others ("told",
# "asked", "urged") the next name is the one spoken to.
INVERTING = frozenset(
    form
    for lemma in """say add write explain note continue recall insist argue declare reply respond
    assert observe remark counter quip joke state conclude acknowledge concede admit predict
    suggest complain contend maintain emphasize stress caution lament muse retort agree
    wonder report""".split()
    for form in verb_forms(lemma)
)
# Words that may stand between a speaker and the verb: "has said", "also told", "would not say".
AUXILIARIES = frozenset(
    """has have had is was were are be been being will would shall should can could may might
    must do does did not never also later then again once still previously repeatedly first
    further even only already recently just since subsequently initially separately privately
    publicly openly reportedly allegedly apparently often frequently long now earlier instead
    too both all""".split()
)
# "went on to say", "appeared to blame", "declined to say": a verb, then "to", then the cue.
TO_VERBS = frozenset(
    """went appeared appears seemed seems continued continues wanted tried refused declined
    used going proceeded moved rushed sought hastened""".split()
)
# Of those, the ones after which the cue still reports what was said ("went on to say",
# "continued to insist"), unlike "declined to say" or "wanted to tell".
SAYING_TO_VERBS = frozenset(
    "went appeared appears seemed seems continued continues proceeded moved rushed hastened".split()
)

# Nouns ending like an adverb.
LY_NOUNS = frozenset("family ally assembly rally supply bully anomaly monopoly".split())


def is_skippable(word: str) -> bool:
    """A word that may stand between the speaker and the cue without ending the subject."""
    if not word[:1].islower():
        return False  # "May", "Will" and "Long" are names when capitalised
    bare = word.lower().strip(",").replace("’", "'")
    if bare.endswith("n't"):
        return True  # "isn't", "didn’t"
    if bare in LY_NOUNS:
        return False  # "the family said": a noun, not an adverb
    return bare in AUXILIARIES or bare in ("n't", "not") or bool(re.fullmatch(r"[a-z]+ly", bare))
