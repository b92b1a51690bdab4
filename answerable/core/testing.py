"""Helpers for tests: sign a user in, past two-factor where their role needs it; check a page's
forms; open a document in LibreOffice."""

import html
import io
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from pypdf import PdfWriter

if TYPE_CHECKING:  # core sits beneath accounts; the tests pass it a User
    from answerable.accounts.models import User


def sign_in(client: Client, user: "User") -> Client:
    """Log the client in as the user with a verified authenticator, as after a real sign-in."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Test authenticator", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


_POST_FORM = re.compile(r'<form[^>]*method="post"[^>]*>(.*?)</form>', re.IGNORECASE | re.DOTALL)


def held_etag(client: Client, url: str) -> str:
    """The ETag of a public answer (core.conditional), checking that it is the same on a
    second request and that a client holding it, asking by GET or HEAD, is sent nothing."""
    first = client.get(url)
    assert first["Cache-Control"] == "public, max-age=60"
    assert client.get(url)["ETag"] == first["ETag"]
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert (again.status_code, again.content) == (304, b"")
    assert client.head(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    return str(first["ETag"])


def post_forms_without_csrf(page: str) -> int:
    """How many of the page's POST forms a browser could not submit: those with no CSRF field
    (a macro imported without context draws `csrf_input` as nothing)."""
    return sum("csrfmiddlewaretoken" not in form for form in _POST_FORM.findall(page))


def hidden_value(page: str, name: str) -> str:
    """The value of the page's hidden input `name`, as a browser would submit it."""
    match = re.search(rf'<input type="hidden" id="[^"]*" name="{name}" value="([^"]*)">', page)
    assert match, f"no hidden input {name}"
    return html.unescape(match[1])


def drawn_version(page: str) -> dict[str, str]:
    """What an edit form's page says it was drawn from (core.forms.VersionedForm), to post
    back as a browser would."""
    return {name: hidden_value(page, name) for name in ("expected_version", "drawn_values")}


def summary_rows(page: str) -> list[tuple[str, str]]:
    """The (key, value) text of each GOV.UK summary list row on the page."""
    rows = re.findall(
        r'govuk-summary-list__key">(.*?)</dt>\s*<dd class="govuk-summary-list__value">(.*?)</dd>',
        page,
        re.DOTALL,
    )
    return [(html.unescape(key.strip()), html.unescape(value.strip())) for key, value in rows]


def pdf_bytes(pages: int = 1) -> bytes:
    """A real, if blank, PDF: uploads are checked by opening them, so a fake one is refused."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def assert_libreoffice_opens(document: bytes, *, kind: str, workdir: Path) -> None:
    """LibreOffice opens the document and draws its first page. CI installs LibreOffice and
    sets ANSWERABLE_REQUIRE_LIBREOFFICE=1, so a missing one fails there instead of skipping."""
    soffice = shutil.which("soffice")
    if soffice is None:
        message = "LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui"
        if os.environ.get("ANSWERABLE_REQUIRE_LIBREOFFICE") == "1":
            pytest.fail(message)
        pytest.skip(message)
    source = workdir / f"document.{kind}"
    source.write_bytes(document)
    result = subprocess.run(  # noqa: S603 - fixed arguments, our own temporary file
        [
            soffice,
            f"-env:UserInstallation=file://{workdir}/profile",
            "--headless",
            "--convert-to",
            "png",
            "--outdir",
            str(workdir / "out"),
            str(source),
        ],
        capture_output=True,
        timeout=120,
        check=False,
    )
    picture = workdir / "out" / "document.png"
    assert picture.exists(), result.stderr.decode()
    assert picture.stat().st_size > 0


def xlsx_bomb() -> bytes:
    """A real workbook with its sheet padded by 20 million empty rows' worth of markup,
    which deflate squeezes to under a megabyte: the "decompression bomb" of issue #11."""
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.append(["source", "reference", "text"])
    plain = io.BytesIO()
    workbook.save(plain)
    bombed = io.BytesIO()
    with (
        zipfile.ZipFile(plain) as original,
        zipfile.ZipFile(bombed, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
    ):
        for entry in original.infolist():
            data = original.read(entry.filename)
            if entry.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", b"<row/>" * 20_000_000 + b"</sheetData>")
            archive.writestr(entry.filename, data)
    return bombed.getvalue()


def xlsx_stray_cell(headers: list[str], row: list[str], *, at_row: int = 1_000_000) -> bytes:
    """A legal workbook of a header and one row, and a space in a cell far below, as Excel
    leaves after a column was formatted: a few kilobytes that take half a second to read."""
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.append(headers)
    workbook.active.append(row)
    workbook.active.cell(row=at_row, column=1, value=" ")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
