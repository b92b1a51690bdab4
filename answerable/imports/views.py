"""The import status page, which every kind of import shares; each app serves it at its URL.

While the job waits or runs, the page shows how many rows it has processed and offers a
"Check again" button, which works without JavaScript. It refreshes itself every few seconds
(a meta refresh, no JavaScript) only when the person asks it to: a page that reloads by
itself unasked fails WCAG 2.2.1 (technique F41, axe's `meta-refresh` rule), and moves a
screen reader back to the top each time (issue #17).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from answerable.accounts.http import AuthenticatedHttpRequest
from answerable.core.views_helpers import error_summary
from answerable.imports.models import ImportJob
from answerable.imports.progress import progress_read
from answerable.imports.selectors import import_job_get_for_user
from answerable.imports.services import import_error_text, import_job_fail_if_worker_gone

SUMMARY_ERRORS = 10
REFRESH_SECONDS = 3
TITLES: dict[str, str | Promise] = {
    ImportJob.Status.QUEUED: gettext_lazy("Import queued"),
    ImportJob.Status.RUNNING: gettext_lazy("Import running"),
    ImportJob.Status.SUCCEEDED: gettext_lazy("Import complete"),
    ImportJob.Status.FAILED: gettext_lazy("Import failed"),
}
TAG_CLASSES: dict[str, str] = {
    ImportJob.Status.QUEUED: "govuk-tag--grey",
    ImportJob.Status.RUNNING: "govuk-tag--blue",
    ImportJob.Status.SUCCEEDED: "govuk-tag--green",
    ImportJob.Status.FAILED: "govuk-tag--red",
}


def _when(value: datetime.datetime | None) -> str:
    """`8 December 2023 at 1:30pm`, in the site's time zone."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    meridiem = "am" if local.hour < 12 else "pm"
    return _("%(date)s at %(time)s") % {
        "date": date_format(local, "j F Y"),
        "time": f"{date_format(local, 'g:i')}{meridiem}",
    }


@dataclass(frozen=True)
class ImportStatusPage:
    """What one kind of import's status page says: whose jobs it shows, where it sits in the
    navigation, the links (URL name, text) after success and the button after failure."""

    kind: ImportJob.Kind
    role: str
    active_nav: str
    links: tuple[tuple[str, str | Promise], ...]  # text may be gettext_lazy: pages are module-level
    upload: tuple[str, str | Promise]
    result_text: Callable[[ImportJob], str]
    details: Callable[[ImportJob], list[tuple[str, str]]] = lambda job: []


def import_status_view(page: ImportStatusPage) -> Callable[..., HttpResponse]:
    """The status page view for one kind of import, served at the app's own URL."""

    @login_required
    @require_GET
    def import_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        return import_status_page(request, pk=pk, page=page)

    return import_status


def import_status_page(
    request: AuthenticatedHttpRequest, *, pk: int, page: ImportStatusPage
) -> HttpResponse:
    """Render the job's status with what happened so far and what the person can do next."""
    job = import_job_get_for_user(user=request.user, pk=pk, kind=page.kind, role=page.role)
    job = import_job_fail_if_worker_gone(job=job)
    rows: list[tuple[str, str]] = [
        *((stored.get("label") or _("File"), stored["name"]) for stored in job.files),
        *page.details(job),
        (_("Started by"), str(job.started_by)),
        (_("Queued"), _when(job.created_at)),
    ]
    progress = progress_read(job=job)
    if progress is not None:
        rows.append((_("Rows processed"), _progress_text(*progress)))
    if job.started_at:
        rows.append((_("Started"), _when(job.started_at)))
    if job.finished_at:
        rows.append((_("Finished"), _when(job.finished_at)))
    errors = error_summary(
        [import_error_text(error) for error in job.errors[:SUMMARY_ERRORS]],
        count=job.error_count,
        more=_("And {more:,} more problems, listed below"),
        shown=SUMMARY_ERRORS,
    )
    upload_name, upload_text = page.upload
    context: dict[str, Any] = {
        "active_nav": page.active_nav,
        "title": TITLES[job.status],
        "job": job,
        "tag_classes": TAG_CLASSES[job.status],
        "summary_rows": [{"key": {"text": key}, "value": {"text": value}} for key, value in rows],
        "error_summary": errors,
        "has_file_column": any(error.get("file") for error in job.errors),
        "result_text": (page.result_text(job) if job.status == ImportJob.Status.SUCCEEDED else ""),
        "links": [{"href": reverse(name), "text": text} for name, text in page.links],
        "upload_url": reverse(upload_name),
        "upload_text": upload_text,
        "check_again_url": request.path,
        "auto_refresh": request.GET.get("refresh") == "on",
        "refresh_seconds": REFRESH_SECONDS,
    }
    return render(request, "imports/import_status.html", context)


def _progress_text(processed: int, total: int | None) -> str:
    if total:
        percent = min(100, processed * 100 // total)
        return _("%(processed)s of %(total)s (%(percent)s%%)") % {
            "processed": f"{processed:,}",
            "total": f"{total:,}",
            "percent": percent,
        }
    return f"{processed:,}"
