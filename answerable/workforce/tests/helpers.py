"""Small files for import tests: a roster and completions as CSV or XLSX bytes."""

import datetime
import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

from answerable.workforce.tables import StoredTable

ROSTER_HEADERS = [
    "Staff ID",
    "Workforce type",
    "Rank",
    "Command",
    "Location",
    "Start date",
    "Leaving date",
]
ROSTER_ROWS = [
    ["P001", "Officer", "Constable", "Local Policing", "Worcester", "01/04/2024", ""],
    ["P002", "Police officer", "Sergeant", "CID", "Hereford", "2005-03-31", ""],
    ["P003", "PCSO", "", "Local Policing", "Telford", "2018-01-01", ""],
    ["P004", "Staff", "Grade 4", "Contact", "Hindlip", "2010-06-01", ""],
    ["P005", "officer", "Constable", "Response", "Worcester", "2012-01-01", "2025-01-31"],
]
COMPLETION_HEADERS = ["Staff ID", "Course code", "Completed on", "Expires on"]
COMPLETION_ROWS = [
    ["P001", "CSE", "2024-05-01", ""],
    ["P002", "CSE", "01/06/2021", ""],
    ["P003", "cse", "2024-01-01", "2027-01-01"],
    ["P004", "FIRSTAID", "2024-01-01", ""],
]


def csv_bytes(headers: list[str], rows: list[list[str]]) -> bytes:
    lines = [",".join(headers), *(",".join(row) for row in rows)]
    return ("\n".join(lines) + "\n").encode()


def xlsx_bytes(headers: list[str], rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def table(content: bytes, name: str = "file.csv", kind: str = "csv") -> StoredTable:
    return StoredTable(content=content, kind=kind, name=name)


def roster(rows: list[list[str]] | None = None, headers: list[str] | None = None) -> StoredTable:
    return table(
        csv_bytes(headers or ROSTER_HEADERS, ROSTER_ROWS if rows is None else rows), "roster.csv"
    )


def completions(
    rows: list[list[str]] | None = None, headers: list[str] | None = None
) -> StoredTable:
    return table(
        csv_bytes(headers or COMPLETION_HEADERS, COMPLETION_ROWS if rows is None else rows),
        "completions.csv",
    )


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def date_parts(prefix: str, value: datetime.date) -> dict[str, str]:
    return {
        f"{prefix}-day": str(value.day),
        f"{prefix}-month": str(value.month),
        f"{prefix}-year": str(value.year),
    }
