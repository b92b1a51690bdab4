"""Read a report PDF's pages into lines of text in reading order.

Each page's characters (read by pdfminer, pdfplumber's engine, with a faster reading of
the content, `pdf_content`, and a small device of our own, `pdf_device`) are grouped into
rows by height, then the rows that are not the report's own text are dropped: running
headers and footers (the same words at the same place on many pages, numbers aside, or a
chapter's title standing apart at the top of most pages), page numbers, footnote markers
(digits in a smaller raised font) and the footnotes at the foot of a page. A page set in two
columns is read left column first, split where a gap runs down the page between them; a
full-width row (a heading across both columns) ends one band of columns and starts the
next. Text is NFKC-normalised, so ligatures (ﬁ, ﬂ) become their letters.
"""

import io
import logging
import math
import multiprocessing
import re
import unicodedata
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import repeat
from typing import Any, NamedTuple

import pdfplumber
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfpage import PDFPage
from pdfplumber.utils.exceptions import PdfminerException

from answerable.extraction.pdf_content import ContentInterpreter
from answerable.extraction.pdf_device import Char, CharDevice

# A 300-page report takes 6-8 s of one core to read (bench/extraction.py); a file
# longer than this is an archive, not a report.
MAX_PAGES = 500
# Shorter reports are read faster in one process than by starting others.
PARALLEL_FROM_PAGES = 40
# Below this many characters a page, on average, the PDF is pictures of pages (a scan).
MIN_CHARS_PER_PAGE = 20
HYPHENS = "\u2010\u2011"
SOFT_HYPHEN = "\u00ad"
FOOTNOTE_MARKS = frozenset("0123456789*†‡§¶")
SUPERSCRIPT_DIGITS = frozenset("⁰¹²³⁴⁵⁶⁷⁸⁹")
PAGE_NUMBER = re.compile(
    r"(?:page\s+)?(?:\d{1,4}|[ivxlcdm]{1,7})(?:\s*(?:of|/)\s*\d{1,4})?", re.IGNORECASE
)
ITEM_LABEL = re.compile(r"recommendation|cause of concern|area for improvement", re.IGNORECASE)
ITEM_START = re.compile(ITEM_LABEL.pattern + r"\s+\d", re.IGNORECASE)
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Line:
    """One line of a column, with what the finder needs to tell headings and paragraphs apart."""

    page: int
    text: str
    size: float
    bold: bool
    # The whitespace above it is wider than between the lines of a paragraph.
    paragraph_start: bool = False
    # First line of a page or column: whether a paragraph starts here cannot be seen.
    block_start: bool = False
    # Reaches the column's right edge, as every line of a paragraph but its last does.
    fills_width: bool = True


@dataclass
class _Row:
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


def _modal(values: list[float]) -> float:
    return Counter(round(v * 2) / 2 for v in values).most_common(1)[0][0] if values else 0.0


def reading_error(message: str, name: str, code: str) -> ValidationError:
    """The error for a file, its message naming it: `message` has a %(name)s."""
    return ValidationError(message % {"name": name}, code=code)


def read_lines(content: bytes, *, name: str, workers: int = 1) -> list[Line]:
    """Every line of the report's own text in reading order; refuse a PDF that has none.

    With `workers` above 1, a long report's pages are read in that many processes at once.
    Raises ValidationError for a PDF that needs a password, has more than MAX_PAGES pages,
    has no text layer (a scan) or cannot be read.
    """
    try:
        pages = _pages(content, name=name, workers=workers)
    except ValidationError:
        raise
    except Exception as error:  # noqa: BLE001 - pdfminer raises many kinds on a broken file
        logger.info("Cannot read PDF %s: %r", name, error)
        raise reading_error(
            _(
                "The file %(name)s is damaged or is not the PDF file it seems to be. Open it, "
                "save it again as PDF and try the saved copy"
            ),
            name,
            "unreadable",
        ) from None
    return _lines(pages)


def _pages(content: bytes, *, name: str, workers: int) -> list[tuple[float, float, list[_Row]]]:
    count = _page_count(content, name)
    if workers > 1 and count >= PARALLEL_FROM_PAGES:
        step = math.ceil(count / workers)
        ranges = [(first, min(first + step, count)) for first in range(0, count, step)]
        # Forked, the workers start at once with the code loaded; a worker that dies on a
        # hostile file fails this read, not the process.
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=len(ranges), mp_context=context) as pool:
            parts = list(pool.map(_read_range, repeat(content), repeat(name), ranges))
    else:
        parts = [_read_range(content, name, (0, count))]
    pages = [page for part in parts for page in part]
    chars = sum(page.chars for page in pages)
    if chars < MIN_CHARS_PER_PAGE * max(count, 1) or sum(page.unmapped for page in pages) > chars:
        raise reading_error(
            _(
                "The file %(name)s has no text to read: it looks like a scan or pictures of "
                "pages. Use the report's original PDF, or a copy with a text layer"
            ),
            name,
            "no_text",
        )
    return [(page.width, page.height, page.rows) for page in pages]


class _Page(NamedTuple):
    width: float
    height: float
    rows: list[_Row]
    chars: int
    unmapped: int


def _page_count(content: bytes, name: str) -> int:
    """How many pages the PDF really has, counting no further than one past MAX_PAGES."""
    document = _open(content, name)
    try:
        count = 0
        for count, _page in enumerate(PDFPage.create_pages(document.doc), start=1):
            if count > MAX_PAGES:
                raise ValidationError(
                    _(
                        "The file %(name)s has more than %(pages)s pages. Split it into parts "
                        "of up to %(pages)s pages"
                    )
                    % {"name": name, "pages": MAX_PAGES},
                    code="too_many_pages",
                )
        return count
    finally:
        document.close()


def _read_range(content: bytes, name: str, pages: tuple[int, int]) -> list[_Page]:
    """The rows of characters of the pages from `first` up to `stop` (counted from 0)."""
    first, stop = pages
    document = _open(content, name)
    try:
        device = CharDevice(document.rsrcmgr)
        interpreter = ContentInterpreter(document.rsrcmgr, device)
        read = []
        for number, page in enumerate(PDFPage.create_pages(document.doc)):
            if number >= stop:
                break
            if number >= first:
                interpreter.process_page(page)
                rows = _rows(number + 1, device.chars)
                read.append(
                    _Page(device.width, device.height, rows, len(device.chars), device.unmapped)
                )
        return read
    finally:
        document.close()


def _open(content: bytes, name: str) -> Any:
    try:
        return pdfplumber.open(io.BytesIO(content), password="")
    except PdfminerException as error:
        cause = error.args[0] if error.args else None
        if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError):
            raise password_protected(name) from None
        raise


def password_protected(name: str) -> ValidationError:
    return reading_error(
        _(
            "The file %(name)s is protected by a password. Save a copy without the password "
            "and use that"
        ),
        name,
        "encrypted",
    )


def _rows(page: int, chars: list[Char]) -> list[_Row]:
    """Group characters whose middles are level into rows, left to right."""
    rows: list[_Row] = []
    anchor = tolerance = -math.inf
    current: list[Char] = []
    for char in sorted(chars, key=lambda c: (c.top + c.bottom) / 2):
        middle = (char.top + char.bottom) / 2
        if middle - anchor > tolerance:
            if current:
                rows.append(_Row(page, current))
            current, anchor, tolerance = [], middle, 0.45 * char.size
        current.append(char)
    if current:
        rows.append(_Row(page, current))
    for row in rows:
        row.chars.sort(key=lambda c: c.x0)
        row.size = _modal([c.size for c in row.chars])
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
    middle = _modal([(c.top + c.bottom) / 2 for c in body])
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


def _lines(pages: list[tuple[float, float, list[_Row]]]) -> list[Line]:
    sizes: Counter[float] = Counter()
    for _width, _height, rows in pages:
        for row in rows:
            sizes[round(row.size * 2) / 2] += sum(len(c.text) for c in row.chars)
    body_size = sizes.most_common(1)[0][0] if sizes else 0.0
    margins = _running_rows(pages, body_size)
    bodies = []
    for width, height, rows in pages:
        body = [row for row in rows if id(row) not in margins]
        bodies.append((width, _without_footnotes(body, body_size, height)))
    gutters = [_gutter(rows, width, body_size) for width, rows in bodies]
    # Columns sit at the same place on every page, so a page whose columns are too short to
    # show a gutter alone (a few lines above a heading) is split where the others are.
    known = sorted({round(x) for x, chosen in gutters if chosen})
    blocks: list[list[tuple[_Row, float]]] = []
    for (width, rows), (x, chosen) in zip(bodies, gutters, strict=True):
        if known and not chosen:
            x, chosen = _gutter(rows, width, body_size, near=known)
        blocks += _blocks(rows, x, chosen)
    return _measured_lines(blocks, body_size)


def _measured_lines(blocks: list[list[tuple[_Row, float]]], body_size: float) -> list[Line]:
    """Lines with the spacing above them and how far short of the margin they stop.

    A paragraph starts where the space above a line is wider than between the lines of a
    paragraph. Every line of a paragraph but its last stops no further short of the margin
    than most such lines do: nothing in justified text, a word's width or so in ragged text.
    """
    pairs = [
        (previous, row, edge)
        for block in blocks
        for (previous, edge), (row, _) in zip(block, block[1:], strict=False)
    ]
    spacing = _modal(
        [
            row.top - previous.bottom
            for previous, row, _ in pairs
            if abs(row.size - body_size) < 0.5 and abs(previous.size - body_size) < 0.5
        ]
    )

    def starts_paragraph(previous: _Row, row: _Row) -> bool:
        return row.top - previous.bottom > spacing + 0.35 * body_size

    short = sorted(
        edge - previous.chars[-1].x1
        for previous, row, edge in pairs
        if not starts_paragraph(previous, row) and abs(previous.size - body_size) < 0.5
    )
    reach = max(0.5 * body_size, short[int(0.9 * (len(short) - 1))] if short else 0.0)
    lines: list[Line] = []
    for block in blocks:
        previous = None
        for row, right_edge in block:
            lines.append(
                Line(
                    page=row.page,
                    text=row.text(),
                    size=row.size,
                    bold=sum(len(c.text) for c in row.chars if c.bold)
                    >= 0.9 * sum(len(c.text) for c in row.chars),
                    paragraph_start=previous is not None and starts_paragraph(previous, row),
                    block_start=previous is None,
                    fills_width=right_edge - row.chars[-1].x1 <= reach + 0.1,
                )
            )
            previous = row
    return lines


def _running_rows(pages: list[tuple[float, float, list[_Row]]], body_size: float) -> set[int]:
    """The running headers and footers, and page numbers, in the top and bottom margins.

    A header or footer either repeats on many pages (numbers aside, so "Page 3 of 40" and
    "Chapter 3" repeat) or, when it names each chapter, stands apart from the page's text,
    at about the same height, on most pages.
    """
    seen: Counter[tuple[str, int]] = Counter()
    apart: list[set[tuple[bool, int]]] = []  # each page's rows standing apart: (top, height)
    candidates: list[tuple[_Row, tuple[str, int], tuple[bool, int] | None]] = []
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
    rows: list[_Row], index: int, height: float, body_size: float, *, downwards: bool
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


def _without_footnotes(rows: list[_Row], body_size: float, height: float) -> list[_Row]:
    """Drop the footnotes: rows in a smaller font below the page's last row of body text,
    the first of them starting with a footnote's number or mark."""
    last_body = max(
        (i for i, row in enumerate(rows) if row.size >= 0.95 * body_size), default=len(rows)
    )
    tail = rows[last_body + 1 :]
    if tail and tail[0].chars[0].text[0] in FOOTNOTE_MARKS | SUPERSCRIPT_DIGITS:
        return rows[: last_body + 1]
    return rows


def _blocks(
    rows: list[_Row], gutter: float, in_columns: set[int]
) -> list[list[tuple[_Row, float]]]:
    """The page's rows as blocks read in turn, each row with its column's right edge.

    A single-column page is one block; a band of two columns is its left column's block then
    its right column's.
    """
    blocks: list[list[tuple[_Row, float]]] = []
    full: list[_Row] = []
    left: list[_Row] = []
    right: list[_Row] = []

    def flush(*parts: list[_Row]) -> None:
        for part in parts:
            if part:
                edge = max(r.chars[-1].x1 for r in part)
                blocks.append([(r, edge) for r in part])
                part.clear()

    for index, row in enumerate(rows):
        if index not in in_columns:
            flush(left, right)
            full.append(row)
            continue
        flush(full)
        for chars, column in (
            ([c for c in row.chars if c.x1 <= gutter], left),
            ([c for c in row.chars if c.x0 >= gutter], right),
        ):
            if chars:
                part = _Row(row.page, chars, size=_modal([c.size for c in chars]))
                part.measure()
                column.append(part)
    flush(full)
    flush(left, right)
    return blocks


def _gutter(
    rows: list[_Row], width: float, body_size: float, near: list[int] | None = None
) -> tuple[float, set[int]]:
    """Where a two-column page splits, and which of its rows (by index) lie in the columns.

    A gutter is a gap at least 0.8em wide at the same place in five or more rows running
    down the page, with text on both sides of it in at least three of them: wide enough and
    long enough that the spaces between words in a justified column never make one. Near a
    gutter found on other pages, three rows with text on both sides in two are enough.
    """
    if not rows:
        return 0.0, set()
    half = 0.4 * body_size
    words = [row.words() for row in rows]
    if near:
        xs = sorted({x for known in near for x in range(known - 3, known + 4)})
        rule = (3, 2)
    else:
        xs = list(range(int(0.3 * width), int(0.7 * width) + 1))
        rule = (5, 3)
    open_rows = _open_counts(words, xs, half)
    scores = [
        (
            x,
            _column_rows(rows, words, x, half, rule)
            if clear >= rule[0] and both >= rule[1]
            else set(),
        )
        for x, (clear, both) in zip(xs, open_rows, strict=True)
    ]
    best = max(len(chosen) for _, chosen in scores)
    if not best:
        return 0.0, set()
    first = next(i for i, (_, chosen) in enumerate(scores) if len(chosen) == best)
    last = first
    while (
        last + 1 < len(scores)
        and len(scores[last + 1][1]) == best
        and scores[last + 1][0] == scores[last][0] + 1
    ):
        last += 1
    # Equal at neighbouring x: split in the middle of the gutter, not at its edge.
    x, chosen = scores[(first + last) // 2]
    return float(x), chosen


def _open_counts(
    words: list[list[tuple[float, float]]], xs: list[int], half: float
) -> list[tuple[int, int]]:
    """At each x, how many rows no word comes within `half` of, and how many of those have
    text on both sides: counted cheaply first, as most x on most pages are crossed by
    nearly every row, and a gutter needs rows with text on both sides of it."""
    low, high = xs[0], xs[-1]
    crossing = [0] * (high - low + 2)
    gaps = [0] * (high - low + 2)
    for spans in words:
        merged: list[list[float]] = []
        for x0, x1 in spans:  # each row counted once at each x
            if merged and x0 - half <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], x1 + half)
            else:
                merged.append([x0 - half, x1 + half])
        for x0, x1 in merged:
            _add(crossing, low, high, math.floor(x0), math.ceil(x1))
        for (_start, end), (start, _end) in zip(merged, merged[1:], strict=False):
            _add(gaps, low, high, math.ceil(end), math.floor(start))
    counts, crossed, gapped = {}, 0, 0
    for offset in range(high - low + 1):
        crossed += crossing[offset]
        gapped += gaps[offset]
        counts[low + offset] = (len(words) - crossed, gapped)
    return [counts[x] for x in xs]


def _add(counts: list[int], low: int, high: int, first: int, last: int) -> None:
    first, last = max(low, first), min(high, last)
    if first <= last:
        counts[first - low] += 1
        counts[last - low + 1] -= 1


def _column_rows(
    rows: list[_Row],
    words: list[list[tuple[float, float]]],
    x: float,
    half: float,
    rule: tuple[int, int],
) -> set[int]:
    """The rows, in runs down the page, that no word crosses near x."""
    chosen: set[int] = set()
    run: list[int] = []
    for index, spans in enumerate([*words, []]):
        if spans and all(x1 <= x - half or x0 >= x + half for x0, x1 in spans):
            run.append(index)
            continue
        run = _without_spanning(rows, words, run, x)
        both = sum(1 for i in run if words[i][0][0] < x < words[i][-1][1])
        if len(run) >= rule[0] and both >= rule[1]:
            chosen.update(run)
        run = []
    return chosen


def _without_spanning(
    rows: list[_Row], words: list[list[tuple[float, float]]], run: list[int], x: float
) -> list[int]:
    """The run without the headings across both columns that stop short of the gutter.

    Such a heading has no text beside it in the right column but has some above and below
    it, and the row after it starts the next band. The last lines of a left column longer
    than its right one look the same, except that the band's heading comes after them.
    """
    right = [i for i in run if words[i][-1][1] > x]
    alone = set()
    for i in run:
        row = rows[i]
        if words[i][-1][1] < x:
            beside = any(
                rows[j].top < row.bottom + row.size and rows[j].bottom > row.top - row.size
                for j in right
            )
            if not beside and any(j < i for j in right) and any(j > i for j in right):
                alone.add(i)
    return [i for i in run if i not in alone or i + 1 in alone]
