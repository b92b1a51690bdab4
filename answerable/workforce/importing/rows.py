"""Read each row of a roster, and check a completion row, naming every problem by row and field."""

import datetime
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from answerable.core.tables import Cell, cell_date, cell_text
from answerable.workforce.importing.columns import WORKFORCE_TYPE_ALIASES
from answerable.workforce.models import WorkforceType
from answerable.workforce.tables import StoredTable

MAX_LISTED_ERRORS = 500
PREVIEW_ROWS = 10
DATE_HELP = "Enter a real date, like 31/12/2024"
# A date cell read as an ordinal: these for no date and for one that is not a date.
NO_DATE, BAD_DATE = 0, -1


# --- rows -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    file: str
    row: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}, row {self.row}"
        return (
            f"{where}, {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


@dataclass
class ErrorLog:
    """Every problem counted; the first few hundred kept to list, so a bad file stays cheap."""

    listed: list[RowError] = field(default_factory=list)
    count: int = 0

    def add(self, error: RowError) -> None:
        self.count += 1
        if len(self.listed) < MAX_LISTED_ERRORS:
            self.listed.append(error)


@dataclass(frozen=True)
class RosterRow:
    number: int
    staff_id: str
    workforce_type: str
    rank_or_grade: str
    command: str
    location: str
    started_on: datetime.date
    left_on: datetime.date | None


@dataclass(frozen=True)
class CompletionRow:
    number: int
    staff_id: str
    course_id: int
    course_code: str
    completed_on: datetime.date
    expires_on: datetime.date | None


class _Row:
    """One row's cells under field names, reporting problems to the log."""

    def __init__(self, file: str, number: int, cells: dict[str, Cell], log: ErrorLog) -> None:
        self.file, self.number, self.cells, self.log = file, number, cells, log
        self.ok = True

    def error(self, label: str, message: str) -> None:
        self.ok = False
        self.log.add(RowError(self.file, self.number, label, message))

    def text(self, name: str, label: str, *, max_length: int, required: str = "") -> str:
        value = cell_text(self.cells.get(name))
        if required and not value:
            self.error(label, required)
        elif len(value) > max_length:
            self.error(label, f"{label} must be {max_length} characters or fewer")
        return value

    def date(self, name: str, label: str, *, required: str = "") -> datetime.date | None:
        try:
            value = cell_date(self.cells.get(name))
        except ValueError:
            self.error(label, DATE_HELP)
            return None
        if value is None and required:
            self.error(label, required)
        return value


def columns_of(headers: list[str], mapping: dict[str, str]) -> dict[str, int]:
    return {name: headers.index(column) for name, column in mapping.items() if column in headers}


class _Spellings:
    """One spelling per category, so "Special Constable" and "special constable " are one
    cohort: spaces collapsed, and a workforce type's own name or else the file's first
    spelling kept for every value that differs only in case."""

    def __init__(self) -> None:
        self.chosen = {str(label).casefold(): str(label) for _, label in WorkforceType.choices}

    def of(self, text: str) -> str:
        text = " ".join(text.split())
        return self.chosen.setdefault(text.casefold(), text)


def roster_rows(
    table: StoredTable, mapping: dict[str, str], log: ErrorLog, known_ids: set[str]
) -> Iterator[RosterRow]:
    """Yield the roster's good rows; log the bad ones and add every staff ID to `known_ids`.

    IDs on bad rows are still "known", so the completions file is not blamed for them too.
    """
    headers, rows = table.open()
    columns = columns_of(headers, mapping)
    first_seen: dict[str, int] = {}
    spelling = _Spellings()
    for number, cells in rows:
        row = _Row(table.name, number, {n: cells[i] for n, i in columns.items()}, log)
        staff_id = row.text("staff_id", "Staff ID", max_length=64, required="Enter the staff ID")
        if staff_id:
            if staff_id in first_seen:
                row.error("Staff ID", f"Staff ID {staff_id} is also on row {first_seen[staff_id]}")
            else:
                first_seen[staff_id] = number
            known_ids.add(staff_id)
        type_text = row.text("workforce_type", "Workforce type", max_length=100)
        workforce_type = WORKFORCE_TYPE_ALIASES.get(" ".join(type_text.split()).casefold())
        if workforce_type is None:
            row.error(
                "Workforce type",
                (f"{type_text} is not a workforce type. " if type_text else "")
                + "Enter officer, staff, PCSO, special or volunteer",
            )
        rank = spelling.of(row.text("rank_or_grade", "Rank or grade", max_length=100))
        command = spelling.of(row.text("command", "Command or department", max_length=100))
        location = spelling.of(row.text("location", "Location", max_length=100))
        started_on = row.date("started_on", "Start date", required="Enter the start date")
        left_on = row.date("left_on", "Leaving date")
        if started_on and left_on and left_on < started_on:
            row.error(
                "Leaving date", "The leaving date must be the same as or after the start date"
            )
        if row.ok and started_on and workforce_type:
            yield RosterRow(
                number, staff_id, workforce_type, rank, command, location, started_on, left_on
            )


def pair_key(staff: int, course: int) -> int:
    """One whole number for a person and a course (ids well under 2**40)."""
    return staff << 40 | course


def repeat_key(staff: int, course: int, completed: int) -> int:
    """One whole number for a person, a course and a date ordinal (under 2**20 until 2870)."""
    return (staff << 40 | course) << 20 | completed


def completion_row_check(
    file: str,
    number: int,
    cells: dict[str, Cell],
    log: ErrorLog,
    *,
    staff: Mapping[str, int],
    courses: dict[str, int],
    taken_on: datetime.date,
    skipped: Counter[str],
    seen: set[int],
) -> tuple[int, int, int, int] | None:
    """Check one completion row, logging each problem: return (staff key, course id,
    completion and expiry ordinals, 0 for none) if it is good and of a known course.

    `importing.completions` checks most rows without calling this; it sends here every row
    with anything wrong, and this is what names the problems.
    """
    row = _Row(file, number, cells, log)
    staff_id = row.text("staff_id", "Staff ID", max_length=64, required="Enter the staff ID")
    code = row.text("course_code", "Course code", max_length=100, required="Enter the course code")
    completed_on = row.date("completed_on", "Completion date", required="Enter the completion date")
    expires_on = row.date("expires_on", "Expiry date")
    course_id = courses.get(code.casefold()) if code else None
    if code and course_id is None:
        skipped[code] += 1
        return None
    if staff_id and staff_id not in staff:
        row.error("Staff ID", f"Staff ID {staff_id} is not in the staff roster")
    if completed_on and completed_on > taken_on:
        row.error(
            "Completion date",
            f"The completion date must be on or before the date of the snapshot, "
            f"{taken_on:%-d %B %Y}",
        )
    if completed_on and expires_on and expires_on < completed_on:
        row.error("Expiry date", "The expiry date must be the same as or after the completion date")
    if not row.ok or course_id is None or completed_on is None:
        return None
    key = repeat_key(staff[staff_id], course_id, completed_on.toordinal())
    if key in seen:
        row.error(
            "",
            f"This row repeats an earlier one: staff ID {staff_id} completed {code} on "
            f"{completed_on:%-d %B %Y} already",
        )
        return None
    seen.add(key)
    return (
        staff[staff_id],
        course_id,
        completed_on.toordinal(),
        expires_on.toordinal() if expires_on else NO_DATE,
    )


class ImportInvalid(ValidationError):
    """The files failed the checks; `errors` holds the log naming each row and field."""

    def __init__(self, errors: ErrorLog) -> None:
        self.log = errors
        super().__init__([str(e) for e in errors.listed[:20]] or ["The files could not be read"])
