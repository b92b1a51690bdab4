"""Check uploaded files by their content, never by their name or the browser's content type."""

import hashlib
import io
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files import File
from django.template.defaultfilters import filesizeformat

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


def archive_within_limits(content: bytes) -> bool:
    """Whether the zip archive's declared contents are of a size a real document has.

    zipfile never reads more than an entry's declared size, so the declaration bounds what
    opening the file can cost.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            entries = archive.infolist()
    except zipfile.BadZipFile:
        return True  # no archive to expand: the reader reports it as unreadable instead
    unpacked = sum(entry.file_size for entry in entries)
    packed = max(1, sum(entry.compress_size for entry in entries))
    return unpacked <= MAX_UNPACKED_BYTES and unpacked / packed <= MAX_PACKING_RATIO


def archive_too_large(name: str) -> ValidationError:
    return ValidationError(
        f"The file {name} would take too much space once opened. Save it again without "
        "empty rows or unused sheets, or split it, and upload it again",
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
        except zipfile.BadZipFile:
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


def check_upload(upload: File, *, allowed: frozenset[str], max_bytes: int) -> CheckedFile:
    """Read an upload, refusing it if it is too large or its content is not an allowed kind."""
    name = upload.name or "file"
    if upload.size is not None and upload.size > max_bytes:
        raise ValidationError(
            f"The file {name} must be smaller than {filesizeformat(max_bytes)}", code="too_large"
        )
    if not upload.size:
        raise ValidationError(f"The file {name} is empty", code="empty")
    content = upload.read(max_bytes + 1)
    if len(content) > max_bytes:
        raise ValidationError(
            f"The file {name} must be smaller than {filesizeformat(max_bytes)}", code="too_large"
        )
    kind = sniff(content)
    if kind not in allowed:
        allowed_labels = ", ".join(KIND_LABELS[k] for k in sorted(allowed))
        raise ValidationError(
            f"The file {name} must be a {allowed_labels} file; its content is not",
            code="wrong_type",
        )
    if kind in (DOCX, XLSX) and not archive_within_limits(content):
        raise archive_too_large(name)
    return CheckedFile(
        name=name,
        kind=kind,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
    )
