"""Check uploaded files by their content, never by their name or the browser's content type."""

import hashlib
import io
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files import File
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

PDF, DOCX, XLSX, PNG, JPEG, CSV = "pdf", "docx", "xlsx", "png", "jpeg", "csv"
EVIDENCE_KINDS = frozenset({PDF, DOCX, XLSX, PNG, JPEG})
TABLE_KINDS = frozenset({CSV, XLSX})
KIND_LABELS = {
    PDF: "PDF",
    DOCX: "Word (DOCX)",
    XLSX: "Excel (XLSX)",
    PNG: "PNG",
    JPEG: "JPEG",
    CSV: "CSV",
}
CONTENT_TYPES = {
    PDF: "application/pdf",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    PNG: "image/png",
    JPEG: "image/jpeg",
    CSV: "text/csv",
}


# A DOCX or XLSX is a zip archive. A "decompression bomb" of 729 KB once held 12 million
# empty rows and ran an import until its worker was killed (issue #11). Real documents
# within the upload limits expand to a few megabytes at a ratio of 5 to 30.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_PACKING_RATIO = 100
# Reading a damaged archive's directory fails with more than BadZipFile: an entry claiming a
# newer zip version raises NotImplementedError, a mangled name UnicodeDecodeError (issue #11).
ZIP_ERRORS = (zipfile.BadZipFile, NotImplementedError, ValueError, OSError, EOFError)


def archive_within_limits(content: bytes) -> bool:
    """Whether the zip archive's declared contents are of a size a real document has.

    zipfile never reads more than an entry's declared size, so the declaration bounds what
    opening the file can cost.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            entries = archive.infolist()
    except ZIP_ERRORS:
        return True  # no archive to expand: the reader reports it as unreadable instead
    unpacked = sum(entry.file_size for entry in entries)
    packed = max(1, sum(entry.compress_size for entry in entries))
    return unpacked <= MAX_UNPACKED_BYTES and unpacked / packed <= MAX_PACKING_RATIO


def archive_too_large(name: str) -> ValidationError:
    # Lazy, with `params`: raised in core.limited's child process too, which cannot translate.
    return ValidationError(
        _(
            "The file %(name)s would take too much space once opened. Save it again without "
            "empty rows or unused sheets, or split it, and upload it again"
        ),
        params={"name": name},
        code="too_large_unpacked",
    )


@dataclass(frozen=True)
class CheckedFile:
    name: str
    kind: str
    size: int
    sha256: str
    content: bytes

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.kind]


def sniff(content: bytes) -> str | None:
    """Return the kind of file the bytes really are, or None if it is none we accept."""
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = set(archive.namelist())
        except ZIP_ERRORS:
            return None
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return DOCX
        if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
            return XLSX
        return None
    if b"\x00" in content[:8192]:
        return None
    try:
        content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            content.decode("cp1252")
        except UnicodeDecodeError:
            return None
    return CSV


def opens(kind: str, content: bytes) -> bool:
    """Whether a reader for `kind` opens the file: its first bytes can look right while the
    rest is damaged or something else (issue #11), and the file would fail whoever opens it."""
    readers = {
        PDF: _pdf_opens, DOCX: _docx_opens, XLSX: _xlsx_opens, PNG: _image_opens,
        JPEG: _image_opens,
    }  # fmt: skip
    reader = readers.get(kind)
    if reader is None:
        return True  # CSV is read as text by the import, which names any bad row itself
    try:
        return reader(content)
    except Exception:  # noqa: BLE001 - any reader error means the file does not open
        return False


def _pdf_opens(content: bytes) -> bool:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(content), strict=False).pages) > 0


def _docx_opens(content: bytes) -> bool:
    from docx import Document

    Document(io.BytesIO(content))
    return True


def _xlsx_opens(content: bytes) -> bool:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content), read_only=True)
    try:
        return bool(workbook.sheetnames)
    finally:
        workbook.close()


def _image_opens(content: bytes) -> bool:
    from PIL import Image

    with Image.open(io.BytesIO(content)) as image:
        image.verify()
    return True


def check_upload(upload: File, *, allowed: frozenset[str], max_bytes: int) -> CheckedFile:
    """Read an upload, refusing it if it is too large or its content is not an allowed kind."""
    name = upload.name or "file"
    if upload.size is not None and upload.size > max_bytes:
        raise ValidationError(
            _("The file %(name)s must be smaller than %(size)s"),
            params={"name": name, "size": filesizeformat(max_bytes)},
            code="too_large",
        )
    if not upload.size:
        raise ValidationError(_("The file %(name)s is empty"), params={"name": name}, code="empty")
    content = upload.read(max_bytes + 1)
    if len(content) > max_bytes:
        raise ValidationError(
            _("The file %(name)s must be smaller than %(size)s"),
            params={"name": name, "size": filesizeformat(max_bytes)},
            code="too_large",
        )
    kind = sniff(content)
    if kind not in allowed:
        allowed_labels = ", ".join(KIND_LABELS[k] for k in sorted(allowed))
        raise ValidationError(
            _("The file %(name)s must be a %(kinds)s file; its content is not"),
            params={"name": name, "kinds": allowed_labels},
            code="wrong_type",
        )
    if kind in (DOCX, XLSX) and not archive_within_limits(content):
        raise archive_too_large(name)
    if not opens(kind, content):
        raise ValidationError(
            _(
                "The file %(name)s is damaged or is not the %(kind)s file it seems to be. "
                "Open it, save it again and upload the saved copy"
            ),
            params={"name": name, "kind": KIND_LABELS[kind]},
            code="unreadable",
        )
    return CheckedFile(
        name=name,
        kind=kind,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
    )
