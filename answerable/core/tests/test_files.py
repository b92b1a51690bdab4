import hashlib
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document
from PIL import Image

from answerable.core.files import EVIDENCE_KINDS, TABLE_KINDS, check_upload, sniff
from answerable.core.tables import xlsx_bytes
from answerable.core.testing import pdf_bytes, xlsx_bomb
from answerable.core.views_helpers import download_name


def _zip(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (b"%PDF-1.7\n...", "pdf"),
        (b"\x89PNG\r\n\x1a\n....", "png"),
        (b"\xff\xd8\xff\xe0....", "jpeg"),
        (_zip("[Content_Types].xml", "word/document.xml"), "docx"),
        (_zip("[Content_Types].xml", "xl/workbook.xml"), "xlsx"),
        (b"source,reference\nPEEL,R1\n", "csv"),
        (_zip("readme.txt"), None),
        (b"MZ\x90\x00\x03\x00\x00\x00", None),
    ],
)
def test_files_are_recognised_by_content(content, kind):
    assert sniff(content) == kind


def test_a_pdf_renamed_as_a_spreadsheet_is_refused_by_name():
    upload = SimpleUploadedFile("actions.xlsx", b"%PDF-1.4 not a table")
    with pytest.raises(ValidationError) as error:
        check_upload(upload, allowed=TABLE_KINDS, max_bytes=1000)
    assert "actions.xlsx" in error.value.messages[0]


def test_an_oversized_file_is_refused_before_it_is_read():
    upload = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 2000)
    with pytest.raises(ValidationError) as error:
        check_upload(upload, allowed=EVIDENCE_KINDS, max_bytes=1000)
    assert "must be smaller than" in error.value.messages[0]


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError):
        check_upload(SimpleUploadedFile("empty.pdf", b""), allowed=EVIDENCE_KINDS, max_bytes=1000)


def test_an_accepted_file_carries_its_sha256():
    content = pdf_bytes()
    checked = check_upload(
        SimpleUploadedFile("a.pdf", content), allowed=EVIDENCE_KINDS, max_bytes=10_000
    )
    assert checked.sha256 == hashlib.sha256(content).hexdigest()
    assert checked.kind == "pdf"


def _docx() -> bytes:
    buffer = io.BytesIO()
    document = Document()
    document.add_paragraph("Problem profile")
    document.save(buffer)
    return buffer.getvalue()


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", pdf_bytes()),
        ("minutes.docx", _docx()),
        ("returns.xlsx", xlsx_bytes(["Force"], [["West Mercia"]], sheet_title="Returns")),
        ("chart.png", _png()),
    ],
)
def test_real_documents_open_and_are_accepted(name, content):
    checked = check_upload(
        SimpleUploadedFile(name, content), allowed=EVIDENCE_KINDS, max_bytes=100_000
    )
    assert checked.name == name


@pytest.mark.parametrize(
    ("name", "content", "label"),
    [
        ("report.pdf", pdf_bytes()[:200], "PDF"),
        ("report.pdf", b"%PDF-1.4 then a spreadsheet of secrets", "PDF"),
        ("minutes.docx", _zip("[Content_Types].xml", "word/document.xml"), "Word (DOCX)"),
        ("returns.xlsx", _zip("[Content_Types].xml", "xl/workbook.xml"), "Excel (XLSX)"),
        ("chart.png", _png()[:30], "PNG"),
        ("photo.jpeg", b"\xff\xd8\xff\xe0 not really a photo", "JPEG"),
    ],
)
def test_a_damaged_or_disguised_file_is_refused_by_name(name, content, label):
    """The first bytes look right but the file does not open: say so, naming the file."""
    with pytest.raises(ValidationError) as error:
        check_upload(SimpleUploadedFile(name, content), allowed=EVIDENCE_KINDS, max_bytes=10_000)
    assert error.value.messages == [
        f"The file {name} is damaged or is not the {label} file it seems to be. Open it, save "
        "it again and upload the saved copy"
    ]


def _damaged_directory(damage: str) -> bytes:
    """A workbook-shaped archive whose central directory zipfile cannot read (found by the
    fuzz tests, issue #11): an entry claiming zip version 6.4, or a name that is not UTF-8."""
    content = bytearray(_zip("[Content_Types].xml", "xl/workbook.xml", "xl/caf\u00e9.xml"))
    if damage == "version":
        entry = content.index(b"PK\x01\x02")
        content[entry + 6] = 64  # "version needed to extract"
        return bytes(content)
    return bytes(content).replace("\u00e9".encode(), b"\xff\xff")


@pytest.mark.parametrize("damage", ["version", "name"])
def test_an_archive_whose_directory_zipfile_cannot_read_is_refused_by_name(damage):
    content = _damaged_directory(damage)
    assert sniff(content) is None
    with pytest.raises(ValidationError) as error:
        check_upload(
            SimpleUploadedFile("returns.xlsx", content), allowed=TABLE_KINDS, max_bytes=10_000
        )
    assert error.value.messages == [
        "The file returns.xlsx must be a CSV, Excel (XLSX) file; its content is not"
    ]


@pytest.mark.parametrize("damage", ["version", "name"])
def test_a_stored_archive_whose_directory_zipfile_cannot_read_is_refused_by_name(damage):
    from answerable.core.tables import open_table

    with pytest.raises(ValidationError, match="returns.xlsx could not be read as an Excel"):
        open_table(_damaged_directory(damage), kind="xlsx", name="returns.xlsx")


def test_a_workbook_that_expands_far_beyond_any_real_one_is_refused_unopened():
    content = xlsx_bomb()
    assert len(content) < 1_000_000
    with pytest.raises(ValidationError, match="bomb.xlsx would take too much space once opened"):
        check_upload(
            SimpleUploadedFile("bomb.xlsx", content), allowed=TABLE_KINDS, max_bytes=5_000_000
        )


def test_reading_a_stored_bomb_as_a_table_is_refused_too():
    from answerable.core.tables import open_table

    with pytest.raises(ValidationError, match="too much space once opened"):
        open_table(xlsx_bomb(), kind="xlsx", name="bomb.xlsx")


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("Problem profile 2024", "Problem profile 2024.pdf"),
        ('Report "final"\r\nSet-Cookie: x=1', "Report -final---Set-Cookie- x-1.pdf"),
        ("../../etc/passwd", "..-..-etc-passwd.pdf"),
        ("", "download.pdf"),
        ("Adroddiad cynnydd – Mehefin", "Adroddiad cynnydd - Mehefin.pdf"),
    ],
)
def test_download_names_keep_only_safe_characters(title, name):
    assert download_name(title, "pdf") == name
