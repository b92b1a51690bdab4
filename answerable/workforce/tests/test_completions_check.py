"""The fast completions check (issue #12) says exactly what the plain one-row check says.

`importing.completions_check` skips the one-row check for rows whose memoised cells are all
good; these tests hold it to the same problems, the same rows kept and the same courses left
out, row for row, and to marking the same latest completions as `completions_mark_latest`.
"""

import csv
import datetime
import io
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from answerable.core.tables import open_table
from answerable.core.tests.strategies import FUZZ
from answerable.workforce import importing, services
from answerable.workforce.importing.rows import columns_of, completion_row_check
from answerable.workforce.models import Completion
from answerable.workforce.tables import StoredTable
from answerable.workforce.tests.factories import CourseAudienceFactory, CourseFactory
from answerable.workforce.tests.helpers import (
    ROSTER_HEADERS,
    ROSTER_ROWS,
    csv_bytes,
    roster,
    xlsx_bytes,
)

TAKEN_ON = datetime.date(2025, 3, 31)
HEADERS = ["Staff ID", "Course code", "Completed on", "Expires on"]
COURSES = {"cse": 7, "firstaid": 9}
CELLS = {
    "Staff ID": ["P001", " P001 ", "P002", "P404", "", "'=P1", "=P1", "X" * 65],
    "Course code": ["CSE", "cse", " CSE ", "FIRSTAID", "OTHER", "", "X" * 101],
    "Completed on": [
        "2024-05-01",
        "01/05/2024",
        "31/03/2025",
        "2025-04-01",
        "bad",
        "",
        "2024-02-30",
    ],
    "Expires on": ["", "2027-01-01", "2023-01-01", "1899-01-01", "soon"],
}


def _file(rows: list[list[str]], headers: list[str] = HEADERS) -> StoredTable:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([headers, *rows])
    return StoredTable(buffer.getvalue().encode(), kind="csv", name="completions.csv")


def _fast(table: StoredTable, staff: dict[str, int]):
    log, skipped = importing.ErrorLog(), Counter[str]()
    written: list[tuple[int, int, int, int, bool]] = []

    def write(rows: importing.CompletionRows, is_latest: bool) -> None:
        written.extend((*row, is_latest) for row in rows)

    checked = importing.completions_check(
        table,
        importing.guess_mapping(table.headers(), "completions"),
        log,
        staff=staff,
        courses=COURSES,
        taken_on=TAKEN_ON,
        skipped=skipped,
        write=write,
    )
    if log.count:
        assert not written  # nothing is written from a file with a bad row
        return [str(e) for e in log.listed], skipped, None, checked
    latest: dict[tuple[int, int], int] = {}
    for staff_key, course, completed, _, _ in written:
        latest[staff_key, course] = max(latest.get((staff_key, course), 0), completed)
    # Each row once, marked if and only if it is the person's latest of the course.
    assert [row[4] for row in written] == [latest[row[0], row[1]] == row[2] for row in written]
    assert len(written) == len(checked)
    return [str(e) for e in log.listed], skipped, sorted(row[:4] for row in written), checked


def _plain(table: StoredTable, staff: dict[str, int]):
    """Every row through the one-row check, as the import read them before issue #12."""
    log, skipped, seen, rows = importing.ErrorLog(), Counter[str](), set[int](), []
    headers, cells = open_table(table.content, kind="csv", name=table.name)  # no child: faster
    columns = columns_of(headers, importing.guess_mapping(headers, "completions"))
    for number, row in cells:
        good = completion_row_check(
            table.name,
            number,
            {name: row[index] for name, index in columns.items()},
            log,
            staff=staff,
            courses=COURSES,
            taken_on=TAKEN_ON,
            skipped=skipped,
            seen=seen,
        )
        if good is not None:
            rows.append(good)
    return [str(e) for e in log.listed], skipped, rows


@FUZZ
@given(
    st.lists(st.tuples(*(st.sampled_from(CELLS[h]) for h in HEADERS)), max_size=12),
    st.sampled_from([{"P001": 1, "P002": 2, "=P1": 3}, {"P001": 1, "'=P1": 3}]),
)
def test_the_fast_check_names_keeps_and_leaves_out_what_the_one_row_check_does(rows, staff):
    table = _file([list(row) for row in rows])
    errors, skipped, written, checked = _fast(table, staff)
    plain_errors, plain_skipped, good = _plain(table, staff)
    assert (errors, skipped) == (plain_errors, plain_skipped)
    assert written is None or written == sorted(good)
    assert len(checked) == len(good)
    assert len(checked.preview) == min(len(good), importing.rows.PREVIEW_ROWS)


def test_an_unmapped_required_column_is_named_on_every_row():
    table = _file([["P001", "CSE"]], headers=["Staff ID", "Course code"])
    log = importing.ErrorLog()
    checked = importing.completions_check(
        table,
        {"staff_id": "Staff ID", "course_code": "Course code"},
        log,
        staff={"P001": 1},
        courses=COURSES,
        taken_on=TAKEN_ON,
        skipped=Counter(),
    )
    assert len(checked) == 0
    assert [str(e) for e in log.listed] == [
        "completions.csv, row 2, Completion date: Enter the completion date"
    ]


def test_the_latest_of_each_person_s_course_is_marked_as_it_is_written(force, force_lead):
    course = CourseFactory(owner=force, code="CSE")
    CourseAudienceFactory(course=course, workforce_type="officer")
    CourseFactory(owner=force, code="FIRSTAID")
    done = [
        ["P001", "CSE", "2024-05-01", ""],
        ["P001", "CSE", "2021-05-01", ""],  # an earlier one after the latest
        ["P001", "FIRSTAID", "2020-01-01", ""],
        ["P002", "CSE", "2019-01-01", ""],
        ["P002", "CSE", "2023-01-01", "2026-01-01"],
        ["P003", "cse", "2024-01-01", ""],
    ]
    completions = StoredTable(csv_bytes(HEADERS, done), kind="csv", name="completions.csv")
    rows = [
        [staff_id, "Officer", "", "CID", "", "2010-01-01", ""]
        for staff_id in ("P001", "P002", "P003")
    ]
    snapshot = services.snapshot_import(
        actor=force_lead,
        organisation=force,
        taken_on=TAKEN_ON,
        roster=roster(rows),
        completions=completions,
        roster_sha256="0" * 64,
        completions_sha256="0" * 64,
        mapping={
            "roster": importing.guess_mapping(ROSTER_HEADERS, "roster"),
            "completions": importing.guess_mapping(HEADERS, "completions"),
        },
    )
    marked = set(
        Completion.objects.filter(snapshot=snapshot, is_latest=True).values_list(
            "staff_record__staff_id", "course__code", "completed_on"
        )
    )
    assert marked == {
        ("P001", "CSE", datetime.date(2024, 5, 1)),
        ("P001", "FIRSTAID", datetime.date(2020, 1, 1)),
        ("P002", "CSE", datetime.date(2023, 1, 1)),
        ("P003", "CSE", datetime.date(2024, 1, 1)),
    }
    # The same as the UPDATE that marked them before (and still marks factory-made rows).
    Completion.objects.filter(snapshot=snapshot).update(is_latest=False)
    assert services.completions_mark_latest(snapshot=snapshot) == len(marked)
    assert marked == set(
        Completion.objects.filter(snapshot=snapshot, is_latest=True).values_list(
            "staff_record__staff_id", "course__code", "completed_on"
        )
    )


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_read_that_found_the_headers_is_the_one_the_rows_come_from(kind, monkeypatch):
    """Each read of a file starts a child process sent the whole file: one read, not two."""
    from answerable.workforce import tables

    rows = [[str(cell) for cell in row] for row in ROSTER_ROWS]
    content = csv_bytes(ROSTER_HEADERS, rows) if kind == "csv" else xlsx_bytes(ROSTER_HEADERS, rows)
    table = StoredTable(content, kind=kind, name=f"roster.{kind}")
    started = []
    real = tables.stream_limited

    def counted(*args, **kwargs):
        started.append(kwargs["name"])
        return real(*args, **kwargs)

    monkeypatch.setattr(tables, "stream_limited", counted)
    assert table.headers() == ROSTER_HEADERS
    assert table.headers() == ROSTER_HEADERS
    assert len(list(table.rows())) == 5
    assert len(started) == 1
    assert len(list(table.rows())) == 5  # a second pass reads the file again
    assert len(started) == 2
