"""What an importer reads from a file: a field, shown by its label, matched to a column."""

from dataclasses import dataclass


@dataclass(frozen=True)
class ImportField:
    name: str
    label: str
    required: bool = False
    hint: str = ""
