"""An indicator's figures as its page shows them: the XmR reading, the chart, the table rows
and the judgements in words."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from answerable.indicators import periods, spc
from answerable.indicators.charts import XmrChart, xmr_chart
from answerable.indicators.models import Indicator
from answerable.indicators.selectors import PeriodHistory, Value


def number_text(value: Decimal | Fraction | float | None, unit: str = "") -> str:
    """A figure as people read it: thousands separated, no trailing zeros, at most 2 places
    for a computed figure, with % for a percentage."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        text = f"{value.normalize():,f}"
    else:
        text = f"{float(value):,.2f}".rstrip("0").rstrip(".")
    if text == "-0":
        text = "0"
    return f"{text}%" if unit == Indicator.Unit.PERCENTAGE else text


def _rule_words(rule: spc.Rule, side: spc.Side) -> str:
    high = side == spc.Side.HIGH
    if rule == spc.Rule.OUTSIDE_LIMITS:
        return _("above the upper process limit") if high else _("below the lower process limit")
    if rule == spc.Rule.RUN:
        return (
            _("in a run of %(n)s or more above the mean")
            if high
            else _("in a run of %(n)s or more below the mean")
        ) % {"n": spc.RUN_LENGTH}
    if rule == spc.Rule.TREND:
        return (
            _("in a rising trend of %(n)s or more")
            if high
            else _("in a falling trend of %(n)s or more")
        ) % {"n": spc.TREND_LENGTH}
    return (
        _("one of two in three close to the upper limit")
        if high
        else _("one of two in three close to the lower limit")
    )


def signal_words(point: spc.Point) -> str:
    """What the rules found in a point, in words: "" for common cause."""
    if point.point_type == spc.PointType.COMMON_CAUSE:
        return ""
    kind = (
        _("Special cause, improving")
        if point.point_type == spc.PointType.IMPROVING
        else _("Special cause, concerning")
    )
    return f"{kind}: {signal_reasons(point)}"


def signal_reasons(point: spc.Point) -> str:
    """Why the rules marked a point: "in a run of 7 or more above the mean"."""
    return "; ".join(_rule_words(rule, side) for rule, side in point.signals.items())


@dataclass(frozen=True)
class Row:
    period_label: str
    value_text: str
    signal_text: str
    point_type: str
    current: Value
    replaced: list[Value]


@dataclass(frozen=True)
class IndicatorFigures:
    reading: spc.Reading
    chart: XmrChart | None
    rows: list[Row]
    variation_text: str
    assurance_text: str
    revision_count: int

    @property
    def limits_text(self) -> dict[str, str] | None:
        return limits_text(self.reading)


def limits_text(reading: spc.Reading) -> dict[str, str] | None:
    """The process limits in words, None without enough data for them."""
    limits = reading.limits
    if limits is None:
        return None
    return {
        "mean": number_text(limits.mean),
        "upper": number_text(limits.upper),
        "lower": number_text(limits.lower),
        "average_moving_range": number_text(limits.average_moving_range),
    }


TARGET_IS_THE_TOTALS = gettext_lazy(
    "The target is for the total, so a category's figures are not judged against it."
)


def variation_text(reading: spc.Reading, indicator: Indicator) -> str:
    """The variation judgement, in words."""
    if reading.variation == spc.Variation.NOT_ENOUGH_DATA:
        return _(
            "Not enough data to judge: %(count)s figures are recorded and the chart needs at "
            "least %(minimum)s."
        ) % {"count": len(reading.points), "minimum": spc.MINIMUM_POINTS}
    if reading.variation == spc.Variation.COMMON_CAUSE:
        return _(
            "Common cause variation: the latest figure is within what this process usually "
            "gives. Nothing shows a real change."
        )
    why = signal_reasons(reading.points[-1])
    better = indicator.get_direction_display().lower()
    if reading.variation == spc.Variation.IMPROVING:
        return _(
            "Special cause variation, improving: the latest figure is %(why)s (%(better)s)."
        ) % {"why": why, "better": better}
    return _("Special cause variation, concerning: the latest figure is %(why)s (%(better)s).") % {
        "why": why,
        "better": better,
    }


def assurance_text(reading: spc.Reading, indicator: Indicator) -> str:
    """The assurance judgement against the target, in words."""
    unit = indicator.unit
    if reading.assurance == spc.Assurance.NO_TARGET:
        return _("No target is set, so there is no assurance judgement.")
    target = number_text(indicator.target_value, unit)
    limits = reading.limits
    if reading.assurance == spc.Assurance.NOT_ENOUGH_DATA or limits is None:
        return _("Not enough data to judge whether the target of %(target)s will be met.") % {
            "target": target
        }
    names = {
        "target": target,
        "lower": number_text(limits.lower, unit),
        "upper": number_text(limits.upper, unit),
    }
    if reading.assurance == spc.Assurance.PASSING:
        return (
            _(
                "Consistently passing: the target of %(target)s is outside the process "
                "limits (%(lower)s to %(upper)s) on the better side, so every figure is "
                "expected to meet it."
            )
            % names
        )
    if reading.assurance == spc.Assurance.FAILING:
        return (
            _(
                "Consistently failing: the target of %(target)s is outside the process limits "
                "(%(lower)s to %(upper)s) on the worse side, so it will not be met unless the "
                "process changes."
            )
            % names
        )
    return (
        _(
            "Hit and miss: the target of %(target)s is within the process limits (%(lower)s to "
            "%(upper)s), so some figures will meet it and some will not."
        )
        % names
    )


def series_reading(
    *, indicator: Indicator, series: list[tuple[datetime.date, Decimal]]
) -> spc.Reading:
    """The XmR reading `indicator_figures` makes of the indicator's current figures, from
    (period, figure) pairs in period order alone: no chart, no table, no revisions."""
    if not series:
        return spc.analyse([], direction=indicator.direction, target=indicator.target_value)
    by_period = dict(series)
    span = periods.periods_between(series[0][0], series[-1][0], indicator.frequency)
    return spc.analyse(
        [by_period.get(p) for p in span],
        direction=indicator.direction,
        target=indicator.target_value,
    )


def indicator_figures(
    *, indicator: Indicator, history: list[PeriodHistory], judge_target: bool = True
) -> IndicatorFigures:
    """Read the indicator's current values as an XmR chart, over every period from the first
    recorded to the last, leaving missing periods out rather than counting them as zero.

    `judge_target` False reads a category's figures: the target is the total's."""
    frequency = indicator.frequency
    by_period = {period.period_start: period for period in history}
    span: list[datetime.date] = (
        periods.periods_between(history[0].period_start, history[-1].period_start, frequency)
        if history
        else []
    )
    values = [by_period[p].current.value if p in by_period else None for p in span]
    target = indicator.target_value if judge_target else None
    reading = spc.analyse(values, direction=indicator.direction, target=target)
    rows = []
    labels = periods.period_labels([span[point.index] for point in reading.points], frequency)
    for point, label in zip(reading.points, labels, strict=True):
        period = by_period[span[point.index]]
        rows.append(
            Row(
                period_label=label,
                value_text=number_text(period.current.value, indicator.unit),
                signal_text=signal_words(point),
                point_type=point.point_type.value,
                current=period.current,
                replaced=period.replaced,
            )
        )
    return IndicatorFigures(
        reading=reading,
        chart=xmr_chart(reading, span, frequency),
        rows=rows,
        variation_text=variation_text(reading, indicator),
        assurance_text=assurance_text(reading, indicator)
        if judge_target or indicator.target_value is None
        else str(TARGET_IS_THE_TOTALS),
        revision_count=sum(len(period.replaced) for period in history),
    )
