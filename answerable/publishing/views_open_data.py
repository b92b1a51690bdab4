"""Open data: everything on the public register as CSV, XLSX or JSON, under the Open Government
Licence, for the whole site or one report, with a page describing every column (issue #14)."""

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from answerable.core.open_data import OGL, OPEN_DATA_KINDS, open_data_download
from answerable.recommendations import selectors as register
from answerable.recommendations.models import Source


@require_GET
def data_dictionary(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "publishing/register/data.html",
        {
            "title": _("Open data: recommendations and progress"),
            "active_nav": "public_register",
            "columns": register.OPEN_DATA_COLUMNS,
            "kinds": OPEN_DATA_KINDS,
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
    return open_data_download(
        file_kind=file_kind,
        name=name,
        headers=[column for column, _description in register.OPEN_DATA_COLUMNS],
        rows=rows,
        report_id=source.pk if source else None,
    )
