"""Read a recommendations file whole: it is checked, previewed and imported as one table.

Reading the file row by row, and writing exports, live in `answerable.core.tables`.
"""

from contextlib import closing
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from answerable.core.limited import run_limited
from answerable.core.tables import Cell, open_table

# A 5MB upload could hold far more rows than one request should write; split bigger files.
MAX_ROWS = 10_000


@dataclass(frozen=True)
class Table:
    """A file's header row and its non-blank data rows, each with its row number in the file."""

    headers: list[str]
    rows: list[tuple[int, list[Cell]]]


def read_table(content: bytes, *, kind: str, name: str) -> Table:
    """Read CSV or XLSX bytes into a Table; raise a ValidationError naming the file if malformed.

    The file is read in a child process with a time and memory limit (`core.limited`)."""
    return run_limited(_read_table, content, kind, name, name=name)


def _read_table(content: bytes, kind: str, name: str) -> Table:
    headers, data_rows = open_table(content, kind=kind, name=name)
    rows: list[tuple[int, list[Cell]]] = []
    with closing(data_rows):
        for row in data_rows:
            if len(rows) >= MAX_ROWS:
                raise ValidationError(
                    f"The file {name} must have no more than {MAX_ROWS:,} rows. "
                    "Split it into smaller files",
                    code="too_many_rows",
                )
            rows.append(row)
    if not rows:
        raise ValidationError(f"The file {name} has no rows under its header row", code="no_rows")
    return Table(headers=headers, rows=rows)
