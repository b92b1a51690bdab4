import csv
import datetime
import io
import re

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from openpyxl.styles import Font

from answerable.core.tables import cell_date, cell_text, csv_stream, open_table, xlsx_bytes

DANGEROUS = ['=HYPERLINK("https://evil.example")', "+44 1234", "-2+3", "@SUM(A1)"]


def read(content: bytes, kind: str = "csv", name: str = "a.csv"):
    headers, rows = open_table(content, kind=kind, name=name)
    return headers, list(rows)


def workbook_bytes(workbook: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- reading CSV ----------------------------------------------------------------------------


def test_a_csv_utf_8_file_from_excel_keeps_its_first_header_without_the_byte_order_mark():
    content = "\ufeffSource,Text\r\nPeel report,Caf\u00e9 \u2013 \u201cquoted\u201d\r\n"
    headers, rows = read(content.encode("utf-8"))
    assert headers == ["Source", "Text"]
    assert rows == [(2, ["Peel report", "Caf\u00e9 \u2013 \u201cquoted\u201d"])]


def test_a_plain_excel_csv_in_windows_1252_keeps_its_accents_pound_signs_and_curly_quotes():
    content = "Source,Text\r\nCaf\u00e9 review,\u00a35 \u2018each\u2019\r\n".encode("cp1252")
    _, rows = read(content)
    assert rows == [(2, ["Caf\u00e9 review", "\u00a35 \u2018each\u2019"])]


def test_csv_rows_keep_their_spreadsheet_numbers_past_blank_rows_and_multi_line_cells():
    content = b'Source,Text\r\n,\r\nA,"two\r\nlines"\r\n\r\nB,short\r\n'
    _, rows = read(content)
    assert rows == [(3, ["A", "two\r\nlines"]), (5, ["B", "short"])]


def test_a_csv_that_is_in_no_known_encoding_is_refused_by_name():
    with pytest.raises(ValidationError) as caught:
        read(b"Source,Text\n\x81\x8d,\x90\n", name="register.csv")
    assert caught.value.messages == [
        "The file register.csv could not be read. Save it as CSV UTF-8 and upload it again"
    ]


def test_a_csv_cell_holding_a_null_character_is_refused_by_row():
    """Found by the fuzz tests (issue #11): PostgreSQL cannot store the character, so the
    import failed at the write with a server error after every check had passed."""
    content = b'Source,Text\r\nA,fine\r\nB,"one\r\nline\x00"\r\n'
    with pytest.raises(ValidationError) as caught:
        read(content, name="register.csv")
    assert caught.value.messages == [
        "Row 3 of register.csv contains a null character, which is not text. Open the file "
        "in a spreadsheet, save it as CSV UTF-8 and upload it again"
    ]


# --- reading XLSX ---------------------------------------------------------------------------


def test_a_sheet_with_more_rows_than_excel_allows_is_refused_while_streaming(monkeypatch):
    """Rows are counted as they are read, empty ones too, so a sheet padded with empty rows
    is stopped at the cap rather than read to its end (issue #11)."""
    from answerable.core import tables

    monkeypatch.setattr(tables, "MAX_SHEET_ROWS", 5)
    workbook = openpyxl.Workbook()
    workbook.active.append(["Source", "Text"])
    for row in range(2, 10):
        workbook.active.cell(row=row, column=1).font = Font(bold=True)  # formatted, empty
    workbook.active.cell(row=10, column=1, value="A")
    with pytest.raises(ValidationError, match="roster.xlsx has more than 5 rows, counting empty"):
        read(workbook_bytes(workbook), kind="xlsx", name="roster.xlsx")


def test_a_header_of_more_than_a_hundred_columns_is_refused():
    content = (",".join(f"Column {n}" for n in range(101)) + "\r\n").encode()
    with pytest.raises(ValidationError, match="wide.csv must have no more than 100 columns"):
        read(content, name="wide.csv")


def test_an_xlsx_gives_dates_as_dates_whole_numbers_as_text_and_skips_trailing_empty_rows():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Staff ID", "Start date", "Left", "Hours", None, None])
    left = datetime.datetime(2025, 3, 1, 9, 30)  # noqa: DTZ001 (Excel cells hold no time zone)
    sheet.append(["P001", datetime.date(2024, 1, 31), left, 37.0])
    sheet.append(["P002", datetime.date(2023, 12, 1), None, 22.5])
    # Formatted but empty rows, and a cell of spaces, as Excel leaves below the data.
    for row in range(4, 60):
        sheet.cell(row=row, column=1).font = Font(bold=True)
    sheet.cell(row=60, column=2, value="   ")

    headers, rows = read(workbook_bytes(workbook), kind="xlsx", name="roster.xlsx")

    assert headers == ["Staff ID", "Start date", "Left", "Hours"]
    assert rows == [
        (2, ["P001", datetime.date(2024, 1, 31), datetime.date(2025, 3, 1), "37"]),
        (3, ["P002", datetime.date(2023, 12, 1), None, "22.5"]),
    ]


def test_a_damaged_xlsx_is_refused_by_name():
    with pytest.raises(ValidationError) as caught:
        read(b"PK\x03\x04 not really a workbook", kind="xlsx", name="roster.xlsx")
    message = caught.value.messages[0]
    assert "The file roster.xlsx could not be read as an Excel (XLSX) file" in message


# --- writing --------------------------------------------------------------------------------


def test_a_csv_export_quotes_formulas_so_a_spreadsheet_shows_them_as_text():
    rows = [[value, datetime.date(2025, 1, 2), 3] for value in DANGEROUS]
    text = "".join(csv_stream(["=Header", "Due on", "Count"], rows))

    assert text.startswith("\ufeff")  # so Excel opens it as UTF-8
    read_back = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    assert read_back[0] == ["'=Header", "Due on", "Count"]
    assert [row[0] for row in read_back[1:]] == ["'" + value for value in DANGEROUS]
    assert read_back[1][1:] == ["2025-01-02", "3"]


def test_a_large_csv_streams_in_a_few_chunks_that_read_back_as_every_row():
    # Lines with quotes, commas and line breaks, so a chunk boundary inside one would show.
    rows = [[n, f'Said "yes", then\nno ({n})', datetime.date(2025, 1, 2)] for n in range(4000)]
    chunks = list(csv_stream(["Number", "Text", "Due on"], rows))

    assert 1 < len(chunks) < 10  # not one write per line, nor the whole file held at once
    text = "".join(chunks).removeprefix("\ufeff")
    read_back = list(csv.reader(io.StringIO(text, newline="")))
    assert read_back[1:] == [[str(n), said, "2025-01-02"] for n, said, _on in rows]


def test_an_xlsx_export_stores_formulas_as_text_and_dates_as_dates():
    rows = [[value, datetime.date(2025, 1, 2), 3] for value in DANGEROUS]
    rows.append(["bell\x07 removed", None, None])
    content = xlsx_bytes(["=Header", "Due on", "Count"], rows, sheet_title="Actions")

    sheet = openpyxl.load_workbook(io.BytesIO(content))["Actions"]
    cells = list(sheet.iter_rows(min_row=2, max_row=len(DANGEROUS) + 1))
    assert sheet["A1"].value == "'=Header"
    assert sheet["A1"].font.bold
    assert [row[0].value for row in cells] == ["'" + value for value in DANGEROUS]
    assert {row[0].data_type for row in cells} == {"s"}  # text, never "f" for a formula
    assert cells[0][1].is_date
    assert cells[0][1].value.date() == datetime.date(2025, 1, 2)
    assert sheet.cell(row=len(DANGEROUS) + 2, column=1).value == "bell removed"


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_an_export_read_back_as_an_import_gives_the_original_text(kind):
    rows = [[value, datetime.date(2025, 1, 2)] for value in DANGEROUS]
    headers = ["Text", "Due on"]
    if kind == "csv":
        content = "".join(csv_stream(headers, rows)).encode("utf-8")
    else:
        content = xlsx_bytes(headers, rows, sheet_title="Export")

    read_headers, read_rows = read(content, kind=kind, name=f"export.{kind}")

    assert read_headers == headers
    assert [cell_text(cells[0]) for _, cells in read_rows] == DANGEROUS
    assert [cell_text(cells[1]) for _, cells in read_rows] == ["2025-01-02"] * len(DANGEROUS)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2024-12-31", datetime.date(2024, 12, 31)),
        ("2024-1-5 00:00:00", datetime.date(2024, 1, 5)),
        ("31/12/2024", datetime.date(2024, 12, 31)),
        (datetime.date(2025, 3, 1), datetime.date(2025, 3, 1)),
        ("  ", None),
        (None, None),
    ],
)
def test_both_imports_read_iso_uk_and_excel_dates(cell, expected):
    assert cell_date(cell) == expected


@pytest.mark.parametrize("cell", ["2024-13-01", "31/02/2024", "12.03.2024", "1800-01-01", "soon"])
def test_a_date_no_import_can_read_is_refused(cell):
    with pytest.raises(ValueError, match=re.escape(cell)):
        cell_date(cell)
