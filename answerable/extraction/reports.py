"""A report PDF checked, read and turned into rows in the register's import format.

The upload is checked as every other file is (`core.files.check_upload`: size, content and
whether it opens), then for what only a report has: a password, too many pages, no text.
"""

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils.translation import gettext as _
from pypdf import PdfReader

from answerable.core.files import PDF, CheckedFile, check_upload
from answerable.extraction.finder import Item, find_items
from answerable.extraction.pdf_text import MAX_PAGES, password_protected, read_lines
from answerable.recommendations.importing import FIELD_NAMES

# After the import's own columns, what the extraction found that the import does not read:
# the page to check an item against, the deadline read from its text (the import reads it
# again from the text), and who it names, to choose owners from.
EXTRA_COLUMNS = ("page", "deadline_in_text", "owner_suggestion")
COLUMNS = (*FIELD_NAMES, *EXTRA_COLUMNS)


@dataclass(frozen=True)
class Extraction:
    file: CheckedFile
    title: str
    items: list[Item]
    # Each page's lines, one a line, by page number: to show an item against its page.
    pages: dict[int, str] = field(default_factory=dict)


def report_check(upload: File) -> CheckedFile:
    """The upload's content, if it is a PDF within the size and page limits."""
    try:
        checked = check_upload(
            upload, allowed=frozenset({PDF}), max_bytes=settings.EVIDENCE_MAX_BYTES
        )
    except ValidationError as error:
        # A PDF that needs a password does not open, but "damaged" would mislead.
        if error.code == "unreadable" and _needs_password(upload):
            raise password_protected(upload.name or "file") from None
        raise
    pages = _declared_pages(checked.content)
    if pages > MAX_PAGES:
        raise ValidationError(
            _(
                "The file %(name)s has %(count)s pages. A report may have up to %(pages)s: "
                "split it into parts and use each"
            )
            % {"name": checked.name, "count": f"{pages:,}", "pages": MAX_PAGES},
            code="too_many_pages",
        )
    return checked


def _needs_password(upload: File) -> bool:
    upload.seek(0)
    try:
        reader = PdfReader(io.BytesIO(upload.read()), strict=False)
        return bool(reader.is_encrypted) and not reader.decrypt("")
    except Exception:  # noqa: BLE001 - unreadable for another reason
        return False


def _declared_pages(content: bytes) -> int:
    """The page count the PDF declares, read without walking its pages. A PDF that declares
    fewer than it has is stopped by `read_lines` once past the limit."""
    try:
        root: Any = PdfReader(io.BytesIO(content), strict=False).trailer["/Root"]
        return int(root["/Pages"]["/Count"])
    except Exception:  # noqa: BLE001 - check_upload opened it; the reader will say if not
        return 0


def report_title(checked: CheckedFile) -> str:
    """The title the PDF gives itself, or its file name without the extension."""
    try:
        metadata = PdfReader(io.BytesIO(checked.content), strict=False).metadata
        title = str(metadata.title or "").strip() if metadata else ""
    except Exception:  # noqa: BLE001 - a broken information dictionary is no title
        title = ""
    return " ".join(title.split())[:500] or Path(checked.name).stem


def report_extract(upload: File, *, workers: int = 1) -> Extraction:
    """Check the report and find its items; raise ValidationError naming the file if it is
    not a PDF within the limits, needs a password, has no text or holds no items.

    `workers` processes read a long report's pages at once (`pdf_text.read_lines`)."""
    checked = report_check(upload)
    lines = read_lines(checked.content, name=checked.name, workers=workers)
    items = find_items(lines)
    if not items:
        raise ValidationError(
            _(
                "The file %(name)s has no recommendations, causes of concern or areas for "
                "improvement that could be found. Add them to the import template by hand"
            )
            % {"name": checked.name},
            code="no_items",
        )
    pages: dict[int, list[str]] = {}
    for line in lines:
        pages.setdefault(line.page, []).append(line.text)
    return Extraction(
        file=checked,
        title=report_title(checked),
        items=items,
        pages={page: "\n".join(texts) for page, texts in pages.items()},
    )


def import_rows(items: Iterable[Item], *, source: str) -> list[list[str]]:
    """One row per item under COLUMNS: the register's import reads them as they are."""
    rows = []
    for item in items:
        values = {
            "source": source,
            "reference": _reference(item.reference),
            "text": item.text,
            "finding_type": item.finding_type,
            "addressees": "; ".join(item.addressees)[:500],
            "page": str(item.page),
            "deadline_in_text": item.deadline_on.isoformat() if item.deadline_on else "",
            "owner_suggestion": "; ".join(item.addressees),
        }
        rows.append([values.get(column, "") for column in COLUMNS])
    return rows


def _reference(reference: str) -> str:
    """The import holds references of up to 50 characters."""
    return re.sub(r"\s+", " ", reference)[:50]
