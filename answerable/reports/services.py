"""Draft and approve progress reports; every change is audited in its own transaction."""

import datetime
import hashlib
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from answerable.accounts.models import User
from answerable.audit.services import audit_record
from answerable.organisations.models import Organisation
from answerable.organisations.selectors import scrutiny_office_for, second_approver_required
from answerable.recommendations.models import Source
from answerable.reports.content import report_content
from answerable.reports.documents import report_docx, report_pdf
from answerable.reports.models import ProgressReport
from answerable.reports.selectors import can_write_reports, progress_report_scope


@transaction.atomic
def progress_report_create(
    *,
    actor: User,
    title: str,
    due_on: datetime.date,
    sources: Sequence[Source],
    period_from: datetime.date,
    period_to: datetime.date,
    audience: str,
    organisation: Organisation | None = None,
) -> ProgressReport:
    """Add a report the office owes by `due_on`, covering its own `sources` over the period.

    With `organisation`, only that organisation's actions; with no sources, all the office's.
    """
    office = scrutiny_office_for(user=actor)
    if office is None:
        raise PermissionDenied(_("Only a scrutiny officer of the office drafts its reports"))
    if not sources and organisation is None:
        raise ValidationError({"sources": _("Select at least one source, or an organisation")})
    if any(source.owner_id != office.pk for source in sources):
        raise ValidationError({"sources": _("Select only your office's sources")})
    if organisation is not None and office.pk not in (organisation.pk, organisation.office_id):
        raise ValidationError({"organisation": _("Select an organisation in your office's area")})
    report = ProgressReport(
        office=office,
        owner=organisation,
        title=title.strip(),
        due_on=due_on,
        period_from=period_from,
        period_to=period_to,
        audience=audience,
        drafted_by=actor,
    )
    if period_to < period_from:
        raise ValidationError(
            {"period_to": _("The end of the period must be the same as or after its start")}
        )
    report.full_clean()
    report.save()
    report.sources.set(sources)
    audit_record(
        actor=actor,
        action="progress_report.created",
        target=report,
        organisation=office,
        changes={
            "title": [None, report.title],
            "due_on": [None, due_on],
            "organisation": [None, organisation.name if organisation else None],
        },
    )
    return report


@transaction.atomic
def progress_report_approve(*, actor: User, report: ProgressReport) -> ProgressReport:
    """Approve the report: build it once more, store both documents with their SHA-256, freeze.

    Where the office requires a second approver, the officer who drafted it cannot approve it.
    """
    report = ProgressReport.objects.select_for_update().select_related("office").get(pk=report.pk)
    if not can_write_reports(user=actor, report=report):
        raise PermissionDenied(_("Only a scrutiny officer of the office approves its reports"))
    if report.is_approved:
        raise ValidationError(_("This report is already approved and cannot change"))
    if second_approver_required(
        office=report.office, proposed_by_id=report.drafted_by_id, actor=actor
    ):
        raise ValidationError(
            _("Your office requires a second scrutiny officer to approve reports you drafted")
        )
    content = report_content(progress_report_scope(user=actor, report=report))
    stem = f"progress-report-{report.pk}"
    for kind, build in (("docx", report_docx), ("pdf", report_pdf)):
        data = build(content=content)
        setattr(report, f"{kind}_sha256", hashlib.sha256(data).hexdigest())
        getattr(report, kind).save(f"{stem}.{kind}", ContentFile(data), save=False)
    report.content = content
    report.status = ProgressReport.Status.APPROVED
    report.approved_by = actor
    report.approved_at = timezone.now()
    report.save()
    audit_record(
        actor=actor,
        action="progress_report.approved",
        target=report,
        organisation=report.office,
        changes={"status": [ProgressReport.Status.DRAFT, ProgressReport.Status.APPROVED]},
        note=f"docx sha256 {report.docx_sha256}; pdf sha256 {report.pdf_sha256}",
    )
    return report
