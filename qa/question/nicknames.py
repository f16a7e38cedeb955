"""Everyday English forms of given names ("Joe" for Joseph, "Bill" for William), and the
romanisations of one Slavic given name ("Georgiy" and "Heorhii", "Yuriy" and "Yurii"): a
question may call a person by one where the corpus writes the other ("Joe Biden" for "Joseph
R. Biden Jr."). Only the given name is compared so; the surname must still be the corpus's."""

from __future__ import annotations

import re

from qa.question.lexicon import transliterated

# Short form -> the given names it stands for.
NICKNAMES: dict[str, tuple[str, ...]] = {
    "joe": ("joseph",), "bill": ("william",), "will": ("william",), "billy": ("william",),
    "bob": ("robert",), "rob": ("robert",), "bobby": ("robert",), "mike": ("michael",),
    "mick": ("michael",), "jim": ("james",), "jimmy": ("james",), "tom": ("thomas",),
    "chris": ("christopher", "christian", "christine", "christina"), "dick": ("richard",),
    "rick": ("richard", "frederick", "eric"), "ted": ("edward", "theodore"), "ed": ("edward",),
    "eddie": ("edward",), "dan": ("daniel",), "danny": ("daniel",), "dave": ("david",),
    "steve": ("steven", "stephen"), "tony": ("anthony", "antonio"), "tim": ("timothy",),
    "pat": ("patrick", "patricia"), "ben": ("benjamin",), "sam": ("samuel", "samantha"),
    "nick": ("nicholas", "nicolas"), "alex": ("alexander", "alexandra", "alexandre"),
    "andy": ("andrew",), "matt": ("matthew",), "greg": ("gregory",), "jeff": ("jeffrey",),
    "ken": ("kenneth",), "larry": ("lawrence",), "jerry": ("gerald", "jerome"),
    "chuck": ("charles",), "charlie": ("charles",), "hank": ("henry",), "harry": ("henry",),
    "jack": ("john",), "johnny": ("john",), "jon": ("jonathan",), "don": ("donald",),
    "ron": ("ronald",), "fred": ("frederick",), "frank": ("francis", "franklin"),
    "ray": ("raymond",), "walt": ("walter",), "phil": ("philip", "phillip"), "al": ("albert",
    "alan", "alfred"), "liz": ("elizabeth",), "beth": ("elizabeth",), "betsy": ("elizabeth",),
    "kate": ("katherine", "catherine", "kathryn"), "kathy": ("katherine", "kathleen"),
    "jenny": ("jennifer",), "jen": ("jennifer",), "sue": ("susan", "suzanne"),
    "peggy": ("margaret",), "maggie": ("margaret",), "meg": ("margaret",), "debbie": ("deborah",),
    "becky": ("rebecca",), "vicky": ("victoria",),
    "mitch": ("mitchell",), "newt": ("newton",), "vlad": ("vladimir",),
}  # fmt: skip


def same_given_name(typed: str, written: str) -> bool:
    """Whether a given name typed stands for one the corpus writes, by its everyday form
    either way ("joe" and "joseph", "joseph" and "joe")."""
    typed, written = typed.lower().rstrip("."), written.lower().rstrip(".")
    if written in NICKNAMES.get(typed, ()) or typed in NICKNAMES.get(written, ()):
        return True
    if typed == written or not (_SLAVIC.search(typed) or _SLAVIC.search(written)):
        return False
    # Romanisations of one Slavic name: Ukrainian "h" for Russian "g" ("Heorhii", "Georgiy"),
    # and the letters any transliteration folds.
    return transliterated(typed.replace("g", "h")) == transliterated(written.replace("g", "h"))


# A Slavic given name romanised: an ending "-iy", "-ii", "-yi", "-yy" or "-ij", or "kh", "zh".
_SLAVIC = re.compile(r"(?:iy|ii|yi|yy|ij)$|kh|zh")
