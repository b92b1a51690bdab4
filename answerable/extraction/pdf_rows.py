"""Group a page's characters into rows of text, as `pdf_text` reads them.

Characters whose middles are level make a row, read left to right; letters set together in
one font are joined into one piece of text, and footnote markers (digits in a smaller raised
font) are dropped. Text is NFKC-normalised, so ligatures (ﬁ, ﬂ) become their letters.
"""

import math
import unicodedata
from collections import Counter
from dataclasses import dataclass

from answerable.extraction.pdf_device import Char

HYPHENS = "\u2010\u2011"
SOFT_HYPHEN = "\u00ad"
FOOTNOTE_MARKS = frozenset("0123456789*†‡§¶")
SUPERSCRIPT_DIGITS = frozenset("⁰¹²³⁴⁵⁶⁷⁸⁹")


@dataclass
class Row:
    page: int
    chars: list[Char]
    top: float = 0.0
    bottom: float = 0.0
    size: float = 0.0

    def measure(self) -> None:
        body = [c for c in self.chars if c.size >= self.size * 0.8] or self.chars
        self.top = min(c.top for c in body)
        self.bottom = max(c.bottom for c in body)

    def text(self) -> str:
        return _text(self.chars)

    def words(self) -> list[tuple[float, float]]:
        """The x extent of each word, split where the gap between letters is a space."""
        spans: list[tuple[float, float]] = []
        start, end = self.chars[0].x0, self.chars[0].x1
        for char in self.chars[1:]:
            if char.x0 - end > _space(char):
                spans.append((start, end))
                start = char.x0
            end = max(end, char.x1)
        spans.append((start, end))
        return spans


def _space(char: Char) -> float:
    return 0.18 * char.size


def _text(chars: list[Char]) -> str:
    parts: list[str] = []
    end = None
    for char in chars:
        if end is not None and char.x0 - end > _space(char):
            parts.append(" ")
        parts.append(char.text)
        end = char.x1 if end is None else max(end, char.x1)
    text = unicodedata.normalize("NFKC", "".join(parts))
    # A hyphen inside a line is a hyphen, whichever of the hyphen characters the font drew;
    # at the end of a line it may be a word broken in two, which the finder decides.
    body, last = text[:-1], text[-1:]
    body = body.replace(SOFT_HYPHEN, "")
    for hyphen in HYPHENS:
        body = body.replace(hyphen, "-")
    return " ".join((body + last).split())


def modal(values: list[float]) -> float:
    return Counter(round(v * 2) / 2 for v in values).most_common(1)[0][0] if values else 0.0


def page_rows(page: int, chars: list[Char]) -> list[Row]:
    """Group characters whose middles are level into rows, left to right."""
    rows: list[Row] = []
    anchor = tolerance = -math.inf
    current: list[Char] = []
    for char in sorted(chars, key=lambda c: (c.top + c.bottom) / 2):
        middle = (char.top + char.bottom) / 2
        if middle - anchor > tolerance:
            if current:
                rows.append(Row(page, current))
            current, anchor, tolerance = [], middle, 0.45 * char.size
        current.append(char)
    if current:
        rows.append(Row(page, current))
    for row in rows:
        row.chars.sort(key=lambda c: c.x0)
        row.size = modal([c.size for c in row.chars])
        row.chars = _runs(_without_footnote_marks(row.chars, row.size))
        if row.chars:
            row.measure()
    return [row for row in rows if row.chars]


def _runs(chars: list[Char]) -> list[Char]:
    """Join letters set together in one font into one piece of text: a row of words is read
    and compared far faster than a row of letters."""
    runs: list[Char] = []
    run: list[Char] = []
    right = 0.0
    for char in chars:
        if run and (char.size, char.bold) == run[0][4:6] and char.x0 - right <= _space(char):
            right = max(right, char.x1)
        elif run:
            runs.append(_run(run, right))
            run, right = [], char.x1
        else:
            right = char.x1
        run.append(char)
    if run:
        runs.append(_run(run, right))
    return runs


def _run(chars: list[Char], right: float) -> Char:
    if len(chars) == 1:
        return chars[0]
    first = chars[0]
    top, bottom = min(c.top for c in chars), max(c.bottom for c in chars)
    return Char(first.x0, right, top, bottom, first.size, first.bold, "".join(c[6] for c in chars))


def _without_footnote_marks(chars: list[Char], size: float) -> list[Char]:
    """Drop footnote markers: digits set smaller than the row's text and raised above it."""
    body = [c for c in chars if c.size >= size * 0.8]
    if not body or len(body) == len(chars):
        return [c for c in chars if c.text not in SUPERSCRIPT_DIGITS]
    middle = modal([(c.top + c.bottom) / 2 for c in body])
    return [
        c
        for c in chars
        if c.text not in SUPERSCRIPT_DIGITS
        and not (
            c.size < size * 0.8
            and c.text in FOOTNOTE_MARKS
            and (c.top + c.bottom) / 2 < middle - 0.1 * size
        )
    ]
