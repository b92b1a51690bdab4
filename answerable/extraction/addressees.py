"""Who a recommendation is addressed to, from the words before its first "should".

"By 31 December 2024, chief constables and the College of Policing should…" is addressed to
"Chief constables" and "College of Policing"; "The Chair and Panel recommend that the Home
Office and the Ministry of Justice commission…" to "Home Office" and "Ministry of Justice".
These are suggestions for the person importing to match to organisations; nothing is matched
here.
"""

import re

SHOULD = re.compile(
    r"(?:^|[.;:(]\s*|\n)(?P<subject>[^.;:()\n]{2,300}?)\s+"
    r"(?:should|must|needs? to)\b(?:\s+(?P<verb>\w+))?"
)
# "recommend that the Ministry of Justice, Home Office and Attorney General commission…":
# names in capitals, joined by commas and "and", up to the first word in lower case.
RECOMMEND_NAMES = re.compile(
    r"\brecommends?\s+that\s+(?P<subject>(?:the\s+)?[A-Z][\w'’&-]*"
    r"(?:(?:\s+|,\s*|\s+and\s+|\s+(?:of|for|the)\s+)[A-Z][\w'’&-]*)*)\s+(?!should)[a-z]"
)
RECOMMENDS_THAT = re.compile(r"^.*\brecommends?\s+(?:that\s+)?", re.IGNORECASE)
# "By 31 December 2024, …", "Within six months, …", "Immediately …"
LEAD_CLAUSE = re.compile(
    r"^(?:(?:by|before|no later than|from)\b[^,]*,\s*"
    r"|(?:within|in|over)\s+(?:the\s+next\s+)?(?:\w+\s+){0,2}(?:days?|weeks?|months?|years?)\b,?\s*"
    r"|immediately,?\s*)",
    re.IGNORECASE,
)
SEPARATORS = re.compile(r",\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+")
ARTICLES = re.compile(r"^(?:the|all|each|every|relevant|individual|our)\s+", re.IGNORECASE)
# A subject with one of these is a clause, not a list of names ("…know when they should").
CLAUSE_WORDS = frozenset(
    {"so", "when", "what", "which", "that", "because", "if", "where", "who", "whether", "to"}
)
NOT_NAMES = frozenset({"it", "they", "this", "these", "there", "we", "you", "he", "she"})
MAX_WORDS = 9


def addressees_from_text(text: str) -> list[str]:
    """The organisations or office-holders the text first says should act."""
    candidates = [
        (match.start("subject"), match["subject"])
        for match in SHOULD.finditer(text)
        if (match["verb"] or "").casefold() != "be"  # "The law should be changed": not an addressee
    ]
    candidates += [(m.start("subject"), m["subject"]) for m in RECOMMEND_NAMES.finditer(text)]
    for _, subject in sorted(candidates):
        names = _names(subject)
        if names:
            return names
    return []


def _names(subject: str) -> list[str]:
    subject = LEAD_CLAUSE.sub("", RECOMMENDS_THAT.sub("", subject.strip()))
    if CLAUSE_WORDS & set(subject.casefold().split()):
        return []
    names: list[str] = []
    for part in SEPARATORS.split(subject):
        name = part.strip()
        while ARTICLES.match(name):
            name = ARTICLES.sub("", name)
        if not name or name.casefold() in NOT_NAMES or len(name.split()) > MAX_WORDS:
            continue
        name = name[0].upper() + name[1:]
        if name not in names:
            names.append(name)
    return names
