"""Find the rows of a report's pages that are not its own text: running headers and
footers, page numbers and the footnotes at the foot of a page."""

import math
import re
from collections import Counter

from answerable.extraction.pdf_rows import FOOTNOTE_MARKS, SUPERSCRIPT_DIGITS, Row

PAGE_NUMBER = re.compile(
    r"(?:page\s+)?(?:\d{1,4}|[ivxlcdm]{1,7})(?:\s*(?:of|/)\s*\d{1,4})?", re.IGNORECASE
)
ITEM_LABEL = re.compile(r"recommendation|cause of concern|area for improvement", re.IGNORECASE)
ITEM_START = re.compile(ITEM_LABEL.pattern + r"\s+\d", re.IGNORECASE)


def running_rows(pages: list[tuple[float, float, list[Row]]], body_size: float) -> set[int]:
    """The running headers and footers, and page numbers, in the top and bottom margins.

    A header or footer either repeats on many pages (numbers aside, so "Page 3 of 40" and
    "Chapter 3" repeat) or, when it names each chapter, stands apart from the page's text,
    at about the same height, on most pages.
    """
    seen: Counter[tuple[str, int]] = Counter()
    apart: list[set[tuple[bool, int]]] = []  # each page's rows standing apart: (top, height)
    candidates: list[tuple[Row, tuple[str, int], tuple[bool, int] | None]] = []
    for _width, height, rows in pages:
        keys, page_apart = set(), set()
        for index, row in enumerate(rows):
            top, bottom = row.top < 0.12 * height, row.bottom > 0.88 * height
            if not (top or bottom):
                continue
            text = row.text().casefold()
            # "Recommendation 4" atop one page and "Recommendation 9" atop another are items,
            # not a running header: their numbers count.
            if not ITEM_LABEL.match(text):
                text = re.sub(r"\d+", "#", text)
            key = (text, round(row.top / 3))
            place = None
            if not ITEM_START.match(text) and _stands_apart(
                rows, index, height, body_size, downwards=top
            ):
                place = (top, round(row.top))
                page_apart.add(place)
            candidates.append((row, key, place))
            keys.add(key)
        seen.update(keys)
        apart.append(page_apart)
    repeats = max(2, math.ceil(0.25 * len(pages)))
    usual = max(3, math.ceil(0.5 * len(pages)))
    # A margin box centres its text, so a header set on two lines on some pages sits a little
    # higher there: "about the same height" is within a text height.
    reach = round(body_size)
    near: dict[tuple[bool, int], int] = {}
    for place in {place for page in apart for place in page}:
        top, at = place
        near[place] = sum(
            1
            for page in apart
            if any(side == top and abs(other - at) <= reach for side, other in page)
        )
    return {
        id(row)
        for row, key, place in candidates
        if seen[key] >= repeats
        or (place is not None and near[place] >= usual)
        or PAGE_NUMBER.fullmatch(row.text())
    }


def _stands_apart(
    rows: list[Row], index: int, height: float, body_size: float, *, downwards: bool
) -> bool:
    """Whether the row, with any margin rows close to it (a header set on two lines), is
    two text heights or more away from the page's text, towards the middle of the page."""
    step = 1 if downwards else -1
    row = rows[index]
    while 0 <= index + step < len(rows):
        following = rows[index + step]
        gap = following.top - row.bottom if downwards else row.top - following.bottom
        in_margin = following.top < 0.12 * height if downwards else following.bottom > 0.88 * height
        if gap >= 2 * body_size:
            return True
        if not in_margin:
            return False
        index, row = index + step, following
    return False  # nothing else on the page to stand apart from


def without_footnotes(rows: list[Row], body_size: float, height: float) -> list[Row]:
    """Drop the footnotes: rows in a smaller font below the page's last row of body text,
    the first of them starting with a footnote's number or mark."""
    last_body = max(
        (i for i, row in enumerate(rows) if row.size >= 0.95 * body_size), default=len(rows)
    )
    tail = rows[last_body + 1 :]
    if tail and tail[0].chars[0].text[0] in FOOTNOTE_MARKS | SUPERSCRIPT_DIGITS:
        return rows[: last_body + 1]
    return rows
