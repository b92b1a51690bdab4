"""The completion forecast and burn-up of a scope, read from the register's own history.

Callers pass querysets already scoped by `action_list`/`recommendation_list` (or the public
selectors), so this module never decides visibility. Every figure comes from a few grouped
queries; only target-date changes, which are few, are read row by row.
"""

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import CharField, Count, Func, Min, QuerySet
from django.utils import timezone

from answerable.recommendations.forecast import (
    Forecast,
    History,
    forecast,
    month_start,
    months_between,
)
from answerable.recommendations.models import (
    OPEN_STATUSES,
    Action,
    Assessment,
    AssuranceStatus,
    DeliveryStatus,
    Recommendation,
    TargetDateChange,
    Update,
)


@dataclass(frozen=True)
class BurnupPoint:
    month: datetime.date  # the month's first day; figures are at its end
    total: int
    done: int


@dataclass(frozen=True)
class CompletionForecast:
    as_of: datetime.date
    delivery: Forecast
    assurance: Forecast
    unable_count: int
    burnup: list[BurnupPoint]


def completion_forecast(
    *,
    actions: QuerySet[Action],
    recommendations: QuerySet[Recommendation],
    as_of: datetime.date | None = None,
) -> CompletionForecast:
    """Forecast when the scope's open actions are delivered and its recommendations assured.

    Actions "unable to implement" are left out of both and counted separately. With `as_of`
    in the past the record is replayed as it stood then (the backtest does that).
    """
    today = timezone.localdate()
    as_of = as_of or today
    actions = actions.filter(is_archived=False).order_by()
    recommendations = recommendations.filter(is_archived=False).order_by()
    if as_of >= today:
        delivery = _delivery_history_now(actions, as_of)
        unable = actions.filter(delivery_status=DeliveryStatus.UNABLE_TO_IMPLEMENT).count()
    else:
        delivery, unable = _delivery_history_then(actions, as_of)
    return CompletionForecast(
        as_of=as_of,
        delivery=forecast(delivery),
        assurance=forecast(_assurance_history(recommendations, as_of)),
        unable_count=unable,
        burnup=_burnup(actions, delivery),
    )


def _end_of(as_of: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(as_of, datetime.time.max))


class _UtcMonth(Func):
    """A timestamp's month as "YYYY-MM", in UTC.

    Django's TruncMonth converts each row's time zone in Python on SQLite, which took 0.3 s
    over the national data set's 75,000 actions; the stored text's first 7 characters are
    the UTC month. A month boundary an hour off in summer does not move a monthly forecast.
    """

    output_field = CharField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="substr(%(expressions)s, 1, 7)")

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = "to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM')"
        return self.as_sql(compiler, connection, template=template)


def _by_month(rows: QuerySet[Any], field: str) -> Counter[datetime.date]:
    """Count rows by the month of `field`, in the database."""
    counted = rows.annotate(month=_UtcMonth(field)).values("month").annotate(n=Count("pk"))
    totals: Counter[datetime.date] = Counter()
    for row in counted.order_by():
        if row["month"]:
            year, month = row["month"].split("-")
            totals[datetime.date(int(year), int(month), 1)] += row["n"]
    return totals


def _completion_updates(actions: QuerySet[Action], as_of: datetime.date) -> QuerySet[Update]:
    return (
        Update.objects.filter(
            action__in=actions.values("pk"),
            status_after=DeliveryStatus.COMPLETED,
            created_at__lte=_end_of(as_of),
        )
        .exclude(status_before=DeliveryStatus.COMPLETED)
        .order_by()
    )


def _started_on(rows: QuerySet[Any], as_of: datetime.date) -> datetime.date | None:
    first = rows.filter(created_at__lte=_end_of(as_of)).aggregate(first=Min("created_at"))["first"]
    return timezone.localdate(first) if first else None


def _net_slips(changes: Iterable[tuple[int, Any, Any]]) -> dict[int, int]:
    """Each moved action's net move in days, from its target-date changes in order."""
    moved: dict[int, int] = {}
    for action_id, previous_on, new_on in changes:
        if previous_on is not None and new_on is not None:
            moved[action_id] = moved.get(action_id, 0) + (new_on - previous_on).days
    return moved


def _slip_counts(moved: dict[int, int], with_target: int) -> dict[int, int]:
    slips = Counter(moved.values())
    slips[0] += max(0, with_target - len(moved))
    return dict(slips)


def _delivery_history_now(actions: QuerySet[Action], as_of: datetime.date) -> History:
    open_rows = actions.filter(delivery_status__in=OPEN_STATUSES)
    targets: Counter[datetime.date | None] = Counter()
    for row in open_rows.values("target_on").annotate(n=Count("pk")).order_by():
        target = row["target_on"]
        targets[month_start(target) if target else None] += row["n"]
    changes = TargetDateChange.objects.filter(action__in=actions.values("pk")).order_by(
        "created_at", "pk"
    )
    moved = _net_slips(changes.values_list("action_id", "previous_on", "new_on"))
    with_target = actions.filter(target_on__isnull=False).count()
    return History(
        as_of=as_of,
        started_on=_started_on(actions, as_of),
        completions=_by_month(_completion_updates(actions, as_of), "created_at"),
        open_targets=targets,
        slips=_slip_counts(moved, with_target),
    )


def _delivery_history_then(actions: QuerySet[Action], as_of: datetime.date) -> tuple[History, int]:
    """The delivery history as it stood at the end of `as_of`, replayed row by row."""
    end = _end_of(as_of)
    existing = actions.filter(created_at__lte=end)
    status: dict[int, str] = dict.fromkeys(existing.values_list("pk", flat=True), "not_started")
    updates = Update.objects.filter(action__in=existing.values("pk"), created_at__lte=end)
    for action_id, status_after in updates.order_by("created_at", "pk").values_list(
        "action_id", "status_after"
    ):
        status[action_id] = status_after
    target = dict(existing.values_list("pk", "target_on"))
    changes = list(
        TargetDateChange.objects.filter(action__in=existing.values("pk"))
        .order_by("created_at", "pk")
        .values_list("action_id", "previous_on", "new_on", "created_at")
    )
    # A change made after `as_of` was not known then: the target was its `previous_on`.
    for action_id, previous_on, _new_on, created_at in reversed(changes):
        if created_at > end:
            target[action_id] = previous_on
    known = [(a, before, after) for a, before, after, at in changes if at <= end]
    targets: Counter[datetime.date | None] = Counter(
        month_start(on) if (on := target[pk]) else None
        for pk, current in status.items()
        if current in OPEN_STATUSES
    )
    unable = sum(1 for current in status.values() if current == DeliveryStatus.UNABLE_TO_IMPLEMENT)
    with_target = sum(1 for on in target.values() if on is not None)
    history = History(
        as_of=as_of,
        started_on=_started_on(actions, as_of),
        completions=_by_month(_completion_updates(existing, as_of), "created_at"),
        open_targets=targets,
        slips=_slip_counts(_net_slips(known), with_target),
    )
    return history, unable


def _assurance_history(recommendations: QuerySet[Recommendation], as_of: datetime.date) -> History:
    """Recommendations not yet assured, expected by their deadline; assured verdicts by month.

    Recommendations carry no record of moved deadlines, so none slip.
    """
    end = _end_of(as_of)
    existing = recommendations.filter(created_at__lte=end)
    assured = Assessment.objects.filter(
        recommendation__in=existing.values("pk"),
        verdict=Assessment.Verdict.ASSURED,
        created_at__lte=end,
    ).order_by()
    open_rows = existing.exclude(assurance_status=AssuranceStatus.ASSURED)
    if as_of < timezone.localdate():
        open_rows = existing.exclude(pk__in=assured.values("recommendation_id"))
    targets: Counter[datetime.date | None] = Counter()
    for row in open_rows.values("deadline_on").annotate(n=Count("pk")).order_by():
        deadline = row["deadline_on"]
        targets[month_start(deadline) if deadline else None] += row["n"]
    return History(
        as_of=as_of,
        started_on=_started_on(recommendations, as_of),
        completions=_by_month(assured, "created_at"),
        open_targets=targets,
        slips={},
    )


def _burnup(actions: QuerySet[Action], history: History) -> list[BurnupPoint]:
    """Actions in the scope and actions delivered at the end of each month so far."""
    if history.started_on is None:
        return []
    end = _end_of(history.as_of)
    created = _by_month(actions.filter(created_at__lte=end), "created_at")
    reopened = _by_month(
        Update.objects.filter(
            action__in=actions.values("pk"),
            status_before=DeliveryStatus.COMPLETED,
            created_at__lte=end,
        ).exclude(status_after=DeliveryStatus.COMPLETED),
        "created_at",
    )
    points, total, done = [], 0, 0
    first = month_start(history.started_on)
    for offset in range(months_between(first, history.as_of) + 1):
        month = _add_months(first, offset)
        total += created[month]
        done += history.completions.get(month, 0) - reopened[month]
        points.append(BurnupPoint(month=month, total=total, done=done))
    return points


def _add_months(first: datetime.date, months: int) -> datetime.date:
    year, month = divmod(first.year * 12 + first.month - 1 + months, 12)
    return datetime.date(year, month + 1, 1)
