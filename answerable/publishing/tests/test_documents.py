"""The minutes open in LibreOffice. CI installs it and sets ANSWERABLE_REQUIRE_LIBREOFFICE=1."""

import os
import shutil
import subprocess

import pytest

from answerable.publishing.documents import minutes_docx, minutes_pdf

SOFFICE = shutil.which("soffice")


@pytest.mark.parametrize(("kind", "build"), [("docx", minutes_docx), ("pdf", minutes_pdf)])
def test_libreoffice_opens_the_minutes(published, tmp_path, kind, build):
    if SOFFICE is None:
        message = "LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui"
        if os.environ.get("ANSWERABLE_REQUIRE_LIBREOFFICE") == "1":
            pytest.fail(message)
        pytest.skip(message)
    source = tmp_path / f"minutes.{kind}"
    source.write_bytes(build(content=published.content))
    result = subprocess.run(  # noqa: S603 - fixed arguments, our own temporary file
        [
            SOFFICE,
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "png",
            "--outdir",
            str(tmp_path / "out"),
            str(source),
        ],
        capture_output=True,
        timeout=120,
        check=False,
    )
    picture = tmp_path / "out" / "minutes.png"
    assert picture.exists(), result.stderr.decode()
    assert picture.stat().st_size > 0
