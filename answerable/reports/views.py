"""The office's progress reports: list, add, preview, approve and download (issue #15)."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from answerable.accounts.http import AuthenticatedHttpRequest
from answerable.core.files import DOCX, PDF
from answerable.core.views_edit import edit_page
from answerable.core.views_helpers import (
    document_download,
    post_data,
    stored_file_download,
)
from answerable.organisations.selectors import (
    area_organisation_list,
    scrutiny_office_for,
    second_approver_required,
)
from answerable.recommendations import selectors as register
from answerable.reports import selectors, services
from answerable.reports.charts import report_figures
from answerable.reports.content import report_content
from answerable.reports.documents import report_docx, report_pdf
from answerable.reports.forms import ApproveForm, ProgressReportForm, ReportForm

DOWNLOADS = {DOCX: report_docx, PDF: report_pdf}


def _scope_choices(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    """The office's sources and the organisations of its area, for the scope's form."""
    office = scrutiny_office_for(user=request.user)
    if office is None:
        raise PermissionDenied(_("Only the PCC's office writes progress reports"))
    return {
        "sources": register.source_choice_list(user=request.user).filter(owner=office),
        "organisations": area_organisation_list(office=office),
    }


def _form_page(
    request: AuthenticatedHttpRequest, template: str, form: Any, title: str, **extra: Any
) -> HttpResponse:
    context = {"title": title, "form": form, "page_forms": [form], "active_nav": "reports"}
    return render(request, template, context | extra)


@login_required
@require_GET
def report_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "reports/report_list.html",
        {
            "title": _("Progress reports"),
            "reports": selectors.progress_report_list(user=request.user),
            "can_write": selectors.can_write_reports(user=request.user),
            "active_nav": "reports",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return edit_page(
        request,
        ProgressReportForm(post_data(request), **_scope_choices(request)),
        services.progress_report_create,
        done=_("Report added: preview it, then approve it"),
        page=lambda form: _form_page(
            request, "reports/report_create.html", form, _("Add a progress report")
        ),
    )


@login_required
@require_GET
def report_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A draft shows the report as the record stands today; an approved one, what was frozen."""
    report = selectors.progress_report_get_for_user(user=request.user, pk=pk)
    content = (
        report.content
        if report.is_approved
        else report_content(selectors.progress_report_scope(user=request.user, report=report))
    )
    may_approve = not report.is_approved and selectors.can_write_reports(
        user=request.user, report=report
    )
    needs_other = second_approver_required(
        office=report.office, proposed_by_id=report.drafted_by_id, actor=request.user
    )
    return render(
        request,
        "reports/report_detail.html",
        {
            "title": report.title,
            "report": report,
            "content": content,
            **report_figures(content),
            "may_approve": may_approve and not needs_other,
            "needs_other_approver": may_approve and needs_other,
            "active_nav": "reports",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_approve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = selectors.progress_report_get_for_user(user=request.user, pk=pk)
    if not selectors.can_write_reports(user=request.user, report=report):
        raise PermissionDenied
    return edit_page(
        request,
        ApproveForm(post_data(request)),
        services.progress_report_approve,
        report=report,
        done=_("Report approved: it will not change again"),
        page=lambda form: _form_page(
            request,
            "reports/report_approve.html",
            form,
            _("Approve %(title)s") % {"title": report.title},
            report=report,
        ),
    )


@login_required
@require_GET
def report_download(
    request: AuthenticatedHttpRequest, pk: int, kind: str
) -> HttpResponse | FileResponse:
    """The approved documents as stored; a draft's, built from the record now."""
    report = selectors.progress_report_get_for_user(user=request.user, pk=pk)
    if kind not in DOWNLOADS:
        raise Http404
    name = f"progress-report-{report.pk}" + ("" if report.is_approved else "-draft")
    if report.is_approved:
        return stored_file_download(getattr(report, kind), title=name, kind=kind)
    content = report_content(selectors.progress_report_scope(user=request.user, report=report))
    return document_download(DOWNLOADS[kind](content=content), kind, f"{name}.{kind}")


@login_required
@require_GET
def report_preview(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A one-off report: choose scope and period, see it, download it; nothing is kept."""
    choices = _scope_choices(request)
    form = ReportForm(request.GET or None, **choices)
    context: dict[str, Any] = {
        "form": form,
        "page_forms": [form] if form.is_bound else [],
        "title": _("Preview a progress report"),
        "active_nav": "reports",
    }
    if form.is_valid():
        chosen = list(form.cleaned_data["sources"]) or list(choices["sources"])
        owner = form.cleaned_data["organisation"]
        names = [owner.name] if owner else [s.title for s in chosen]
        content = report_content(
            selectors.report_scope(
                user=request.user,
                title=_("Progress report: %(scope)s") % {"scope": "; ".join(names)},
                sources=chosen,
                owner=owner,
                period_from=form.cleaned_data["period_from"],
                period_to=form.cleaned_data["period_to"],
                audience=form.cleaned_data["audience"],
            )
        )
        kind = request.GET.get("format", "")
        if kind in DOWNLOADS:
            name = f"progress-report-{content['period_to']}.{kind}"
            return document_download(DOWNLOADS[kind](content=content), kind, name)
        context |= {
            "content": content,
            **report_figures(content),
            "query": request.GET.urlencode(),
        }
    return render(request, "reports/report_preview.html", context)
