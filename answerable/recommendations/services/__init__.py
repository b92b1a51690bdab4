"""The register's services: every change to it, permission-checked, validated and audited
in one transaction. `register` adds sources, recommendations and actions; `updates` the
progress updates on an action and `assurance` the verdicts on them; `action_plan` an action's
lead and target date; `responses` the responses to recommendations and sources; `lifecycle`
editing and superseding what is loaded, `archiving` archiving and restoring it;
`publication` what goes on the public site; `narratives` the public text of updates and the
office's review of it; `themes` each office's list of themes; `saved_views` the lists people
save."""

from answerable.recommendations.services.action_plan import (
    action_lead_assign,
    action_target_date_change,
)
from answerable.recommendations.services.archiving import (
    action_archive,
    action_restore,
    recommendation_archive,
    recommendation_restore,
    source_archive,
    source_restore,
)
from answerable.recommendations.services.assurance import (
    ASSURABLE_STATUSES,
    assessment_record,
    assurance_reopen,
)
from answerable.recommendations.services.following import follow_create, follow_delete
from answerable.recommendations.services.lifecycle import (
    recommendation_supersede,
    recommendation_update,
    source_update,
)
from answerable.recommendations.services.narratives import (
    public_narrative_approve,
    public_narrative_propose,
    public_narrative_reject,
)
from answerable.recommendations.services.publication import source_publish, source_withdraw
from answerable.recommendations.services.register import (
    action_create,
    recommendation_create,
    recommendation_link_create,
    source_create,
    source_new,
    sources_import,
)
from answerable.recommendations.services.responses import (
    recommendation_response_record,
    source_response_record,
)
from answerable.recommendations.services.saved_views import (
    SAVED_VIEW_PARAMETERS,
    saved_view_create,
    saved_view_delete,
    saved_view_query,
)
from answerable.recommendations.services.themes import (
    theme_create,
    theme_get_or_create,
    theme_merge,
    theme_rename,
)
from answerable.recommendations.services.updates import EvidenceInput, update_post

__all__ = [
    "follow_create",
    "follow_delete",
    "SAVED_VIEW_PARAMETERS",
    "saved_view_create",
    "saved_view_delete",
    "saved_view_query",
    "ASSURABLE_STATUSES",
    "EvidenceInput",
    "action_archive",
    "action_restore",
    "recommendation_archive",
    "recommendation_restore",
    "recommendation_supersede",
    "recommendation_update",
    "source_archive",
    "source_restore",
    "source_update",
    "action_create",
    "action_lead_assign",
    "action_target_date_change",
    "assessment_record",
    "assurance_reopen",
    "public_narrative_approve",
    "public_narrative_propose",
    "public_narrative_reject",
    "recommendation_create",
    "recommendation_link_create",
    "recommendation_response_record",
    "source_create",
    "source_new",
    "sources_import",
    "source_publish",
    "source_response_record",
    "source_withdraw",
    "theme_create",
    "theme_get_or_create",
    "theme_merge",
    "theme_rename",
    "update_post",
]
