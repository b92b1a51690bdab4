"""What was recorded on actions the caller has already scoped (for a progress report):
updates, assessments, moved target dates, public narratives and evidence."""

from django.db.models import QuerySet

from answerable.recommendations.models import (
    Action,
    Assessment,
    Evidence,
    PublicNarrative,
    TargetDateChange,
    Update,
)


def action_update_list(*, actions: QuerySet[Action]) -> QuerySet[Update]:
    """The updates written on these actions."""
    return Update.objects.filter(action__in=actions.values("pk"))


def action_assessment_list(*, actions: QuerySet[Action]) -> QuerySet[Assessment]:
    """The assessments made of these actions."""
    return Assessment.objects.filter(action__in=actions.values("pk"))


def action_target_date_change_list(*, actions: QuerySet[Action]) -> QuerySet[TargetDateChange]:
    """The changes of these actions' target dates."""
    return TargetDateChange.objects.filter(action__in=actions.values("pk"))


def action_approved_narrative_list(*, actions: QuerySet[Action]) -> QuerySet[PublicNarrative]:
    """The public text of these actions' updates that the office approved for the public."""
    return PublicNarrative.objects.filter(
        status=PublicNarrative.Status.APPROVED, update__action__in=actions.values("pk")
    )


def action_evidence_list(*, actions: QuerySet[Action]) -> QuerySet[Evidence]:
    """The evidence offered for these actions, published or not."""
    return Evidence.objects.filter(action__in=actions.values("pk"))


def recommendation_assessment_list(*, recommendation_ids: list[int]) -> QuerySet[Assessment]:
    """The assessments made of these recommendations as a whole."""
    return Assessment.objects.filter(recommendation_id__in=recommendation_ids)
