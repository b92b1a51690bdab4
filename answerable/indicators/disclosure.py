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
from answerable.indicators.figures import assurance_text, indicator_figures, number_text
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


def public_figures(*, indicator: Indicator, history: list[PeriodHistory]) -> PublicFigures:
    """The indicator's current figures read for the public, with disclosure control applied."""
    withheld = sum(1 for p in history if is_withheld(p.current.value, indicator))
    if not withheld:
        figures = indicator_figures(indicator=indicator, history=history)
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
    # Drawn without limits or signals: every withheld point at the threshold.
    shown = [
        None
        if period not in by_period
        else threshold
        if is_withheld(by_period[period].current.value, indicator)
        else by_period[period].current.value
        for period in span
    ]
    reading = spc.analyse(shown, direction=indicator.direction, target=indicator.target_value)
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
                if is_withheld(by_period[span[p.index]].current.value, indicator)
                else point
                for point, p in zip(chart.points, reading.points, strict=True)
            ],
        )
    rows = [
        PublicRow(
            periods.period_label(span[p.index], frequency),
            public_figure(by_period[span[p.index]].current.value, indicator),
            "",
        )
        for p in reading.points
    ]
    no_judgement = _(
        "Not judged: %(count)s of the figures are counts below %(n)s, which are not published, "
        "so the mean and process limits cannot be shown without revealing them."
    ) % {"count": withheld, "n": indicator.disclosure_threshold}
    return PublicFigures(
        chart=chart,
        rows=rows,
        withheld_count=withheld,
        variation_text=no_judgement,
        assurance_text=(
            assurance_text(bare, indicator) if indicator.target_value is None else no_judgement
        ),
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
    ("value", "The figure; empty when it is a count too small to publish."),
    ("value_text", "The figure as the site shows it, or “fewer than N” for a small count."),
)


def open_data_rows(
    indicators: list[Indicator], values: list[tuple[int, datetime.date, Decimal]]
) -> list[tuple[object, ...]]:
    """One row a current value: (indicator id, period start, figure) in, open data out."""
    by_pk = {indicator.pk: indicator for indicator in indicators}
    rows: list[tuple[object, ...]] = []
    for indicator_id, period_start, value in values:
        indicator = by_pk[indicator_id]
        figure = public_figure(value, indicator)
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
            )
        )
    return rows
