"""Check a file of indicator figures before it is imported: one figure a row.

The file is read by `recommendations.tables.read_table`, as every other upload is. Each
problem names its row (as the spreadsheet numbers it, header row 1) and column; nothing is
written here. `services.indicator_values_import` checks the file again as it writes, all or
nothing.
"""

import datetime
import functools
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import Promise as StrPromise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from answerable.core.tables import Cell, cell_text
from answerable.indicators import periods
from answerable.indicators.forms import VALUE_ERRORS
from answerable.indicators.models import Indicator
from answerable.recommendations.tables import Table

CODE, INDICATOR, PERIOD, VALUE, BREAKDOWN, NOTE, REASON = (
    "code",
    "indicator",
    "period",
    "value",
    "breakdown",
    "note",
    "reason",
)


@dataclass(frozen=True)
class ImportColumn:
    name: str
    label: "str | StrPromise"
    hint: "str | StrPromise"
    aliases: tuple[str, ...] = ()


COLUMNS = (
    ImportColumn(
        CODE,
        gettext_lazy("Indicator code"),
        gettext_lazy("The number in the indicator's web address. Give this or its name."),
        ("indicator code", "indicator id", "id"),
    ),
    ImportColumn(
        INDICATOR,
        gettext_lazy("Indicator name"),
        gettext_lazy("The indicator's name, as Answerable shows it."),
        ("indicator name", "name"),
    ),
    ImportColumn(
        PERIOD,
        gettext_lazy("Period"),
        gettext_lazy("Required. A month, like 2024-03 or March 2024, or a quarter, like 2024 Q1."),
        ("month", "quarter"),
    ),
    ImportColumn(
        VALUE,
        gettext_lazy("Figure"),
        gettext_lazy("Required. A number, like 12 or 4.5. A row with no figure is left out."),
        ("figure",),
    ),
    ImportColumn(
        BREAKDOWN,
        gettext_lazy("Breakdown"),
        gettext_lazy("Optional. Leave it empty: breakdowns are not recorded yet."),
    ),
    ImportColumn(NOTE, gettext_lazy("Note"), gettext_lazy("Optional. Kept with the figure.")),
    ImportColumn(
        REASON,
        gettext_lazy("Reason for a change"),
        gettext_lazy("Required when the period already has a different figure."),
        ("reason for change", "revision reason"),
    ),
)
LABELS = {column.name: column.label for column in COLUMNS}
# Figures are checked as the form checks them, so the two say the same things.
VALUE_FIELD = forms.DecimalField(max_digits=14, decimal_places=4, error_messages=VALUE_ERRORS)
THOUSANDS = re.compile(r"-?\d{1,3}(,\d{3})+(\.\d+)?")
# A plain number the model holds (10 whole digits, 4 places) needs no further checks.
PLAIN_NUMBER = re.compile(r"-?\d{1,10}(\.\d{1,4})?")
MONTHS = {name.casefold(): n for n, name in enumerate(periods.MONTH_NAMES, start=1)}
MONTHS.update({name[:3].casefold(): n for name, n in list(MONTHS.items())})
MONTHS["sept"] = 9


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.column:
            return _("Row %(row)s, %(column)s: %(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}


@dataclass(frozen=True)
class PlannedValue:
    row: int
    indicator: Indicator
    period_start: datetime.date
    value: Decimal
    note: str
    reason: str
    revises_id: int | None  # the current value this one revises, if any


@dataclass
class ImportPlan:
    """What the file would write, or the problems that stop it."""

    values: list[PlannedValue] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    unchanged: int = 0  # rows giving the figure the period already has
    left_empty: int = 0  # rows with no figure

    @property
    def recorded_count(self) -> int:
        return sum(1 for value in self.values if value.revises_id is None)

    @property
    def revised_count(self) -> int:
        return sum(1 for value in self.values if value.revises_id is not None)

    def by_indicator(self) -> list[tuple[Indicator, int]]:
        counts = Counter(value.indicator.pk for value in self.values)
        indicators = {value.indicator.pk: value.indicator for value in self.values}
        return [(indicators[pk], counts[pk]) for pk in sorted(counts)]


class ImportInvalid(ValidationError):
    """The file failed the checks; `errors` names each row and column."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__([str(error) for error in errors[:20]])


# --- columns -------------------------------------------------------------------------------


def column_positions(headers: list[str]) -> tuple[dict[str, int], list[RowError]]:
    """Where each known column is in the file, ignoring case and spaces; problems as row 1."""
    names = {}
    for column in COLUMNS:
        for name in (column.name, *column.aliases):
            names[name] = column.name
    positions: dict[str, int] = {}
    for index, header in enumerate(headers):
        key = " ".join(header.replace("_", " ").split()).casefold()
        if key in names and names[key] not in positions:
            positions[names[key]] = index
    errors = []
    if CODE not in positions and INDICATOR not in positions:
        errors.append(
            RowError(1, "", _("Add a column called code or indicator to say which indicator"))
        )
    for required in (PERIOD, VALUE):
        if required not in positions:
            errors.append(
                RowError(
                    1, "", _("Add a column called %(name)s to the header row") % {"name": required}
                )
            )
    return positions, errors


# --- cells ---------------------------------------------------------------------------------


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


# --- rows ----------------------------------------------------------------------------------


class IndicatorLookup:
    """Find a row's indicator among those the person records, by code or by name."""

    def __init__(self, indicators: list[Indicator]) -> None:
        self.by_code = {str(indicator.pk): indicator for indicator in indicators}
        self.by_name: dict[str, list[Indicator]] = {}
        for indicator in indicators:
            self.by_name.setdefault(indicator.name.casefold(), []).append(indicator)

    def find(self, code: str, name: str) -> tuple[Indicator | None, str, str]:
        """(indicator, column, problem): the indicator, or the column at fault and why."""
        if code:
            indicator = self.by_code.get(code)
            if indicator is None:
                return (
                    None,
                    CODE,
                    _("No indicator you record has the code %(code)s") % {"code": code},
                )
            if name and name.casefold() != indicator.name.casefold():
                return (
                    None,
                    INDICATOR,
                    _("Indicator %(code)s is called %(name)s, not %(given)s")
                    % {"code": code, "name": indicator.name, "given": name},
                )
            return indicator, "", ""
        if not name:
            return None, INDICATOR, _("Enter the indicator's code or name")
        found = self.by_name.get(name.casefold(), [])
        if not found:
            return None, INDICATOR, _("No indicator you record is called %(name)s") % {"name": name}
        if len(found) > 1:
            return (
                None,
                INDICATOR,
                _("More than one indicator you record is called %(name)s. Give its code: %(codes)s")
                % {"name": name, "codes": ", ".join(str(i.pk) for i in found)},
            )
        return found[0], "", ""


def import_plan(
    *,
    table: Table,
    indicators: list[Indicator],
    current: dict[tuple[int, datetime.date], tuple[int, Decimal]],
    today: datetime.date,
) -> ImportPlan:
    """Check every row of the table and say what it would write.

    `indicators` are those the person records; `current` maps (indicator, period) to the
    current value's id and figure. A figure for a period that has one revises it, and needs
    a reason; the same figure again is left alone.
    """
    positions, column_errors = column_positions(table.headers)
    plan = ImportPlan(errors=column_errors)
    if column_errors:
        return plan
    lookup = IndicatorLookup(indicators)
    seen: dict[tuple[int, datetime.date], int] = {}
    read = functools.lru_cache(maxsize=4096)(read_period)

    def text(cells: list[Cell], name: str) -> str:
        return cell_text(cells[positions[name]]) if name in positions else ""

    for number, cells in table.rows:

        def problem(column: str, message: str, number: int = number) -> None:
            plan.errors.append(RowError(number, str(LABELS[column]) if column else "", message))

        indicator, column, message = lookup.find(text(cells, CODE), text(cells, INDICATOR))
        if indicator is None:
            problem(column, message)
            continue
        if indicator.is_archived:
            problem(
                INDICATOR,
                _("%(name)s is archived: no more figures can be recorded")
                % {"name": indicator.name},
            )
            continue
        try:
            period_start = period_for(cells[positions[PERIOD]], indicator, today, read)
        except ValueError as error:
            problem(PERIOD, str(error))
            continue
        if breakdown := text(cells, BREAKDOWN):
            problem(
                BREAKDOWN,
                _("%(name)s has no breakdown called %(breakdown)s. Leave the breakdown empty")
                % {"name": indicator.name, "breakdown": breakdown},
            )
            continue
        raw_value = text(cells, VALUE)
        if not raw_value:
            plan.left_empty += 1
            continue
        try:
            value = value_from(raw_value, indicator)
        except ValueError as error:
            problem(VALUE, str(error))
            continue
        key = (indicator.pk, period_start)
        if key in seen:
            label = periods.period_label(period_start, indicator.frequency)
            problem(
                PERIOD,
                _("Row %(earlier)s already gives the figure for %(name)s, %(period)s")
                % {"earlier": seen[key], "name": indicator.name, "period": label},
            )
            continue
        seen[key] = number
        reason = text(cells, REASON)
        existing = current.get(key)
        if existing is not None and existing[1] == value:
            plan.unchanged += 1
            continue
        if existing is not None and not reason:
            label = periods.period_label(period_start, indicator.frequency)
            problem(
                REASON,
                _(
                    "%(name)s, %(period)s already has a figure of %(value)s. "
                    "Enter why it is being changed in the reason column"
                )
                % {
                    "name": indicator.name,
                    "period": label,
                    "value": f"{existing[1].normalize():f}",
                },
            )
            continue
        plan.values.append(
            PlannedValue(
                row=number,
                indicator=indicator,
                period_start=period_start,
                value=value,
                note=text(cells, NOTE),
                reason=reason,
                revises_id=existing[0] if existing is not None else None,
            )
        )
    if not plan.errors and not plan.values and not plan.unchanged:
        plan.errors.append(RowError(1, "", _("The file has no figures to import")))
    return plan


def template_rows(
    indicators: list[Indicator], today: datetime.date
) -> tuple[list[str], list[list[str]]]:
    """The template's header and one row per indicator, for the last finished period."""
    headers = [CODE, INDICATOR, PERIOD, VALUE, BREAKDOWN, NOTE, REASON]
    rows = []
    for indicator in indicators:
        latest = periods.period_containing(today, indicator.frequency)
        period = periods.add_periods(latest, -1, indicator.frequency)
        period_text = (
            f"{period.year} Q{periods.QUARTER_STARTS.index(period.month) + 1}"
            if indicator.frequency == periods.QUARTERLY
            else f"{period:%Y-%m}"
        )
        rows.append([str(indicator.pk), indicator.name, period_text, "", "", "", ""])
    return headers, rows
