"""Open data: everything on the public register as CSV, XLSX or JSON, under the Open Government
Licence, for the whole site or one report, with a page describing every column (issue #14)."""

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from answerable.core.files import TABLE_KINDS
from answerable.core.views_helpers import table_download
from answerable.recommendations import selectors as register
from answerable.recommendations.models import Source

OGL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
JSON = "json"


@require_GET
def data_dictionary(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "publishing/register/data.html",
        {
            "title": _("Open data: recommendations and progress"),
            "active_nav": "public_register",
            "columns": register.OPEN_DATA_COLUMNS,
            "kinds": [*TABLE_KINDS, JSON],
            "licence": OGL,
        },
    )


@require_GET
def all_data(request: HttpRequest, file_kind: str) -> HttpResponseBase:
    return _data(file_kind, "recommendations", register.public_open_data_rows())


@require_GET
def source_data(request: HttpRequest, pk: int, file_kind: str) -> HttpResponseBase:
    source = register.public_source_get(pk=pk)
    rows = register.public_open_data_rows(source=source)
    return _data(file_kind, f"report-{source.pk}-recommendations", rows, source=source)


def _data(
    file_kind: str, name: str, rows: list[tuple[object, ...]], *, source: Source | None = None
) -> HttpResponseBase:
    headers = [column for column, _description in register.OPEN_DATA_COLUMNS]
    if file_kind in TABLE_KINDS:
        return table_download(file_kind=file_kind, name=name, headers=headers, rows=rows)
    if file_kind != JSON:
        raise Http404("No such format")
    return JsonResponse(
        {
            "licence": OGL,
            "generated_at": timezone.now().isoformat(),
            "report_id": source.pk if source else None,
            "columns": headers,
            "rows": [
                dict(zip(headers, [_plain(value) for value in row], strict=True)) for row in rows
            ],
        },
        json_dumps_params={"ensure_ascii": False},
    )


def _plain(value: object) -> object:
    return value.isoformat() if hasattr(value, "isoformat") else value
