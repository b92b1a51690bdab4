"""Tagged PDFs: what `core.pdf` changes around WeasyPrint leaves the process as it found it."""

import gc
import io
import zlib

from pypdf import PdfReader

from answerable.core.pdf import tagged_pdf

HTML = (
    '<!DOCTYPE html><html lang="en-GB"><head><title>T</title></head>'
    "<body><h1>Heading</h1><p>{}</p></body></html>"
)


def test_streams_are_written_at_the_default_level_with_the_collector_paused(monkeypatch):
    seen = []
    original = zlib.compressobj

    def spy(level, *args, **kwargs):
        seen.append((level, gc.isenabled()))
        return original(level, *args, **kwargs)

    monkeypatch.setattr(zlib, "compressobj", spy)
    assert gc.isenabled()
    data = tagged_pdf(HTML.format("Some text " * 200), variant="pdf/ua-1")
    # Every stream at zlib's default level (pydyf asks for 9), with the collector paused.
    assert set(seen) == {(zlib.Z_DEFAULT_COMPRESSION, False)}
    assert gc.isenabled()
    assert "Some text" in PdfReader(io.BytesIO(data)).pages[0].extract_text()


def test_a_collector_already_off_stays_off():
    gc.disable()
    try:
        tagged_pdf(HTML.format("Text"))
        assert not gc.isenabled()
    finally:
        gc.enable()
