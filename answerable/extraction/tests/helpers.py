"""Small PDFs for the reader's tests: set from HTML by WeasyPrint, or written by hand."""

import functools
import io

from django.core.files.uploadedfile import SimpleUploadedFile

from answerable.extraction.finder import Item, find_items
from answerable.extraction.pdf_text import read_lines
from answerable.extraction.tests.layouts import layout

PAGE_STYLE = (
    "@page { size: A4; margin: 2.5cm 2.2cm }"
    'body { font-family: "DejaVu Serif"; font-size: 10.5pt; line-height: 1.35 }'
)


def html_pdf(body: str, style: str = "") -> bytes:
    from weasyprint import HTML

    return HTML(
        string=f'<html lang="en"><head><style>{PAGE_STYLE}{style}</style></head>'
        f"<body>{body}</body></html>"
    ).write_pdf()


def texts_of(content: bytes) -> list[str]:
    return [line.text for line in read_lines(content, name="report.pdf")]


def upload(content: bytes, name: str = "report.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@functools.cache
def extracted(name: str) -> tuple[Item, ...]:
    """The items found in the named layout, read once per test run."""
    return tuple(find_items(read_lines(layout(name).pdf, name=f"{name}.pdf")))


def raw_pdf(objects: list[bytes], trailer: bytes = b"") -> bytes:
    """A PDF of the objects given, numbered from 1 (the catalogue), with a correct xref."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, trailer, xref)
    )
    return out.getvalue()


def pages_pdf(pages: int, *, declared: int | None = None, text: bool = True) -> bytes:
    """A PDF of `pages` pages each printing a line of text, declaring `declared` pages."""
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    content = b"BT /F1 11 Tf 72 700 Td (The council should review its licensing policy.) Tj ET"
    stream = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content)
    kids = b" ".join(b"%d 0 R" % (5 + i) for i in range(pages))
    page = (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>"
        if text
        else b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"
    )
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, declared or pages),
            font,
            stream,
            *[page] * pages,
        ]
    )
