"""What the progress report tests share: the period, marked texts, and reading documents back."""

import datetime
import io

from django.utils import timezone
from docx import Document
from pypdf import PdfReader

TODAY = timezone.localdate()
PERIOD = {"period_from": TODAY - datetime.timedelta(days=30), "period_to": TODAY}
INTERNAL = "Internal narrative: the safeguarding hub restructure is behind"
SECRET = "Named informant briefing"


def preview_query(source, **extra):
    """The preview form's query for the source over PERIOD, for an internal audience."""
    return {
        "sources": [source.pk],
        "period_from": PERIOD["period_from"].isoformat(),
        "period_to": PERIOD["period_to"].isoformat(),
        "audience": "internal",
    } | extra


def docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def pdf_text(data: bytes) -> str:
    """The PDF's text with its line breaks as spaces: a table cell wraps where it is narrow."""
    pages = PdfReader(io.BytesIO(data)).pages
    return " ".join(" ".join(page.extract_text().split()) for page in pages)
