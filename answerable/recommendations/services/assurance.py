"""Assurance: a scrutiny officer's verdict on an action or a recommendation, and reopening
it, each recorded and audited in one transaction."""

from typing import TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from answerable.accounts.models import User
from answerable.audit.services import audit_record
from answerable.recommendations.models import (
    Action,
    Assessment,
    AssuranceStatus,
    DeliveryStatus,
    Recommendation,
)
from answerable.recommendations.selectors import can_assess
from answerable.recommendations.tallies import (
    action_counted,
    partners_recounted,
    recommendation_counted,
    tally_move,
)

# Assurance can only be given once the owner says the work is done.
ASSURABLE_STATUSES = {DeliveryStatus.READY_FOR_ASSESSMENT, DeliveryStatus.COMPLETED}


@transaction.atomic
def assessment_record(
    *,
    actor: User,
    verdict: str,
    rationale: str,
    action: Action | None = None,
    recommendation: Recommendation | None = None,
) -> Assessment:
    """Decide assurance on an action or a recommendation. Only scrutiny officers decide."""
    if (action is None) == (recommendation is None):
        raise ValueError("Assess exactly one of an action or a recommendation")
    action, recommendation = _locked(action), _locked(recommendation)
    subject_recommendation = recommendation or action.recommendation  # type: ignore[union-attr]
    if not can_assess(user=actor, recommendation=subject_recommendation):
        raise PermissionDenied("Only a scrutiny officer of the office can decide assurance")
    if verdict not in {
        Assessment.Verdict.ASSURED,
        Assessment.Verdict.PARTLY_ASSURED,
        Assessment.Verdict.NOT_ASSURED,
    }:
        raise ValidationError({"verdict": "Select assured, partly assured or not assured"})
    if not rationale.strip():
        raise ValidationError({"rationale": "Enter the rationale for the assessment"})
    if (
        action is not None
        and verdict == Assessment.Verdict.ASSURED
        and action.delivery_status not in ASSURABLE_STATUSES
    ):
        raise ValidationError(
            {
                "verdict": "An action can only be assured once its owner marks it ready for "
                "assessment or completed"
            }
        )
    return _assessment_write(
        actor=actor,
        verdict=verdict,
        rationale=rationale.strip(),
        action=action,
        recommendation=recommendation,
        event="assessment.recorded",
    )


@transaction.atomic
def assurance_reopen(
    *,
    actor: User,
    reason: str,
    action: Action | None = None,
    recommendation: Recommendation | None = None,
) -> Assessment:
    """Reopen an assured or partly assured decision, with a reason, so work can resume."""
    subject: Action | Recommendation
    action, recommendation = _locked(action), _locked(recommendation)
    if action is not None and recommendation is None:
        subject, subject_recommendation = action, action.recommendation
    elif recommendation is not None and action is None:
        subject = subject_recommendation = recommendation
    else:
        raise ValueError("Reopen exactly one of an action or a recommendation")
    if not can_assess(user=actor, recommendation=subject_recommendation):
        raise PermissionDenied("Only a scrutiny officer of the office can reopen assurance")
    if subject.assurance_status not in (
        AssuranceStatus.ASSURED,
        AssuranceStatus.PARTLY_ASSURED,
    ):
        raise ValidationError(
            {"reason": "Only an assured or partly assured decision can be reopened"}
        )
    if not reason.strip():
        raise ValidationError({"reason": "Enter the reason for reopening"})
    return _assessment_write(
        actor=actor,
        verdict=Assessment.Verdict.REOPENED,
        rationale=reason.strip(),
        action=action,
        recommendation=recommendation,
        event="assessment.reopened",
    )


Subject = TypeVar("Subject", Action, Recommendation)


def _locked(subject: Subject | None) -> Subject | None:
    """The subject as it stands now, locked until the transaction ends: a decision is made on
    the status the owner last reported, not the one a page showed."""
    if subject is None:
        return None
    locked = (
        type(subject)
        .objects.select_related("source")
        .select_for_update(of=("self",))
        .get(pk=subject.pk)
    )
    if locked.is_archived:
        raise ValidationError("This is archived: restore it before changing it")
    return locked


def _assessment_write(
    *,
    actor: User,
    verdict: str,
    rationale: str,
    action: Action | None,
    recommendation: Recommendation | None,
    event: str,
) -> Assessment:
    subject: Action | Recommendation = action or recommendation  # type: ignore[assignment]
    assessment = Assessment.objects.create(
        action=action,
        recommendation=recommendation,
        verdict=verdict,
        rationale=rationale,
        assessed_by=actor,
    )
    previous = subject.assurance_status
    counted = action_counted if action is not None else recommendation_counted
    counted_as = counted(subject)  # type: ignore[arg-type]
    subject.assurance_status = verdict
    fields = ["assurance_status", "updated_at"]
    if action is not None:
        action.assessed_at = assessment.created_at
        fields.append("assessed_at")
    # A recommendation's partners count it by its assurance status too.
    with partners_recounted([recommendation.pk] if recommendation is not None else []):
        subject.save(update_fields=fields)
    tally_move(counted_as, counted(subject))  # type: ignore[arg-type]
    owner = action.owner if action is not None else recommendation.source.owner  # type: ignore[union-attr]
    audit_record(
        actor=actor,
        action=event,
        target=subject,
        organisation=owner,
        changes={"assurance_status": [previous, verdict]},
        note=rationale[:500],
    )
    return assessment
