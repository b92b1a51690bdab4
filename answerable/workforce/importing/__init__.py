"""Read and check a force's staff roster and training completions before they are imported.

Both files are read row by row. Every problem is named by file, row and field; nothing is
written here. `services.snapshot_import` uses the same readers to write, all or nothing.
"""

from answerable.workforce.importing.columns import (
    COMPLETION_FIELDS,
    COMPLETIONS,
    FIELDS,
    FILE_LABELS,
    ROSTER,
    ROSTER_FIELDS,
    TEMPLATE_EXAMPLES,
    ImportField,
    guess_mapping,
    identifying_column_errors,
    mapping_errors,
)
from answerable.workforce.importing.completions import (
    CheckedCompletions,
    CompletionRows,
    Write,
    completions_check,
)
from answerable.workforce.importing.plan import ImportPlan, import_plan
from answerable.workforce.importing.rows import (
    CompletionRow,
    ErrorLog,
    ImportInvalid,
    RosterRow,
    RowError,
    roster_rows,
)

__all__ = [
    "COMPLETIONS",
    "COMPLETION_FIELDS",
    "FIELDS",
    "FILE_LABELS",
    "ROSTER",
    "ROSTER_FIELDS",
    "TEMPLATE_EXAMPLES",
    "CheckedCompletions",
    "CompletionRow",
    "CompletionRows",
    "ErrorLog",
    "ImportField",
    "ImportInvalid",
    "ImportPlan",
    "RosterRow",
    "RowError",
    "Write",
    "completions_check",
    "guess_mapping",
    "identifying_column_errors",
    "import_plan",
    "mapping_errors",
    "roster_rows",
]
