"""Read roster and completion files (CSV and XLSX) row by row, and write safe CSV.

Workforce files run to hundreds of thousands of rows, so rows are streamed rather than held
in a list: reading checks the header row up front and yields data rows one at a time.
"""

import csv
import datetime
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import ParseError

import openpyxl
from django.core.exceptions import ValidationError
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from answerable.core.files import CSV

MAX_COLUMNS = 100
# Cells a spreadsheet would run as a formula or command (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

Cell = str | datetime.date | None
XLSX_ERRORS = (
    zipfile.BadZipFile,
    InvalidFileException,
    ParseError,
    KeyError,
    ValueError,
    TypeError,
    IndexError,
    OSError,
)


@dataclass(frozen=True)
class StoredTable:
    """An uploaded file's bytes with what is needed to read them again."""

    content: bytes
    kind: str
    name: str

    def headers(self) -> list[str]:
        headers, _ = open_table(self)
        return headers

    def rows(self) -> Iterator[tuple[int, list[Cell]]]:
        """Yield (row number in the file, cells padded to the header's width) for data rows."""
        _, rows = open_table(self)
        return rows


def open_table(table: StoredTable) -> tuple[list[str], Iterator[tuple[int, list[Cell]]]]:
    """Return the header row and an iterator over the data rows; raise if malformed."""
    raw = _csv_rows(table) if table.kind == CSV else _xlsx_rows(table)
    first = next(raw, None)
    while first is not None and not any(_present(cell) for cell in first[1]):
        first = next(raw, None)
    if first is None:
        raise ValidationError(
            f"The file {table.name} has no header row. The first row must name the columns",
            code="no_header",
        )
    headers = _headers(first[1], table.name)
    return headers, _data_rows(raw, len(headers), table.name)


def _data_rows(
    raw: Iterator[tuple[int, list[Cell]]], width: int, name: str
) -> Iterator[tuple[int, list[Cell]]]:
    for number, cells in raw:
        if not any(_present(cell) for cell in cells):
            continue
        if any(_present(cell) for cell in cells[width:]):
            raise ValidationError(
                f"Row {number} of {name} has more cells than the header row. "
                "Check the quotation marks and commas in that row",
                code="extra_cells",
            )
        cells = cells[:width]
        yield number, cells + [None] * (width - len(cells))


def _headers(cells: list[Cell], name: str) -> list[str]:
    while cells and not _present(cells[-1]):
        cells = cells[:-1]
    if len(cells) > MAX_COLUMNS:
        raise ValidationError(
            f"The file {name} must have no more than {MAX_COLUMNS} columns",
            code="too_many_columns",
        )
    headers = [
        cell_text(cell) or f"Column {get_column_letter(index)}"
        for index, cell in enumerate(cells, start=1)
    ]
    seen: set[str] = set()
    for header in headers:
        if header.casefold() in seen:
            raise ValidationError(
                f"The file {name} has more than one column called {header}. "
                "Give each column a different name",
                code="duplicate_header",
            )
        seen.add(header.casefold())
    return headers


def _present(cell: Cell) -> bool:
    return cell is not None and (not isinstance(cell, str) or bool(cell.strip()))


def cell_text(cell: Cell) -> str:
    """A cell as trimmed text, a date as ISO; undoes the quote export puts before formulas."""
    if cell is None:
        return ""
    if isinstance(cell, datetime.date):
        return cell.isoformat()
    text = cell.strip()
    if text.startswith("'") and text[1:2] and text[1] in FORMULA_PREFIXES:
        return text[1:]
    return text


def _csv_rows(table: StoredTable) -> Iterator[tuple[int, list[Cell]]]:
    text = None
    # Excel saves "CSV UTF-8" with a byte-order mark and plain "CSV" as Windows-1252.
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = table.content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None:
        raise ValidationError(
            f"The file {table.name} could not be read. Save it as CSV UTF-8 and upload it again",
            code="encoding",
        )
    return _csv_iter(text, table.name)


def _csv_iter(text: str, name: str) -> Iterator[tuple[int, list[Cell]]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        # Numbered as a spreadsheet numbers them: one row per record, even if a cell has lines.
        for number, row in enumerate(reader, start=1):
            yield number, list[Cell](row)
    except csv.Error as error:
        raise ValidationError(
            f"The file {name} is not a well-formed CSV file: {error} near line "
            f"{reader.line_num}. Check the quotation marks in that row",
            code="malformed",
        ) from None


def _xlsx_rows(table: StoredTable) -> Iterator[tuple[int, list[Cell]]]:
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(table.content), read_only=True, data_only=True)
    except XLSX_ERRORS:
        raise _unreadable(table.name) from None
    return _xlsx_iter(workbook, table.name)


def _xlsx_iter(workbook: Any, name: str) -> Iterator[tuple[int, list[Cell]]]:
    try:
        sheet = workbook.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [_xlsx_cell(value) for value in values]
    except XLSX_ERRORS:
        raise _unreadable(name) from None
    finally:
        workbook.close()


def _unreadable(name: str) -> ValidationError:
    return ValidationError(
        f"The file {name} could not be read as an Excel (XLSX) file. "
        "Open it in Excel, save it again and upload it",
        code="corrupt",
    )


def _xlsx_cell(value: Any) -> Cell:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --- writing --------------------------------------------------------------------------------


def safe_cell(value: Any) -> Any:
    """Return the value with a leading quote if a spreadsheet would run it as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a stream."""

    def write(self, value: str) -> str:
        return value


def csv_stream(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """Yield a CSV file line by line, starting with a byte-order mark so Excel reads UTF-8."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([safe_cell(h) for h in headers])
    for row in rows:
        yield writer.writerow(
            [
                value.isoformat() if isinstance(value, datetime.date) else safe_cell(value)
                for value in row
            ]
        )
