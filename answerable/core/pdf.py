"""HTML to tagged PDF with WeasyPrint, for the minutes and the progress report.

The HTML must be standalone: no protocol is allowed, so no text in it can make the server
fetch a URL.
"""

import gc
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


def tagged_pdf(html: str, *, variant: str | None = None) -> bytes:
    """`html` as a tagged PDF (structure tree, headings as bookmarks), in `variant` if given
    (such as "pdf/ua-1")."""
    import pydyf  # imported here, as WeasyPrint is: loading Pango takes a moment
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    if not isinstance(pydyf.PDF.__dict__["page_references"], _PageReferences):
        pydyf.PDF.page_references = _PageReferences()
    if not isinstance(pydyf.zlib, _DefaultLevelZlib):
        pydyf.zlib = _DefaultLevelZlib()
    fetcher = URLFetcher(allowed_protocols=frozenset())
    with _collector_paused():
        return HTML(string=html, url_fetcher=fetcher).write_pdf(pdf_variant=variant, pdf_tags=True)


class _PageReferences:
    """pydyf's `PDF.page_references`, built once per page count instead of on every read.

    WeasyPrint reads it for every element of the structure tree, and pydyf rebuilds the
    tuple of every page's reference each time: for a 150-page report that was 28,000 tuples
    of 150 strings, 1.9 of its 11 seconds (pydyf 0.13, WeasyPrint 70). Pages are only ever
    appended, so the page count tells when the cached tuple is stale.
    """

    def __get__(self, pdf: Any, owner: type | None = None) -> tuple[bytes, ...]:
        kids = pdf.pages["Kids"]
        cached = pdf.__dict__.get("_answerable_page_references")
        if cached is None or cached[0] != len(kids):
            cached = (len(kids), tuple(f"{number} 0 R".encode("ascii") for number in kids[::3]))
            pdf.__dict__["_answerable_page_references"] = cached
        return cached[1]


class _DefaultLevelZlib:
    """The `zlib` pydyf sees, compressing streams at zlib's default level instead of 9.

    pydyf 0.13 asks for level 9 for every stream; on a 92-page report that took 0.15–0.25 s
    more than the default level (6) for a file 4% smaller (bench/README.md).
    """

    def __getattr__(self, name: str) -> Any:
        return getattr(zlib, name)

    @staticmethod
    def compressobj(level: int = zlib.Z_DEFAULT_COMPRESSION, **kwargs: Any) -> Any:
        return zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, **kwargs)


_pause_lock = threading.Lock()
_pause = {"depth": 0, "was_enabled": False}


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector held off while WeasyPrint makes a document.

    WeasyPrint makes hundreds of thousands of boxes, styles and PDF objects that live until
    the document is written, so every collection in between scans them all and frees
    nothing: about a sixth of a 500-recommendation report's time (bench/README.md). Documents
    made at the same time in other threads share the pause; the collector resumes, as it
    was, when the last of them is written, and then collects what they left as usual.
    """
    with _pause_lock:
        if _pause["depth"] == 0:
            _pause["was_enabled"] = gc.isenabled()
            gc.disable()
        _pause["depth"] += 1
    try:
        yield
    finally:
        with _pause_lock:
            _pause["depth"] -= 1
            if _pause["depth"] == 0 and _pause["was_enabled"]:
                gc.enable()
