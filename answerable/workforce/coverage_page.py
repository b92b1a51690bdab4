"""A course's coverage page as plain values, read from the figures stored at import.

The tables' cells are formatted here rather than in the template, where a call per cell took
over half the time to draw the page's content (issue #5); the template still escapes every
cell. The charts are drawn just after an import commits the figures they show
(`coverage_charts`), and read back by the page (issue #12).
"""

import datetime
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import prefetch_related_objects
from django.utils.translation import gettext as _

from answerable.accounts.models import User
from answerable.core.jinja2 import govuk_date
from answerable.workforce import charts, coverage, selectors
from answerable.workforce.models import Course, WorkforceType

GAPS_PER_PAGE = 50
# What the gap list shows of each member of staff, in the order `_gap_row` takes them.
GAP_FIELDS = ("command", "staff_id", "workforce_type", "rank_or_grade", "last_completed_on")
_WORKFORCE_TYPES = dict(WorkforceType.choices)


class CountedPaginator(Paginator):
    """A paginator told its count, for lists whose length is already known."""

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self.known_count = count

    @cached_property
    def count(self) -> int:
        return self.known_count


@dataclass(frozen=True)
class Dimension:
    """One way of grouping the required audience: its cohorts for the chart, rows for the table."""

    key: str
    label: str
    cohorts: list[coverage.Cohort]
    rows: tuple[tuple[Any, ...], ...]


@dataclass(frozen=True)
class CoverageFigures:
    """What the page shows of the course's coverage at the force's latest snapshot.

    `required_of` names the course's audience. With no snapshot, `taken_on` and `overall`
    are None and the lists empty. `gap_rows` is None where the user may not see the gap list;
    otherwise it holds page `gap_page` of it.
    """

    required_of: str
    taken_on: datetime.date | None = None
    overall: coverage.Cohort | None = None
    below_target: tuple[tuple[str, ...], ...] = ()
    trend: tuple[coverage.TrendPoint, ...] = ()
    trend_rows: tuple[tuple[str, ...], ...] = ()
    dimensions: tuple[Dimension, ...] = ()
    gap_rows: tuple[tuple[str, ...], ...] | None = None
    gap_page: int = 1

    def gap_pages(self) -> Page | None:
        """The page of the gap list shown, for its pagination; None if there is no gap list."""
        if self.gap_rows is None or self.overall is None:
            return None
        paginator = CountedPaginator((), GAPS_PER_PAGE, count=self.overall.not_in_date)
        return paginator.page(self.gap_page)


def coverage_figures_for_user(*, user: User, course: Course, page: str | None) -> CoverageFigures:
    """`coverage_figures` as the user may see them: only the owning force's own people get a
    gap list."""
    with_gaps = selectors.can_see_gaps(user=user, course=course)
    return coverage_figures(course=course, with_gaps=with_gaps, page=page if with_gaps else None)


def coverage_figures(*, course: Course, with_gaps: bool, page: str | None) -> CoverageFigures:
    """The course's coverage at the force's latest snapshot, its trend, and a page of its gaps.

    `page` is the gap list's page as the request gives it: the first for anything but a page
    number, the last for a number past the end.
    """
    prefetch_related_objects([course], "audiences")  # shown, and counted by if need be
    required_of = "; ".join(str(audience) for audience in course.audiences.all()) or _("No one yet")
    # One read gives both the latest snapshot and the trend's last snapshot of each month.
    snapshots = coverage.course_snapshots(course=course)
    if not snapshots:
        return CoverageFigures(required_of=required_of)
    snapshot = snapshots[-1]
    summary = coverage.coverage_summary(course=course, snapshot=snapshot)
    trend = coverage.coverage_trend(course=course, snapshots=snapshots)
    gap_rows, gap_page = None, 1
    if with_gaps:
        # The summary has counted the gap already; counting it again costs a second scan.
        gaps = coverage.coverage_gap_list(course=course, snapshot=snapshot)
        paginator = CountedPaginator(
            gaps.values_list(*GAP_FIELDS), GAPS_PER_PAGE, count=summary.overall.not_in_date
        )
        shown = paginator.get_page(page)
        gap_rows, gap_page = tuple(_gap_row(*staff) for staff in shown), shown.number
    return CoverageFigures(
        required_of=required_of,
        taken_on=snapshot.taken_on,
        overall=summary.overall,
        below_target=tuple(_below_target_row(c, summary.target) for c in summary.below_target),
        trend=tuple(trend),
        trend_rows=tuple(_trend_row(point) for point in trend),
        dimensions=tuple(
            Dimension(
                key=dimension,
                label=label,
                cohorts=summary.by_dimension[dimension],
                rows=tuple(_cohort_row(c, summary.target) for c in summary.by_dimension[dimension]),
            )
            for dimension, label in coverage.DIMENSIONS
        ),
        gap_rows=gap_rows,
        gap_page=gap_page,
    )


def _cohort_row(cohort: coverage.Cohort, target: int) -> tuple[Any, ...]:
    """A cohort as the table beside its chart shows it, and whether it is below target."""
    percent = cohort.percent
    return (
        cohort.label,
        f"{cohort.in_date:,}",
        f"{cohort.required:,}",
        charts.percent_text(percent),
        percent is not None and percent < target,
    )


def _below_target_row(cohort: coverage.Cohort, target: int) -> tuple[str, ...]:
    return (
        cohort.label,
        cohort.dimension_label,
        f"{cohort.in_date:,} of {cohort.required:,}",
        charts.percent_text(cohort.percent),
        f"{cohort.below_target_by(target):.1f} points",
    )


def _trend_row(point: coverage.TrendPoint) -> tuple[str, ...]:
    return (
        f"{point.month:%B %Y}",
        f"{point.in_date:,}",
        f"{point.required:,}",
        charts.percent_text(point.percent),
    )


def _gap_row(
    command: str,
    staff_id: str,
    workforce_type: str,
    rank_or_grade: str,
    last_completed_on: datetime.date | None,
) -> tuple[str, ...]:
    """A member of staff not in date, as the gap list shows them."""
    return (
        command or coverage.NOT_RECORDED,
        staff_id,
        str(_WORKFORCE_TYPES.get(workforce_type, workforce_type)),
        rank_or_grade or coverage.NOT_RECORDED,
        govuk_date(last_completed_on) if last_completed_on else _("Never"),
    )


@dataclass(frozen=True)
class CoverageCharts:
    trend_svg: str
    dimensions: list[tuple[Any, str]]  # each dimension of the figures, with its bar chart


def coverage_charts(*, course: Course, figures: CoverageFigures) -> CoverageCharts:
    """The page's charts for these figures, read in one query as drawn at import (or drawn
    now, for figures no import has drawn)."""
    target = course.target_percent
    wanted = [
        charts.cohort_chart(
            course_title=course.title,
            dimension_label=dimension.label,
            cohorts=dimension.cohorts,
            target=target,
        )
        for dimension in figures.dimensions
    ]
    if figures.trend:
        wanted.append(
            charts.trend_chart(course_title=course.title, points=figures.trend, target=target)
        )
    svgs = charts.drawn(wanted)
    return CoverageCharts(
        trend_svg=svgs[-1] if figures.trend else "",
        dimensions=list(zip(figures.dimensions, svgs, strict=False)),
    )


def coverage_charts_draw(*, course_ids: list[int]) -> None:
    """Draw each course's charts as its coverage page shows them, so no view waits for it."""
    for course in Course.objects.filter(pk__in=course_ids).prefetch_related("audiences"):
        coverage_charts(
            course=course, figures=coverage_figures(course=course, with_gaps=False, page=None)
        )
