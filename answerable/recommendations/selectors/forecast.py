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

from django.db.models import CharField, Count, Func, Min, Q, QuerySet
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
    completions, reopenings = _status_moves(actions, as_of)
    created = _by_month(actions.filter(created_at__lte=_end_of(as_of)), "created_at")["n"]
    # Month by month is all the forecast and burn-up need of when the scope started.
    started = min(created, default=None)
    if as_of >= today:
        delivery, unable = _delivery_history_now(actions, as_of, started, completions)
    else:
        delivery, unable = _delivery_history_then(actions, as_of, started, completions)
    return CompletionForecast(
        as_of=as_of,
        delivery=forecast(delivery),
        assurance=forecast(_assurance_history(recommendations, as_of)),
        unable_count=unable,
        burnup=_burnup(delivery, created, reopenings),
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


def _by_month(rows: QuerySet[Any], field: str, **counts: Q) -> dict[str, Counter[datetime.date]]:
    """Count rows by the month of `field`, in the database: one count for each of `counts`
    (a name and the rows it counts), or all rows as "n"."""
    aggregates = {name: Count("pk", filter=where) for name, where in counts.items()}
    counted = rows.annotate(month=_UtcMonth(field)).values("month")
    totals: dict[str, Counter[datetime.date]] = {name: Counter() for name in counts or ["n"]}
    for row in counted.annotate(**(aggregates or {"n": Count("pk")})).order_by():
        if month := _month(row["month"]):
            for name, counter in totals.items():
                counter[month] += row[name]
    return totals


def _month(text: str | None) -> datetime.date | None:
    """The first day of a "YYYY-MM" month (_UtcMonth); None for none."""
    if not text:
        return None
    year, month = text.split("-")
    return datetime.date(int(year), int(month), 1)


# Updates that complete an action or reopen one: exactly the condition of their partial index,
# so the database reads those few rather than every update.
STATUS_MOVES = next(i.condition for i in Update._meta.indexes if i.name == "update_status_moves")


def _status_moves(
    actions: QuerySet[Action], as_of: datetime.date
) -> tuple[Counter[datetime.date], Counter[datetime.date]]:
    """Completions, and completed actions moved back to open, by month up to `as_of`.

    One pass over the updates for both: the national register's 500,000 updates took 0.3 s
    a pass on SQLite.
    """
    completed = DeliveryStatus.COMPLETED
    completion = Q(status_after=completed) & ~Q(status_before=completed)
    reopening = Q(status_before=completed) & ~Q(status_after=completed)
    moves = Update.objects.filter(
        STATUS_MOVES, action__in=actions.values("pk"), created_at__lte=_end_of(as_of)
    )
    counts = _by_month(moves, "created_at", completed=completion, reopened=reopening)
    return counts["completed"], counts["reopened"]


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


def _delivery_history_now(
    actions: QuerySet[Action],
    as_of: datetime.date,
    started: datetime.date | None,
    completions: Counter[datetime.date],
) -> tuple[History, int]:
    """The delivery history as it stands, and how many actions are unable to be implemented."""
    open_rows = actions.filter(delivery_status__in=OPEN_STATUSES)
    targets: Counter[datetime.date | None] = Counter()
    for row in open_rows.values("target_on").annotate(n=Count("pk")).order_by():
        target = row["target_on"]
        targets[month_start(target) if target else None] += row["n"]
    with_target = actions.filter(target_on__isnull=False).count()
    unable = actions.filter(delivery_status=DeliveryStatus.UNABLE_TO_IMPLEMENT).count()
    changes = TargetDateChange.objects.filter(action__in=actions.values("pk")).order_by(
        "created_at", "pk"
    )
    moved = _net_slips(changes.values_list("action_id", "previous_on", "new_on"))
    history = History(
        as_of=as_of,
        started_on=started,
        completions=completions,
        open_targets=targets,
        slips=_slip_counts(moved, with_target),
    )
    return history, unable


def _delivery_history_then(
    actions: QuerySet[Action],
    as_of: datetime.date,
    started: datetime.date | None,
    completions: Counter[datetime.date],
) -> tuple[History, int]:
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
        started_on=started,
        completions=completions,
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
        completions=_by_month(assured, "created_at")["n"],
        open_targets=targets,
        slips={},
    )


def _burnup(
    history: History, created: Counter[datetime.date], reopened: Counter[datetime.date]
) -> list[BurnupPoint]:
    """Actions in the scope and actions delivered at the end of each month so far."""
    if history.started_on is None:
        return []
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
