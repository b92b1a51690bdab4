"""What the progress report tests share: the period, marked texts, and reading documents back."""

import datetime
import io

from django.utils import timezone
from docx import Document
from pypdf import PdfReader


def today() -> datetime.date:
    """Asked afresh by each test: a run that crosses midnight keeps its period current."""
    return timezone.localdate()


def period() -> dict[str, datetime.date]:
    """The last 30 days, to today."""
    return {"period_from": today() - datetime.timedelta(days=30), "period_to": today()}


INTERNAL = "Internal narrative: the safeguarding hub restructure is behind"
SECRET = "Named informant briefing"


def preview_query(source, **extra):
    """The preview form's query for the source over `period()`, for an internal audience."""
    return {
        "sources": [source.pk],
        "period_from": period()["period_from"].isoformat(),
        "period_to": period()["period_to"].isoformat(),
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
