"""Who is speaking: reads an attribution phrase ("Italian Prime Minister Giorgia Meloni",
"Azerbaijan's president", "the Kremlin", "she") into a name, a role and an affiliation."""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.corpus.gazetteer import Gazetteer, Place

# Words that make up titles and roles; none of them is ever part of a person's name.
PERSON_HEADS = {
    "president", "minister", "secretary", "spokesperson", "spokesman", "spokeswoman", "head",
    "chief", "chancellor", "representative", "ambassador", "envoy", "congressman",
    "congresswoman", "senator", "governor", "mayor", "commissioner", "chairman", "chairwoman",
    "chair", "director", "commander", "king", "queen", "pope", "adviser", "advisor", "official",
    "officials", "diplomat", "diplomats", "lawmaker", "lawmakers", "leader", "premier",
    "negotiator", "aide", "general", "lady", "mp", "source", "sources", "analyst", "expert",
    "deputy", "ombudsman", "prosecutor", "judge", "admiral", "colonel", "lieutenant", "sergeant",
    "officer", "coordinator", "administrator", "member", "speaker", "attorney", "emissary",
}  # fmt: skip
BODY_HEADS = {
    "ministry", "office", "government", "administration", "council", "parliament", "commission",
    "embassy", "mission", "cabinet", "presidency", "department", "service", "staff", "command",
    "agency", "committee", "delegation", "team", "spokesperson's office", "press service",
}  # fmt: skip
TITLE_WORDS = PERSON_HEADS | BODY_HEADS | {
    "vice", "prime", "foreign", "defense", "defence", "press", "presidential", "first",
    "national", "security", "state", "high", "top", "senior", "new", "former", "acting",
    "interim", "permanent", "special", "outgoing", "incoming", "affairs", "interior", "finance",
    "economy", "trade", "justice", "military", "army", "armed", "forces", "intelligence",
    "parliamentary", "united", "nations", "general's", "joint", "chiefs", "supreme", "allied",
    "europe", "european", "house", "white", "public", "deputy", "assistant",
    "principal", "executive", "political", "energy", "economic", "digital", "defense,",
    "majority", "minority", "whip", "chamber", "upper", "lower", "regional", "local", "party",
    "opposition", "ruling", "veteran", "retired", "ex", "then", "current", "newly", "appointed",
    "designate", "elect", "vice-president", "prime-minister", "foreign-policy", "policy",
}  # fmt: skip
CONNECTORS = {"of", "to", "for", "and", "the", "on", "at", "in", "with"}
PRONOUNS = {"he", "she", "they", "it", "we", "i"}
NAME_PARTICLES = {"de", "van", "von", "der", "da", "di", "du", "bin", "al", "la", "le", "del"}
POSSESSIVE_TAIL = re.compile(
    r"^(?P<owner>.+?)['’]s\s+(?P<tail>office|spokesperson|spokesman|spokeswoman|press service|"
    r"press office|ministry|government|administration|team|camp|aide|aides|representative)$"
)
_TOKEN = re.compile(r"\S+")
_NAME_TOKEN = re.compile(r"^[A-ZÀ-Ý][\w’'\-.]*$")


@dataclass(frozen=True)
class Attribution:
    """An attribution phrase read apart. Everything is verbatim from the phrase, or None."""

    phrase: str
    name: str | None = None
    speaker_as_written: str | None = None
    role: str | None = None
    place: Place | None = None
    place_as_written: str | None = None
    body: bool = False  # an institution speaks ("the Kremlin", "Italy's foreign ministry")
    pronoun: bool = False


def _is_demonym_like(alias: str, place: Place) -> bool:
    """A leading place word that qualifies a title ("Czech", "Russia's", "U.S.")."""
    bare = re.sub(r"['’]s$", "", alias)
    if place.kind != "country":
        return False  # "NATO chief", "European Council President" keep their organisation
    return (
        bare == place.name
        or alias != bare
        or bool(re.search(r"(an|ian|ish|ese|i|ch|ic)$", bare))
        or (bare.isupper() and place.kind == "country")
        or (bare.replace(".", "").isupper() and place.kind == "country")
    )


def read_attribution(phrase: str, gazetteer: Gazetteer) -> Attribution | None:
    """Read a phrase that stands before or after a speech verb; None when it names no one."""
    text = phrase.strip().strip(",").strip()
    if not text or len(text) > 140:
        return None
    if text.lower() in PRONOUNS:
        return Attribution(text, pronoun=True)
    article = re.match(r"(?:the|The|an?|An?)\s+", text)
    core = text[article.end() :] if article else text
    owned = POSSESSIVE_TAIL.match(core)
    if owned:
        owner = read_attribution(owned.group("owner"), gazetteer)
        if owner is None or owner.pronoun:
            return None
        if owner.name:
            start = core.index(owner.name)
            return Attribution(
                text,
                owner.name,
                core[start:],
                owner.role,
                owner.place,
                owner.place_as_written,
            )
        return Attribution(
            text, None, core, owner.role, owner.place, owner.place_as_written, body=True
        )

    tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(core)]
    if not tokens or len(tokens) > 14:
        return None
    # Mark the tokens that belong to a place alias ("White House", "Russia's", "U.N.").
    place_hits = gazetteer.find_places(core)
    in_place = set()
    for match, _ in place_hits:
        for i, (start, end, _word) in enumerate(tokens):
            if start >= match.start() and end <= match.end() + 1:
                in_place.add(i)

    def is_title(word: str) -> bool:
        return word.lower().strip(",.") in TITLE_WORDS

    # The name is the run of capitalised, non-title, non-place words at the end.
    i = len(tokens)
    while i > 0:
        word = tokens[i - 1][2]
        if i - 1 in in_place or is_title(word):
            break
        if _NAME_TOKEN.match(word) and not word.endswith("."):
            i -= 1
        elif word.lower() in NAME_PARTICLES and i < len(tokens):
            i -= 1
        elif re.match(r"^[A-Z]\.$", word) and i < len(tokens):  # a middle initial
            i -= 1
        else:
            break
    name_words = tokens[i:]
    while name_words and name_words[0][2].lower() in NAME_PARTICLES:
        name_words = name_words[1:]
        i += 1
    if len(name_words) > 4:
        return None
    prefix = tokens[:i]
    for j, (_s, _e, word) in enumerate(prefix):
        bare = word.lower().strip(",")
        if j in in_place or is_title(word) or bare in CONNECTORS:
            continue
        if re.sub(r"['’]s$", "", bare) in TITLE_WORDS:
            continue
        return None

    place, place_as_written = None, None
    if place_hits:
        match, place = place_hits[0]
        place_as_written = match.group(0)
    prefix_text = core[: tokens[i][0]].strip() if name_words else core
    role_text = prefix_text
    if place_hits and place_hits[0][0].start() == 0 and _is_demonym_like(place_as_written, place):
        role_text = prefix_text[place_hits[0][0].end() :].strip()
    role_text = role_text.strip(" ,") or None

    if name_words:
        name = core[name_words[0][0] : name_words[-1][1]]
        return Attribution(text, name, name, role_text, place, place_as_written)
    if not prefix:
        return None
    words = [w.lower().strip(",.") for j, (_s, _e, w) in enumerate(prefix) if j not in in_place]
    if words and words[-1] in BODY_HEADS:
        return Attribution(text, None, core, None, place, place_as_written, body=True)
    if any(word in PERSON_HEADS for word in words):
        return Attribution(text, None, None, role_text, place, place_as_written)
    if place is not None and len(prefix) - 1 in in_place:
        return Attribution(text, None, core, None, place, place_as_written, body=True)
    return None


def read_source(phrase: str, name: str | None, gazetteer: Gazetteer) -> Attribution | None:
    """Read a located source: `phrase` is its noun phrase, `name` the run of name words in it
    (None for a description such as "a campaign spokesman"). Titles and honorifics are split
    off the name ("Sen. Mary Quinlan (D-Va.)" is Mary Quinlan, role "Sen."). None when the
    phrase names no one who speaks ("the agreement states")."""
    known = read_attribution(phrase, gazetteer)
    if name is None:
        owned = re.search(r"['’]s\s+\S", phrase)  # "Giorgia Meloni's office"
        if known is not None and (not known.name or owned):
            return known  # "a senior official", "Giorgia Meloni's office"
        if phrase.split() and _is_described_head(phrase.split()[-1]):
            return Attribution(phrase)  # "the campaign", "critics": unnamed, words kept
        return None
    words = _name_words(name)
    if not words:
        return None
    if known is not None and known.body and known.place is not None:
        return known  # "the Security Council", "the State Department": a body of a place
    if words[-1].lower() in ORG_HEADS or _names_organisation(words):
        # "Budget Policy Center", "The Lakeside Herald": an organisation's name keeps its words.
        while words and words[0].lower() in ARTICLES:
            words.pop(0)
        full = _as_written(phrase, words)
        return Attribution(phrase, full, full, body=True)
    if len(words) >= 3 and words[0].lower() in DESCRIBED_HEADS | {"rival", "activist"}:
        words = words[1:]  # "Activist Tomas Berg" opening a sentence
    if len(words) == 1 and _is_described_head(words[0]) and not _is_party(words[0]):
        return Attribution(phrase)  # "Critics, including ..., say", "Police said"
    cut = _title_end(words)
    if known is not None and known.body:
        return known  # "the White House press office"
    if cut == len(words) or (cut and len(words) - cut == 1 and words[-1].lower() in LEADING_ROLES):
        # "Former White House Doctor": a role word after titles is no name, whoever reads
        # "Doctor" as one
        return Attribution(phrase, role=" ".join(words))
    if known is not None and known.name == " ".join(words[cut:]):
        return known  # the reader of known titles and places agrees on the name
    if len(words) == 1 and re.search(r"(?:ic|ese|ish)$", words[0]):
        return None  # "Democratic", "Chinese": an adjective, not a name
    return _person(phrase, words, cut, gazetteer)


def _name_words(name: str) -> list[str]:
    """The words of a name run without what is written around the name itself."""
    words = name.split()
    while words and _PARTY_TAG.match(words[-1]):
        words.pop()
    for i, word in enumerate(words):
        # "Ann Lee of Ohio", "Omar Haddad for the Lakeside Herald": a person's name ends before
        # "of"; "Secretary of State" and "Bank of America" keep it.
        if word in ("of", "for") and i >= 2 and words[i - 1].lower() not in TITLE_WORDS | ORG_HEADS:
            words = words[:i]
            break
    owner = [i for i, word in enumerate(words[:-1]) if re.search(r"['’]s$", word)]
    if owner:
        words = words[owner[-1] + 1 :]  # "the Herald’s Ines Vidal"
    if words and re.search(r"['’]s$", words[-1]):
        # "Berg's claim that ...": a reporting noun whose source is its owner.
        words = [*words[:-1], words[-1][:-2]]
    return words


def _person(phrase: str, words: list[str], cut: int, gazetteer: Gazetteer) -> Attribution:
    """A person's name after `cut` title words, with the role and place written before it."""
    name = _as_written(phrase, words)
    full = _as_written(phrase, words[cut:])
    titles = [w for w in words[:cut] if w.lower() not in COURTESY_TITLES]
    prefix = phrase[: phrase.find(name)].strip() if name in phrase else ""
    role = " ".join(w for w in (prefix.split() + titles) if w.lower() not in ARTICLES)
    if not any(_is_role_word(w) for w in role.split()):
        role = ""  # "Many Democrats", "Last week Lopez": no role is written
    place, place_as_written = None, None
    hits = gazetteer.find_places(role) if role else []
    if hits:
        match, place = hits[0]
        place_as_written = match.group(0)
        if match.start() == 0 and _is_demonym_like(place_as_written, place):
            role = role[match.end() :].strip()
    return Attribution(phrase, full, full, role or None, place, place_as_written)


def _names_organisation(words: list[str]) -> bool:
    """ "Commission on Presidential Debates", "Center for Tax Justice": an organisation's head
    word followed by the words that name what it is for."""
    return any(
        word.lower() in ORG_HEADS and words[i + 1] in ("of", "for", "on")
        for i, word in enumerate(words[:-2])
    )


def _as_written(phrase: str, words: list[str]) -> str:
    """The words as the phrase writes them, with its own spaces between them."""
    match = re.search(r"\s+".join(map(re.escape, words)), phrase)
    return match.group(0) if match else " ".join(words)


def _is_described_head(word: str) -> bool:
    bare = word.lower().rstrip(",.")
    return bare in DESCRIBED_HEADS or (bare.endswith("s") and bare[:-1] in DESCRIBED_HEADS)


def _is_party(word: str) -> bool:
    """Party names are proper names: "Democrats said" names its source."""
    return word.lower().rstrip("s,.") in {"democrat", "republican", "conservative", "liberal"}


def _is_role_word(word: str) -> bool:
    bare = re.sub(r"['’]s$", "", word.lower().rstrip(","))
    return bare in TITLE_WORDS or bare in LEADING_ROLES or bare in HONORIFIC_TITLES


def _title_end(words: list[str]) -> int:
    """Where the titles before a name end: after the last title or honorific. A title word
    right after an honorific is a surname ("Mr. King")."""
    cut = 0
    for i, word in enumerate(words):
        bare = word.lower().rstrip(",")
        if bare in TITLE_WORDS or bare in HONORIFIC_TITLES or bare in COURTESY_TITLES:
            cut = i + 1
        elif i == cut and i < len(words) - 1 and bare in LEADING_ROLES:
            cut = i + 1  # "Councillor Tomas Berg": a role written before the name
    honorifics = HONORIFIC_TITLES | COURTESY_TITLES
    if cut == len(words) and len(words) >= 2:
        if words[-2].lower() in honorifics:
            return cut - 1  # "Mr. King"
        if words[-2].lower() not in TITLE_WORDS:
            return _title_end(words[:-1])  # "Charlie King": a surname that is also a title
    return cut


_PARTY_TAG = re.compile(r"^\([A-Z][\w.]*(?:-[\w. ]+)?\),?$")
HONORIFIC_TITLES = {"sen.", "rep.", "gov.", "gen.", "lt.", "col.", "sgt.", "capt.", "rev.",
                    "prof.", "adm.", "maj.", "cmdr.", "atty.", "amb.", "sens.", "reps."}  # fmt: skip
COURTESY_TITLES = {"mr.", "mrs.", "ms.", "dr.", "miss", "mr", "mrs", "ms"}
ARTICLES = {"the", "a", "an"}
# Nouns for people and groups that speak, beyond the titles: "the campaign", "critics".
DESCRIBED_HEADS = {
    "campaign", "critic", "supporter", "opponent", "police", "analyst", "expert", "aide",
    "adviser", "advisor", "resident", "voter", "protester", "activist", "lawyer", "authorities",
    "investigator", "observer", "economist", "researcher", "scientist", "historian", "pollster",
    "strategist", "donor", "group", "organization", "organisation", "company", "firm",
    "network", "newspaper", "paper", "man", "woman", "people", "person", "friend", "neighbor",
    "neighbour", "candidate", "nominee", "questioner", "moderator", "host", "anchor",
    "reporter", "correspondent", "columnist", "editor", "writer", "author", "professor",
    "veteran", "worker", "employee", "executive", "founder", "owner", "manager", "ceo",
    "mother", "father", "son", "daughter", "wife", "husband", "family", "witness", "victim",
    "student", "teacher", "doctor", "physician", "nurse", "officer", "soldier", "union",
    "spokesperson", "spokesman", "spokeswoman", "representative", "lawmaker", "legislator",
    "senator", "congressman", "congresswoman", "governor", "mayor", "president", "minister",
    "official", "leader", "chairman", "chairwoman", "director", "agency", "department",
    "administration", "government", "ministry", "office", "committee", "board", "court",
    "judge", "prosecutor", "attorney", "sheriff", "chief", "commissioner", "member", "staff",
    "team", "party", "democrat", "republican", "conservative", "liberal", "pundit", "commentator",
    "blogger", "journalist", "insider", "source", "diplomat", "envoy", "ambassador",
    "businessman", "businesswoman", "staffer", "operative", "speechwriter", "announcer",
    "consultant", "lobbyist", "organizer", "organiser", "surrogate", "demonstrator",
    "bank", "fund", "foundation", "institute", "association", "coalition", "alliance",
    "university", "hospital", "studio", "magazine", "website", "station",
}  # fmt: skip
# Roles that may stand, capitalised, before a name, beyond the titles.
LEADING_ROLES = DESCRIBED_HEADS | {
    "councillor", "councilor", "councilman", "councilwoman", "alderman", "assemblyman",
    "assemblywoman", "delegate", "sheriff", "coach", "bishop", "rabbi", "imam", "pastor",
    "reverend", "dean", "provost", "superintendent", "inspector", "constable", "detective",
    "trooper", "marshal", "comptroller", "treasurer", "auditor", "justice", "magistrate",
}  # fmt: skip
# Last words of an organisation's name.
ORG_HEADS = {
    "center", "centre", "committee", "commission", "institute", "council", "department",
    "party", "university", "foundation", "association", "union", "agency", "bureau", "board",
    "court", "service", "group", "network", "times", "post", "journal", "news", "press",
    "tribune", "herald", "magazine", "corporation", "company", "bank", "fund", "coalition",
    "alliance", "league", "federation", "society", "organization", "organisation", "ministry",
    "administration", "office", "campaign", "caucus", "project", "program", "programme",
    "inc.", "corp.", "co.", "llc", "ltd", "reuters", "globe", "daily", "review", "gazette",
}  # fmt: skip
