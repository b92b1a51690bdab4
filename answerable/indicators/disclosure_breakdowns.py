"""Disclosure control for breakdowns (issue #16): a category's small count is withheld as the
total's is, and so is anything that would give it back.

The total is published, so "the total minus every other category" would give a withheld
category's count back. The rule, for counts, in each period, for each breakdown:

1. A category's figure below the threshold is shown as "fewer than N" (primary suppression).
2. If the period's total is published and any category figure is withheld, more figures of
   that breakdown are withheld, smallest first, shown as "withheld" (secondary suppression),
   until at least two are withheld and none of them can be worked out: their sum is known
   (the total minus the published figures, counting a category with no figure as 0), each
   "fewer than N" is a whole number from 0 to N - 1, and each "withheld" is at least N and at
   most the smallest published figure; each withheld figure must still have more than one
   possible value.
3. If every recorded category is withheld and one could still be worked out, the total is
   withheld for that period too. Whenever the total is withheld (a small count itself, or by
   rule 3), every breakdown with figures that period withholds at least its smallest, so the
   total cannot be added up from it.

A series with any figure withheld shows no mean, limits or judgements (`disclosure`). Only
counts are withheld: a percentage, a rate or a number of days is not a count of people.
"""

import datetime
import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from answerable.indicators.disclosure import PublicFigure, fewer_than, is_withheld
from answerable.indicators.models import Indicator

Figures = dict[int, Decimal]  # category → figure, for one period of one breakdown


def withheld_text() -> str:
    return _("withheld")


@dataclass
class Withheld:
    """What the rule withholds beyond each small count: by period for the total, and by
    category and period for the categories (small counts included)."""

    total: dict[datetime.date, PublicFigure] = field(default_factory=dict)
    categories: dict[int, dict[datetime.date, PublicFigure]] = field(default_factory=dict)

    def category(self, category_id: int) -> dict[datetime.date, PublicFigure]:
        return self.categories.get(category_id, {})


def _possible(
    hidden: list[tuple[Decimal, Decimal | None]], known_sum: Decimal
) -> list[tuple[Decimal, Decimal | None]]:
    """Each hidden figure's range, given every range and the sum of all of them."""
    ranges: list[tuple[Decimal, Decimal | None]] = []
    for i, (low, high) in enumerate(hidden):
        others = hidden[:i] + hidden[i + 1 :]
        others_high = [h for _low, h in others]
        least = (
            low
            if None in others_high
            else max(low, known_sum - sum(h for h in others_high if h is not None))
        )
        most_from_sum = known_sum - sum(lo for lo, _high in others)
        most = most_from_sum if high is None else min(high, most_from_sum)
        ranges.append((least, most))
    return ranges


def _pinned(
    figures: Figures, primary: set[int], secondary: set[int], total: Decimal, threshold: int
) -> bool:
    """Whether any withheld figure has only one possible whole-number value."""
    published = [v for c, v in figures.items() if c not in primary and c not in secondary]
    ceiling = min(published) if published else None
    hidden = [(Decimal(0), Decimal(threshold - 1))] * len(primary) + [
        (Decimal(threshold), ceiling)
    ] * len(secondary)
    known_sum = total - sum(published, Decimal(0))
    for least, most in _possible(hidden, known_sum):
        if most is not None and math.floor(most) - math.ceil(least) < 1:
            return True
    return False


def period_withheld(
    figures: Figures, total: Decimal | None, threshold: int
) -> tuple[set[int], set[int], bool]:
    """(small counts, also withheld, total withheld too) for one period of one breakdown of
    counts, by rules 1 to 3; `total` is None when the total is not published."""
    primary = {c for c, v in figures.items() if v < threshold}
    if not primary or total is None:
        return primary, set(), False
    secondary: set[int] = set()
    rest = sorted((v, c) for c, v in figures.items() if c not in primary)
    while len(primary) + len(secondary) < 2 or _pinned(
        figures, primary, secondary, total, threshold
    ):
        if not rest:
            return primary, secondary, True
        secondary.add(rest.pop(0)[1])
    return primary, secondary, False


def breakdown_withheld(
    *,
    indicator: Indicator,
    totals: dict[datetime.date, Decimal],
    breakdowns: list[dict[int, dict[datetime.date, Decimal]]],
) -> Withheld:
    """Apply the rule to every period of the indicator's breakdowns.

    `totals` are the current totals by period; each of `breakdowns` maps its categories to
    their current figures by period."""
    withheld = Withheld()
    if indicator.unit != Indicator.Unit.COUNT:
        return withheld
    threshold = indicator.disclosure_threshold
    small, other = PublicFigure(None, fewer_than(indicator)), PublicFigure(None, withheld_text())
    by_period: list[dict[datetime.date, Figures]] = []
    for categories in breakdowns:
        periods: dict[datetime.date, Figures] = {}
        for category_id, series in categories.items():
            for period, value in series.items():
                periods.setdefault(period, {})[category_id] = value
        by_period.append(periods)

    def hide(category_id: int, period: datetime.date, figure: PublicFigure) -> None:
        withheld.categories.setdefault(category_id, {})[period] = figure

    for periods in by_period:
        for period, figures in periods.items():
            total = totals.get(period)
            published = None if total is None or is_withheld(total, indicator) else total
            primary, secondary, total_too = period_withheld(figures, published, threshold)
            for category_id in primary:
                hide(category_id, period, small)
            for category_id in secondary:
                hide(category_id, period, other)
            if total_too:
                withheld.total[period] = other
    # Rule 3: a withheld total is not to be added up from another breakdown.
    for periods in by_period:
        for period, figures in periods.items():
            total = totals.get(period)
            total_hidden = period in withheld.total or (
                total is not None and is_withheld(total, indicator)
            )
            if total_hidden and not any(period in withheld.category(c) for c in figures):
                hide(min(figures, key=lambda c: (figures[c], c)), period, other)
    return withheld
