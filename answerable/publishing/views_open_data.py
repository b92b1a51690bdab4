"""Open data: everything on the public register as CSV, XLSX or JSON, under the Open Government
Licence, for the whole site or one report, with a page describing every column (issue #14).
A client that has a download already is answered 304 Not Modified (core.open_data)."""

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_safe

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


@require_safe
def all_data(request: HttpRequest, file_kind: str) -> HttpResponseBase:
    return _data(request, file_kind, "recommendations", register.public_open_data_rows())


@require_safe
def source_data(request: HttpRequest, pk: int, file_kind: str) -> HttpResponseBase:
    source = register.public_source_get(pk=pk)
    rows = register.public_open_data_rows(source=source)
    return _data(request, file_kind, f"report-{source.pk}-recommendations", rows, source=source)


def _data(
    request: HttpRequest,
    file_kind: str,
    name: str,
    rows: list[tuple[object, ...]],
    *,
    source: Source | None = None,
) -> HttpResponseBase:
    return open_data_download(
        request,
        file_kind=file_kind,
        name=name,
        headers=[column for column, _description in register.OPEN_DATA_COLUMNS],
        rows=rows,
        report_id=source.pk if source else None,
    )
