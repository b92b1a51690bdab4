"""Pages for uploading a workforce snapshot: upload two files, match columns, check, confirm.

Between pages both files' bytes stay in storage under `imports/` and the session holds where,
with each file's name, kind and SHA-256, the force, the snapshot date and the column mapping.
The checks here answer at once (content, size, columns, every row in the preview). Confirming
queues an import job: a background task checks both files again as it writes them, all or
nothing, and the person follows it on the job's status page.
"""

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from answerable.accounts.http import AuthenticatedHttpRequest
from answerable.core.files import TABLE_KINDS
from answerable.core.views_helpers import error_summary, post_data, table_response
from answerable.imports.models import ImportJob
from answerable.imports.services import (
    import_upload_delete,
    import_upload_read,
    import_upload_store,
    is_import_upload,
)
from answerable.imports.views import ImportStatusPage, import_status_view
from answerable.organisations.models import Membership, Organisation
from answerable.workforce import importing, selectors, services
from answerable.workforce.forms import MappingForm, SnapshotUploadForm
from answerable.workforce.importing.jobs import snapshot_import_queue
from answerable.workforce.models import WorkforceType
from answerable.workforce.tables import StoredTable

SESSION_KEY = "workforce_import"
SUMMARY_ERRORS = 10
KINDS = (importing.ROSTER, importing.COMPLETIONS)


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], form: Form | None = None
) -> HttpResponse:
    """The page, with `form`'s errors summarised above its heading when it has a form."""
    context = {"active_nav": "workforce", **context}
    if form is not None:
        context |= {"form": form, "page_forms": [form]}
    return render(request, f"workforce/{template}", context)


def _forces(request: AuthenticatedHttpRequest) -> list[Organisation]:
    """The forces the user may upload for; anyone else is refused."""
    forces = list(selectors.upload_force_list(user=request.user))
    if not forces:
        raise PermissionDenied
    return forces


class _Pending:
    """The upload in progress in this session, with both files read back from storage."""

    def __init__(self, data: dict[str, Any], tables: dict[str, StoredTable], force: Organisation):
        self.data, self.tables, self.force = data, tables, force

    @property
    def taken_on(self) -> datetime.date:
        return datetime.date.fromisoformat(self.data["taken_on"])

    @property
    def mapping(self) -> dict[str, dict[str, str]]:
        return self.data.get("mapping") or {kind: {} for kind in KINDS}


def _pending(request: HttpRequest, forces: list[Organisation]) -> _Pending | None:
    data = request.session.get(SESSION_KEY)
    if not data:
        return None
    force = next((f for f in forces if f.pk == data.get("organisation_id")), None)
    if force is None:
        return None
    tables = {}
    for kind in KINDS:
        stored = data["files"][kind]
        if not is_import_upload(stored.get("path", "")):
            return None
        try:
            content = import_upload_read(path=stored["path"])
        except OSError:
            return None
        tables[kind] = StoredTable(content=content, kind=stored["kind"], name=stored["name"])
    return _Pending(data, tables, force)


def _forget(request: HttpRequest) -> None:
    data = request.session.pop(SESSION_KEY, None)
    for stored in (data or {}).get("files", {}).values():
        import_upload_delete(path=str(stored.get("path", "")))


def _start_again(request: HttpRequest) -> HttpResponse:
    messages.info(request, _("Upload the files again to continue"))
    return redirect("workforce:import_upload")


@login_required
@require_GET
def import_template(
    request: AuthenticatedHttpRequest, role: str, file_kind: str
) -> HttpResponse | StreamingHttpResponse:
    """The roster's or completions' columns, headed as the upload expects, with an example
    row; built as the register's import template is (issue #17)."""
    _forces(request)
    if role not in KINDS or file_kind not in TABLE_KINDS:
        raise Http404("No such template")
    return table_response(
        file_kind=file_kind,
        filename=f"workforce-{role}-template.{file_kind}",
        sheet_title=importing.FILE_LABELS[role].capitalize(),
        headers=[item.label for item in importing.FIELDS[role]],
        rows=[[importing.TEMPLATE_EXAMPLES[role][item.name] for item in importing.FIELDS[role]]],
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    forces = _forces(request)
    form = SnapshotUploadForm(post_data(request), request.FILES or None, forces=forces)
    if form.is_valid():
        _forget(request)
        files, mapping = {}, {}
        for kind in KINDS:
            checked = form.cleaned_data[kind]
            path = import_upload_store(content=checked.content, kind=checked.kind)
            files[kind] = {
                "path": path,
                "name": checked.name,
                "kind": checked.kind,
                "sha256": checked.sha256,
            }
            table = StoredTable(content=checked.content, kind=checked.kind, name=checked.name)
            mapping[kind] = importing.guess_mapping(table.headers(), kind)
        request.session[SESSION_KEY] = {
            "organisation_id": form.organisation().pk,
            "taken_on": form.cleaned_data["taken_on"].isoformat(),
            "files": files,
            "mapping": mapping,
        }
        return redirect("workforce:import_mapping")
    return _render(
        request,
        "import_upload.html",
        {
            "title": _("Upload a workforce snapshot"),
            "fields": importing.FIELDS,
            "file_labels": importing.FILE_LABELS,
            "forces": forces,
        },
        form,
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_mapping(request: AuthenticatedHttpRequest) -> HttpResponse:
    pending = _pending(request, _forces(request))
    if pending is None:
        return _start_again(request)
    headers = {kind: pending.tables[kind].headers() for kind in KINDS}
    form = MappingForm(
        post_data(request), headers=headers, initial=MappingForm.initial_from(pending.mapping)
    )
    if form.is_valid():
        pending.data["mapping"] = form.mapping()
        request.session[SESSION_KEY] = pending.data
        return redirect("workforce:import_preview")
    return _render(
        request,
        "import_mapping.html",
        {
            "title": _("Match the columns"),
            "sections": [
                (importing.FILE_LABELS[kind], pending.tables[kind].name, form.fields_for(kind))
                for kind in KINDS
            ],
        },
        form,
    )


def _preview(
    request: HttpRequest,
    pending: _Pending,
    plan: importing.ImportPlan | None,
    errors: importing.ErrorLog,
) -> HttpResponse:
    summary = error_summary(
        errors.listed,
        count=errors.count,
        more=ngettext(
            "And {more:,} more problems, listed below",
            "And {more:,} more problems, listed below",
            errors.count - SUMMARY_ERRORS,
        ),
        shown=SUMMARY_ERRORS,
    )
    return _render(
        request,
        "import_preview.html",
        {
            "title": _("Check the snapshot"),
            "pending": pending,
            "plan": plan,
            "import_errors": errors,
            "error_summary": summary,
            "file_labels": importing.FILE_LABELS,
            "type_labels": dict(WorkforceType.choices),
        },
    )


def _mapped(request: AuthenticatedHttpRequest) -> _Pending | HttpResponse:
    """The pending upload; or, when it is gone or its columns no longer match, the page to
    go back to."""
    pending = _pending(request, _forces(request))
    if pending is None:
        return _start_again(request)
    for kind in KINDS:
        if importing.mapping_errors(
            pending.mapping.get(kind, {}), pending.tables[kind].headers(), kind
        ):
            return redirect("workforce:import_mapping")
    return pending


@login_required
@require_GET
def import_preview(request: AuthenticatedHttpRequest) -> HttpResponse:
    pending = _mapped(request)
    if isinstance(pending, HttpResponse):
        return pending
    plan = importing.import_plan(
        roster=pending.tables[importing.ROSTER],
        completions=pending.tables[importing.COMPLETIONS],
        mapping=pending.mapping,
        courses=services.course_codes(organisation=pending.force),
        taken_on=pending.taken_on,
    )
    return _preview(request, pending, plan, plan.errors)


@login_required
@require_POST
def import_confirm(request: AuthenticatedHttpRequest) -> HttpResponse:
    pending = _mapped(request)
    if isinstance(pending, HttpResponse):
        return pending
    files = pending.data["files"]
    job = snapshot_import_queue(
        actor=request.user,
        organisation=pending.force,
        taken_on=pending.taken_on,
        files={
            kind: {key: files[kind][key] for key in ("path", "name", "kind", "sha256")}
            for kind in KINDS
        },
        mapping=pending.mapping,
    )
    # The job owns the stored files now and deletes them when it has finished.
    request.session.pop(SESSION_KEY, None)
    return redirect(job)


def _taken_on(job: ImportJob) -> str:
    return f"{datetime.date.fromisoformat(job.options['taken_on']):%-d %B %Y}"


STATUS_PAGE = ImportStatusPage(
    kind=ImportJob.Kind.WORKFORCE,
    role=Membership.Role.LEAD_OFFICER,
    active_nav="workforce",
    links=(
        ("workforce:index", gettext_lazy("See training coverage")),
        ("workforce:import_upload", gettext_lazy("Upload another snapshot")),
    ),
    upload=("workforce:import_upload", gettext_lazy("Upload corrected files")),
    result_text=lambda job: (
        _("Snapshot of %(date)s imported: %(staff)s staff and %(completions)s completions")
        % {
            "date": _taken_on(job),
            "staff": f"{job.counts['staff']:,}",
            "completions": f"{job.counts['completions']:,}",
        }
    ),
    details=lambda job: [
        (_("Force"), job.organisation.name),
        (_("Date of the snapshot"), _taken_on(job)),
    ],
)

import_status = import_status_view(STATUS_PAGE)
