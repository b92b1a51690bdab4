"""Open data downloads for the public site: a table as CSV, XLSX or JSON, under the Open
Government Licence. The register (publishing) and the indicators both offer them."""

from collections.abc import Sequence
from typing import Any

from django.http import Http404, JsonResponse
from django.http.response import HttpResponseBase
from django.utils import timezone

from answerable.core.files import TABLE_KINDS
from answerable.core.views_helpers import table_download

OGL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
JSON = "json"
OPEN_DATA_KINDS = [*TABLE_KINDS, JSON]


def open_data_download(
    *,
    file_kind: str,
    name: str,
    headers: list[str],
    rows: Sequence[Sequence[Any]],
    **about: Any,
) -> HttpResponseBase:
    """The rows as a download of `file_kind` (404 for a kind not offered). JSON says the
    licence, when it was made and `about` (which report it is, say), then the rows as
    objects keyed by column, dates as ISO 8601."""
    if file_kind in TABLE_KINDS:
        return table_download(file_kind=file_kind, name=name, headers=headers, rows=rows)
    if file_kind != JSON:
        raise Http404("No such format")
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
