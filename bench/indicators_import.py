"""Time importing indicator figures from a file (issue #16 asks ≥ 20,000 values/s on PostgreSQL).

Each pass defines `--indicators` monthly indicators for a new force, writes a CSV of
`--months` figures for each (10,000 rows at most: the most a file may hold), then times
reading the file (`read_table`), the check page's plan, and the import itself (check again
under lock, a raw COPY or executemany, one audit event). For comparison it also writes the
same rows, for a second and a third set of indicators, with nothing but the raw insert
(`bulk_write`: the database's own speed, near enough) and with Django's `bulk_create` (the
import's former write). Printed, never asserted.

    .venv/bin/python bench/indicators_import.py                  # a fresh SQLite file
    .venv/bin/python bench/indicators_import.py --database-url postgres://postgres@127.0.0.1:5432/x
"""

import argparse
import datetime
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import django_setup  # noqa: E402 - found through the sys.path line above


def _csv(indicators: list, months: int, today: "datetime.date", categories: int) -> bytes:
    """A row a month for each indicator's total and, with `categories`, for each category."""
    from answerable.indicators import periods

    latest = periods.period_containing(today, periods.MONTHLY)
    lines = ["code,period,value,breakdown,note"]
    for indicator in indicators:
        for n in range(months):
            period = periods.add_periods(latest, -months + n, periods.MONTHLY)
            lines.append(f"{indicator.pk},{period:%Y-%m},{(n * 37) % 200 + 0.5},,")
            for c in range(categories):
                lines.append(f"{indicator.pk},{period:%Y-%m},{(n * 7 + c) % 40},Area {c + 1},")
    return ("\n".join(lines) + "\n").encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--indicators", type=int, default=80)
    parser.add_argument("--months", type=int, default=120)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--categories",
        type=int,
        default=0,
        help="Break each indicator down into this many areas, each with a row a month too "
        "(keep indicators × months × (1 + categories) within 10,000).",
    )
    options = parser.parse_args()
    url = options.database_url or f"sqlite:///{tempfile.mkdtemp()}/indicators-import.sqlite3"
    django_setup(url)

    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from answerable.indicators import bulk_write, services
    from answerable.indicators.models import IndicatorValue
    from answerable.indicators.tests.factories import IndicatorFactory, breakdown_of
    from answerable.organisations.models import Membership, Organisation
    from answerable.organisations.tests.factories import OrganisationFactory, member
    from answerable.recommendations.tables import read_table

    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    timings: dict[str, list[float]] = {
        "read": [],
        "check": [],
        "import": [],
        "raw insert": [],
        "bulk_create": [],
    }
    rows = 0
    totals: list[Any] = []
    for _ in range(options.repeat):
        run = uuid.uuid4().hex[:8]  # the database may hold earlier runs
        office = OrganisationFactory(name=f"Bench office {run}", kind=Organisation.Kind.PCC_OFFICE)
        force = OrganisationFactory(
            name=f"Bench force {run}", kind=Organisation.Kind.POLICE_FORCE, office=office
        )
        lead = member(force, Membership.Role.LEAD_OFFICER, email=f"lead-{run}@example.org")  # type: ignore[arg-type]
        sets: list[list[Any]] = [
            [
                IndicatorFactory(owner=force, office=office, created_by=lead)
                for _ in range(options.indicators)
            ]
            for _ in range(3)
        ]
        indicators, raw_twins, orm_twins = sets
        for indicator in indicators if options.categories else []:
            breakdown_of(indicator, [f"Area {c + 1}" for c in range(options.categories)])
        content = _csv(indicators, options.months, today, options.categories)
        started = time.perf_counter()
        table = read_table(content, kind="csv", name="bench.csv")
        timings["read"].append(time.perf_counter() - started)
        rows = len(table.rows)
        started = time.perf_counter()
        services.indicator_values_import_check(actor=lead, table=table)
        timings["check"].append(time.perf_counter() - started)
        started = time.perf_counter()
        plan = services.indicator_values_import(
            actor=lead, table=table, file_name="bench.csv", file_sha256="0" * 64
        )
        timings["import"].append(time.perf_counter() - started)
        assert len(plan.values) == rows
        totals = [v for v in plan.values if v.category is None]
        # The same rows again, for the twin indicators, written with nothing around them.
        now = timezone.now()
        raw_twin = {a.pk: b.pk for a, b in zip(indicators, raw_twins, strict=True)}
        orm_twin = {a.pk: b.pk for a, b in zip(indicators, orm_twins, strict=True)}
        started = time.perf_counter()
        with transaction.atomic():
            bulk_write.indicator_values_insert(
                (raw_twin[v.indicator.pk], v.period_start, v.value, None, "", v.note, lead.pk, now)
                for v in totals
            )
        timings["raw insert"].append(time.perf_counter() - started)
        started = time.perf_counter()
        with transaction.atomic():
            IndicatorValue.objects.bulk_create(
                (
                    IndicatorValue(
                        indicator_id=orm_twin[v.indicator.pk],
                        period_start=v.period_start,
                        value=v.value,
                        note=v.note,
                        entered_by_id=lead.pk,
                        created_at=now,
                    )
                    for v in totals
                ),
                batch_size=2000,
            )
        timings["bulk_create"].append(time.perf_counter() - started)
    print(f"{url.split('://')[0]}: {rows:,} rows a file, {options.repeat} files")
    for name, seconds in timings.items():
        median = statistics.median(seconds)
        # The comparisons write only the totals: the raw writer of categories is the same.
        written = len(totals) if name in ("raw insert", "bulk_create") else rows
        print(f"{name:>11}: median {median * 1000:,.0f} ms = {written / median:,.0f} values/s")
    end_to_end = statistics.median(
        r + i for r, i in zip(timings["read"], timings["import"], strict=True)
    )
    print(f"read + import: {rows / end_to_end:,.0f} values/s")
    print(f"values now stored: {IndicatorValue.objects.count():,}")


if __name__ == "__main__":
    main()
