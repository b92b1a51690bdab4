"""Import sources, recommendations and actions from a spreadsheet, all or nothing.

One row is one recommendation and, when it names an owner, one action per owner (`owner` may
hold several organisations separated by `;`; an owner name no organisation answers to is
mapped by the office to one or more organisations, see `owners`). Rows repeating a source
and reference with other owners add actions to the same recommendation. The whole file is
checked before anything is written (`import_plan`); the write (`recommendations_import`)
calls the register's own services in one transaction, so every object gets its audit event
and a failure leaves nothing behind.
"""

from answerable.recommendations.importing.fields import (
    FIELD_NAMES,
    FIELDS,
    ImportField,
    guess_mapping,
    mapping_errors,
)
from answerable.recommendations.importing.owners import (
    NewOrganisation,
    OwnerDecisions,
    UnknownOwner,
    owner_decisions_read,
)
from answerable.recommendations.importing.plan import import_plan, import_plan_stamp
from answerable.recommendations.importing.planned import (
    ImportPlan,
    PlannedAction,
    PlannedRecommendation,
    PlannedSource,
    RowError,
)
from answerable.recommendations.importing.write import (
    ImportInvalid,
    ImportResult,
    import_office_for,
    recommendations_import,
)

__all__ = [
    "FIELDS",
    "FIELD_NAMES",
    "ImportField",
    "ImportInvalid",
    "ImportPlan",
    "ImportResult",
    "NewOrganisation",
    "OwnerDecisions",
    "PlannedAction",
    "PlannedRecommendation",
    "PlannedSource",
    "RowError",
    "UnknownOwner",
    "guess_mapping",
    "import_office_for",
    "import_plan",
    "import_plan_stamp",
    "mapping_errors",
    "owner_decisions_read",
    "recommendations_import",
]
