"""Check a completions file at the cost of a few dict lookups a row (issue #12).

A force's completions file runs to millions of rows in which the same dates, course codes
and staff IDs repeat. Each distinct cell is read and checked once, memoised by its raw value,
so a row whose cells are all good costs a few lookups and no object of its own. A row with
anything wrong, or anything unusual, goes through `rows.completion_row_check`, the plain
one-row check, which names each problem by file, row and field as it always has.

Good rows are handed to `write` as soon as they are known not to be a person's latest
completion of the course (one of the same course with a later date has been read), so the
database writes them while the rest of the file is checked, and no list of every row is
held (issue #12). Each person's latest completion of each course is kept, a whole number a
pair, and written last, marked: the writer marks the latest as it writes, instead of an
UPDATE of every completion afterwards (a second of a 200,000-row import on PostgreSQL).
"""

import datetime
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

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
# A completion's dates in one whole number, completed << 20 | expires: an ordinal of a date
# before 2871 (`cell_date` reads years up to 2200) is under 2**20.
DATES = 20
DATE_MASK = (1 << DATES) - 1
PAIR_MASK = (1 << 40) - 1  # the course in a `pair_key`
# Rows handed to `write` at a time: few enough calls to be cheap, and little held.
WRITE_BATCH = 8192

# (staff key, course id, completion ordinal, expiry ordinal or 0) rows, and whether they are
# each one's latest completion of the course.
CompletionRows = list[tuple[int, int, int, int]]
Write = Callable[[CompletionRows, bool], None]


@dataclass
class CheckedCompletions:
    """How many good rows there were, the first few to preview, and each (staff key, course)
    pair's latest completion as `dates << DATES | expires`. One whole number a pair, where a
    tuple of the rows would take over a hundred bytes a row: a national file is millions."""

    count: int = 0
    latest: dict[int, int] = field(default_factory=dict)
    preview: list[CompletionRow] = field(default_factory=list)
    # Good rows known not to be the latest, waiting to be written.
    pending: CompletionRows = field(default_factory=list)

    def __len__(self) -> int:
        return self.count

    def add(self, staff: int, course: int, completed: int, expires: int) -> None:
        self.count += 1
        pair = pair_key(staff, course)
        dates = completed << DATES | expires
        held = self.latest.get(pair)
        if held is None:
            self.latest[pair] = dates
        elif held < dates:  # the same date again is refused as a repeated row
            self.latest[pair] = dates
            self.pending.append((staff, course, held >> DATES, held & DATE_MASK))
        else:
            self.pending.append((staff, course, completed, expires))

    def latest_rows(self) -> CompletionRows:
        return [
            (pair >> 40, pair & PAIR_MASK, dates >> DATES, dates & DATE_MASK)
            for pair, dates in self.latest.items()
        ]


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
    write: Write | None = None,
) -> CheckedCompletions:
    """Check every row; hand the good rows of known courses to `write`, log the bad ones,
    and count the rows of other courses in `skipped`.

    `staff` maps each staff ID of the roster to a whole number (its record's id when writing).
    Completions of courses the force has not set up in Answerable are left out, not refused:
    learning systems export every course, and only some are tracked here. `advance` is
    told every few thousand rows how many more rows have been read. `write` is given every
    good row once, in batches, with whether it is the person's latest completion of the
    course (the latest come last); it must not keep the list it is given. Nothing more is
    written once a row is found bad.
    """
    headers, rows = table.open()
    columns = columns_of(headers, mapping)
    checked = CheckedCompletions()
    seen: set[int] = set()
    taken = taken_on.toordinal()

    def flush() -> None:
        if write is not None and not log.count:
            write(checked.pending, False)
        checked.pending.clear()

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
            _preview(checked, number, cells, columns, *row)
            if len(checked.pending) >= WRITE_BATCH:
                flush()

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
    latest = checked.latest
    pending = checked.pending
    count = 0
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
        count += 1
        pair = person << 40 | course
        dates = completed << DATES | expires
        held = latest.get(pair)
        if held is None:
            latest[pair] = dates
        else:
            if held < dates:
                latest[pair] = dates
                pending.append((person, course, held >> DATES, held & DATE_MASK))
            else:
                pending.append((person, course, completed, expires))
            if len(pending) >= WRITE_BATCH:
                flush()
        if len(checked.preview) < PREVIEW_ROWS:
            _preview(checked, number, cells, columns, person, course, completed, expires)
    if advance is not None:
        advance(number - counted)
    checked.count += count
    flush()
    if write is not None and not log.count:
        latest_rows = checked.latest_rows()
        for start in range(0, len(latest_rows), WRITE_BATCH):
            write(latest_rows[start : start + WRITE_BATCH], True)
    return checked


def _preview(
    checked: CheckedCompletions,
    number: int,
    cells: list[Cell],
    columns: dict[str, int],
    staff: int,
    course: int,
    completed: int,
    expires: int,
) -> None:
    """The good row just read, as the preview shows it, while the preview has room."""
    if len(checked.preview) >= PREVIEW_ROWS:
        return
    checked.preview.append(
        CompletionRow(
            number,
            cell_text(cells[columns["staff_id"]]),
            course,
            cell_text(cells[columns["course_code"]]),
            datetime.date.fromordinal(completed),
            datetime.date.fromordinal(expires) if expires else None,
        )
    )
