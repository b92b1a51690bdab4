"""Check a file of indicator figures before it is imported: one figure a row.

The file is read by `recommendations.tables.read_table`, as every other upload is. Each
problem names its row (as the spreadsheet numbers it, header row 1) and column; nothing is
written here. `services.indicator_values_import` checks the file again as it writes, all or
nothing.
"""

import dataclasses
import datetime
import functools
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from django.core.exceptions import ValidationError
from django.utils.functional import Promise as StrPromise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from answerable.core.tables import Cell, cell_text
from answerable.indicators import periods
from answerable.indicators.import_cells import (
    BREAKDOWN,
    CODE,
    INDICATOR,
    NOTE,
    PERIOD,
    REASON,
    VALUE,
    period_for,
    read_period,
    value_from,
)
from answerable.indicators.import_lookups import CategoryLookup, IndicatorLookup
from answerable.indicators.models import Indicator, IndicatorCategory
from answerable.indicators.selectors import Series
from answerable.recommendations.tables import Table


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
        gettext_lazy(
            "Optional. The category the figure is for, like a local policing area, as the "
            "indicator's page names it. Leave it empty for the indicator's own figure."
        ),
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
    category: IndicatorCategory | None = None  # None for the indicator's own figure


@dataclass
class ImportPlan:
    """What the file would write, or the problems that stop it."""

    values: list[PlannedValue] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    unchanged: int = 0  # rows giving the figure the period already has
    left_empty: int = 0  # rows with no figure
    # The current figures of the indicators and categories the file names, before it.
    current_totals: "Current" = field(default_factory=dict)
    current_categories: "Current" = field(default_factory=dict)

    def series_after(self) -> tuple[dict[int, Series], dict[int, Series]]:
        """Each indicator's and category's current (period, figure) pairs once the file is
        written, by indicator and by category, in period order: what the stored readings
        are read from, without reading the figures again."""
        totals: dict[int, dict[datetime.date, Decimal]] = {}
        categories: dict[int, dict[datetime.date, Decimal]] = {}
        for (key, period), (_pk, value) in self.current_totals.items():
            totals.setdefault(key, {})[period] = value
        for (key, period), (_pk, value) in self.current_categories.items():
            categories.setdefault(key, {})[period] = value
        for planned in self.values:
            if planned.category is None:
                totals.setdefault(planned.indicator.pk, {})[planned.period_start] = planned.value
            else:
                by_period = categories.setdefault(planned.category.pk, {})
                by_period[planned.period_start] = planned.value
        return (
            {key: sorted(figures.items()) for key, figures in totals.items()},
            {key: sorted(figures.items()) for key, figures in categories.items()},
        )

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


# --- rows ----------------------------------------------------------------------------------


Current = dict[tuple[int, datetime.date], tuple[int, Decimal]]


class CurrentValues(Protocol):
    """Reads the current figures of the indicators and categories a file names: (indicator,
    period) and (category, period) → (current figure's id, figure)."""

    def __call__(
        self, indicator_ids: list[int], category_ids: list[int]
    ) -> tuple[Current, Current]: ...


def import_plan(
    *,
    table: Table,
    indicators: list[Indicator],
    categories: list[IndicatorCategory],
    current: CurrentValues,
    today: datetime.date,
) -> ImportPlan:
    """Check every row of the table and say what it would write.

    `indicators` are those the person records and `categories` their breakdowns'
    categories; `current` reads the figures already recorded, once, for only what the file
    names. A row with a breakdown gives that category's figure, one without gives the
    indicator's own (the total). A figure for a period that has one revises it, and needs a
    reason; the same figure again is left alone.
    """
    positions, column_errors = column_positions(table.headers)
    plan = ImportPlan(errors=column_errors)
    if column_errors:
        return plan
    lookup = IndicatorLookup(indicators)
    category_lookup = CategoryLookup(categories)
    seen: dict[tuple[int, int | None, datetime.date], int] = {}
    read = functools.lru_cache(maxsize=4096)(read_period)
    checked: list[PlannedValue] = []

    def text(cells: list[Cell], name: str) -> str:
        return cell_text(cells[positions[name]]) if name in positions else ""

    def problem(number: int, column: str, message: str) -> None:
        plan.errors.append(RowError(number, str(LABELS[column]) if column else "", message))

    for number, cells in table.rows:
        indicator, column, message = lookup.find(text(cells, CODE), text(cells, INDICATOR))
        if indicator is None:
            problem(number, column, message)
            continue
        if indicator.is_archived:
            problem(
                number,
                INDICATOR,
                _("%(name)s is archived: no more figures can be recorded")
                % {"name": indicator.name},
            )
            continue
        try:
            period_start = period_for(cells[positions[PERIOD]], indicator, today, read)
        except ValueError as error:
            problem(number, PERIOD, str(error))
            continue
        category = None
        if breakdown := text(cells, BREAKDOWN):
            category, message = category_lookup.find(indicator, breakdown)
            if category is None:
                problem(number, BREAKDOWN, message)
                continue
        raw_value = text(cells, VALUE)
        if not raw_value:
            plan.left_empty += 1
            continue
        try:
            value = value_from(raw_value, indicator)
        except ValueError as error:
            problem(number, VALUE, str(error))
            continue
        key = (indicator.pk, category.pk if category else None, period_start)
        if key in seen:
            problem(
                number,
                PERIOD,
                _("Row %(earlier)s already gives the figure for %(name)s, %(period)s")
                % {
                    "earlier": seen[key],
                    "name": figure_name(indicator, category),
                    "period": periods.period_label(period_start, indicator.frequency),
                },
            )
            continue
        seen[key] = number
        checked.append(
            PlannedValue(
                row=number,
                indicator=indicator,
                period_start=period_start,
                value=value,
                note=text(cells, NOTE),
                reason=text(cells, REASON),
                revises_id=None,
                category=category,
            )
        )
    totals, by_category = current(
        sorted({v.indicator.pk for v in checked if v.category is None}),
        sorted({v.category.pk for v in checked if v.category is not None}),
    )
    plan.current_totals, plan.current_categories = totals, by_category
    for planned in checked:
        if planned.category is None:
            existing = totals.get((planned.indicator.pk, planned.period_start))
        else:
            existing = by_category.get((planned.category.pk, planned.period_start))
        if existing is not None and existing[1] == planned.value:
            plan.unchanged += 1
        elif existing is not None and not planned.reason:
            problem(
                planned.row,
                REASON,
                _(
                    "%(name)s, %(period)s already has a figure of %(value)s. "
                    "Enter why it is being changed in the reason column"
                )
                % {
                    "name": figure_name(planned.indicator, planned.category),
                    "period": periods.period_label(
                        planned.period_start, planned.indicator.frequency
                    ),
                    "value": f"{existing[1].normalize():f}",
                },
            )
        elif existing is None:
            plan.values.append(planned)
        else:
            plan.values.append(dataclasses.replace(planned, revises_id=existing[0]))
    plan.errors.sort(key=lambda error: error.row)
    if not plan.errors and not plan.values and not plan.unchanged:
        plan.errors.append(RowError(1, "", _("The file has no figures to import")))
    return plan


def figure_name(indicator: Indicator, category: IndicatorCategory | None) -> str:
    """ "CSE referrals" for the total, "CSE referrals, Telford" for a category's figure."""
    return f"{indicator.name}, {category.name}" if category else indicator.name


def template_rows(
    indicators: list[Indicator], today: datetime.date, categories: list[IndicatorCategory]
) -> tuple[list[str], list[list[str]]]:
    """The template's header and, for the last finished period, a row for each indicator's
    own figure followed by one for each of its categories."""
    headers = [CODE, INDICATOR, PERIOD, VALUE, BREAKDOWN, NOTE, REASON]
    by_indicator: dict[int, list[IndicatorCategory]] = {}
    for category in categories:
        by_indicator.setdefault(category.breakdown.indicator_id, []).append(category)
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
        shared = Counter(c.name.casefold() for c in by_indicator.get(indicator.pk, []))
        for category in by_indicator.get(indicator.pk, []):
            name = category.name
            if shared[name.casefold()] > 1:
                name = f"{category.breakdown.name}: {name}"
            rows.append([str(indicator.pk), indicator.name, period_text, "", name, "", ""])
    return headers, rows
