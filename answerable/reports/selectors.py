"""Every read of progress reports: the office's own, and the approved public ones."""

import datetime
from collections.abc import Iterable

from django.db.models import QuerySet
from django.http import Http404

from answerable.accounts.models import User
from answerable.organisations.models import Membership, Organisation
from answerable.organisations.selectors import access_for
from answerable.recommendations import selectors as register
from answerable.recommendations.models import Source
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


def report_scope(
    *,
    user: User,
    title: str,
    sources: Iterable[Source],
    owner: Organisation | None,
    period_from: datetime.date,
    period_to: datetime.date,
    audience: str,
) -> ReportScope:
    """What a report covers, read through the register's selectors as `user` may see it: the
    sources' recommendations and actions, or only `owner`'s actions and their recommendations."""
    sources = list(sources)
    actions = register.action_list(user=user).filter(source__in=sources)
    recommendations = register.recommendation_list(user=user).filter(source__in=sources)
    if owner is not None:
        actions = actions.filter(owner=owner)
        recommendations = recommendations.filter(pk__in=actions.values("recommendation_id"))
    return ReportScope(
        title=title,
        actions=actions,
        recommendations=recommendations,
        period_from=period_from,
        period_to=period_to,
        audience=audience,
    )


def progress_report_scope(*, user: User, report: ProgressReport) -> ReportScope:
    """What the tracked report covers, as `user` may see it."""
    sources = list(report.sources.all()) or register.source_choice_list(user=user).filter(
        owner=report.office_id
    )
    return report_scope(
        user=user,
        title=report.title,
        sources=sources,
        owner=report.owner,
        period_from=report.period_from,
        period_to=report.period_to,
        audience=report.audience,
    )


def public_progress_report_list() -> QuerySet[ProgressReport]:
    """Approved reports written for the public: what the public site lists.

    A report on a source since taken off the public site goes with it, as every other public
    output does, although its stored documents stay as they were approved.
    """
    return (
        ProgressReport.objects.filter(
            status=ProgressReport.Status.APPROVED, audience=ProgressReport.Audience.PUBLIC
        )
        .exclude(sources__public_since__isnull=True)
        .exclude(sources__is_archived=True)
        .select_related("office")
    )


def public_progress_report_get(*, pk: int) -> ProgressReport:
    try:
        return public_progress_report_list().get(pk=pk)
    except ProgressReport.DoesNotExist:
        raise Http404("No such report") from None
