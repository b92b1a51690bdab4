"""Replay the register's history: forecast at past dates, then see when the work really finished.

For each of the largest sources and each past date, the forecast is made from the record as it
stood then (`completion_forecast(as_of=...)`), and compared with the month the last action open
at that date was really completed. Printed: how often the real date fell on or before P50, P80
and P95 (calibration: about 50%, 80% and 95% if the forecast is honest), and the median error of
P50 in days. Cases whose work is still open today count as a miss only once a date has passed.
Also timed: the forecast of the whole data set, as of today (issue #15 asks for ≤ 1 s).

    .venv/bin/python bench/forecast_backtest.py [--database-url URL] [--sources 150]
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import default_database_url, django_setup  # noqa: E402 - found through the sys.path line above

MONTHS_BACK = (24, 18, 12, 6)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=default_database_url("national"))
    parser.add_argument("--sources", type=int, default=150, help="largest sources to replay")
    parser.add_argument(
        "--half-life",
        type=float,
        default=None,
        help="months over which a month's weight halves in the throughput draw (0: all alike); "
        "default: the forecast's own",
    )
    options = parser.parse_args()
    django_setup(options.database_url)

    from answerable.recommendations import forecast as method

    if options.half_life is not None:
        method.HALF_LIFE_MONTHS = options.half_life
    print(f"Throughput draw: a month's weight halves every {method.HALF_LIFE_MONTHS} months")

    from django.db.models import Count
    from django.utils import timezone

    from answerable.recommendations.models import Action, Recommendation, Source
    from answerable.recommendations.selectors.forecast import completion_forecast

    today = timezone.localdate()
    print(f"load average: {os.getloadavg()[0]:.1f}")
    timings, cpu = [], []
    for _ in range(5):
        started, started_cpu = time.perf_counter(), time.process_time()
        whole = completion_forecast(
            actions=Action.objects.all(), recommendations=Recommendation.objects.all()
        )
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    print(
        f"Whole data set forecast: first {timings[0]:.0f} ms, then {min(timings[1:]):.0f}-"
        f"{max(timings[1:]):.0f} ms (this process's CPU {min(cpu[1:]):.0f}-{max(cpu[1:]):.0f} ms)"
    )
    print(
        f"  {whole.delivery.open_count:,} open actions; P50 {whole.delivery.p50}, "
        f"P80 {whole.delivery.p80}, P95 {whole.delivery.p95} ({whole.delivery.outcome})"
    )

    scopes = [
        ("source", Action.objects.filter(source=source), source.recommendations.all())
        for source in Source.objects.annotate(n=Count("actions")).order_by("-n", "pk")[
            : options.sources
        ]
    ] + [
        ("organisation", Action.objects.filter(owner_id=owner), Recommendation.objects.none())
        for owner in Action.objects.values_list("owner_id", flat=True).distinct().order_by()
    ]
    hits: dict[int, int] = defaultdict(int)
    judged, errors, unknown, no_forecast = 0, [], 0, 0
    in_band, band_checks, below = 0, 0, 0
    for _kind, actions, recommendations in scopes:
        finishes = _finish_dates(actions)
        for months in MONTHS_BACK:
            as_of = today - datetime.timedelta(days=round(months * 30.44))
            result = completion_forecast(
                actions=actions, recommendations=recommendations, as_of=as_of
            ).delivery
            if not result.is_forecast:
                no_forecast += 1
                continue
            for month_end, low, _middle, high in result.band:
                if month_end < today:
                    band_checks += 1
                    done = _done_by(finishes, as_of, month_end)
                    in_band += low <= done <= high
                    below += done < low
            real = _real_finish(finishes, as_of)
            outcome = _judge(result, real, today)
            if outcome is None:
                unknown += 1
                continue
            judged += 1
            for percentile, inside in outcome.items():
                hits[percentile] += inside
            if real is not None and result.p50 is not None:
                errors.append(abs((real - result.p50).days))
    print(
        f"Backtest over {len(scopes)} scopes x {len(MONTHS_BACK)} past dates: "
        f"{no_forecast} without a forecast (too little history), {unknown} whose finish is "
        f"not known yet, {judged} judged"
    )
    for percentile in (50, 80, 95):
        share = hits[percentile] / judged if judged else 0
        print(f"  real finish on or before P{percentile}: {share:.0%}")
    if errors:
        print(f"  median error of P50: {statistics.median(errors):.0f} days")
    if band_checks:
        print(
            f"  burn-up band: real done inside the P10-P90 band in {in_band / band_checks:.0%} "
            f"of {band_checks} past month-ends (80% if calibrated); below it in "
            f"{below / band_checks:.0%}, above it in {1 - (in_band + below) / band_checks:.0%}"
        )


def _done_by(finishes, as_of, when):  # type: ignore[no-untyped-def]
    """How many actions open at `as_of` were completed by `when`."""
    count = 0
    for created_on, history in finishes.values():
        if created_on > as_of or _status_at(history, as_of) not in _open_statuses():
            continue
        count += any(as_of < on <= when and after == "completed" for on, after in history)
    return count


def _status_at(history, when):  # type: ignore[no-untyped-def]
    status = "not_started"
    for on, after in history:
        if on <= when:
            status = after
    return status


def _open_statuses():  # type: ignore[no-untyped-def]
    from answerable.recommendations.models import OPEN_STATUSES

    return set(OPEN_STATUSES)


def _finish_dates(actions):  # type: ignore[no-untyped-def]
    """Each action's history of (date, status_after), oldest first."""
    from answerable.recommendations.models import Update

    history = defaultdict(list)
    rows = Update.objects.filter(action__in=actions.values("pk")).order_by("created_at", "pk")
    for action_id, at, status in rows.values_list("action_id", "created_at", "status_after"):
        history[action_id].append((at.date(), status))
    created = dict(actions.values_list("pk", "created_at"))
    return {pk: (at.date(), history.get(pk, [])) for pk, at in created.items()}


def _real_finish(finishes, as_of):  # type: ignore[no-untyped-def]
    """When the last action open at `as_of` was completed; None if one still is not."""
    from answerable.recommendations.models import DeliveryStatus

    last = None
    for created_on, history in finishes.values():
        if created_on > as_of or _status_at(history, as_of) not in _open_statuses():
            continue
        done = [on for on, after in history if on > as_of and after == DeliveryStatus.COMPLETED]
        if not done:
            return None
        last = max(last or done[0], done[0])
    return last


def _judge(result, real, today):  # type: ignore[no-untyped-def]
    """Whether the real finish fell on or before each percentile; None if not yet known."""
    judged = {}
    for percentile, date in ((50, result.p50), (80, result.p80), (95, result.p95)):
        if real is not None:
            judged[percentile] = int(date is not None and real <= date)
        elif date is not None and date < today:
            judged[percentile] = 0
        else:
            return None
    return judged


if __name__ == "__main__":
    main()
