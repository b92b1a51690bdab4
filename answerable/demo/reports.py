"""The demo's progress reports: the Telford partnership report, due each June (issue #15)."""

import datetime

from answerable.accounts.models import User
from answerable.recommendations.models import Source
from answerable.reports.models import ProgressReport
from answerable.reports.services import progress_report_approve, progress_report_create


def seed_reports(*, scrutiny_officer: User, telford: Source, today: datetime.date) -> int:
    """Last June's report, approved and public, and this year's as a draft; add what is missing."""
    if ProgressReport.objects.filter(sources=telford).exists():
        return 0
    last_june = today.year if today >= datetime.date(today.year, 6, 30) else today.year - 1
    approved = progress_report_create(
        actor=scrutiny_officer,
        title=f"Telford inquiry: partnership progress report, June {last_june}",
        due_on=datetime.date(last_june, 6, 30),
        sources=[telford],
        period_from=datetime.date(last_june - 1, 7, 1),
        period_to=datetime.date(last_june, 6, 30),
        audience=ProgressReport.Audience.PUBLIC,
    )
    progress_report_approve(actor=scrutiny_officer, report=approved)
    progress_report_create(
        actor=scrutiny_officer,
        title=f"Telford inquiry: partnership progress report, June {last_june + 1}",
        due_on=datetime.date(last_june + 1, 6, 30),
        sources=[telford],
        period_from=datetime.date(last_june, 7, 1),
        period_to=datetime.date(last_june + 1, 6, 30),
        audience=ProgressReport.Audience.PUBLIC,
    )
    return 2
