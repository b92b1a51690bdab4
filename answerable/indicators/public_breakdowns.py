"""A publishable indicator's breakdowns on the public site and in its open data, with the
disclosure control of `disclosure_breakdowns` applied (issue #16).

The public page lists each category's latest figure and draws one category's chart when
asked (`?category=<id>`); no sparklines, since a line's height would give a small count back.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from answerable.indicators import breakdown_selectors, periods
from answerable.indicators.disclosure import (
    PublicFigure,
    PublicFigures,
    open_data_rows,
    public_figure,
    public_figures,
)
from answerable.indicators.disclosure_breakdowns import Withheld, breakdown_withheld
from answerable.indicators.models import Indicator, IndicatorBreakdown, IndicatorCategory
from answerable.indicators.selectors import PeriodHistory, Series


@dataclass(frozen=True)
class PublicCategoryRow:
    category: IndicatorCategory
    period_label: str  # of the latest figure; empty when there is none
    figure: PublicFigure | None


@dataclass(frozen=True)
class PublicBreakdown:
    breakdown: IndicatorBreakdown
    rows: list[PublicCategoryRow]


@dataclass(frozen=True)
class PublicChosen:
    breakdown: IndicatorBreakdown
    category: IndicatorCategory
    figures: PublicFigures


@dataclass(frozen=True)
class PublicReading:
    total: PublicFigures
    breakdowns: list[PublicBreakdown]
    chosen: PublicChosen | None


def indicator_withheld(
    indicator: Indicator,
    totals: dict[datetime.date, Decimal],
    breakdown_list: list[IndicatorBreakdown],
    series: dict[int, Series],
) -> Withheld:
    """What the rule withholds of the indicator's totals and categories' current figures."""
    return breakdown_withheld(
        indicator=indicator,
        totals=totals,
        breakdowns=[
            {c.pk: dict(series.get(c.pk, [])) for c in breakdown.categories.all()}
            for breakdown in breakdown_list
        ],
    )


def public_reading(
    *,
    indicator: Indicator,
    history: list[PeriodHistory],
    breakdown_list: list[IndicatorBreakdown],
    series: dict[int, Series],
    chosen: tuple[IndicatorBreakdown, IndicatorCategory, list[PeriodHistory]] | None,
) -> PublicReading:
    """The total's figures, each category's latest figure and the chosen category's figures,
    as the public may see them. `series` holds every category's current figures."""
    withheld = indicator_withheld(
        indicator, {p.period_start: p.current.value for p in history}, breakdown_list, series
    )
    overviews = []
    for breakdown in breakdown_list:
        rows = []
        for category in breakdown.categories.all():
            figures = series.get(category.pk)
            if not figures:
                rows.append(PublicCategoryRow(category, "", None))
                continue
            period, value = figures[-1]
            shown = withheld.category(category.pk).get(period) or public_figure(value, indicator)
            label = periods.period_label(period, indicator.frequency)
            rows.append(PublicCategoryRow(category, label, shown))
        overviews.append(PublicBreakdown(breakdown, rows))
    reading = None
    if chosen is not None:
        breakdown, category, category_history = chosen
        reading = PublicChosen(
            breakdown,
            category,
            public_figures(
                indicator=indicator,
                history=category_history,
                withheld=withheld.category(category.pk),
                judge_target=False,
            ),
        )
    return PublicReading(
        total=public_figures(indicator=indicator, history=history, withheld=withheld.total),
        breakdowns=overviews,
        chosen=reading,
    )


CategoryRow = tuple[int, int, datetime.date, Decimal]  # indicator, category, period, figure


def open_data_with_breakdowns(
    indicators: list[Indicator],
    values: list[tuple[int, datetime.date, Decimal]],
    breakdowns_by_indicator: dict[int, list[IndicatorBreakdown]],
    category_values: list[CategoryRow],
) -> list[tuple[object, ...]]:
    """Open data rows: each indicator's totals, then each of its categories' figures, by
    breakdown and category in order, small counts and what would give them back withheld."""
    totals: dict[int, dict[datetime.date, Decimal]] = {}
    for indicator_id, period, value in values:
        totals.setdefault(indicator_id, {})[period] = value
    series: dict[int, Series] = {}
    for _indicator_id, category_id, period, value in category_values:
        series.setdefault(category_id, []).append((period, value))
    rows: list[tuple[object, ...]] = []
    for indicator in indicators:
        breakdown_list = breakdowns_by_indicator.get(indicator.pk, [])
        withheld = indicator_withheld(
            indicator, totals.get(indicator.pk, {}), breakdown_list, series
        )
        rows += open_data_rows(
            [indicator],
            [(indicator.pk, p, v) for p, v in sorted(totals.get(indicator.pk, {}).items())],
            {indicator.pk: withheld.total},
        )
        for breakdown in breakdown_list:
            for category in breakdown.categories.all():
                rows += open_data_rows(
                    [indicator],
                    [(indicator.pk, p, v) for p, v in series.get(category.pk, [])],
                    {indicator.pk: withheld.category(category.pk)},
                    (breakdown.name, category.name),
                )
    return rows


def totals_withheld(
    totals: dict[int, tuple[Indicator, dict[datetime.date, Decimal]]],
) -> dict[int, dict[datetime.date, PublicFigure]]:
    """For totals shown elsewhere in public (a meeting's fixed figures, a progress report),
    each keyed by the caller, the ones the rule withholds beyond the small counts, read with
    the indicator's breakdowns' current figures as its public page reads them. Three
    queries however many; none when there are no totals, one when none is broken down."""
    if not totals:
        return {}
    ids = list({indicator.pk for indicator, _figures in totals.values()})
    breakdowns = breakdown_selectors.breakdown_map(indicator_ids=ids)
    if not breakdowns:
        return {}
    series = breakdown_selectors.category_series_map(
        category_ids=[
            category.pk
            for breakdown_list in breakdowns.values()
            for breakdown in breakdown_list
            for category in breakdown.categories.all()
        ]
    )
    withheld = {
        key: indicator_withheld(indicator, figures, breakdowns[indicator.pk], series).total
        for key, (indicator, figures) in totals.items()
        if indicator.pk in breakdowns
    }
    return {key: figures for key, figures in withheld.items() if figures}
