"""Every read of the register, scoped to what the user's organisations and roles allow.

`scope` holds the visibility rule and the permissions; the other modules read through it:
`register` (sources, recommendations, actions, evidence), `public` (what the public site
may show), `lists` (the long lists' totals,
filters and orders), `dashboard` and `timeline`. Other apps import from here.
"""

from answerable.recommendations.selectors.dashboard import (
    DASHBOARD_ROWS,
    Dashboard,
    dashboard_summary,
)
from answerable.recommendations.selectors.lists import (
    ACTION_SORTS,
    RECOMMENDATION_SORTS,
    action_count,
    action_filter,
    action_sort,
    recommendation_count,
    recommendation_filter,
    recommendation_groups,
    recommendation_sort,
)
from answerable.recommendations.selectors.narratives import (
    action_narratives,
    narrative_get_for_review,
    narrative_review_queue,
)
from answerable.recommendations.selectors.public import (
    OPEN_DATA_COLUMNS,
    PublicSummary,
    public_actions,
    public_assurance,
    public_narratives,
    public_open_data_rows,
    public_owner_summary,
    public_recommendation_filter,
    public_recommendation_get,
    public_recommendation_list,
    public_search,
    public_source_get,
    public_source_list,
    public_summaries,
)
from answerable.recommendations.selectors.register import (
    action_due_list,
    action_get_for_user,
    action_list,
    assessment_queue,
    evidence_get_for_user,
    recommendation_action_list,
    recommendation_get_for_user,
    recommendation_list,
    source_choice_list,
    source_get_for_user,
    source_list,
    source_options,
)
from answerable.recommendations.selectors.scope import (
    can_assess,
    can_change_target_date,
    can_manage_register,
    can_update_action,
    lead_officer_list,
)
from answerable.recommendations.selectors.timeline import (
    TimelineEntry,
    action_timeline,
    recommendation_timeline,
)

__all__ = [
    "public_recommendation_filter",
    "public_narratives",
    "narrative_review_queue",
    "narrative_get_for_review",
    "action_narratives",
    "ACTION_SORTS",
    "DASHBOARD_ROWS",
    "OPEN_DATA_COLUMNS",
    "RECOMMENDATION_SORTS",
    "Dashboard",
    "PublicSummary",
    "TimelineEntry",
    "action_count",
    "action_due_list",
    "action_filter",
    "action_get_for_user",
    "action_list",
    "action_sort",
    "action_timeline",
    "assessment_queue",
    "can_assess",
    "can_change_target_date",
    "can_manage_register",
    "can_update_action",
    "dashboard_summary",
    "evidence_get_for_user",
    "lead_officer_list",
    "public_actions",
    "public_assurance",
    "public_open_data_rows",
    "public_owner_summary",
    "public_recommendation_get",
    "public_recommendation_list",
    "public_search",
    "public_source_get",
    "public_source_list",
    "public_summaries",
    "recommendation_action_list",
    "recommendation_count",
    "recommendation_filter",
    "recommendation_get_for_user",
    "recommendation_groups",
    "recommendation_list",
    "recommendation_sort",
    "recommendation_timeline",
    "source_choice_list",
    "source_get_for_user",
    "source_list",
    "source_options",
]
