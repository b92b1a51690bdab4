"""Coverage by cohort, and the staff not in date (the gap list), by the rules in this
package's docstring, in a fixed number of queries whatever the size of the workforce."""

import datetime
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from answerable.workforce.models import (
    CohortFigure,
    Completion,
    Course,
    Snapshot,
    StaffRecord,
    WorkforceType,
)

# (key, label, at least this many years of service, under this many).
SERVICE_BANDS = (
    ("under_2", "Under 2 years", 0, 2),
    ("2_to_5", "2 to 5 years", 2, 5),
    ("5_to_10", "5 to 10 years", 5, 10),
    ("10_to_20", "10 to 20 years", 10, 20),
    ("20_plus", "20 years or more", 20, None),
)
DIMENSIONS = (
    ("workforce_type", "Workforce type"),
    ("rank_or_grade", "Rank or grade"),
    ("command", "Command or department"),
    ("service_band", "Length of service"),
)
DIMENSION_LABELS = dict(DIMENSIONS)
NOT_RECORDED = "Not recorded"
ALL = CohortFigure.Dimension.ALL.value
# Each person's subtotal row: their workforce type, rank, command and band together.
GROUPS = tuple(dimension for dimension, _ in DIMENSIONS)
# {dimension: {cohort key: [required, in date]}}, with the overall figure under ALL and "".
Totals = dict[str, dict[str, list[int]]]


@dataclass(frozen=True)
class Cohort:
    dimension: str
    key: str
    label: str
    required: int
    in_date: int

    @property
    def not_in_date(self) -> int:
        return self.required - self.in_date

    @property
    def percent(self) -> float | None:
        return 100 * self.in_date / self.required if self.required else None

    def below_target_by(self, target: int) -> float:
        """Percentage points short of the target; zero or less when the target is met."""
        return target - (self.percent if self.percent is not None else 100)

    @property
    def dimension_label(self) -> str:
        return DIMENSION_LABELS.get(self.dimension, "")


@dataclass(frozen=True)
class CoverageSummary:
    course: Course
    snapshot: Snapshot
    overall: Cohort
    by_dimension: dict[str, list[Cohort]]

    @property
    def target(self) -> int:
        return self.course.target_percent

    @property
    def below_target(self) -> list[Cohort]:
        """Cohorts under the target, furthest below first; bigger cohorts first on a tie.

        A cohort named and counted like one already listed (the rank "PCSO" beside the
        workforce type PCSO) is the same people, so it is listed once, by the first grouping.
        """
        cohorts: list[Cohort] = []
        seen: set[tuple[str, int, int]] = set()
        for dimension, _ in DIMENSIONS:
            for cohort in self.by_dimension.get(dimension, []):
                same_people = (str(cohort.label).casefold(), cohort.required, cohort.in_date)
                if not cohort.required or cohort.below_target_by(self.target) <= 0:
                    continue
                if same_people not in seen:
                    seen.add(same_people)
                    cohorts.append(cohort)
        return sorted(cohorts, key=lambda c: (-c.below_target_by(self.target), -c.required))


# --- building blocks --------------------------------------------------------------------------


def _service_band(snapshots: list[Snapshot]) -> Case:
    """Each person's length-of-service band on their own snapshot's date."""
    # Someone who started exactly two years before D has two years' service: "2 to 5".
    whens = []
    for snapshot in snapshots:
        for key, _, _, high in SERVICE_BANDS:
            if high is None:
                continue
            condition = Q(started_on__gt=snapshot.taken_on - relativedelta(years=high))
            if len(snapshots) > 1:
                condition &= Q(snapshot_id=snapshot.pk)
            whens.append(When(condition, then=Value(key)))
    return Case(*whens, default=Value(SERVICE_BANDS[-1][0]), output_field=CharField())


def _active(on: datetime.date) -> Q:
    return Q(started_on__lte=on) & (Q(left_on__isnull=True) | Q(left_on__gt=on))


def _audience(course: Course) -> Q:
    condition = Q(pk__in=[])
    for audience in course.audiences.all():
        part = Q(workforce_type=audience.workforce_type)
        if audience.command:
            part &= Q(command__iexact=audience.command)
        condition |= part
    return condition


def _in_date(course: Course, on: datetime.date) -> Q:
    condition = Q(expires_on__gt=on)
    if course.refresh_months:
        cutoff = on - relativedelta(months=course.refresh_months)
        return condition | Q(expires_on__isnull=True, completed_on__gt=cutoff)
    return condition | Q(expires_on__isnull=True)


def _as_of(snapshots: Iterable[Snapshot], build: Callable[[datetime.date], Q]) -> Q:
    """OR together one condition per snapshot, each worked out for that snapshot's date."""
    condition = Q(pk__in=[])
    for snapshot in snapshots:
        condition |= Q(snapshot_id=snapshot.pk) & build(snapshot.taken_on)
    return condition


def _required(course: Course, snapshots: list[Snapshot]) -> QuerySet[StaffRecord]:
    """Staff in the course's required audience on each snapshot's date."""
    return StaffRecord.objects.filter(_as_of(snapshots, _active)).filter(_audience(course))


def _in_date_staff(course: Course, snapshots: list[Snapshot]) -> QuerySet[Completion, Any]:
    """IDs of staff records whose latest completion of the course is in date on their date."""
    return (
        Completion.objects.filter(course_id=course.pk, is_latest=True)
        .filter(_as_of(snapshots, lambda on: _in_date(course, on)))
        .values("staff_record_id")
    )


def _labels(dimension: str, key: str) -> str:
    if dimension == "workforce_type":
        return str(WorkforceType(key).label) if key in WorkforceType.values else key
    if dimension == "service_band":
        return next(label for band, label, _, _ in SERVICE_BANDS if band == key)
    return key or NOT_RECORDED


def _order(dimension: str, cohorts: list[Cohort]) -> list[Cohort]:
    if dimension == "workforce_type":
        order = {value: index for index, value in enumerate(WorkforceType.values)}
    elif dimension == "service_band":
        order = {band[0]: index for index, band in enumerate(SERVICE_BANDS)}
    else:
        return sorted(cohorts, key=lambda c: (c.key == "", c.key.casefold()))
    return sorted(cohorts, key=lambda c: order.get(c.key, len(order)))


# --- selectors -------------------------------------------------------------------------------


def cohort_count(*, course: Course, snapshots: list[Snapshot]) -> dict[int, Totals]:
    """Count each snapshot's required audience and those in date, by cohort, in one query.

    The database counts people in one query grouped by snapshot, workforce type, rank,
    command and length-of-service band together. The figures for each dimension are then
    sums of those subtotals: at most a few thousand rows, never one per person. Returns every
    snapshot asked about, with zeros where no one is required.
    """
    totals: dict[int, Totals] = {snapshot.pk: _empty_totals() for snapshot in snapshots}
    if not snapshots:
        return totals
    in_date = Q(pk__in=_in_date_staff(course, snapshots))
    rows = (
        _required(course, snapshots)
        .annotate(service_band=_service_band(snapshots))
        .values("snapshot_id", *GROUPS)
        .annotate(required=Count("pk"), in_date=Count("pk", filter=in_date))
        .order_by()
    )
    for row in rows:
        snapshot_totals = totals[row["snapshot_id"]]
        for dimension in (ALL, *GROUPS):
            key = "" if dimension == ALL else row[dimension] or ""
            figures = snapshot_totals[dimension].setdefault(key, [0, 0])
            figures[0] += row["required"]
            figures[1] += row["in_date"]
    return totals


def _empty_totals() -> Totals:
    return {ALL: {"": [0, 0]}, **{dimension: {} for dimension in GROUPS}}


def _summary(course: Course, snapshot: Snapshot, totals: Totals) -> CoverageSummary:
    by_dimension = {
        dimension: _order(
            dimension,
            [
                Cohort(dimension, key, _labels(dimension, key), required, count)
                for key, (required, count) in totals.get(dimension, {}).items()
            ],
        )
        for dimension in GROUPS
    }
    required, in_date = totals[ALL][""]
    return CoverageSummary(
        course=course,
        snapshot=snapshot,
        overall=Cohort("all", "all", "All required staff", required, in_date),
        by_dimension=by_dimension,
    )


def coverage_summary_live(*, course: Course, snapshot: Snapshot) -> CoverageSummary:
    """Count the course's coverage at the snapshot from the staff rows, in one grouped query.

    Costs a scan of the snapshot's required audience: the page uses it only for a snapshot
    whose figures were never stored.
    """
    totals = cohort_count(course=course, snapshots=[snapshot])[snapshot.pk]
    return _summary(course, snapshot, totals)


def coverage_summary_stored(*, course: Course, snapshot: Snapshot) -> CoverageSummary | None:
    """Read the course's coverage at the snapshot from its stored cohort figures, in one query.

    Returns None when the snapshot's figures for the course were never stored.
    """
    totals: Totals = {dimension: {} for dimension in GROUPS}
    for dimension, cohort, required, in_date in CohortFigure.objects.filter(
        snapshot_id=snapshot.pk, course_id=course.pk
    ).values_list("dimension", "cohort", "required", "in_date"):
        totals.setdefault(dimension, {})[cohort] = [required, in_date]
    if ALL not in totals:
        return None
    return _summary(course, snapshot, totals)


def coverage_summary(*, course: Course, snapshot: Snapshot) -> CoverageSummary:
    """The course's coverage at the snapshot, overall and by each cohort.

    Reads the figures stored when the snapshot was imported, so the page costs the same for
    50 staff or 250,000; counts live for a snapshot imported before figures were stored
    (`manage.py workforce_refresh_figures` stores them).
    """
    stored = coverage_summary_stored(course=course, snapshot=snapshot)
    if stored is not None:
        return stored
    return coverage_summary_live(course=course, snapshot=snapshot)


def coverage_gap_list(*, course: Course, snapshot: Snapshot) -> QuerySet[StaffRecord]:
    """Required staff not in date, by command then staff ID, with their latest completion.

    Names pseudonymised staff: show it only where `selectors.can_see_gaps` allows.
    """
    latest = Completion.objects.filter(
        snapshot_id=snapshot.pk, course_id=course.pk, staff_record_id=OuterRef("pk"), is_latest=True
    )
    # NOT EXISTS rather than NOT IN: the database walks staff in list order and checks each
    # against the completion index, so a page stops after its fifty rows.
    in_date = latest.filter(_in_date(course, snapshot.taken_on))
    return (
        _required(course, [snapshot])
        .filter(~Exists(in_date))
        .annotate(last_completed_on=Subquery(latest.values("completed_on")))
        .order_by("command", "staff_id")
    )


def gap_rows(gaps: QuerySet[StaffRecord]) -> Iterator[list[object]]:
    """Rows for the gap list export, read in chunks so a large force does not fill memory."""
    for staff in gaps.iterator(chunk_size=2000):
        yield [
            staff.staff_id,
            staff.command,
            WorkforceType(staff.workforce_type).label,
            staff.rank_or_grade,
            staff.started_on,
            staff.last_completed_on or "Never",  # type: ignore[attr-defined]
        ]
