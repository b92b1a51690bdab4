"""Pages for importing recommendations: upload a file, match its columns, check it, confirm.

Between pages the uploaded bytes stay in storage under `imports/` and the session holds where,
with the file's name, kind, SHA-256, column mapping and the office's answers for owner names
the register does not know (`importing.OwnerDecisions`). The checks that answer at once (the
file's content and size, the columns, the preview of every row) run here. Confirming queues an
import job: a background task checks the file again and writes everything or nothing, and the
person follows it on the job's status page.
"""

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from answerable.accounts.http import AuthenticatedHttpRequest
from answerable.core.files import TABLE_KINDS
from answerable.core.views_helpers import error_summary, post_data, table_response
from answerable.imports.models import ImportJob
from answerable.imports.services import (
    import_upload_store,
)
from answerable.imports.views import ImportStatusPage, import_status_view
from answerable.organisations.models import Membership, Organisation
from answerable.organisations.selectors import area_organisation_list
from answerable.recommendations import importing, selectors
from answerable.recommendations.forms_import import (
    ImportMappingForm,
    ImportUploadForm,
    NewOwnerForm,
    OwnerMatchForm,
)
from answerable.recommendations.import_session import pending_forget, pending_table
from answerable.recommendations.importing.jobs import recommendations_import_queue
from answerable.recommendations.tables import Table

SESSION_KEY = "recommendations_import"
SUMMARY_ERRORS = 10
TEMPLATE_EXAMPLE: dict[str, Any] = {
    "source": "Example inspection of child sexual exploitation",
    "source_kind": "inspection",
    "publisher": "HMICFRS",
    "published_on": datetime.date(2023, 12, 8),
    "source_url": "https://www.example.org/report",
    "deadline_rule": "s55",
    "reference": "R1",
    "text": "By 31 December 2024, chief constables should make sure that officers are trained "
    "to recognise child sexual exploitation.",
    "finding_type": "Recommendation",
    "addressees": "Chief constables",
    "themes": "Training, Intelligence",
    "owner": "Shire Police",
    "action_description": "Train every frontline officer in CSE awareness.",
    "target_on": datetime.date(2024, 12, 31),
}


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], form: Form | None = None
) -> HttpResponse:
    """The page, with `form`'s errors summarised above its heading when it has a form."""
    forms = {"form": form, "page_forms": [form]} if form is not None else {}
    return render(
        request, f"recommendations/{template}", {"active_nav": "sources", **context, **forms}
    )


def _office(request: AuthenticatedHttpRequest) -> Organisation:
    """The office the import writes to; only scrutiny officers may import."""
    office = importing.import_office_for(request.user)
    if office is None or not selectors.can_manage_register(user=request.user):
        raise PermissionDenied
    return office


def _pending(request: HttpRequest) -> tuple[dict[str, Any], Table] | None:
    return pending_table(request, SESSION_KEY)


def _forget(request: HttpRequest) -> None:
    pending_forget(request, SESSION_KEY)


def _start_again(request: HttpRequest) -> HttpResponse:
    messages.info(request, _("Upload the file again to continue the import"))
    return redirect("recommendations:import_upload")


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    _office(request)
    form = ImportUploadForm(
        request.POST if request.method == "POST" else None, request.FILES or None
    )
    if form.is_valid():
        uploaded = form.cleaned_data["file"]
        checked = uploaded.file
        _forget(request)
        path = import_upload_store(content=checked.content, kind=checked.kind)
        request.session[SESSION_KEY] = {
            "path": path,
            "name": checked.name,
            "kind": checked.kind,
            "sha256": checked.sha256,
            "mapping": importing.guess_mapping(uploaded.table.headers),
        }
        return redirect("recommendations:import_mapping")
    return _render(
        request,
        "import_upload.html",
        {
            "title": _("Import recommendations"),
            "fields": importing.FIELDS,
        },
        form,
    )


@login_required
@require_GET
def import_template(
    request: AuthenticatedHttpRequest, file_kind: str
) -> HttpResponse | StreamingHttpResponse:
    _office(request)
    if file_kind not in TABLE_KINDS:
        raise Http404("No such template")
    headers = list(importing.FIELD_NAMES)
    return table_response(
        file_kind=file_kind,
        filename=f"recommendations-import-template.{file_kind}",
        sheet_title="Recommendations",
        headers=headers,
        rows=[[TEMPLATE_EXAMPLE[name] for name in headers]],
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_mapping(request: AuthenticatedHttpRequest) -> HttpResponse:
    _office(request)
    found = _pending(request)
    if found is None:
        return _start_again(request)
    pending, table = found
    form = ImportMappingForm(
        post_data(request), headers=table.headers, initial=pending.get("mapping") or {}
    )
    if form.is_valid():
        pending["mapping"] = form.mapping()
        request.session[SESSION_KEY] = pending
        return redirect("recommendations:import_owners")
    return _render(
        request,
        "import_mapping.html",
        {
            "title": _("Match the columns"),
            "file_name": pending["name"],
            "row_count": len(table.rows),
        },
        form,
    )


def _preview(
    request: HttpRequest,
    *,
    pending: dict[str, Any],
    plan: importing.ImportPlan | None,
    errors: list[importing.RowError],
) -> HttpResponse:
    summary = error_summary(
        errors, count=len(errors), more="And {more} more errors, listed below", shown=SUMMARY_ERRORS
    )
    mapping = pending.get("mapping") or {}
    return _render(
        request,
        "import_preview.html",
        {
            "title": _("Check the import"),
            "file_name": pending["name"],
            "plan": plan,
            "import_errors": errors,
            "error_summary": summary,
            "preview_fields": [f for f in importing.FIELDS if mapping.get(f.name)],
            "back_url": reverse(
                "recommendations:import_owners"
                if pending.get("owners")
                else "recommendations:import_mapping"
            ),
        },
    )


def _decisions(pending: dict[str, Any]) -> importing.OwnerDecisions:
    return importing.OwnerDecisions.from_json(pending.get("owners"))


def _mapped(
    request: AuthenticatedHttpRequest,
) -> tuple[Organisation, dict[str, Any], Table, dict[str, str]] | HttpResponse:
    """The office, the pending upload, its table and its mapping; or, when the upload is gone
    or its columns no longer match, the page to go back to."""
    office = _office(request)
    found = _pending(request)
    if found is None:
        return _start_again(request)
    pending, table = found
    mapping = pending.get("mapping") or {}
    if importing.mapping_errors(mapping, table.headers):
        return redirect("recommendations:import_mapping")
    return office, pending, table, mapping


@login_required
@require_http_methods(["GET", "POST"])
def import_owners(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Say which organisations each owner name the register does not know means."""
    mapped = _mapped(request)
    if isinstance(mapped, HttpResponse):
        return mapped
    office, pending, table, mapping = mapped
    # Asked without this import's answers, so the page shows every name the register lacks.
    plan = importing.import_plan(table=table, mapping=mapping, office=office)
    if not plan.unknown_owners:
        return redirect("recommendations:import_preview")
    form = OwnerMatchForm(
        post_data(request),
        unknown=plan.unknown_owners,
        area=list(area_organisation_list(office=office)),
        decisions=_decisions(pending),
    )
    if form.is_valid():
        pending["owners"] = form.chosen().as_json()
        request.session[SESSION_KEY] = pending
        return redirect("recommendations:import_preview")
    return _render(
        request,
        "import_owners.html",
        {
            "title": _("Match the owners"),
            "file_name": pending["name"],
            "unknown": plan.unknown_owners,
            "new_organisations": _decisions(pending).new_organisations,
        },
        form,
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_owner_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Add an organisation to create, in the office's area, when the import runs."""
    _office(request)
    found = _pending(request)
    if found is None:
        return _start_again(request)
    pending, _table = found
    decisions = _decisions(pending)
    for_value = request.GET.get("name", "")[:500]
    form = NewOwnerForm(
        post_data(request),
        planned=decisions.new_organisations,
        initial={"name": for_value, "for_value": for_value},
    )
    if form.is_valid():
        organisation = form.organisation()
        decisions.add_new_organisation(organisation)
        if form.cleaned_data["for_value"]:
            decisions.add(form.cleaned_data["for_value"], new=organisation.name)
        pending["owners"] = decisions.as_json()
        request.session[SESSION_KEY] = pending
        messages.success(
            request,
            _("%(name)s will be added when the import runs") % {"name": organisation.name},
        )
        return redirect("recommendations:import_owners")
    return _render(
        request,
        "import_owner_new.html",
        {
            "title": _("Add an organisation"),
            "file_name": pending["name"],
        },
        form,
    )


@login_required
@require_GET
def import_preview(request: AuthenticatedHttpRequest) -> HttpResponse:
    mapped = _mapped(request)
    if isinstance(mapped, HttpResponse):
        return mapped
    office, pending, table, mapping = mapped
    plan = importing.import_plan(
        table=table, mapping=mapping, office=office, owners=_decisions(pending)
    )
    if plan.unknown_owners:
        return redirect("recommendations:import_owners")
    return _preview(request, pending=pending, plan=plan, errors=plan.errors)


@login_required
@require_POST
def import_confirm(request: AuthenticatedHttpRequest) -> HttpResponse:
    mapped = _mapped(request)
    if isinstance(mapped, HttpResponse):
        return mapped
    office, pending, _table, mapping = mapped
    job = recommendations_import_queue(
        actor=request.user,
        office=office,
        path=pending["path"],
        name=pending["name"],
        kind=pending["kind"],
        sha256=pending["sha256"],
        mapping=mapping,
        owners=_decisions(pending),
    )
    # The job owns the stored file now and deletes it when it has finished.
    request.session.pop(SESSION_KEY, None)
    return redirect(job)


STATUS_PAGE = ImportStatusPage(
    kind=ImportJob.Kind.RECOMMENDATIONS,
    role=Membership.Role.SCRUTINY_OFFICER,
    active_nav="sources",
    links=(
        ("recommendations:source_list", "Go to the sources"),
        ("recommendations:import_upload", "Import another file"),
    ),
    upload=("recommendations:import_upload", "Upload a corrected file"),
    result_text=lambda job: (
        f"Imported {job.files[0]['name']}: {importing.ImportResult(**job.counts)}"
    ),
)

import_status = import_status_view(STATUS_PAGE)
