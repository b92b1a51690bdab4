"""Conditional GET for the public site's data and feeds (issue #12): a repeat request that
names what it already has is answered 304 Not Modified: no body is sent, and none is built
where the ETag is made from what the body is made of (`etag_of_parts`).

For public data only (the API, open data downloads, feeds, the calendar), never for HTML
pages: a page carries its request's CSP nonce, and a 304 would pair the cached body's old
nonce with the new response's policy (ADR 0010).
"""

import datetime
import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.http import HttpResponse, HttpResponseBase
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

# Anyone may keep a copy, briefly: the same for every visitor, and a minute old at worst.
PUBLIC_CACHE_CONTROL = "public, max-age=60"


def etag_of(content: bytes) -> str:
    """A strong ETag naming these bytes."""
    return '"' + hashlib.sha256(content).hexdigest()[:32] + '"'


def etag_of_parts(*parts: Any) -> str:
    """A strong ETag naming what a body is made of, for bodies whose bytes differ each time
    for the same data (a JSON file's `generated_at`, an XLSX file's creation time).

    The parts are written out as JSON, so the same values give the same tag in any process;
    dates, decimals and lazy text are written as their text.
    """
    written = json.dumps(parts, default=str, ensure_ascii=False, separators=(",", ":"))
    return etag_of(written.encode())


def conditional_get(
    request: Any,
    *,
    etag: str,
    respond: Callable[[], HttpResponseBase],
    last_modified: datetime.datetime | None = None,
) -> HttpResponseBase:
    """304 Not Modified when the request's If-None-Match names `etag` (or, without one, its
    If-Modified-Since is no older than `last_modified`); otherwise what `respond` returns.

    `respond` is called only when the body is needed. Either answer carries the ETag,
    Last-Modified (when given) and Cache-Control. Give `last_modified` only when every change
    to the body moves it on, a removal included: else a client asking by date alone would be
    told nothing changed when something went. `request` is Django's or DRF's.
    """
    seconds = _seconds(last_modified)
    unchanged = get_conditional_response(request, etag=etag, last_modified=seconds)
    response = respond() if unchanged is None else unchanged
    if response.status_code in (200, 304):
        _mark(response, etag, seconds)
    return response


def conditional_body(
    request: Any,
    response: HttpResponse,
    *,
    last_modified: datetime.datetime | None = None,
) -> HttpResponseBase:
    """`conditional_get` for a response already made, tagged by its bytes, which must be the
    same for the same data (no time of making, no nonce). A 304 keeps the response's Vary."""
    if response.status_code != 200:
        return response
    seconds = _seconds(last_modified)
    etag = etag_of(response.content)
    _mark(response, etag, seconds)
    answer = get_conditional_response(request, etag=etag, last_modified=seconds, response=response)
    return response if answer is None else answer


def _seconds(moment: datetime.datetime | None) -> int | None:
    # Whole seconds, as the header carries them, so If-Modified-Since compares like for like.
    return None if moment is None else int(moment.timestamp())


def _mark(response: HttpResponseBase, etag: str, seconds: int | None) -> None:
    response["ETag"] = etag
    if seconds is not None:
        response["Last-Modified"] = http_date(seconds)
    response["Cache-Control"] = PUBLIC_CACHE_CONTROL
