"""Pages for uploading a workforce snapshot: upload two files, match columns, check, confirm.

Between pages both files' bytes stay in storage under `imports/` and the session holds where,
with each file's name, kind and SHA-256, the force, the snapshot date and the column mapping.
Nothing is written to the workforce tables until the confirm step, which writes all or nothing.
"""

import datetime
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from answerable.organisations.models import Organisation
from answerable.workforce import importing, selectors, services
from answerable.workforce.forms import MappingForm, SnapshotUploadForm
from answerable.workforce.models import WorkforceType
from answerable.workforce.tables import StoredTable

SESSION_KEY = "workforce_import"
STORAGE_PREFIX = "imports/"
SUMMARY_ERRORS = 10
KINDS = (importing.ROSTER, importing.COMPLETIONS)


def _render(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    return render(request, f"workforce/{template}", {"active_nav": "workforce", **context})


def _forces(request: HttpRequest) -> list[Organisation]:
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
        if not str(stored.get("path", "")).startswith(STORAGE_PREFIX):
            return None
        try:
            with default_storage.open(stored["path"], "rb") as handle:
                content = handle.read()
        except OSError:
            return None
        tables[kind] = StoredTable(content=content, kind=stored["kind"], name=stored["name"])
    return _Pending(data, tables, force)


def _forget(request: HttpRequest) -> None:
    data = request.session.pop(SESSION_KEY, None)
    for stored in (data or {}).get("files", {}).values():
        if str(stored.get("path", "")).startswith(STORAGE_PREFIX):
            default_storage.delete(stored["path"])


def _start_again(request: HttpRequest) -> HttpResponse:
    messages.info(request, "Upload the files again to continue")
    return redirect("workforce:import_upload")


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    forces = _forces(request)
    form = SnapshotUploadForm(request.POST or None, request.FILES or None, forces=forces)
    if form.is_valid():
        _forget(request)
        files, mapping = {}, {}
        for kind in KINDS:
            checked = form.cleaned_data[kind]
            path = default_storage.save(
                f"{STORAGE_PREFIX}{uuid.uuid4()}.{checked.kind}", ContentFile(checked.content)
            )
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
            "title": "Upload a workforce snapshot",
            "form": form,
            "page_forms": [form],
            "fields": importing.FIELDS,
            "file_labels": importing.FILE_LABELS,
            "forces": forces,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_mapping(request: HttpRequest) -> HttpResponse:
    pending = _pending(request, _forces(request))
    if pending is None:
        return _start_again(request)
    headers = {kind: pending.tables[kind].headers() for kind in KINDS}
    form = MappingForm(
        request.POST or None, headers=headers, initial=MappingForm.initial_from(pending.mapping)
    )
    if form.is_valid():
        pending.data["mapping"] = form.mapping()
        request.session[SESSION_KEY] = pending.data
        return redirect("workforce:import_preview")
    return _render(
        request,
        "import_mapping.html",
        {
            "title": "Match the columns",
            "form": form,
            "page_forms": [form],
            "sections": [
                (importing.FILE_LABELS[kind], pending.tables[kind].name, form.fields_for(kind))
                for kind in KINDS
            ],
        },
    )


def _preview(
    request: HttpRequest,
    pending: _Pending,
    plan: importing.ImportPlan | None,
    errors: importing.ErrorLog,
) -> HttpResponse:
    summary = [
        {"text": str(error), "href": f"#import-error-{index}"}
        for index, error in enumerate(errors.listed[:SUMMARY_ERRORS], start=1)
    ]
    if errors.count > SUMMARY_ERRORS:
        summary.append(
            {
                "text": f"And {errors.count - SUMMARY_ERRORS:,} more problems, listed below",
                "href": "#import-errors",
            }
        )
    return _render(
        request,
        "import_preview.html",
        {
            "title": "Check the snapshot",
            "pending": pending,
            "plan": plan,
            "import_errors": errors,
            "error_summary": summary,
            "file_labels": importing.FILE_LABELS,
            "type_labels": dict(WorkforceType.choices),
        },
    )


@login_required
@require_GET
def import_preview(request: HttpRequest) -> HttpResponse:
    pending = _pending(request, _forces(request))
    if pending is None:
        return _start_again(request)
    for kind in KINDS:
        if importing.mapping_errors(
            pending.mapping.get(kind, {}), pending.tables[kind].headers(), kind
        ):
            return redirect("workforce:import_mapping")
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
def import_confirm(request: HttpRequest) -> HttpResponse:
    pending = _pending(request, _forces(request))
    if pending is None:
        return _start_again(request)
    files = pending.data["files"]
    try:
        snapshot = services.snapshot_import(
            actor=request.user,
            organisation=pending.force,
            taken_on=pending.taken_on,
            roster=pending.tables[importing.ROSTER],
            completions=pending.tables[importing.COMPLETIONS],
            roster_sha256=files[importing.ROSTER]["sha256"],
            completions_sha256=files[importing.COMPLETIONS]["sha256"],
            mapping=pending.mapping,
        )
    except importing.ImportInvalid as invalid:
        return _preview(request, pending, None, invalid.log)
    except ValidationError as error:
        if hasattr(error, "error_dict") and "taken_on" in error.error_dict:
            messages.info(request, " ".join(error.messages))
            return redirect("workforce:import_upload")
        return redirect("workforce:import_mapping")
    _forget(request)
    messages.success(
        request,
        f"Snapshot of {snapshot.taken_on:%-d %B %Y} imported: {snapshot.staff_count:,} staff "
        f"and {snapshot.completion_count:,} completions",
    )
    return redirect("workforce:index")
