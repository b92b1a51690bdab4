"""The register's models, by concern; every model and choice is importable from here."""

from answerable.recommendations.models.following import Follow
from answerable.recommendations.models.marked_files import MarkedFile
from answerable.recommendations.models.register import (
    Action,
    Recommendation,
    RecommendationLink,
    Source,
)
from answerable.recommendations.models.saved_views import SavedView
from answerable.recommendations.models.statuses import (
    OPEN_STATUSES,
    AssuranceStatus,
    DeliveryStatus,
)
from answerable.recommendations.models.tallies import (
    ActionTally,
    OpenActionTally,
    PartnerRecommendationTally,
    PartnerSourceActionTally,
    RecommendationTally,
    SourceActionTally,
)
from answerable.recommendations.models.themes import Theme
from answerable.recommendations.models.updates import (
    Assessment,
    Evidence,
    PublicNarrative,
    TargetDateChange,
    Update,
)

__all__ = [
    "OPEN_STATUSES",
    "Action",
    "ActionTally",
    "Assessment",
    "AssuranceStatus",
    "DeliveryStatus",
    "Evidence",
    "Follow",
    "MarkedFile",
    "OpenActionTally",
    "PartnerRecommendationTally",
    "PartnerSourceActionTally",
    "PublicNarrative",
    "Recommendation",
    "RecommendationLink",
    "RecommendationTally",
    "SavedView",
    "Source",
    "SourceActionTally",
    "TargetDateChange",
    "Theme",
    "Update",
]
