"""Read uploaded spreadsheet tables (CSV and XLSX) row by row, and write them back safely.

Reading checks the header row up front and then streams the data rows, so a file of hundreds
of thousands of rows is never held in memory; each app decides how many rows it accepts.
Anything malformed raises a ValidationError that names the file. Writing escapes every text
cell that a spreadsheet would run as a formula (OWASP "CSV injection").
"""

import csv
import datetime
import io
import re
from collections.abc import Generator, Iterable, Iterator, Sequence
from contextlib import closing
from typing import Any

import openpyxl
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from answerable.core.files import CSV, archive_too_large, archive_within_limits

# Refusals are lazy with `params`: the tables are read in core.limited's child process, which has
# no app registry to translate with; the message is translated where the parent reads it.

MAX_COLUMNS = 100
# Excel's own limit: a sheet with more rows was not made by a spreadsheet (issue #11).
MAX_SHEET_ROWS = 1_048_576
# Cells a spreadsheet would treat as a formula or a command when they start with one of these.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

Cell = str | datetime.date | None
# (row number in the file, cells); numbered as the spreadsheet numbers them, header row 1.
Rows = Generator[tuple[int, list[Cell]], None, None]


# --- reading --------------------------------------------------------------------------------


def open_table(content: bytes, *, kind: str, name: str) -> tuple[list[str], Rows]:
    """Return the header row and a generator of the non-blank data rows; raise if malformed.

    Each data row is padded to the header's width. Problems in a later row are raised as that
    row is reached, so read the generator to its end before trusting the file.
    """
    raw = _csv_rows(content, name) if kind == CSV else _xlsx_rows(content, name)
    first = next(raw, None)
    while first is not None and not any(_present(cell) for cell in first[1]):
        first = next(raw, None)
    if first is None:
        raise ValidationError(
            _("The file %(name)s has no header row. The first row must name the columns"),
            params={"name": name},
            code="no_header",
        )
    headers = _headers(first[1], name)
    return headers, _data_rows(raw, len(headers), name)


def _data_rows(raw: Rows, width: int, name: str) -> Rows:
    with closing(raw):  # closes the workbook as soon as the caller stops reading
        for number, cells in raw:
            if _blank(cells):
                continue  # blank or formatted-but-empty rows: Excel often leaves thousands
            size = len(cells)
            if size == width:  # most rows: nothing to cut or pad (issue #12)
                yield number, cells
                continue
            if size > width and not _blank(cells[width:]):
                raise ValidationError(
                    _(
                        "Row %(number)s of %(name)s has more cells than the header row. "
                        "Check the quotation marks and commas in that row"
                    ),
                    params={"number": number, "name": name},
                    code="extra_cells",
                )
            cells = cells[:width]
            yield number, cells + [None] * (width - len(cells))


def _blank(cells: list[Cell]) -> bool:
    """No cell holds anything but spaces. Joined when all are text, as CSV cells are: a
    national file has millions of rows (issue #12)."""
    try:
        return not "".join(cells).strip()  # type: ignore[arg-type]
    except TypeError:  # a workbook's empty cells and dates
        return not any(_present(cell) for cell in cells)


def _headers(cells: list[Cell], name: str) -> list[str]:
    while cells and not _present(cells[-1]):
        cells = cells[:-1]
    if len(cells) > MAX_COLUMNS:
        raise ValidationError(
            _("The file %(name)s must have no more than %(limit)s columns"),
            params={"name": name, "limit": MAX_COLUMNS},
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
                _(
                    "The file %(name)s has more than one column called %(header)s. "
                    "Give each column a different name"
                ),
                params={"name": name, "header": header},
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


def cell_date(cell: Cell) -> datetime.date | None:
    """Read ISO (2024-12-31), UK (31/12/2024) or an Excel date cell; raise ValueError if none.

    Every import reads its dates here, so a file that one import accepts, the other does too."""
    if isinstance(cell, datetime.date):
        return cell
    text = cell_text(cell)
    if not text:
        return None
    if len(text) == 10 and text[4] == "-" and text[7] == "-":  # ISO, as most exports write it
        try:
            value = datetime.date.fromisoformat(text)
        except ValueError:
            raise ValueError(text) from None
        if not 1900 <= value.year <= 2200:
            raise ValueError(text)
        return value
    if match := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?", text):
        year, month, day = (int(part) for part in match.groups())
    elif match := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text):
        day, month, year = (int(part) for part in match.groups())
    else:
        raise ValueError(text)
    if not 1900 <= year <= 2200:
        raise ValueError(text)
    try:
        return datetime.date(year, month, day)
    except ValueError:  # 31 February: name the cell, as every other refusal does
        raise ValueError(text) from None


def _csv_rows(content: bytes, name: str) -> Rows:
    text = None
    # Excel saves "CSV UTF-8" with a byte-order mark and plain "CSV" as Windows-1252.
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None:
        raise ValidationError(
            _("The file %(name)s could not be read. Save it as CSV UTF-8 and upload it again"),
            params={"name": name},
            code="encoding",
        )
    return _csv_iter(text, name)


def _csv_iter(text: str, name: str) -> Rows:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    # PostgreSQL cannot store a null character, and no spreadsheet writes one: it was found
    # crashing an import at the write, after every check had passed (issue #11).
    has_null = "\x00" in text
    try:
        # One number per record, as a spreadsheet numbers rows, even if a cell holds lines.
        for number, row in enumerate(reader, start=1):
            if has_null and any("\x00" in cell for cell in row):
                raise ValidationError(
                    _(
                        "Row %(number)s of %(name)s contains a null character, which is not "
                        "text. Open the file in a spreadsheet, save it as CSV UTF-8 and upload "
                        "it again"
                    ),
                    params={"number": number, "name": name},
                    code="null_character",
                )
            yield number, row  # type: ignore[misc]  # a list of str is a list of Cell
    except csv.Error as error:
        raise ValidationError(
            _(
                "The file %(name)s is not a well-formed CSV file: %(error)s near line "
                "%(line)s. Check the quotation marks in that row"
            ),
            params={"name": name, "error": str(error), "line": reader.line_num},
            code="malformed",
        ) from None


# A damaged workbook fails inside zipfile, zlib, lxml or openpyxl with many kinds of exception,
# on opening or on any later row; each one means the same to the user. Running out of memory
# does not: `core.limited` reports it as the file being too big to read.
def _xlsx_rows(content: bytes, name: str) -> Rows:
    if not archive_within_limits(content):  # checked again: tables also come from storage
        raise archive_too_large(name)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except MemoryError:
        raise
    except Exception:
        raise _unreadable_or_out_of_memory(name) from None
    return _xlsx_iter(workbook, name)


def _xlsx_iter(workbook: Any, name: str) -> Rows:
    try:
        sheet = workbook.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > MAX_SHEET_ROWS:
                raise ValidationError(
                    _(
                        "The file %(name)s has more than %(limit)s rows, counting empty ones. "
                        "Delete the empty rows at its end, or split it, and upload it again"
                    ),
                    params={"name": name, "limit": f"{MAX_SHEET_ROWS:,}"},
                    code="too_many_rows",
                )
            yield number, [_xlsx_cell(value) for value in values]
    except (ValidationError, MemoryError):
        raise
    except Exception:
        raise _unreadable_or_out_of_memory(name) from None
    finally:
        workbook.close()


def _unreadable_or_out_of_memory(name: str) -> Exception:
    """Out of memory, zipfile, zlib and lxml fail with their own errors, not MemoryError: if a
    megabyte cannot be had now, the reader ran out of memory, and the file may be sound."""
    try:
        bytearray(1 << 20)
    except MemoryError:
        return MemoryError()
    return _unreadable(name)


def _unreadable(name: str) -> ValidationError:
    return ValidationError(
        _(
            "The file %(name)s could not be read as an Excel (XLSX) file. "
            "Open it in Excel, save it again and upload it"
        ),
        params={"name": name},
        code="corrupt",
    )


def _xlsx_cell(value: Any) -> Cell:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
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


# Characters a streamed CSV sends at once: a line at a time was a write to the socket a
# line, and a report's 1,300 lines took longer to send than to read (issue #12).
CSV_CHUNK = 64 * 1024


def csv_stream(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """Yield a CSV file a chunk of lines at a time, starting with a byte-order mark so Excel
    reads UTF-8."""
    writer = csv.writer(_Echo())
    lines = ["\ufeff" + writer.writerow([safe_cell(h) for h in headers])]
    size = len(lines[0])
    for row in rows:
        line = writer.writerow(
            [
                value.isoformat() if isinstance(value, datetime.date) else safe_cell(value)
                for value in row
            ]
        )
        lines.append(line)
        size += len(line)
        if size >= CSV_CHUNK:
            yield "".join(lines)
            lines, size = [], 0
    if lines:
        yield "".join(lines)


def xlsx_bytes(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet_title: str) -> bytes:
    """Build an XLSX workbook of one sheet, header row in bold, dates as real date cells."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=safe_cell(header))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_xlsx_value(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, str):
        # XLSX cannot hold most control characters; openpyxl refuses them rather than dropping.
        return safe_cell(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value
