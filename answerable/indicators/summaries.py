"""What a list shows of each indicator: its latest figure, its variation and assurance
judgements and a sparkline of its recent periods (issue #16).

An indicator's reading is stored (`IndicatorSummary`) by the services that change its figures
or its definition, in their transaction and under their lock on the indicator, so a theme of
hundreds of indicators reads one row for each instead of reading every figure and charting it.
`indicator_summaries_refresh` also serves the migration that made them, the benchmark's
generator and any data fixed outside the services. A breakdown's categories are stored the
same way (`breakdowns.category_summaries_refresh`), read without the total's target.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise as StrPromise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from answerable.indicators import periods, spc
from answerable.indicators.figures import number_text
from answerable.indicators.models import (
    Indicator,
    IndicatorCategory,
    IndicatorCategorySummary,
    IndicatorSummary,
    StoredReading,
)
from answerable.indicators.selectors import indicator_current_series_map

Series = list[tuple[datetime.date, Decimal]]

SPARKLINE_PERIODS = 24
SPARKLINE_WIDTH, SPARKLINE_HEIGHT = 96, 24
VARIATION_LABELS: dict[str, StrPromise] = {
    spc.Variation.NOT_ENOUGH_DATA: gettext_lazy("Not enough data"),
    spc.Variation.COMMON_CAUSE: gettext_lazy("Common cause"),
    spc.Variation.IMPROVING: gettext_lazy("Improving"),
    spc.Variation.CONCERNING: gettext_lazy("Concerning"),
}
ASSURANCE_LABELS: dict[str, StrPromise] = {
    spc.Assurance.NOT_ENOUGH_DATA: gettext_lazy("Not enough data"),
    spc.Assurance.NO_TARGET: gettext_lazy("No target"),
    spc.Assurance.PASSING: gettext_lazy("Consistently passing"),
    spc.Assurance.FAILING: gettext_lazy("Consistently failing"),
    spc.Assurance.HIT_AND_MISS: gettext_lazy("Hit and miss"),
}
# Making Data Count's colours: blue (GOV.UK's plain tag) for improving or passing, orange for
# concerning or failing, grey otherwise.
TAG_CLASSES: dict[str, str] = {
    spc.Variation.IMPROVING: "govuk-tag",
    spc.Variation.CONCERNING: "govuk-tag govuk-tag--orange",
    spc.Assurance.PASSING: "govuk-tag",
    spc.Assurance.FAILING: "govuk-tag govuk-tag--orange",
}
GREY_TAG = "govuk-tag govuk-tag--grey"


def reading_of(
    *, indicator: Indicator, series: Series, judge_target: bool = True
) -> dict[str, Any]:
    """Read a series as the indicator's page does (missing periods left out, not zero), and
    lay out its last SPARKLINE_PERIODS periods as a line: a `StoredReading`'s fields.

    `judge_target` False reads it without the indicator's target: a category's figures are
    not the total the target is for.
    """
    frequency = indicator.frequency
    by_period = dict(series)
    span = periods.periods_between(series[0][0], series[-1][0], frequency) if series else []
    reading = spc.analyse(
        [by_period.get(p) for p in span],
        direction=indicator.direction,
        target=indicator.target_value if judge_target else None,
    )
    tail = span[-SPARKLINE_PERIODS:]
    recent = [(index, by_period[p]) for index, p in enumerate(tail) if p in by_period]
    figures = [figure for _index, figure in recent]
    points = ""
    if len(recent) > 1:
        low, high = min(figures), max(figures)
        step = SPARKLINE_WIDTH / max(len(tail) - 1, 1)
        spread = float(high - low) or 1.0
        points = " ".join(
            f"{index * step:.1f},"
            f"{SPARKLINE_HEIGHT - 2 - float(value - low) / spread * (SPARKLINE_HEIGHT - 4):.1f}"
            for index, value in recent
        )
    return {
        "latest_period": series[-1][0] if series else None,
        "latest_value": series[-1][1] if series else None,
        "variation": reading.variation.value,
        "assurance": reading.assurance.value,
        "sparkline_points": points,
        "recent_count": len(recent),
        "recent_first": next((p for p in tail if p in by_period), None),
        "recent_low": min(figures, default=None),
        "recent_high": max(figures, default=None),
    }


def summary_of(*, indicator: Indicator, series: Series) -> IndicatorSummary:
    """The indicator's reading of its own figures, unsaved."""
    return IndicatorSummary(
        indicator_id=indicator.pk, **reading_of(indicator=indicator, series=series)
    )


# What a refresh writes: every stored field but the key and the timestamp.
SUMMARY_FIELDS = [
    field.name for field in StoredReading._meta.get_fields() if field.name != "updated_at"
]


def indicator_summaries_refresh(
    *, indicators: Iterable[Indicator], series: dict[int, Series] | None = None
) -> None:
    """Store each indicator's reading afresh from its current figures: one read, one write.

    Call it in the transaction that changed the figures or the definition, holding the lock
    on each indicator that change took. `series`, each indicator's current figures in
    period order, saves the read when the caller has them (an import)."""
    indicators = list(indicators)
    if not indicators:
        return
    if series is None:
        series = indicator_current_series_map(indicator_ids=[i.pk for i in indicators])
    IndicatorSummary.objects.bulk_create(
        [summary_of(indicator=i, series=series.get(i.pk, [])) for i in indicators],
        update_conflicts=True,
        unique_fields=["indicator"],
        update_fields=[*SUMMARY_FIELDS, "updated_at"],
    )


@dataclass(frozen=True)
class ListSummary:
    """A stored (or category's) reading as a list shows it, in words as well as tags."""

    indicator: Indicator
    stored: StoredReading

    @classmethod
    def of(cls, indicator: Indicator) -> "ListSummary":
        """The indicator's stored reading; one with no figures if none is stored yet."""
        stored = getattr(indicator, "summary", None)
        return cls(indicator, stored or summary_of(indicator=indicator, series=[]))

    @classmethod
    def of_category(cls, indicator: Indicator, category: IndicatorCategory) -> "ListSummary":
        """The category's stored reading; one with no figures if it has none yet."""
        stored = getattr(category, "summary", None)
        return cls(
            indicator,
            stored or IndicatorCategorySummary(**reading_of(indicator=indicator, series=[])),
        )

    @property
    def latest_text(self) -> str:
        return number_text(self.stored.latest_value, self.indicator.unit)

    @property
    def latest_period_text(self) -> str:
        period = self.stored.latest_period
        return periods.period_label(period, self.indicator.frequency) if period else ""

    @property
    def variation_label(self) -> str:
        return str(VARIATION_LABELS[self.stored.variation])

    @property
    def variation_tag(self) -> str:
        return TAG_CLASSES.get(self.stored.variation, GREY_TAG)

    @property
    def assurance_label(self) -> str:
        return str(ASSURANCE_LABELS[self.stored.assurance])

    @property
    def assurance_tag(self) -> str:
        return TAG_CLASSES.get(self.stored.assurance, GREY_TAG)

    @property
    def sparkline_text(self) -> str:
        """The sparkline in words, for those who cannot see it."""
        stored, unit, frequency = self.stored, self.indicator.unit, self.indicator.frequency
        if not stored.recent_count or stored.recent_first is None or stored.latest_period is None:
            return _("No figures recorded")
        return ngettext(
            "%(count)s figure from %(first)s to %(last)s: lowest %(low)s, highest %(high)s, "
            "latest %(latest)s",
            "%(count)s figures from %(first)s to %(last)s: lowest %(low)s, highest %(high)s, "
            "latest %(latest)s",
            stored.recent_count,
        ) % {
            "count": stored.recent_count,
            "first": periods.period_label(stored.recent_first, frequency),
            "last": periods.period_label(stored.latest_period, frequency),
            "low": number_text(stored.recent_low, unit),
            "high": number_text(stored.recent_high, unit),
            "latest": number_text(stored.latest_value, unit),
        }
