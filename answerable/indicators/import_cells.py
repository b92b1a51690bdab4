"""Reading one cell of an imported file of figures: a period or a figure (issue #16).

Each reader raises ValueError with the message to show beside the row, or, for
`read_period`, a bare ValueError for the caller to word.
"""

import datetime
import re
from collections.abc import Callable
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from answerable.core.tables import Cell, cell_text
from answerable.indicators import periods
from answerable.indicators.forms import VALUE_ERRORS
from answerable.indicators.models import Indicator

# The columns of a file of figures (importing.COLUMNS describes them).
CODE, INDICATOR, PERIOD, VALUE, BREAKDOWN, NOTE, REASON = (
    "code",
    "indicator",
    "period",
    "value",
    "breakdown",
    "note",
    "reason",
)

# Figures are checked as the form checks them, so the two say the same things.
VALUE_FIELD = forms.DecimalField(max_digits=14, decimal_places=4, error_messages=VALUE_ERRORS)
THOUSANDS = re.compile(r"-?\d{1,3}(,\d{3})+(\.\d+)?")
# A plain number the model holds (10 whole digits, 4 places) needs no further checks.
PLAIN_NUMBER = re.compile(r"-?\d{1,10}(\.\d{1,4})?")
MONTHS = {name.casefold(): n for n, name in enumerate(periods.MONTH_NAMES, start=1)}
MONTHS.update({name[:3].casefold(): n for name, n in list(MONTHS.items())})
MONTHS["sept"] = 9


def read_period(cell: Cell) -> tuple[int, int, bool]:
    """(year, month, is a quarter) from 2024-03, 2024-03-01, 03/2024, March 2024, Mar-24,
    2024 Q1, Q1 2024 or "January to March 2024"; raise ValueError if it is none of them."""
    if isinstance(cell, datetime.date):
        if cell.day != 1:
            raise ValueError
        return cell.year, cell.month, False
    text = " ".join(cell_text(cell).replace("-", " ").replace("/", " ").split()).casefold()
    if match := re.fullmatch(r"(\d{4}) ?q([1-4])|q([1-4]) (\d{4})", text):
        year = match.group(1) or match.group(4)
        quarter = match.group(2) or match.group(3)
        return int(year), periods.QUARTER_STARTS[int(quarter) - 1], True
    if match := re.fullmatch(r"(\d{4}) (\d{1,2})(?: 0?1)?", text):
        year, month = int(match.group(1)), int(match.group(2))
    elif match := re.fullmatch(r"(\d{1,2}) (\d{4})", text):
        month, year = int(match.group(1)), int(match.group(2))
    elif match := re.fullmatch(r"([a-z]+) to ([a-z]+) (\d{4})", text):
        first, last = MONTHS.get(match.group(1)), MONTHS.get(match.group(2))
        if first not in periods.QUARTER_STARTS or last != first + 2:
            raise ValueError
        return int(match.group(3)), first, True
    elif match := re.fullmatch(r"([a-z]+) (\d{4}|\d{2})", text):
        month = MONTHS.get(match.group(1), 0)
        year = int(match.group(2)) + (2000 if len(match.group(2)) == 2 else 0)
    else:
        raise ValueError
    if not 1 <= month <= 12 or not 1900 <= year <= 2200:
        raise ValueError
    return year, month, False


def period_for(
    cell: Cell,
    indicator: Indicator,
    today: datetime.date,
    read: Callable[[Cell], tuple[int, int, bool]] = read_period,
) -> datetime.date:
    """The first day of the period the cell names, for the indicator; raise ValueError with
    the message to show if it names none, the wrong kind, or one that has not begun.

    `read` parses the cell; an import passes a cached `read_period`, since a file repeats
    the same few periods for every indicator."""
    text = cell_text(cell)
    if not text:
        raise ValueError(_("Enter the month or quarter the figure is for"))
    try:
        year, month, is_quarter = read(cell)
    except ValueError:
        raise ValueError(
            _("%(text)s is not a period. Write a month like 2024-03 or a quarter like 2024 Q1")
            % {"text": text}
        ) from None
    start = datetime.date(year, month, 1)
    if indicator.frequency == periods.MONTHLY and is_quarter:
        raise ValueError(
            _("%(name)s is recorded monthly. Give a month, like 2024-03, not a quarter")
            % {"name": indicator.name}
        )
    if indicator.frequency == periods.QUARTERLY and month not in periods.QUARTER_STARTS:
        raise ValueError(
            _("%(name)s is recorded quarterly. Give a quarter, like 2024 Q1, not %(text)s")
            % {"name": indicator.name, "text": text}
        )
    if start > periods.period_containing(today, indicator.frequency):
        raise ValueError(
            _("%(period)s has not begun yet")
            % {"period": periods.period_label(start, indicator.frequency)}
        )
    return start


def value_from(text: str, indicator: Indicator) -> Decimal:
    """The figure in the cell: 1,234 and, for a percentage, 45% are read too."""
    if PLAIN_NUMBER.fullmatch(text):
        return Decimal(text)
    if indicator.unit == Indicator.Unit.PERCENTAGE and text.endswith("%"):
        text = text[:-1].strip()
    if THOUSANDS.fullmatch(text):
        text = text.replace(",", "")
    try:
        value = VALUE_FIELD.clean(text)
    except ValidationError as error:
        raise ValueError(error.messages[0]) from None
    assert isinstance(value, Decimal)
    return value
