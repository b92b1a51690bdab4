"""Disclosure control: what the public may see of an indicator's figures (issue #16).

A count below the indicator's threshold could identify a child or a victim, so every public
output shows "fewer than N" instead, and nothing else that would give the number back:

- the table and the downloads carry the words, never the figure;
- the chart draws such a point at the threshold, hollow, so its height says only "below N";
- while any figure is withheld, the mean, the process limits and the judgements are not
  shown, since a mean over the true figures, with the others known, gives the hidden one.

Only counts are withheld: a percentage, a rate or a number of days is not a count of people.
"""

import dataclasses
import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from answerable.indicators import periods, spc
from answerable.indicators.charts import XmrChart, xmr_chart
from answerable.indicators.figures import (
    TARGET_IS_THE_TOTALS,
    assurance_text,
    indicator_figures,
    number_text,
)
from answerable.indicators.models import Indicator
from answerable.indicators.selectors import PeriodHistory

SUPPRESSED = "suppressed"  # a chart point's type when its figure is withheld


def is_withheld(value: Decimal, indicator: Indicator) -> bool:
    """Whether the figure is a count below the indicator's disclosure threshold."""
    return indicator.unit == Indicator.Unit.COUNT and value < indicator.disclosure_threshold


def fewer_than(indicator: Indicator) -> str:
    return _("fewer than %(n)s") % {"n": indicator.disclosure_threshold}


@dataclass(frozen=True)
class PublicFigure:
    """A figure as the public may see it: the number, or None and "fewer than N"."""

    value: Decimal | None
    text: str

    @property
    def is_withheld(self) -> bool:
        return self.value is None


def public_figure(value: Decimal, indicator: Indicator) -> PublicFigure:
    if is_withheld(value, indicator):
        return PublicFigure(None, fewer_than(indicator))
    return PublicFigure(value, number_text(value, indicator.unit))


def not_judged_text(indicator: Indicator, *, count: int, others_withheld: bool) -> str:
    """Why figures read for the public carry no judgement: `count` of them are withheld,
    small counts alone or (`others_withheld`) with figures that would give one back."""
    if others_withheld:
        return _(
            "Not judged: %(count)s of the figures are not published (counts below %(n)s, or "
            "figures withheld so that such a count cannot be worked out), so the mean and "
            "process limits cannot be shown without revealing them."
        ) % {"count": count, "n": indicator.disclosure_threshold}
    return _(
        "Not judged: %(count)s of the figures are counts below %(n)s, which are not "
        "published, so the mean and process limits cannot be shown without revealing them."
    ) % {"count": count, "n": indicator.disclosure_threshold}


@dataclass(frozen=True)
class PublicRow:
    period_label: str
    figure: PublicFigure
    signal_text: str


@dataclass(frozen=True)
class PublicFigures:
    chart: XmrChart | None
    rows: list[PublicRow]
    withheld_count: int
    variation_text: str
    assurance_text: str
    limits_text: dict[str, str] | None


def public_figures(
    *,
    indicator: Indicator,
    history: list[PeriodHistory],
    withheld: dict[datetime.date, PublicFigure] | None = None,
    judge_target: bool = True,
) -> PublicFigures:
    """The current figures (the indicator's own, or a category's) read for the public, with
    disclosure control applied.

    `withheld` adds figures withheld although they are not small counts themselves, so that a
    small count cannot be worked out from them (`disclosure_breakdowns`): they are left out
    of the chart, where a small count is drawn hollow at the threshold. `judge_target` False
    reads a category's figures without the total's target.
    """
    extra = withheld or {}
    shown = {
        p.period_start: extra.get(p.period_start) or public_figure(p.current.value, indicator)
        for p in history
    }
    count = sum(1 for figure in shown.values() if figure.is_withheld)
    if not count:
        figures = indicator_figures(indicator=indicator, history=history, judge_target=judge_target)
        rows = [
            PublicRow(
                row.period_label, public_figure(row.current.value, indicator), row.signal_text
            )
            for row in figures.rows
        ]
        return PublicFigures(
            chart=figures.chart,
            rows=rows,
            withheld_count=0,
            variation_text=figures.variation_text,
            assurance_text=figures.assurance_text,
            limits_text=figures.limits_text,
        )
    frequency = indicator.frequency
    span = periods.periods_between(history[0].period_start, history[-1].period_start, frequency)
    by_period = {p.period_start: p for p in history}
    threshold = Decimal(indicator.disclosure_threshold)
    # Drawn without limits or signals: every small count at the threshold, other withheld
    # figures not at all.
    drawn = [
        None
        if period not in by_period or period in extra
        else threshold
        if is_withheld(by_period[period].current.value, indicator)
        else by_period[period].current.value
        for period in span
    ]
    target = indicator.target_value if judge_target else None
    reading = spc.analyse(drawn, direction=indicator.direction, target=target)
    bare = dataclasses.replace(
        reading,
        limits=None,
        points=[
            dataclasses.replace(p, signals={}, point_type=spc.PointType.COMMON_CAUSE)
            for p in reading.points
        ],
    )
    chart = xmr_chart(bare, span, frequency)
    if chart is not None:
        chart = dataclasses.replace(
            chart,
            points=[
                dataclasses.replace(point, point_type=SUPPRESSED)
                if shown[span[p.index]].is_withheld
                else point
                for point, p in zip(chart.points, reading.points, strict=True)
            ],
        )
    rows = [
        PublicRow(periods.period_label(period, frequency), shown[period], "")
        for period in span
        if period in by_period
    ]
    no_judgement = not_judged_text(indicator, count=count, others_withheld=bool(extra))
    return PublicFigures(
        chart=chart,
        rows=rows,
        withheld_count=count,
        variation_text=no_judgement,
        assurance_text=no_judgement
        if target is not None
        else assurance_text(bare, indicator)
        if judge_target or indicator.target_value is None
        else str(TARGET_IS_THE_TOTALS),
        limits_text=None,
    )


OPEN_DATA_COLUMNS = (
    ("indicator_id", "The indicator's code; it never changes."),
    ("indicator", "The indicator's name."),
    ("owner", "The organisation whose figures they are."),
    ("office", "The Police and Crime Commissioner's office whose area it is."),
    ("theme", "Intelligence, victims, perpetrators, partners or training."),
    ("unit", "Count, percentage, rate per 10,000 children or days."),
    ("period_start", "The first day of the month or quarter, YYYY-MM-DD."),
    ("frequency", "Monthly or quarterly."),
    ("value", "The figure; empty when it is a count too small to publish, or withheld."),
    (
        "value_text",
        "The figure as the site shows it, “fewer than N” for a small count, or “withheld” "
        "for a figure that would let a small count be worked out from the total.",
    ),
    ("breakdown", "What the figure is broken down by; empty for the indicator's own figure."),
    ("category", "The breakdown's category; empty for the indicator's own figure, the total."),
)


def open_data_rows(
    indicators: list[Indicator],
    values: list[tuple[int, datetime.date, Decimal]],
    withheld: dict[int, dict[datetime.date, PublicFigure]] | None = None,
    breakdown: tuple[str, str] = ("", ""),
) -> list[tuple[object, ...]]:
    """One row a current value: (indicator id, period start, figure) in, open data out.

    `withheld` holds, by indicator, the figures withheld beyond the small counts (a total or
    a category's, by `disclosure_breakdowns`); `breakdown` is the rows' breakdown and
    category, empty for the indicator's own figures."""
    by_pk = {indicator.pk: indicator for indicator in indicators}
    rows: list[tuple[object, ...]] = []
    for indicator_id, period_start, value in values:
        indicator = by_pk[indicator_id]
        figure = (withheld or {}).get(indicator_id, {}).get(period_start) or public_figure(
            value, indicator
        )
        rows.append(
            (
                indicator.pk,
                indicator.name,
                indicator.owner.name,
                indicator.office.name,
                indicator.theme,
                indicator.unit,
                period_start,
                indicator.frequency,
                None if figure.value is None else f"{figure.value.normalize():f}",
                figure.text,
                *breakdown,
            )
        )
    return rows
