"""Pages for reading a report PDF's recommendations: upload it, see what was found, download
it as a CSV in the import's format, or review and correct the items beside their pages and
import them (issue #19).

The CSV is kept with the other uploads waiting for an import (`imports/`, cleaned up when
abandoned) and the session says where. The items are also kept for review
(`ExtractedReport`); nothing is written to the register until the office imports them.
"""

import csv
import io
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from answerable.accounts.http import AuthenticatedHttpRequest
from answerable.core.files import CONTENT_TYPES, CSV
from answerable.core.tables import csv_stream
from answerable.extraction import services
from answerable.extraction.forms import ReportUploadForm
from answerable.extraction.reports import COLUMNS, Extraction, import_rows
from answerable.imports.services import (
    import_upload_delete,
    import_upload_read,
    import_upload_store,
    is_import_upload,
)
from answerable.organisations.models import Organisation
from answerable.recommendations import importing, selectors
from answerable.recommendations.models import Recommendation

SESSION_KEY = "extraction_report"
FINDING_LABELS = dict(Recommendation.FindingType.choices)


def _render(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    return render(request, f"extraction/{template}", {"active_nav": "sources", **context})


def _check_office(request: AuthenticatedHttpRequest) -> Organisation:
    """Only scrutiny officers, who import, read reports for the register."""
    office = importing.import_office_for(request.user)
    if office is None or not selectors.can_manage_register(user=request.user):
        raise PermissionDenied
    return office


def _stored(request: HttpRequest) -> tuple[dict[str, str], bytes] | None:
    pending = request.session.get(SESSION_KEY)
    if not pending or not is_import_upload(pending.get("path", "")):
        return None
    try:
        return pending, import_upload_read(path=pending["path"])
    except OSError:
        return None


@login_required
@require_http_methods(["GET", "POST"])
def report_upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    office = _check_office(request)
    form = ReportUploadForm(
        request.POST if request.method == "POST" else None, request.FILES or None
    )
    if form.is_valid():
        extraction: Extraction = form.cleaned_data["file"]
        content = "".join(
            csv_stream(COLUMNS, import_rows(extraction.items, source=extraction.title))
        )
        previous = request.session.get(SESSION_KEY)
        if previous:
            import_upload_delete(path=str(previous.get("path", "")))
        report = services.extracted_report_create(
            actor=request.user, office=office, extraction=extraction
        )
        request.session[SESSION_KEY] = {
            "path": import_upload_store(content=content.encode("utf-8"), kind=CSV),
            "name": extraction.file.name,
            "title": extraction.title,
            "report": report.pk,
        }
        return redirect("extraction:report_items")
    return _render(
        request,
        "report_upload.html",
        {"title": _("Recommendations from a report PDF"), "form": form, "page_forms": [form]},
    )


@login_required
@require_GET
def report_items(request: AuthenticatedHttpRequest) -> HttpResponse:
    _check_office(request)
    stored = _stored(request)
    if stored is None:
        return redirect("extraction:report_upload")
    pending, content = stored
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    for row in rows:
        row["finding_label"] = str(FINDING_LABELS.get(row["finding_type"], row["finding_type"]))
    return _render(
        request,
        "report_items.html",
        {
            "title": _("Found in %(name)s") % {"name": pending["name"]},
            "pending": pending,
            "rows": rows,
        },
    )


@login_required
@require_GET
def report_items_csv(request: AuthenticatedHttpRequest) -> HttpResponse:
    _check_office(request)
    stored = _stored(request)
    if stored is None:
        return redirect("extraction:report_upload")
    pending, content = stored
    stem = pending["name"].rsplit(".", 1)[0] or "report"
    response = HttpResponse(content, content_type=f"{CONTENT_TYPES[CSV]}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_safe(stem)}-import.csv"'
    return response


def _safe(name: str) -> str:
    """A file name for the header: letters, digits, dashes and underscores only."""
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in name)[:80] or "report"
