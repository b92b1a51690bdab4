"""Every read of progress reports: the office's own, and the approved public ones."""

from django.db.models import QuerySet
from django.http import Http404

from answerable.accounts.models import User
from answerable.organisations.models import Membership
from answerable.organisations.selectors import access_for
from answerable.recommendations import selectors as register
from answerable.reports.content import ReportScope
from answerable.reports.models import ProgressReport


def progress_report_list(*, user: User) -> QuerySet[ProgressReport]:
    """The reports of the offices the user is a member of; partners see none of them."""
    return ProgressReport.objects.filter(
        office_id__in=access_for(user).organisation_ids
    ).select_related("office", "drafted_by", "approved_by")


def progress_report_get_for_user(*, user: User, pk: int) -> ProgressReport:
    """Return the report if the user is a member of its office; raise Http404 otherwise."""
    try:
        return progress_report_list(user=user).prefetch_related("sources").get(pk=pk)
    except ProgressReport.DoesNotExist:
        raise Http404("No such report") from None


def can_write_reports(*, user: User, report: ProgressReport | None = None) -> bool:
    """Scrutiny officers of the office draft and approve its reports."""
    offices = access_for(user).organisations_with_role(Membership.Role.SCRUTINY_OFFICER)
    return bool(offices) if report is None else report.office_id in offices


def progress_report_scope(*, user: User, report: ProgressReport) -> ReportScope:
    """What the report covers, read through the register's selectors as `user` may see it."""
    sources = list(report.sources.all())
    return ReportScope(
        title=report.title,
        actions=register.action_list(user=user).filter(source__in=sources),
        recommendations=register.recommendation_list(user=user).filter(source__in=sources),
        period_from=report.period_from,
        period_to=report.period_to,
        audience=report.audience,
    )


def public_progress_report_list() -> QuerySet[ProgressReport]:
    """Approved reports written for the public: what the public site lists."""
    return ProgressReport.objects.filter(
        status=ProgressReport.Status.APPROVED, audience=ProgressReport.Audience.PUBLIC
    ).select_related("office")


def public_progress_report_get(*, pk: int) -> ProgressReport:
    try:
        return public_progress_report_list().get(pk=pk)
    except ProgressReport.DoesNotExist:
        raise Http404("No such report") from None
