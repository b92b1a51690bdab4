"""Hypothesis strategies for uploaded tables: CSV text, CSV bytes and XLSX workbooks (issue #11).

The fuzz tests of the table reader and of both importers draw their files from here, so every
reader meets the same awkward files. `FUZZ` is their shared budget: fixed examples, no example
database and a derandomised run, so CI tries the same files each time.
"""

import csv
import datetime
import io
from typing import Any

import openpyxl
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

# Per property. Every fuzz test together (the API's too) ran in 30 s on two cores from a fresh
# clone, 20 s once Hypothesis has cached the constants it reads from the code, on SQLite and
# PostgreSQL alike; the budget is a minute.
EXAMPLES = 200
FUZZ = settings(
    max_examples=EXAMPLES,
    # A file that takes seconds to read is a hang in waiting; a slow CI machine is not.
    deadline=datetime.timedelta(seconds=5),
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)

# Random worlds of organisations, people and rows, built in the database for each example
# (the visibility properties): fewer examples, each costing the factories' writes.
WORLDS = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# Cells that have broken spreadsheet readers before: quoting, separators, line breaks, NULs,
# byte-order marks, Windows-1252 punctuation, formulas, dates real and impossible.
AWKWARD_CELLS = (
    "",
    " ",
    '"',
    '""',
    '"quoted"',
    'a "quote" inside',
    ",",
    ";",
    "\t",
    "\r",
    "\n",
    "\r\n",
    "line one\nline two",
    "\x00",
    "a\x00b",
    "\ufeff",
    "\ufeffsource",
    "\u2018curly\u2019 \u201cquotes\u201d \u2013 \u20ac",
    "caf\u00e9",
    "=SUM(A1:A9)",
    '=HYPERLINK("http://example.org")',
    "+44 1234",
    "-1",
    "@cmd",
    "'=1+1",
    "31/12/2024",
    "2024-12-31",
    "2024-02-30",
    "31/02/2024",
    "0001-01-01",
    "9999-12-31 00:00:00",
    "\u0662\u0660\u0662\u0664-\u0661\u0662-\u0663\u0661",  # 2024-12-31 in Arabic-Indic digits
    "https://www.example.org/report",
    "http://[::1",
    "Shire Police",
    "Shire Police; Nowhere Police",
    "TRUE",
    "1e308",
    "NaN",
)

cell_texts = st.one_of(
    # Very long cells too, past the csv module's limit of 131,072 characters to a field.
    st.sampled_from((*AWKWARD_CELLS, "x" * 500, "y" * 140_000)),
    st.text(max_size=30),
    st.text(alphabet=",;\"'\t\r\n \x00=+-@", max_size=10),
)


@st.composite
def text_tables(
    draw: st.DrawFn, *, headers: Any = None, cells: Any = cell_texts, max_rows: int = 6
) -> list[list[str]]:
    """A header row and a few data rows of awkward text, rows of uneven widths."""
    header_row = draw(headers if headers is not None else st.lists(cell_texts, max_size=6))
    width = max(len(header_row), 1)
    rows = draw(st.lists(st.lists(cells, max_size=width + 1), max_size=max_rows))
    return [header_row, *rows]


@st.composite
def csv_files(
    draw: st.DrawFn, *, headers: Any = None, cells: Any = cell_texts, tables: Any = None
) -> bytes:
    """CSV bytes as spreadsheets and scripts write them, or as neither: any dialect, quoting,
    line ending and encoding, or text joined without any quoting at all."""
    table = draw(tables if tables is not None else text_tables(headers=headers, cells=cells))
    if draw(st.booleans()):
        buffer = io.StringIO()
        writer = csv.writer(
            buffer,
            delimiter=draw(st.sampled_from([",", ",", ";", "\t", "|"])),
            quoting=draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL])),
            lineterminator=draw(st.sampled_from(["\r\n", "\n", "\r"])),
        )
        writer.writerows(table)
        text = buffer.getvalue()
    else:
        newline = draw(st.sampled_from(["\r\n", "\n", "\r"]))
        text = newline.join(",".join(row) for row in table)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "latin-1"]))
    return text.encode(encoding, errors="replace")


def _xlsx_text(text: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", text)[:32_767]  # what a cell can hold


xlsx_values = st.one_of(
    st.none(),
    cell_texts,
    st.integers(min_value=-(2**53), max_value=2**53),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(min_value=datetime.date(1900, 3, 1), max_value=datetime.date(9999, 12, 31)),
    st.datetimes(
        min_value=datetime.datetime(1900, 3, 1),  # noqa: DTZ001 - Excel cells hold no zone
        max_value=datetime.datetime(9999, 12, 31),  # noqa: DTZ001
    ),
    st.sampled_from(["=1/0", "=SUM(A1:A3)", "=A1", '="a"&"b"', "=NOW()", "=#REF!"]),
)


@st.composite
def xlsx_files(
    draw: st.DrawFn, *, headers: Any = None, values: Any = xlsx_values, tables: Any = None
) -> bytes:
    """A workbook written by openpyxl: awkward cells of every type, blank rows and columns,
    sometimes a second sheet or an empty first one."""
    if tables is not None:
        header_row, *rows = draw(tables)
    else:
        header_row = draw(headers if headers is not None else st.lists(xlsx_values, max_size=6))
        width = max(len(header_row), 1)
        rows = draw(st.lists(st.lists(values, max_size=width + 1), max_size=6))
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    if draw(st.booleans()):
        sheet.title = draw(st.sampled_from(["Sheet 1", "Données", "'quoted'", "x" * 31]))
    start_row = draw(st.integers(min_value=1, max_value=3))
    start_column = draw(st.integers(min_value=1, max_value=3))
    for offset, row in enumerate([header_row, *rows]):
        for column, value in enumerate(row):
            if isinstance(value, str):
                value = _xlsx_text(value)
            sheet.cell(row=start_row + offset, column=start_column + column, value=value)
    if draw(st.booleans()):
        workbook.create_sheet("Second").append(["ignored", 1, None])
    if draw(st.integers(0, 4)) == 0:
        workbook.move_sheet(workbook.create_sheet("Empty"), offset=-len(workbook.sheetnames))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def assert_names(error: ValidationError, *names: str) -> None:
    """Every message of the error names one of `names` (the file, or a row of it)."""
    for message in error.messages:
        assert any(name in message for name in names), message
