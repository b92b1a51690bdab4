"""A roster or completions file kept as bytes and read again, row by row, on each pass.

Workforce files run to hundreds of thousands of rows, so they are streamed rather than held as
a list: checking, previewing and importing each read the file through once more.
"""

from dataclasses import dataclass

from answerable.core.limited import stream_limited
from answerable.core.tables import Rows, open_table


@dataclass(frozen=True)
class StoredTable:
    """An uploaded file's bytes with what is needed to read them again."""

    content: bytes
    kind: str
    name: str

    def open(self) -> tuple[list[str], Rows]:
        """Return the header row and a generator of the data rows; raise if malformed.

        The file is read in a child process with a time and memory limit (`core.limited`);
        the time counts only while the rows are awaited, not while the caller works on them.
        """
        return stream_limited(_open, self.content, self.kind, self.name, name=self.name)

    def headers(self) -> list[str]:
        headers, _ = self.open()
        return headers

    def rows(self) -> Rows:
        """Yield (row number in the file, cells padded to the header's width) for data rows."""
        _, rows = self.open()
        return rows


def _open(content: bytes, kind: str, name: str) -> tuple[list[str], Rows]:
    return open_table(content, kind=kind, name=name)
