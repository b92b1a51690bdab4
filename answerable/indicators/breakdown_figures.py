"""A breakdown's figures as the indicator's page shows them: each category's latest figure,
sparkline and variation, stored as its figures change, and one chosen category's chart,
table and revisions, read afresh (issue #16)."""

from dataclasses import dataclass

from answerable.indicators import breakdown_selectors
from answerable.indicators.figures import IndicatorFigures, indicator_figures
from answerable.indicators.models import Indicator, IndicatorBreakdown, IndicatorCategory
from answerable.indicators.summaries import ListSummary


@dataclass(frozen=True)
class BreakdownOverview:
    breakdown: IndicatorBreakdown
    rows: list[tuple[IndicatorCategory, ListSummary]]


@dataclass(frozen=True)
class CategoryFigures:
    breakdown: IndicatorBreakdown
    category: IndicatorCategory
    figures: IndicatorFigures


def breakdown_overviews(
    *, indicator: Indicator, breakdown_list: list[IndicatorBreakdown]
) -> list[BreakdownOverview]:
    """Each breakdown with each category's stored reading: no further query."""
    return [
        BreakdownOverview(
            breakdown,
            [(c, ListSummary.of_category(indicator, c)) for c in breakdown.categories.all()],
        )
        for breakdown in breakdown_list
    ]


def chosen_category(
    breakdown_list: list[IndicatorBreakdown], asked: str | None
) -> tuple[IndicatorBreakdown, IndicatorCategory] | None:
    """The category the page was asked for (`?category=<id>`), if it is one of these."""
    for breakdown in breakdown_list:
        for category in breakdown.categories.all():
            if asked == str(category.pk):
                return breakdown, category
    return None


def category_figures(
    *, indicator: Indicator, breakdown_list: list[IndicatorBreakdown], asked: str | None
) -> CategoryFigures | None:
    """The asked-for category's chart, table and revisions, or None: one query."""
    chosen = chosen_category(breakdown_list, asked)
    if chosen is None:
        return None
    breakdown, category = chosen
    history = breakdown_selectors.category_value_history(category=category)
    return CategoryFigures(
        breakdown,
        category,
        indicator_figures(indicator=indicator, history=history, judge_target=False),
    )
