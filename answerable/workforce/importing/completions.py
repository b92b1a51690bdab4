"""Check a completions file at the cost of a few dict lookups a row (issue #12).

A force's completions file runs to millions of rows in which the same dates, course codes
and staff IDs repeat. Each distinct cell is read and checked once, memoised by its raw value,
so a row whose cells are all good costs a few lookups and no object of its own. A row with
anything wrong, or anything unusual, goes through `rows.completion_row_check`, the plain
one-row check, which names each problem by file, row and field as it always has.

The good rows are kept compactly, four numbers a row, with each person's latest completion
of each course: the writer marks the latest as it writes, instead of an UPDATE of every
completion afterwards (a second of a 200,000-row import on PostgreSQL).
"""

import datetime
from array import array
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from answerable.core.tables import Cell, cell_date, cell_text
from answerable.workforce.importing.rows import (
    BAD_DATE,
    NO_DATE,
    PREVIEW_ROWS,
    CompletionRow,
    ErrorLog,
    columns_of,
    completion_row_check,
    pair_key,
)
from answerable.workforce.tables import StoredTable

# What a course code cell is, once looked up: a course's id (positive), or one of these.
NOT_READ = 0  # empty or too long: the one-row check names the problem
LEFT_OUT = -1  # a course the force has not set up: counted and left out


@dataclass
class CheckedCompletions:
    """The good rows, in file order, as numbers: staff key, course id, completion and expiry
    dates as ordinals (0 for no expiry date). 24 bytes a row, where a tuple of the same
    would take over a hundred: a national file is millions of rows."""

    staff: array = field(default_factory=lambda: array("q"))
    course: array = field(default_factory=lambda: array("q"))
    completed: array = field(default_factory=lambda: array("i"))
    expires: array = field(default_factory=lambda: array("i"))
    # Each (staff key, course) pair's latest completion date, as an ordinal.
    latest: dict[int, int] = field(default_factory=dict)
    preview: list[CompletionRow] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.staff)

    def add(self, staff: int, course: int, completed: int, expires: int) -> None:
        self.staff.append(staff)
        self.course.append(course)
        self.completed.append(completed)
        self.expires.append(expires)
        pair = pair_key(staff, course)
        if self.latest.get(pair, 0) < completed:
            self.latest[pair] = completed

    def rows(self, snapshot_pk: int, date_value: Callable[[int], Any]) -> Iterator[tuple[Any, ...]]:
        """(snapshot, staff, course, completed on, expires on, is latest) for each row, the
        dates as `date_value` gives them for an ordinal (0 for none)."""
        latest = self.latest
        values: dict[int, Any] = {0: None}
        for staff, course, completed, expires in zip(
            self.staff, self.course, self.completed, self.expires, strict=True
        ):
            try:
                done = values[completed]
            except KeyError:
                done = values[completed] = date_value(completed)
            try:
                until = values[expires]
            except KeyError:
                until = values[expires] = date_value(expires)
            yield (
                snapshot_pk,
                staff,
                course,
                done,
                until,
                latest[staff << 40 | course] == completed,  # `pair_key`, written out
            )


def _date(cell: Cell) -> int:
    try:
        value = cell_date(cell)
    except ValueError:
        return BAD_DATE
    return NO_DATE if value is None else value.toordinal()


def completions_check(
    table: StoredTable,
    mapping: dict[str, str],
    log: ErrorLog,
    *,
    staff: Mapping[str, int],
    courses: dict[str, int],
    taken_on: datetime.date,
    skipped: Counter[str],
    advance: Callable[[int], None] | None = None,
) -> CheckedCompletions:
    """Check every row; return the good rows of known courses, log the bad ones, and count
    the rows of other courses in `skipped`.

    `staff` maps each staff ID of the roster to a whole number (its record's id when writing).
    Completions of courses the force has not set up in Answerable are left out, not refused:
    learning systems export every course, and only some are tracked here. `advance` is
    told every few thousand rows how many more rows have been read.
    """
    headers, rows = table.open()
    columns = columns_of(headers, mapping)
    checked = CheckedCompletions()
    seen: set[int] = set()
    taken = taken_on.toordinal()

    def slow(number: int, cells: list[Cell]) -> None:
        row = completion_row_check(
            table.name,
            number,
            {n: cells[i] for n, i in columns.items()},
            log,
            staff=staff,
            courses=courses,
            taken_on=taken_on,
            skipped=skipped,
            seen=seen,
        )
        if row is not None:
            checked.add(*row)
            _preview(checked, number, cells, columns)

    if not {"staff_id", "course_code", "completed_on"} <= columns.keys():
        for number, cells in rows:  # a required column is not mapped: every row says so
            slow(number, cells)
        return checked
    staff_at, course_at = columns["staff_id"], columns["course_code"]
    completed_at = columns["completed_on"]
    expires_at = columns.get("expires_on")
    staff_of: dict[Cell, int] = {}  # cells other than a plain staff ID: its key, or -1
    course_of: dict[Cell, int] = {}
    code_of: dict[Cell, str] = {}
    date_of: dict[Cell, int] = {None: NO_DATE, "": NO_DATE}
    add_staff, add_course = checked.staff.append, checked.course.append
    add_completed, add_expires = checked.completed.append, checked.expires.append
    latest = checked.latest
    # A raw cell found among the IDs is the ID, unless an ID starts with the quote that
    # `cell_text` takes off: then every cell goes through `cell_text` first.
    plain = staff if not any(staff_id[:1] == "'" for staff_id in staff) else {}
    counted = number = 1  # the header row
    for number, cells in rows:
        if advance is not None and not number & 4095:
            advance(number - counted)
            counted = number
        cell = cells[staff_at]
        person = plain.get(cell)  # type: ignore[arg-type]
        if person is None:
            person = staff_of.get(cell)
            if person is None:
                person = staff_of[cell] = staff.get(cell_text(cell), -1)
        cell = cells[course_at]
        course = course_of.get(cell)
        if course is None:
            code = code_of[cell] = cell_text(cell)
            course = course_of[cell] = (
                NOT_READ if not code or len(code) > 100 else courses.get(code.casefold(), LEFT_OUT)
            )
        cell = cells[completed_at]
        completed = date_of.get(cell)
        if completed is None:
            completed = date_of[cell] = _date(cell)
        expires = NO_DATE
        if expires_at is not None:
            cell = cells[expires_at]
            expires = date_of.get(cell, BAD_DATE - 1)
            if expires == BAD_DATE - 1:  # not read yet
                expires = date_of[cell] = _date(cell)
        if course == LEFT_OUT and person >= 0 and completed > 0 and expires >= 0:
            skipped[code_of[cells[course_at]]] += 1
            continue
        if (
            person < 0
            or course <= 0
            or completed <= 0
            or expires < 0
            or completed > taken
            or (expires and expires < completed)
        ):
            slow(number, cells)
            continue
        key = (person << 40 | course) << 20 | completed  # `repeat_key`, written out
        if key in seen:
            slow(number, cells)
            continue
        seen.add(key)
        # `checked.add`, written out: a call a row was a fifth of the check.
        add_staff(person)
        add_course(course)
        add_completed(completed)
        add_expires(expires)
        pair = person << 40 | course
        if latest.get(pair, 0) < completed:
            latest[pair] = completed
        if len(checked.preview) < PREVIEW_ROWS:
            _preview(checked, number, cells, columns)
    if advance is not None:
        advance(number - counted)
    return checked


def _preview(
    checked: CheckedCompletions, number: int, cells: list[Cell], columns: dict[str, int]
) -> None:
    """The row just added, as the preview shows it, while the preview has room."""
    if len(checked.preview) >= PREVIEW_ROWS:
        return
    expires = checked.expires[-1]
    checked.preview.append(
        CompletionRow(
            number,
            cell_text(cells[columns["staff_id"]]),
            checked.course[-1],
            cell_text(cells[columns["course_code"]]),
            datetime.date.fromordinal(checked.completed[-1]),
            datetime.date.fromordinal(expires) if expires else None,
        )
    )
