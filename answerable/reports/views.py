"""The office previews a progress report, then downloads it as Word or PDF (issue #15)."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from answerable.accounts.http import AuthenticatedHttpRequest
from answerable.organisations.selectors import scrutiny_office_for
from answerable.recommendations import selectors
from answerable.reports.content import ReportScope, report_content
from answerable.reports.documents import report_docx, report_pdf
from answerable.reports.forms import ReportForm

DOWNLOADS = {
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        report_docx,
    ),
    "pdf": ("application/pdf", report_pdf),
}


@login_required
@require_GET
def report_preview(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The choice of scope and period; once chosen, the report itself, or its download."""
    office = scrutiny_office_for(user=request.user)
    if office is None:
        raise PermissionDenied(_("Only the PCC's office writes progress reports"))
    sources = selectors.source_choice_list(user=request.user).filter(owner=office)
    form = ReportForm(request.GET or None, sources=sources)
    context: dict[str, Any] = {
        "form": form,
        "page_forms": [form] if form.is_bound else [],
        "title": _("Progress report"),
        "active_nav": "sources",
    }
    if form.is_valid():
        chosen = form.cleaned_data["sources"]
        content = report_content(
            ReportScope(
                title=_("Progress report: %(sources)s")
                % {"sources": "; ".join(s.title for s in chosen)},
                actions=selectors.action_list(user=request.user).filter(source__in=chosen),
                recommendations=selectors.recommendation_list(user=request.user).filter(
                    source__in=chosen
                ),
                period_from=form.cleaned_data["period_from"],
                period_to=form.cleaned_data["period_to"],
                audience=form.cleaned_data["audience"],
            )
        )
        kind = request.GET.get("format", "")
        if kind in DOWNLOADS:
            content_type, render_document = DOWNLOADS[kind]
            response = HttpResponse(render_document(content=content), content_type=content_type)
            name = f"progress-report-{content['period_to']}.{kind}"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            response["X-Content-Type-Options"] = "nosniff"
            return response
        context |= {"content": content, "query": request.GET.urlencode()}
    return render(request, "reports/report_preview.html", context)
