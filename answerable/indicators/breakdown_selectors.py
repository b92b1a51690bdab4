"""Reads of breakdowns and their categories' figures (issue #16): `breakdowns` writes them.

Each read takes an indicator, or indicators, already read through the selector that decides
who sees them (`selectors.indicator_get_for_user`, `selectors.public_indicator_list`): a
breakdown is visible to whoever sees its indicator.
"""

import datetime
from collections.abc import Collection
from decimal import Decimal
from typing import Any

from django.db.models import Exists, Max, OuterRef, QuerySet
from django.http import Http404

from answerable.core.prepared import keep_as_prefetched, prepared_list
from answerable.core.prepared_rows import prepared_rows
from answerable.indicators.models import (
    Indicator,
    IndicatorBreakdown,
    IndicatorCategory,
    IndicatorCategoryValue,
)
from answerable.indicators.selectors import (
    HISTORY_FIELDS,
    HISTORY_ORDER,
    PeriodHistory,
    Series,
    series_by_key,
    value_history,
)


def breakdown_map(*, indicator_ids: list[int]) -> dict[int, list[IndicatorBreakdown]]:
    """Indicator → its breakdowns by name, each with its categories in order: two queries,
    their SQL built once per process (issue #12), as `prefetch_related` would leave them."""
    found = prepared_list("breakdown_map", IndicatorBreakdown, _breakdowns_of, indicator_ids)
    if not found:  # as a prefetch, no second query when there is nothing to fill
        return {}
    categories: dict[int, list[IndicatorCategory]] = {}
    for category in prepared_list(
        "breakdown_categories", IndicatorCategory, _categories_of, indicator_ids
    ):
        categories.setdefault(category.breakdown_id, []).append(category)
    breakdowns: dict[int, list[IndicatorBreakdown]] = {}
    for breakdown in found:
        keep_as_prefetched(breakdown, "categories", categories.get(breakdown.pk, []))
        breakdowns.setdefault(breakdown.indicator_id, []).append(breakdown)
    return breakdowns


def _breakdowns_of(indicator_ids: Collection[int]) -> QuerySet[IndicatorBreakdown]:
    return IndicatorBreakdown.objects.filter(indicator_id__in=indicator_ids).order_by("name", "pk")


def _categories_of(indicator_ids: Collection[int]) -> QuerySet[IndicatorCategory]:
    return (
        IndicatorCategory.objects.filter(breakdown__indicator_id__in=indicator_ids)
        .select_related("summary")
        .order_by("position", "pk")
    )


def breakdown_list(*, indicator: Indicator) -> list[IndicatorBreakdown]:
    """The indicator's breakdowns by name, each with its categories in order: two queries."""
    breakdowns = breakdown_map(indicator_ids=[indicator.pk]).get(indicator.pk, [])
    for breakdown in breakdowns:
        breakdown.indicator = indicator  # read for the user already: not read again
    return breakdowns


def category_list(*, indicator_ids: list[int]) -> list[IndicatorCategory]:
    """The categories of the indicators' breakdowns, each with its breakdown and indicator:
    one query."""
    return list(
        IndicatorCategory.objects.filter(breakdown__indicator_id__in=indicator_ids)
        .select_related("breakdown__indicator")
        .order_by("breakdown__indicator_id", "breakdown__name", "position", "pk")
    )


def breakdown_get(*, indicator: Indicator, pk: int) -> IndicatorBreakdown:
    """One of the indicator's breakdowns, with its categories; raise Http404 otherwise."""
    for breakdown in breakdown_list(indicator=indicator):
        if breakdown.pk == pk:
            return breakdown
    raise Http404("No such breakdown")


def category_current_value_list() -> QuerySet[IndicatorCategoryValue]:
    """Every category's current figures: those no later figure revises."""
    # NOT EXISTS, probing the unique index on `revises` for each row read: a page reads a
    # thousand or so of millions of figures, and NOT IN the revised ids (as the totals are
    # read) gathered all 27,000 of them each time, 18 ms at national scale (bench/README.md).
    revised = IndicatorCategoryValue.objects.filter(revises=OuterRef("pk"))
    return IndicatorCategoryValue.objects.filter(~Exists(revised))


def category_series_map(*, category_ids: list[int]) -> dict[int, Series]:
    """Category → its current (period, figure) pairs in period order: one query."""
    return series_by_key(
        category_current_value_list()
        .filter(category_id__in=category_ids)
        .order_by("category_id", "period_start")
        .values_list("category_id", "period_start", "value")
    )


def category_value_rows(
    *, indicator_ids: list[int]
) -> list[tuple[int, int, datetime.date, Decimal]]:
    """(indicator, category, period, figure) for every current figure of the indicators'
    categories, by category and period: one query."""
    return list(
        category_current_value_list()
        .filter(category__breakdown__indicator_id__in=indicator_ids)
        .order_by("category_id", "period_start")
        .values_list("category__breakdown__indicator_id", "category_id", "period_start", "value")
    )


def category_current_value_map(
    *, category_ids: list[int]
) -> dict[tuple[int, datetime.date], tuple[int, Decimal]]:
    """(category, period) → (current figure's id, figure): one query."""
    rows = (
        category_current_value_list()
        .filter(category_id__in=category_ids)
        .values_list("category_id", "period_start", "pk", "value")
    )
    return {(category, period): (pk, value) for category, period, pk, value in rows}


def breakdown_period_values(
    *, breakdown: IndicatorBreakdown, period_start: datetime.date
) -> dict[int, Decimal]:
    """Category → its current figure for the period, for the categories that have one."""
    return dict(
        category_current_value_list()
        .filter(category__breakdown=breakdown, period_start=period_start)
        .values_list("category_id", "value")
    )


def breakdown_first_period(*, breakdown: IndicatorBreakdown) -> list[datetime.date]:
    """The first period any of the breakdown's categories has a figure for, if any."""
    first = (
        IndicatorCategoryValue.objects.filter(category__breakdown=breakdown)
        .order_by("period_start")
        .values_list("period_start", flat=True)
        .first()
    )
    return [first] if first else []


def category_value_history(*, category: IndicatorCategory) -> list[PeriodHistory]:
    """Every period the category has a figure for, each with its revisions: two queries, the
    first's SQL built once per process."""
    return value_history(
        prepared_rows(
            "category_value_history", IndicatorCategoryValue, _category_values_of, category.pk
        )
    )


def _category_values_of(category_id: int) -> QuerySet[IndicatorCategoryValue, tuple[Any, ...]]:
    return (
        IndicatorCategoryValue.objects.filter(category_id=category_id)
        .order_by(*HISTORY_ORDER)
        .values_list(*HISTORY_FIELDS, "entered_by_id")
    )


def breakdowns_last_changed(*, indicator_ids: list[int]) -> datetime.datetime | None:
    """When the indicators' breakdowns or their categories' figures last changed: a name
    changed, or a figure recorded or revised. One query."""
    changed = IndicatorBreakdown.objects.filter(indicator_id__in=indicator_ids).aggregate(
        named=Max("updated_at"), recorded=Max("categories__values__created_at")
    )
    times = [time for time in changed.values() if time is not None]
    return max(times) if times else None
