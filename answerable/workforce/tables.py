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
        # A read begun by `headers()` is handed over unread: starting a child costs the
        # file's bytes sent to it, a fifth of a second for a national file (issue #12).
        opened = self.__dict__.pop("_unread", None)
        if opened is None:
            opened = stream_limited(_open, self.content, self.kind, self.name, name=self.name)
            self.__dict__["_headers"] = opened[0]
        return opened

    def headers(self) -> list[str]:
        """The header row, read once; the read's rows are kept for the next `open()`."""
        if "_headers" not in self.__dict__:
            self.__dict__["_unread"] = self.open()
        return list(self.__dict__["_headers"])

    def rows(self) -> Rows:
        """Yield (row number in the file, cells padded to the header's width) for data rows."""
        _, rows = self.open()
        return rows

    def __getstate__(self) -> dict[str, object]:
        """Only the file: a read under way stays with this copy."""
        return {"content": self.content, "kind": self.kind, "name": self.name}


def _open(content: bytes, kind: str, name: str) -> tuple[list[str], Rows]:
    return open_table(content, kind=kind, name=name)
