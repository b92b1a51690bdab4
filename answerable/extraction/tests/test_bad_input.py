"""A file that is no report to read is refused with a message naming it, and the process
goes on: a password, no text layer, not a PDF at all, too many pages, a page tree that
multiplies itself, objects nested thousands deep."""

import base64
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from PIL import Image
from pypdf import PdfWriter

from answerable.core.testing import pdf_bytes
from answerable.extraction.pdf_text import MAX_PAGES
from answerable.extraction.reports import report_extract
from answerable.extraction.tests.helpers import html_pdf, pages_pdf, raw_pdf, upload

REPORT = "<h2>Recommendations</h2><p><b>Recommendation 1:</b> The council should act.</p>"


def refusal(content: bytes, name: str = "report.pdf") -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        report_extract(upload(content, name))
    return caught.value


def encrypted(user_password: str) -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(html_pdf(REPORT)))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_a_pdf_that_needs_a_password_is_refused_as_such():
    error = refusal(encrypted("secret"))
    assert error.code == "encrypted"
    assert error.messages == [
        "The file report.pdf is protected by a password. Save a copy without the password "
        "and use that"
    ]


def test_a_pdf_locked_only_against_editing_is_read():
    items = report_extract(upload(encrypted(""))).items
    assert [(i.reference, i.text) for i in items] == [("1", "The council should act.")]


def test_a_scan_without_a_text_layer_is_refused_without_reading_pictures():
    picture = io.BytesIO()
    Image.new("RGB", (400, 560), "white").save(picture, format="PNG")
    source = "data:image/png;base64," + base64.b64encode(picture.getvalue()).decode()
    error = refusal(html_pdf(f'<img src="{source}" style="width: 100%">' * 2))
    assert error.code == "no_text"
    assert "has no text to read: it looks like a scan" in error.messages[0]


def test_blank_pages_are_refused_as_having_no_text():
    assert refusal(pdf_bytes(pages=3)).code == "no_text"


def test_a_file_that_is_not_a_pdf_but_is_named_like_one_is_refused():
    error = refusal(b"Recommendation 1: The council should act.\n", name="report.pdf")
    assert error.messages == ["The file report.pdf must be a PDF file; its content is not"]


def test_a_damaged_pdf_is_refused():
    error = refusal(html_pdf(REPORT)[:400])
    assert error.code == "unreadable"


def test_a_pdf_declaring_a_million_pages_is_refused_before_any_is_read():
    error = refusal(pages_pdf(2, declared=1_000_000))
    assert error.code == "too_many_pages"
    assert "has 1,000,000 pages. A report may have up to 500" in error.messages[0]


def test_a_pdf_with_more_pages_than_it_declares_is_stopped_past_the_limit():
    error = refusal(pages_pdf(MAX_PAGES + 1, declared=1, text=False))
    assert error.code == "too_many_pages"
    assert f"has more than {MAX_PAGES} pages" in error.messages[0]


def test_a_page_tree_that_multiplies_itself_is_refused():
    """Each node lists the next 100 times: a few hundred bytes claiming 100 million pages."""

    def kids(target: int) -> bytes:
        return b"[" + b" ".join([b"%d 0 R" % target] * 100) + b"]"

    bomb = raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids " + kids(3) + b" /Count 1 >>",
            b"<< /Type /Pages /Kids " + kids(4) + b" /Count 1 >>",
            b"<< /Type /Pages /Kids " + kids(5) + b" /Count 1 >>",
            b"<< /Type /Pages /Kids " + kids(6) + b" /Count 1 >>",
            b"<< /Type /Page /MediaBox [0 0 595 842] >>",
        ]
    )
    assert refusal(bomb).messages == [
        "The file report.pdf is damaged or is not the PDF file it seems to be. Open it, save "
        "it again and upload the saved copy"
    ]


@pytest.mark.parametrize(
    ("nested", "code"),
    [
        (b"[" * 50_000 + b"]" * 50_000, "unreadable"),  # the upload check cannot open it
        (b"<< /A " * 5_000 + b"1" + b" >>" * 5_000, "no_text"),  # it opens, and is empty
    ],
    ids=["arrays", "dictionaries"],
)
def test_objects_nested_thousands_deep_are_refused(nested, code):
    deep = raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R /Deep " + nested + b" >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        ]
    )
    assert refusal(deep).code == code


def test_drawing_instructions_nested_thousands_deep_are_read_and_refused():
    content = b"q " * 20_000 + b"Q " * 20_000
    stream = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content)
    deep = raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            stream,
        ]
    )
    assert refusal(deep).code == "no_text"


def test_a_report_without_items_is_refused_rather_than_giving_an_empty_file():
    error = refusal(html_pdf("<p>The council met on Tuesday.</p>" * 10))
    assert error.code == "no_items"


def test_the_command_writes_nothing_for_a_refused_file(tmp_path):
    pdf = tmp_path / "locked.pdf"
    pdf.write_bytes(encrypted("secret"))
    output = tmp_path / "locked.csv"
    with pytest.raises(CommandError, match="is protected by a password"):
        call_command("extract_recommendations", str(pdf), "--output", str(output))
    assert not output.exists()
    assert list(tmp_path.iterdir()) == [pdf]


def test_the_command_names_a_file_it_cannot_open(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("extract_recommendations", str(tmp_path / "missing.pdf"))
