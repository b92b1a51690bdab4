"""Months and quarters: the periods an indicator's values are for, named by their first day.

Quarters are calendar quarters (January, April, July and October), which are also the
quarters of the financial year the offices report by.
"""

import datetime
import functools

from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from answerable.core.jinja2 import MONTH_NAMES

MONTHLY, QUARTERLY = "monthly", "quarterly"
MONTHS_IN = {MONTHLY: 1, QUARTERLY: 3}
QUARTER_STARTS = (1, 4, 7, 10)


def is_period_start(day: datetime.date, frequency: str) -> bool:
    """Whether the date is the first day of a month (or of a quarter, for quarterly)."""
    if day.day != 1:
        return False
    return frequency == MONTHLY or day.month in QUARTER_STARTS


def period_check(period_start: datetime.date, frequency: str, today: datetime.date) -> None:
    """Raise a ValidationError on `period_start` unless it starts a month (or quarter, for
    quarterly figures) that has begun by `today`."""
    if not is_period_start(period_start, frequency):
        raise ValidationError(
            {"period_start": _("Select the month or quarter the figure is for")}
            if frequency == QUARTERLY
            else {"period_start": _("Select the month the figure is for")}
        )
    if period_start > today:
        raise ValidationError({"period_start": _("The period must have started already")})


def period_containing(day: datetime.date, frequency: str) -> datetime.date:
    """The first day of the month or quarter the date falls in."""
    month = day.month
    if frequency == QUARTERLY:
        month = QUARTER_STARTS[(month - 1) // 3]
    return datetime.date(day.year, month, 1)


def add_periods(start: datetime.date, count: int, frequency: str) -> datetime.date:
    """The period `count` periods after (or, negative, before) `start`."""
    months = start.year * 12 + start.month - 1 + count * MONTHS_IN[frequency]
    return datetime.date(months // 12, months % 12 + 1, 1)


def periods_between(
    first: datetime.date, last: datetime.date, frequency: str
) -> list[datetime.date]:
    """Every period from `first` to `last`, both included, in order."""
    periods = []
    period = first
    while period <= last:
        periods.append(period)
        period = add_periods(period, 1, frequency)
    return periods


def period_label(start: datetime.date, frequency: str) -> str:
    """ "March 2025", or "January to March 2025" for a quarter."""
    return _period_label(start, frequency, get_language())


def period_labels(starts: list[datetime.date], frequency: str) -> list[str]:
    """`period_label` of each start, the language looked up once (a chart's 120 periods
    looked it up 120 times, each through asgiref's Local)."""
    language = get_language()
    return [_period_label(start, frequency, language) for start in starts]


@functools.lru_cache(maxsize=4096)
def _period_label(start: datetime.date, frequency: str, language: str | None) -> str:
    # Memoised by language: a page labels a few hundred periods, each a translation look-up.
    month = _(MONTH_NAMES[start.month - 1])
    if frequency == QUARTERLY:
        end = _(MONTH_NAMES[start.month + 1])
        return _("%(first)s to %(last)s %(year)s") % {
            "first": month,
            "last": end,
            "year": start.year,
        }
    return f"{month} {start.year}"


def short_period_label(start: datetime.date, frequency: str) -> str:
    """ "Mar 2025", or "Q1 2025" for the quarter starting in January: for chart axes."""
    if frequency == QUARTERLY:
        return _("Q%(quarter)s %(year)s") % {
            "quarter": QUARTER_STARTS.index(start.month) + 1,
            "year": start.year,
        }
    return f"{_(MONTH_NAMES[start.month - 1])[:3]} {start.year}"
