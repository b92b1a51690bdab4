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

from answerable.extraction.pdf_columns import column_blocks, find_gutter
from answerable.extraction.pdf_content import ContentInterpreter
from answerable.extraction.pdf_device import CharDevice
from answerable.extraction.pdf_margins import running_rows, without_footnotes
from answerable.extraction.pdf_rows import Row, modal, page_rows

# A 300-page report takes 6-8 s of one core to read (bench/extraction.py); a file
# longer than this is an archive, not a report.
MAX_PAGES = 500
# Shorter reports are read faster in one process than by starting others.
PARALLEL_FROM_PAGES = 40
# Below this many characters a page, on average, the PDF is pictures of pages (a scan).
MIN_CHARS_PER_PAGE = 20
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


def _pages(content: bytes, *, name: str, workers: int) -> list[tuple[float, float, list[Row]]]:
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
    rows: list[Row]
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
                rows = page_rows(number + 1, device.chars)
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


def _lines(pages: list[tuple[float, float, list[Row]]]) -> list[Line]:
    sizes: Counter[float] = Counter()
    for _width, _height, rows in pages:
        for row in rows:
            sizes[round(row.size * 2) / 2] += sum(len(c.text) for c in row.chars)
    body_size = sizes.most_common(1)[0][0] if sizes else 0.0
    margins = running_rows(pages, body_size)
    bodies = []
    for width, height, rows in pages:
        body = [row for row in rows if id(row) not in margins]
        bodies.append((width, without_footnotes(body, body_size, height)))
    gutters = [find_gutter(rows, width, body_size) for width, rows in bodies]
    # Columns sit at the same place on every page, so a page whose columns are too short to
    # show a gutter alone (a few lines above a heading) is split where the others are.
    known = sorted({round(x) for x, chosen in gutters if chosen})
    blocks: list[list[tuple[Row, float]]] = []
    for (width, rows), (x, chosen) in zip(bodies, gutters, strict=True):
        if known and not chosen:
            x, chosen = find_gutter(rows, width, body_size, near=known)
        blocks += column_blocks(rows, x, chosen)
    return _measured_lines(blocks, body_size)


def _measured_lines(blocks: list[list[tuple[Row, float]]], body_size: float) -> list[Line]:
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
    spacing = modal(
        [
            row.top - previous.bottom
            for previous, row, _ in pairs
            if abs(row.size - body_size) < 0.5 and abs(previous.size - body_size) < 0.5
        ]
    )

    def starts_paragraph(previous: Row, row: Row) -> bool:
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
