"""The faster reading of a page's content gives pdfminer's interpreter what pdfminer's own
parser would, so a report reads the same, only sooner."""

import io

import pytest
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfinterp import PDFContentParser, PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import PDFStream
from pdfminer.psexceptions import PSEOF
from pdfminer.psparser import KWD

from answerable.extraction.pdf_content import ContentInterpreter, parse
from answerable.extraction.pdf_device import CharDevice
from answerable.extraction.tests.layouts import LAYOUTS, layout

# Content written the ways producers write it, and some ways they should not.
CONTENTS = [
    b"BT /F1 12 Tf 72 712 Td (Hello, world) Tj ET",
    b"BT /F2 9.5 Tf [<0012 0034> -120.5 <00A7>-40<0b>] TJ ET",
    b"BT (nested (parens) and \\(escaped\\) ones, a \\\\ backslash) Tj ET",
    b"BT (octal \\101\\60\\7 and \\n\\r\\t\\b\\f escapes, \\q unknown) Tj ET",
    b"BT (a line\\\ncontinued, and \\\r\nanother) Tj T* (next) ' 1 2 (last) \" ET",
    b"/Name#20with#2Fescapes#4 gs 1 0 0 1 .5 -.25 cm +3 -4. 5 6 re f",
    b"/Span << /MCID 3 /Alt (alt text) /Lang /en#2DGB >> BDC EMC",
    b"% a comment to the end of the line\nq 1 0 0 1 0 0 cm Q % and another",
    b"q BI /W 2 /H 1 /CS /G /BPC 8 ID \x00\xffEI\nQ BT (after) Tj ET",
    b"BI /W 1 /H 1 /F /A85 ID 8p<k~> EI BT (after) Tj ET",
    b"1.2.3 -. . -- 5 true false null {1 2 add} [1 [2 3] <<>>] ] >> }",
    b"<48 65 6c 6c 6f> Tj <414> Tj <> Tj (unclosed",
]


def _pdfminer(data: bytes) -> list[object]:
    """What pdfminer's own parser hands its interpreter, less inline images (no text): each
    comes as the image and an EI operator."""
    parser = PDFContentParser([PDFStream({}, data)])
    found: list[object] = []
    after_image = False
    while True:
        try:
            _, obj = parser.nextobject()
        except PSEOF:
            return found
        if isinstance(obj, PDFStream) or (after_image and obj is KWD(b"EI")):
            after_image = isinstance(obj, PDFStream)
            continue
        after_image = False
        found.append(obj)


@pytest.mark.parametrize("content", CONTENTS)
def test_content_reads_as_pdfminers_own_parser_reads_it(content):
    assert parse(content) == _pdfminer(content)


def _characters(pdf: bytes, interpreter: type[PDFPageInterpreter]) -> list[list[tuple]]:
    document = PDFDocument(PDFParser(io.BytesIO(pdf)))
    manager = PDFResourceManager()
    device = CharDevice(manager)
    reader = interpreter(manager, device)
    pages = []
    for page in PDFPage.create_pages(document):
        reader.process_page(page)
        pages.append([tuple(char) for char in device.chars])
    return pages


@pytest.mark.parametrize("name", LAYOUTS)
def test_every_layout_gives_the_same_characters_in_the_same_places(name):
    pdf = layout(name).pdf

    assert _characters(pdf, ContentInterpreter) == _characters(pdf, PDFPageInterpreter)
