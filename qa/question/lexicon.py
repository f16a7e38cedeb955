"""Words a question uses for what the corpus says in other words: role titles and their
paraphrases, topic synonyms, and names matched as people type them (typos, transliterations).
Question reading and filters share this one table of knowledge."""

from __future__ import annotations

import re

from qa.corpus.names import normal_role

# Generic words for a role, each standing for the titles that fill it.
ROLE_SYNONYMS = {
    "chief": ("secretary general", "president", "prime minister", "head", "chief", "leader",
              "chancellor", "director"),
    "leader": ("president", "prime minister", "leader", "chancellor", "head", "secretary general"),
    "head": ("head", "chief", "secretary general", "president", "director"),
    "boss": ("head", "chief", "secretary general", "president", "director"),
    "envoy": ("representative", "envoy", "ambassador"),
    "representative": ("representative", "envoy", "ambassador"),
    "ambassador": ("representative", "envoy", "ambassador"),
    "diplomat": ("diplomat", "foreign minister", "representative", "envoy", "ambassador"),
    "spokesperson": ("spokesperson", "spokesman", "spokeswoman", "press secretary"),
    "spokesman": ("spokesperson", "spokesman", "spokeswoman", "press secretary"),
    "spokeswoman": ("spokesperson", "spokesman", "spokeswoman", "press secretary"),
    "premier": ("prime minister", "premier"),
    "pm": ("prime minister", "premier"),
    "lawmaker": ("congressman", "congresswoman", "senator", "lawmaker", "mp"),
    "congressman": ("congressman", "congresswoman", "lawmaker"),
    "defence": ("defense", "defence"),
    "aide": ("aide", "adviser", "advisor", "office", "chief of staff", "spokesperson",
             "spokesman", "spokeswoman", "deputy"),
    "adviser": ("adviser", "advisor", "aide", "office"),
    # A ministry speaks through its minister or its spokesperson ("Foreign Ministry spokesperson")
    "ministry": ("ministry", "minister"),
    "advisor": ("adviser", "advisor", "aide", "office"),
}  # fmt: skip

# Multi-word paraphrases of a title, read before single role words: each becomes the role word
# (a key of ROLE_SYNONYMS or a title word) that stands for it.
ROLE_PHRASES = {
    "head of government": "premier",
    "head of state": "president",
    "chief of staff": "presidential office",
    "top diplomat": "diplomat",
    "chief diplomat": "diplomat",
    "foreign-policy chief": "foreign minister",
    "foreign policy chief": "foreign minister",
    "defence chief": "defense minister",
    "defense chief": "defense minister",
    "defence secretary": "defense minister",
    "defense secretary": "defense minister",
    "secretary-general": "secretary general",
    "sec gen": "secretary general",
    "sec-gen": "secretary general",
    "press secretary": "press secretary",
    "prime minister": "prime minister",
    "fm": "foreign minister",
    "foreign secretary": "foreign minister",
    "foreign affairs minister": "foreign minister",
    "minister of foreign affairs": "foreign minister",
    "minister for foreign affairs": "foreign minister",
    "minister of defence": "defense minister",
    "minister of defense": "defense minister",
    "defmin": "defense minister",
}

# Words that ask, not what is asked about: they never belong to a topic.
QUESTION_WORDS = {
    "what", "did", "does", "do", "has", "have", "had", "is", "are", "was", "were", "who", "whom",
    "when", "where", "which", "how", "about", "regarding", "concerning", "on", "the", "me", "us", "any", "anything", "something",
    "statement", "statements", "quote", "quotes", "position", "view", "views", "stance", "of",
    "and", "what's", "whats", "according", "to", "from", "by", "in", "at", "during", "comment", "comments", "remarks", "official", "someone", "somebody", "anyone", "person",
    "there", "a", "an", "it", "its", "their", "his", "her", "s", "show", "list", "give", "find",
    "all", "every", "please", "can", "you", "i", "want", "know", "also", "ever", "else", "again", "same", "for",
    "happen", "happened", "happening", "news", "going", "latest", "new", "been", "will",
    "everything", "everyone", "everybody", "much", "many", "he", "she", "they", "him", "them",
    "would", "could", "should", "this", "that", "these", "those", "only", "just", "now", "but",
    "tell", "say", "said", "says", "talk", "talked", "speak", "spoke", "report", "reported",
    "reports", "mentioned", "mention",
    # honorifics before a name ("Mr. Rutte"): the name is who, the title is nothing
    "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "dr", "dr.", "mister", "madam", "madame", "sir",
}  # fmt: skip

# Other names of a place or organisation that only questions use ("the bloc").
PLACE_WORDS = {"the bloc": "European Union", "the union": "European Union"}


# Words that place a question in time without a date ("so far", "lately"): not its topic.
TIME_FILLERS = re.compile(
    r"\b(?:so far|to date|until now|up to now|till now|up until now|lately|recently|of late|"
    r"in recent (?:days|weeks|months)|in general|generally|overall|at all|publicly|in public|"
    r"on the record|ever|exactly|actually|really|"
    r"(?:on\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)(?=,?\s+\w+\.?\s+\d))\b",
    re.IGNORECASE,
)

# Topic words that meet though the statements say them otherwise. A question word in a group
# also searches for the group's other words.
TOPIC_GROUPS = (
    ("troops", "soldiers", "forces", "peacekeepers", "peacekeeping", "boots", "contingents",
     "deployment", "deploy"),
    ("army", "military"),
    ("ceasefire", "truce", "armistice", "hostilities"),
    ("war", "conflict", "fighting", "combat"),
    ("observers", "monitors"),
    ("sanctions", "penalties", "embargo"),
    ("plane", "airliner", "aircraft", "jet"),
    ("compensation", "reparations", "damages"),
    ("territories", "territory"),
    ("sovereign", "sovereignty", "independence"),
    ("support", "aid", "assistance", "backing"),
    ("elections", "election", "ballot"),
    ("membership", "accession", "join", "joining", "entering"),
    ("guarantees", "guarantee", "assurances", "protection"),
    ("airspace", "sky", "skies", "air"),
    ("minerals", "mineral", "resources"),
    ("talks", "negotiations", "conversations", "dialogue", "discuss"),
    ("weapons", "arms", "shipments"),
    ("money", "funding", "million", "finance"),
    ("invasion", "invade", "aggression", "attack"),
    ("investment", "investors", "invest"),
    ("deal", "agreement", "accord"),
    ("settlement", "treaty"),
)  # fmt: skip
_GROUP_OF = {word: group for group in TOPIC_GROUPS for word in group}

# How close a typed name must be to a corpus name (Jaro-Winkler similarity, 0..1).
NAME_SIMILARITY = 0.87
# How close the surname of a typed full name must be to the corpus name's, as typed or once
# transliterations are folded.
SURNAME_SIMILARITY = 0.75


# Words that make a title another office than the one without them: a deputy foreign minister
# is not the foreign minister, a vice president not the president, a former one not the one.
OFFICE_MODIFIERS = frozenset({"deputy", "vice", "acting", "assistant", "former", "ex"})


def role_matches(words: tuple[str, ...], role_text: str) -> bool:
    """Whether a normalised role title is the office asked for: it has every word asked (or
    one each stands for), and no word that changes the office unless that was asked too."""
    changed = (set(re.split(r"[\s\-]+", role_text)) & OFFICE_MODIFIERS) - set(words)
    return not changed and all(role_word_matches(w, role_text) for w in words)


def role_word_matches(word: str, role_text: str) -> bool:
    """Whether a normalised role title contains a role word asked for, or one it stands for."""
    options = ROLE_SYNONYMS.get(word, (word,))
    padded = f" {role_text} "
    # "aide" asked finds "mcconnell aides": the plural of a title holds the title
    return any(
        f" {normal_role(option)} " in padded or f" {normal_role(option)}s " in padded
        for option in options
    )


def topic_expansion(words: list[str]) -> list[str]:
    """The synonyms of the topic's words that the topic does not already have."""
    have = {w.lower() for w in words}
    extra: list[str] = []
    for word in words:
        for other in _GROUP_OF.get(word.lower(), ()):
            if other not in have and other not in extra:
                extra.append(other)
    return extra


def closest_name(typed: str, names: dict[str, str], minimum: int = 4) -> str | None:
    """The corpus name (a value of `names`, keyed by lower-cased alias) a typed word or two
    stands for, when it is close enough and starts with the same letter, or is closer still
    once transliteration differences are folded."""
    word = re.sub(r"['’]s$", "", typed.strip()).lower()
    if len(word) < minimum or not names:
        return None
    from rapidfuzz import process  # loaded on the first name not found as typed
    from rapidfuzz.distance import JaroWinkler

    typed_words = word.split()

    def comparable(alias: str) -> bool:
        """One typed word is a surname or alias, not a given name ("Mark" is not Mark Rutte);
        a typed full name needs a surname like the corpus name's ("Petr Fiala" is not Petr
        Pavel, "Melani Zholi" is Melanie Joly)."""
        parts = alias.split()
        if len(typed_words) == 1 or len(parts) == 1:
            return len(typed_words) > 1 or len(parts) == 1
        typed_last, last = typed_words[-1], parts[-1]
        return (
            max(
                JaroWinkler.normalized_similarity(typed_last, last),
                JaroWinkler.normalized_similarity(transliterated(typed_last), transliterated(last)),
            )
            >= SURNAME_SIMILARITY
        )

    found = process.extractOne(
        word,
        [alias for alias in names if alias[:1] == word[:1] and comparable(alias)],
        scorer=JaroWinkler.normalized_similarity,
        score_cutoff=NAME_SIMILARITY,
    )
    if found:
        return names[found[0]]
    # Another transliteration may change the first letter ("Selenskyj", "Ermak"): compared
    # as the sounds are spelt across alphabets, a closer match is asked for.
    folded = {
        transliterated(alias): alias for alias in names if len(alias) >= 5 and comparable(alias)
    }
    found = process.extractOne(
        transliterated(word),
        list(folded),
        scorer=JaroWinkler.normalized_similarity,
        score_cutoff=TRANSLITERATED_SIMILARITY,
    )
    return names[folded[found[0]]] if found and len(word) >= 5 else None


# Spellings of one sound across transliterations, folded to one.
_SOUNDS = (("shch", "sc"), ("kh", "h"), ("zh", "z"), ("sch", "s"), ("ts", "c"), ("tz", "c"),
           ("ck", "k"), ("ph", "f"), ("ou", "u"), ("w", "v"), ("j", "i"), ("y", "i"), ("c", "k"),
           ("s", "z"), ("ii", "i"))  # fmt: skip
# How close a name must be once transliterated, when its first letter differs.
TRANSLITERATED_SIMILARITY = 0.9


def transliterated(name: str) -> str:
    """A name with the letters transliterations disagree on folded ("Selenskyj" and
    "Zelensky" both become "zelenzki"); accents dropped."""
    import unicodedata

    text = unicodedata.normalize("NFKD", name.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    for spelt, sound in _SOUNDS:
        text = text.replace(spelt, sound)
    return text


def edits(a: str, b: str) -> int:
    """Letters to insert, delete, change or swap with a neighbour to turn one word into the
    other (optimal string alignment distance)."""
    rows = [list(range(len(b) + 1))]
    for i, ca in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            row[j] = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def closest_word(typed: str, words) -> str | None:
    """The one word of `words` a typed word is a slip of ("presdient", "minster", "foriegn"):
    same first letter, one edit in a word of up to seven letters, two in a longer one."""
    word = typed.lower()
    if len(word) < 6 or word in words:
        return None
    allowed = 1 if len(word) < 8 else 2
    found = {w for w in words if w[:1] == word[:1] and abs(len(w) - len(word)) <= allowed
             and edits(word, w) <= allowed}  # fmt: skip
    return found.pop() if len(found) == 1 else None
