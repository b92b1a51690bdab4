"""Mend the words a report's typesetting broke at a line's end, keeping its own hyphens."""

import re

from answerable.extraction.pdf_rows import HYPHENS, SOFT_HYPHEN
from answerable.extraction.pdf_text import Line

# In the vocabulary when the report breaks words with a hyphen character of its own.
TYPESET_HYPHENS = " typeset hyphens"
WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def vocabulary(lines: list[Line]) -> set[str]:
    """Every word the report prints whole, to tell a word broken at a line's end from a
    hyphenated one ("exploit-ation" or "group-based")."""
    words: set[str] = set()
    for line in lines:
        found = WORD.findall(line.text)
        if line.text.endswith((*HYPHENS, SOFT_HYPHEN)):
            words.add(TYPESET_HYPHENS)
        if found and line.text.endswith(("-", *HYPHENS, SOFT_HYPHEN)):
            found = found[:-1]
        for word in found:
            word = word.casefold()
            words.add(word)
            if "-" in word:
                words.update(word.split("-"))
    return words


def join_lines(texts: list[str], vocabulary: set[str]) -> str:
    """Join a paragraph's lines, mending the words hyphenated at a line's end."""
    joined = ""
    for text in texts:
        if not joined:
            joined = text
            continue
        mark = joined[-1]
        if mark in ("-", SOFT_HYPHEN, *HYPHENS):
            head = re.search(r"([^\W\d_]+)$", joined[:-1])
            tail = re.match(r"[^\W\d_]+", text)
            keep = not (head and tail) or _keeps_hyphen(head[1], tail[0], mark, vocabulary)
            joined = joined[:-1] + ("-" if keep else "") + text
        elif joined.endswith("/") and not joined.endswith(" /"):
            joined += text  # "victim/alleged-abuser", broken after its slash
        else:
            joined = f"{joined} {text}"
    return joined


def _keeps_hyphen(head: str, tail: str, mark: str, vocabulary: set[str]) -> bool:
    whole, hyphenated = (head + tail).casefold(), f"{head}-{tail}".casefold()
    if whole in vocabulary:
        return False
    if hyphenated in vocabulary:
        return True
    if mark == SOFT_HYPHEN or mark in HYPHENS:
        return False  # a hyphen the typesetter put in to break the word
    if TYPESET_HYPHENS in vocabulary or tail[0].isupper():
        # The typesetter breaks words with its own hyphen character, or never before a
        # capital ("Plain-English"): this one is the report's.
        return True
    return head.casefold() in vocabulary and tail.casefold() in vocabulary
