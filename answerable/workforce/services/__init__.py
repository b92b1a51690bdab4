"""Every change to workforce data: each service checks its rule, writes and audits atomically."""

from answerable.workforce.services.courses import (
    course_archive,
    course_create,
    course_restore,
    course_update,
)
from answerable.workforce.services.evidence import coverage_link_create, coverage_link_delete
from answerable.workforce.services.snapshots import (
    completions_mark_latest,
    course_codes,
    coverage_figures_record,
    snapshot_figures_refresh,
    snapshot_import,
)

__all__ = [
    "completions_mark_latest",
    "course_codes",
    "course_archive",
    "course_create",
    "course_restore",
    "course_update",
    "coverage_figures_record",
    "coverage_link_create",
    "coverage_link_delete",
    "snapshot_figures_refresh",
    "snapshot_import",
]
