"""A recommendation's text as the words that say what it asks for (the lexical backend).

Words are lower-cased, stripped of the words every recommendation uses ("should", "ensure",
"within six months") and cut to a rough stem, so "supervision" and "supervisory", or
"information-sharing" and "share information", meet. Deliberately small: the stemmer only
has to make the same cut for two forms of a word, not produce a dictionary word (ADR 0014).
"""

import re
from collections import Counter

_WORD = re.compile(r"[a-z]+")

# English function words, and the words of the genre: who is told, how urgently, by when,
# and the finding's kind ("cause of concern", "area for improvement").
_STOPWORDS_TEXT = """
    a about above after again against all also an and any are as at be because been before
    being below between both but by can could did do does doing down during each either few
    for from further had has have having he her here hers him his how i if in into is it its
    itself just may me might more most much must my no nor not now of off on once only or
    other our ours out over own per same shall she should so some such than that the their
    them then there these they this those through to too under until up upon us very was we
    were what when where whether which while who whom why will with within would you your
    recommend recommends recommended recommendation recommendations hmic hmicfrs ensure
    make makes sure immediately month months year years week weeks day days january february
    march april may june july august september october november december force forces
    cause causes concern concerns area areas improvement improvements outstanding related
    one two three four five six seven eight nine ten eleven twelve
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())

# Plural and irregular forms the suffix rules below would not bring together.
_IRREGULAR = {"children": "child", "people": "person", "women": "woman", "men": "man"}

# Longest first: the first that leaves a stem of at least four letters is cut.
_SUFFIXES = (
    "isations",
    "izations",
    "isation",
    "ization",
    "ational",
    "fulness",
    "iveness",
    "ations",
    "ements",
    "ation",
    "ement",
    "ments",
    "ities",
    "ories",
    "ment",
    "ings",
    "ions",
    "ness",
    "ives",
    "ity",
    "ory",
    "ing",
    "ion",
    "ive",
    "ers",
    "ies",
    "er",
    "es",
    "ed",
    "ly",
    "al",
    "s",
    "e",
)
_MIN_STEM = 4


def stem(word: str) -> str:
    """Cut a common English suffix from `word`, keeping at least four letters."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            word = word[: -len(suffix)]
            break
    # "sharing" -> "shar" and "share" -> "shar": drop the e left before a cut suffix too.
    if word.endswith("e") and len(word) > _MIN_STEM:
        word = word[:-1]
    return word


def terms(text: str) -> dict[str, int]:
    """The stemmed words of `text` that carry meaning, with how often each occurs."""
    words = (word for word in _WORD.findall(text.lower()) if len(word) > 2)
    return dict(Counter(stem(word) for word in words if word not in STOPWORDS))


# The preambles that say who recommends and by when, not what is asked: "HMIC recommends that
# within six months the force should:", "By 31 December 2024, ", "Recommendation (same cause of
# concern):". Left in, they make two unrelated HMIC asks look alike to the model.
_PREAMBLE = re.compile(
    r"^(?:(?:outstanding\s+)?recommendation\b[^:]*:\s*)?"
    r"(?:by\s+\d{1,2}\s+\w+\s+\d{4},\s*)?"
    r"(?:hmic(?:frs)?\s+recommends\s+that\s+)?"
    r"(?:within\s+\w+\s+months\s+)?"
    r"(?:the\s+force\s+should(?:\s+immediately)?\s*:\s*)?",
    re.IGNORECASE,
)


def ask(text: str) -> str:
    """`text` without its leading preamble (the sentence-embedding backend's input)."""
    return _PREAMBLE.sub("", text.strip(), count=1) or text
