"""Open data downloads for the public site: a table as CSV, XLSX or JSON, under the Open
Government Licence. The register (publishing) and the indicators both offer them.

Each download is answered conditionally (core.conditional): its ETag names what the file is
made of, not its bytes, which hold the time they were made (JSON's `generated_at`, an XLSX
file's creation time), so the same data gives the same ETag and a repeat download costs no
file.
"""

from collections.abc import Sequence
from typing import Any

from django.http import Http404, HttpRequest, JsonResponse
from django.http.response import HttpResponseBase
from django.utils import timezone

from answerable.core.conditional import conditional_get, etag_of_parts
from answerable.core.files import TABLE_KINDS
from answerable.core.views_helpers import table_download

OGL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
JSON = "json"
OPEN_DATA_KINDS = [*TABLE_KINDS, JSON]
# Part of every download's ETag: raise it when the files' layout changes while their data
# does not, so that clients holding the old layout are sent the new.
LAYOUT = 1


def open_data_download(
    request: HttpRequest,
    *,
    file_kind: str,
    name: str,
    headers: list[str],
    rows: Sequence[Sequence[Any]],
    **about: Any,
) -> HttpResponseBase:
    """The rows as a download of `file_kind` (404 for a kind not offered), or 304 Not
    Modified for a client that has it already. JSON says the licence, when it was made and
    `about` (which report it is, say), then the rows as objects keyed by column, dates as
    ISO 8601."""
    if file_kind not in OPEN_DATA_KINDS:
        raise Http404("No such format")
    # The file's name carries today's date (table_download), so a new day is a new file.
    day = timezone.localdate().isoformat()
    etag = etag_of_parts(LAYOUT, file_kind, name, day, headers, rows, about)
    return conditional_get(
        request,
        etag=etag,
        respond=lambda: _download(file_kind, name, headers, rows, about),
    )


def _download(
    file_kind: str,
    name: str,
    headers: list[str],
    rows: Sequence[Sequence[Any]],
    about: dict[str, Any],
) -> HttpResponseBase:
    if file_kind in TABLE_KINDS:
        return table_download(file_kind=file_kind, name=name, headers=headers, rows=rows)
    return JsonResponse(
        {
            "licence": OGL,
            "generated_at": timezone.now().isoformat(),
            **about,
            "columns": headers,
            "rows": [
                dict(zip(headers, [_plain(value) for value in row], strict=True)) for row in rows
            ],
        },
        json_dumps_params={"ensure_ascii": False},
    )


def _plain(value: object) -> object:
    return value.isoformat() if hasattr(value, "isoformat") else value
