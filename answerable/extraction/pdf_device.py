"""The characters of a page where pdfminer draws them, as small tuples (`Char`).

pdfplumber's own character objects (every attribute of every glyph) took half the time of
reading a report, so pdfminer draws into `CharDevice` instead. A line of text is drawn in
one loop here (`render_string_horizontal`), each string's glyphs looked up once per font.
"""

import re
from typing import Any, NamedTuple

from pdfminer.pdfdevice import PDFTextDevice
from pdfminer.pdffont import PDFFont, PDFUnicodeNotDefined
from pdfminer.pdfinterp import PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.utils import Matrix, apply_matrix_rect, translate_matrix

BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)


class Char(NamedTuple):
    """A letter where it was drawn; after `pdf_rows.page_rows`, letters set together in one font."""

    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    text: str


class _Glyph(NamedTuple):
    cid: int
    # "" for a space or vertical writing; None if the font gives no text for it.
    text: str | None
    width: float  # in text space
    descent: float
    bold: bool


class CharDevice(PDFTextDevice):
    """Keeps each page's characters (`chars`), its size, and how many glyphs had no text."""

    def __init__(self, rsrcmgr: PDFResourceManager) -> None:
        super().__init__(rsrcmgr)
        self.chars: list[Char] = []
        self.unmapped = 0
        self.width = self.height = 0.0
        # Each string's glyphs, looked up once a font: most of a report is a few fonts,
        # and some publishers draw every glyph as a string of its own.
        self.strings: dict[tuple[PDFFont, bytes], tuple[_Glyph, ...]] = {}
        self.cids: dict[tuple[PDFFont, int], _Glyph] = {}

    def begin_page(self, page: PDFPage, ctm: Matrix) -> None:
        x0, y0, x1, y1 = apply_matrix_rect(ctm, page.mediabox)
        self.width, self.height = abs(x1 - x0), abs(y1 - y0)
        self.chars, self.unmapped = [], 0

    def _glyphs(self, font: PDFFont, string: bytes) -> tuple[_Glyph, ...]:
        glyphs = self.strings.get((font, string))
        if glyphs is None:
            glyphs = self.strings[(font, string)] = tuple(
                _glyph(font, cid) for cid in font.decode(string)
            )
        return glyphs

    def render_string_horizontal(
        self,
        seq: Any,
        matrix: Matrix,
        pos: tuple[float, float],
        font: PDFFont,
        fontsize: float,
        scaling: float,
        charspace: float,
        wordspace: float,
        rise: float,
        dxscale: float,
        ncs: Any,
        graphicstate: Any,
    ) -> tuple[float, float]:
        """pdfminer's loop over a line's strings and spacings, with each glyph recorded here
        rather than through `render_char`, unless the text is slanted (the general case)."""
        x, y = pos
        a, b, c, d, e, f = matrix
        height, chars = self.height, self.chars
        upright = not b and not c and a * d * scaling > 0
        needcharspace = False
        for obj in seq:
            if isinstance(obj, int | float):
                x -= obj * dxscale
                needcharspace = True
                continue
            if not isinstance(obj, bytes):
                continue
            for glyph in self._glyphs(font, obj):
                if needcharspace:
                    x += charspace
                if not upright:
                    x += self.render_char(
                        translate_matrix(matrix, (x, y)),
                        font,
                        fontsize,
                        scaling,
                        rise,
                        glyph.cid,
                        ncs,
                        graphicstate,
                    )
                else:
                    advance = glyph.width * fontsize * scaling
                    if glyph.text is None:
                        self.unmapped += 1
                    elif glyph.text:
                        # As `render_char` with the matrix moved to x, y, in the same order
                        # of arithmetic, so the positions are the same to the last digit.
                        left, base = x * a + e, y * d + f
                        low = glyph.descent * fontsize + rise
                        y0, y1 = d * low + base, d * (low + fontsize) + base
                        right = a * advance + left
                        chars.append(
                            Char(
                                min(left, right),
                                max(left, right),
                                height - max(y0, y1),
                                height - min(y0, y1),
                                round(abs(y1 - y0), 1),
                                glyph.bold,
                                glyph.text,
                            )
                        )
                    x += advance
                if glyph.cid == 32 and wordspace:
                    x += wordspace
                needcharspace = True
        return x, y

    def render_char(
        self,
        matrix: Matrix,
        font: PDFFont,
        fontsize: float,
        scaling: float,
        rise: float,
        cid: int,
        ncs: Any,
        graphicstate: Any,
    ) -> float:
        glyph = self.cids.get((font, cid))
        if glyph is None:
            glyph = self.cids[(font, cid)] = _glyph(font, cid)
        advance = glyph.width * fontsize * scaling
        if glyph.text is None:
            self.unmapped += 1
            return advance
        a, b, c, d, e, f = matrix
        # Spaces are seen as gaps; sideways or vertical text (a watermark, a table's rotated
        # heading) is not the report's running text.
        if not glyph.text or b or a * d * scaling <= 0:
            return advance
        low = glyph.descent * fontsize + rise
        y0, y1 = d * low + f, d * (low + fontsize) + f
        x0, _, x1, _ = apply_matrix_rect(matrix, (0, low, advance, low + fontsize))
        self.chars.append(
            Char(
                min(x0, x1),
                max(x0, x1),
                self.height - max(y0, y1),
                self.height - min(y0, y1),
                round(abs(y1 - y0), 1),
                glyph.bold,
                glyph.text,
            )
        )
        return advance


def _glyph(font: PDFFont, cid: int) -> _Glyph:
    """A glyph's text, its width and descent in text space, and whether its font is bold."""
    try:
        text: str | None = font.to_unichr(cid)
    except PDFUnicodeNotDefined:
        text = None
    if text is not None and (not text.strip() or font.is_vertical()):
        text = ""
    bold = bool(BOLD_FONT.search(str(font.fontname)))
    return _Glyph(cid, text, float(font.char_width(cid)), float(font.get_descent()), bold)
