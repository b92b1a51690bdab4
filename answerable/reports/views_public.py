"""Approved public progress reports on the public site: anyone may read and download them."""

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from answerable.core.views_helpers import stored_file_download
from answerable.reports import selectors
from answerable.reports.charts import report_figures
from answerable.reports.views import DOWNLOADS


@require_GET
def public_report_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "reports/public_report_list.html",
        {
            "title": _("Progress reports"),
            "reports": selectors.public_progress_report_list(),
            "active_nav": "public_reports",
        },
    )


@require_GET
def public_report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.public_progress_report_get(pk=pk)
    return render(
        request,
        "reports/public_report_detail.html",
        {
            "title": report.title,
            "report": report,
            "content": report.content,
            **report_figures(report.content),
            "active_nav": "public_reports",
        },
    )


@require_GET
def public_report_download(request: HttpRequest, pk: int, kind: str) -> FileResponse:
    """The document exactly as approved; its SHA-256 is on the report's page."""
    report = selectors.public_progress_report_get(pk=pk)
    if kind not in DOWNLOADS:
        raise Http404
    return stored_file_download(
        getattr(report, kind), title=f"progress-report-{report.pk}", kind=kind
    )
