"""Coverage over time: the overall figure at the last snapshot of each month."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import F, FilteredRelation, Q

from answerable.workforce.models import Course, Snapshot

TREND_MONTHS = 24


@dataclass(frozen=True)
class TrendPoint:
    month: datetime.date
    snapshot_id: int
    taken_on: datetime.date
    required: int
    in_date: int

    @property
    def percent(self) -> float | None:
        return 100 * self.in_date / self.required if self.required else None


def _last_of_each_month(snapshots: Iterable[Snapshot], months: int) -> list[Snapshot]:
    """The last of each month's snapshots, given oldest first, for the latest `months` months."""
    by_month: dict[tuple[int, int], Snapshot] = {}
    for snapshot in snapshots:
        by_month[(snapshot.taken_on.year, snapshot.taken_on.month)] = snapshot
    return [by_month[month] for month in sorted(by_month)[-months:]]


def monthly_snapshots(*, organisation_id: int, months: int = TREND_MONTHS) -> list[Snapshot]:
    """The last snapshot of each month, for the latest `months` months that have one."""
    snapshots = Snapshot.objects.filter(organisation_id=organisation_id).order_by("taken_on", "id")
    return _last_of_each_month(snapshots.only("pk", "taken_on"), months)


def course_snapshots(*, course: Course) -> list[Snapshot]:
    """The force's snapshots, oldest first, each with the course's overall figure, in one query.

    The coverage page shows the last (`selectors.snapshot_latest`'s order) and the trend the
    last of each month: read together, the page needs no other read of snapshots. Each has
    only `pk` and `taken_on`, with `required` and `in_date` None where no figure is stored.
    """
    figure = FilteredRelation("figures", condition=Q(figures__course_id=course.pk))
    return list(
        Snapshot.objects.filter(organisation_id=course.owner_id)
        .annotate(figure=figure)
        .annotate(required=F("figure__required"), in_date=F("figure__in_date"))
        .only("pk", "taken_on")
        .order_by("taken_on", "id")
    )


def coverage_trend(
    *, course: Course, months: int = TREND_MONTHS, snapshots: list[Snapshot] | None = None
) -> list[TrendPoint]:
    """Overall coverage at the last snapshot of each month, oldest first, in one query.

    Reads the figures counted when each snapshot (or the course) was saved, so the trend
    costs the same however many people each snapshot holds. A month whose last snapshot has
    no figure is left out. Given `snapshots` from `course_snapshots`, it reads nothing.
    """
    if snapshots is None:
        snapshots = course_snapshots(course=course)
    return [
        TrendPoint(
            month=snapshot.taken_on.replace(day=1),
            snapshot_id=snapshot.pk,
            taken_on=snapshot.taken_on,
            required=snapshot.required,  # type: ignore[attr-defined]
            in_date=snapshot.in_date,  # type: ignore[attr-defined]
        )
        for snapshot in _last_of_each_month(snapshots, months)
        if snapshot.required is not None  # type: ignore[attr-defined]
    ]
