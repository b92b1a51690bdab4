"""The benchmark's indicators (issue #16): at national scale every one of the 50 organisations
owns 40 monthly indicators, each broken down into 10 local policing areas, with 120 months of
figures for the total and for each area: 2,000 indicators, 20,000 categories, 240,000 totals
and 2,400,000 category figures.

Imported by generate.py once Django is set up, after the organisations and people exist (or
on its own with `generate.py --add-indicators`). The rows bypass the services on purpose, as
the rest of the data set does, and are written with the import's own bulk writer
(`indicators.bulk_write`: COPY on PostgreSQL); they keep the models' rules (a revision has a
reason and one original a period), and each indicator's stored reading is computed with
`summaries.indicator_summaries_refresh` and each category's with
`breakdowns.category_summaries_refresh`, as the services do. No audit events are written.

Deterministic: the same seed and anchor date give the same figures. About one figure in a
hundred is revised once, so pages show revision histories.
"""

import datetime
import random
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F

from answerable.indicators import bulk_write, periods
from answerable.indicators.breakdowns import category_summaries_refresh
from answerable.indicators.models import (
    Indicator,
    IndicatorBreakdown,
    IndicatorCategory,
    IndicatorCategoryValue,
    IndicatorValue,
)
from answerable.indicators.summaries import indicator_summaries_refresh
from answerable.organisations.models import Membership, Organisation


@dataclass(frozen=True)
class Size:
    indicators: int  # per organisation
    categories: int  # per indicator, in its one breakdown
    months: int


SIZES = {"national": Size(40, 10, 120), "small": Size(5, 4, 36)}
THEMES = [value for value, _label in Indicator.Theme.choices]
MEASURES = [
    "Referrals for child sexual exploitation",
    "Repeat referrals",
    "Children missing from home",
    "Children missing from care",
    "Intelligence submissions",
    "Arrests",
    "Charges",
    "Disruption notices issued",
    "Victims offered an independent advocate",
    "Joint visits with the council",
]
REVISED_ONE_IN = 97  # figures whose id is a multiple of this are revised once


def _months(anchor: datetime.date, count: int) -> list[datetime.date]:
    last = periods.add_periods(periods.period_containing(anchor, periods.MONTHLY), -1, "monthly")
    return periods.periods_between(
        periods.add_periods(last, -(count - 1), "monthly"), last, "monthly"
    )


def _recorders() -> dict[int, tuple[int, int]]:
    """Organisation → (who defines its indicators, who records them): the office's scrutiny
    officer and the organisation's first lead officer (the scrutiny officer for an office)."""
    scrutiny = dict(
        Membership.objects.filter(role=Membership.Role.SCRUTINY_OFFICER)
        .order_by("-user_id")
        .values_list("organisation_id", "user_id")
    )
    leads = dict(
        Membership.objects.filter(role=Membership.Role.LEAD_OFFICER)
        .order_by("-user_id")
        .values_list("organisation_id", "user_id")
    )
    recorders = {}
    for organisation in Organisation.objects.order_by("pk"):
        office_id = organisation.office_id or organisation.pk
        recorders[organisation.pk] = (
            scrutiny[office_id],
            leads.get(organisation.pk) or scrutiny[office_id],
        )
    return recorders


def _series(rng: random.Random, base: float, months: int, shape: str) -> list[int]:
    """A month-by-month count around `base`: steady, shifted up in the last quarter, or
    trending down."""
    figures = []
    for month in range(months):
        level = base
        if shape == "shift" and month >= months * 3 // 4:
            level *= 1.4
        elif shape == "trend":
            level *= 1.3 - 0.6 * month / months
        figures.append(max(0, round(rng.gauss(level, max(1.0, level**0.5)))))
    return figures


def generate(*, scale: str, seed: int, anchor: datetime.date) -> dict[str, int]:
    """Define every organisation's indicators and write their figures; return the counts."""
    size = SIZES[scale]
    months = _months(anchor, size.months)
    recorders = _recorders()
    created = datetime.datetime.combine(months[0], datetime.time(9), tzinfo=datetime.UTC)
    organisations = list(Organisation.objects.order_by("pk"))
    with transaction.atomic():
        indicators = Indicator.objects.bulk_create(
            Indicator(
                owner=organisation,
                office_id=organisation.office_id or organisation.pk,
                name=f"{MEASURES[n % len(MEASURES)]} {n // len(MEASURES) + 1}",
                definition="Generated for the benchmark: not real figures.",
                unit=Indicator.Unit.COUNT if n % 5 else Indicator.Unit.PERCENTAGE,
                direction="higher" if n % 3 else "lower",
                frequency=Indicator.Frequency.MONTHLY,
                theme=THEMES[n % len(THEMES)],
                target_value=None if n % 4 else 50,
                is_publishable=n % 2 == 0,
                created_by_id=recorders[organisation.pk][0],
            )
            for organisation in organisations
            for n in range(size.indicators)
        )
        breakdowns = IndicatorBreakdown.objects.bulk_create(
            IndicatorBreakdown(
                indicator=indicator,
                name="Local policing area",
                created_by_id=indicator.created_by_id,
            )
            for indicator in indicators
        )
        categories = IndicatorCategory.objects.bulk_create(
            IndicatorCategory(breakdown=breakdown, name=f"Area {n + 1}", position=n)
            for breakdown in breakdowns
            for n in range(size.categories)
        )
        by_breakdown: dict[int, list[IndicatorCategory]] = {}
        for category in categories:
            by_breakdown.setdefault(category.breakdown_id, []).append(category)
        totals, figures = [], []
        for indicator, breakdown in zip(indicators, breakdowns, strict=True):
            rng = random.Random(f"{seed}-indicator-{indicator.owner_id}-{indicator.name}")
            shape = rng.choice(["steady", "steady", "shift", "trend"])
            recorder = recorders[indicator.owner_id][1]
            per_category = []
            for category in by_breakdown[breakdown.pk]:
                if indicator.unit == Indicator.Unit.PERCENTAGE:
                    series = [
                        min(100, 40 + v)
                        for v in _series(rng, rng.uniform(20, 50), len(months), shape)
                    ]
                else:
                    series = _series(rng, rng.choice([2, 4, 8, 15, 30, 60]), len(months), shape)
                per_category.append(series)
                figures += [
                    (category.pk, month, value, None, "", "", recorder, created)
                    for month, value in zip(months, series, strict=True)
                ]
            for m, month in enumerate(months):
                column = [series[m] for series in per_category]
                total = (
                    round(sum(column) / len(column))
                    if indicator.unit == Indicator.Unit.PERCENTAGE
                    else sum(column) + rng.choice([0, 0, 0, 1, 2])  # a few cases with no area
                )
                totals.append((indicator.pk, month, total, None, "", "", recorder, created))
        for rows in chunks(totals, 50_000):
            bulk_write.indicator_values_insert(rows)
        for rows in chunks(figures, 50_000):
            bulk_write.category_values_insert(rows)
        revised = _revise(IndicatorValue, "indicator_id", bulk_write.indicator_values_insert)
        revised += _revise(IndicatorCategoryValue, "category_id", bulk_write.category_values_insert)
        refresh_readings(indicators, categories)
    return {
        "indicators": len(indicators),
        "indicator categories": len(categories),
        "indicator totals": len(totals),
        "indicator category figures": len(figures),
        "indicator figures revised": revised,
    }


def refresh_readings(indicators: list[Indicator], categories: list[IndicatorCategory]) -> None:
    """Store every indicator's and category's reading, as the services would have."""
    by_pk = {indicator.pk: indicator for indicator in indicators}
    breakdowns = {b.pk: b for b in IndicatorBreakdown.objects.filter(indicator__in=indicators)}
    for breakdown in breakdowns.values():
        breakdown.indicator = by_pk[breakdown.indicator_id]
    for category in categories:
        category.breakdown = breakdowns[category.breakdown_id]
    for some in chunks(indicators, 200):
        indicator_summaries_refresh(indicators=some)
    for some_categories in chunks(categories, 2000):
        category_summaries_refresh(categories=some_categories)


def _revise(model: type, key: str, insert) -> int:  # type: ignore[no-untyped-def]
    """Revise about one figure in REVISED_ONE_IN: one more, with a reason."""
    rows = list(
        model.objects.annotate(remainder=F("id") % REVISED_ONE_IN)
        .filter(remainder=0)
        .values_list("id", key, "period_start", "value", "entered_by_id", "created_at")
    )
    insert(
        (
            owner,
            period,
            value + 1,
            pk,
            "Late records added",
            "",
            user,
            created + datetime.timedelta(days=40),
        )
        for pk, owner, period, value, user, created in rows
    )
    return len(rows)


def chunks(items: list, size: int) -> Iterator[list]:  # type: ignore[type-arg]
    for start in range(0, len(items), size):
        yield items[start : start + size]
