"""The preview of an import: both files read through, what would be written, what is wrong.

Apart from `rows` because it uses the fast completions check, which builds on `rows`.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from answerable.workforce.importing.columns import COMPLETIONS, ROSTER
from answerable.workforce.importing.completions import completions_check
from answerable.workforce.importing.rows import (
    PREVIEW_ROWS,
    CompletionRow,
    ErrorLog,
    RosterRow,
    roster_rows,
)
from answerable.workforce.tables import StoredTable


@dataclass
class ImportPlan:
    staff_count: int = 0
    completion_count: int = 0
    by_type: Counter[str] = field(default_factory=Counter)
    skipped_courses: Counter[str] = field(default_factory=Counter)
    errors: ErrorLog = field(default_factory=ErrorLog)
    roster_preview: list[RosterRow] = field(default_factory=list)
    completion_preview: list[CompletionRow] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return self.errors.count == 0

    @property
    def skipped_count(self) -> int:
        return sum(self.skipped_courses.values())


def import_plan(
    *,
    roster: StoredTable,
    completions: StoredTable,
    mapping: dict[str, dict[str, str]],
    courses: dict[str, int],
    taken_on: datetime.date,
) -> ImportPlan:
    """Read both files through and say what an import would write, or what is wrong."""
    plan = ImportPlan()
    known_ids: set[str] = set()
    for staff in roster_rows(roster, mapping[ROSTER], plan.errors, known_ids):
        plan.staff_count += 1
        plan.by_type[staff.workforce_type] += 1
        if len(plan.roster_preview) < PREVIEW_ROWS:
            plan.roster_preview.append(staff)
    checked = completions_check(
        completions,
        mapping[COMPLETIONS],
        plan.errors,
        staff={staff_id: number for number, staff_id in enumerate(known_ids)},
        courses=courses,
        taken_on=taken_on,
        skipped=plan.skipped_courses,
    )
    plan.completion_count = len(checked)
    plan.completion_preview = checked.preview
    return plan
