"""The minutes open in LibreOffice. CI installs it and sets ANSWERABLE_REQUIRE_LIBREOFFICE=1."""

import pytest

from answerable.core.testing import assert_libreoffice_opens
from answerable.publishing.documents import minutes_docx, minutes_pdf


@pytest.mark.parametrize(("kind", "build"), [("docx", minutes_docx), ("pdf", minutes_pdf)])
def test_libreoffice_opens_the_minutes(published, tmp_path, kind, build):
    assert_libreoffice_opens(build(content=published.content), kind=kind, workdir=tmp_path)
