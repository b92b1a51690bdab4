"""The office's decisions on suggested pairs of recommendations: audited."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from answerable.accounts.models import User
from answerable.audit.services import audit_record
from answerable.recommendations.models import Recommendation, RecommendationLink
from answerable.recommendations.selectors import can_manage_register, recommendation_list
from answerable.recommendations.services import recommendation_link_create
from answerable.recommendations.services.locks import recommendation_lock
from answerable.recurrence.models import PairDecision


def _decide(
    *, actor: User, recommendation: Recommendation, other: Recommendation, decision: str
) -> PairDecision:
    if not can_manage_register(user=actor, source=recommendation.source):
        raise PermissionDenied("You cannot decide on similar recommendations for this source")
    if other.pk == recommendation.pk:
        raise ValidationError("A recommendation cannot be paired with itself")
    if not recommendation_list(user=actor).filter(pk=other.pk).exists():
        raise PermissionDenied("You cannot see that recommendation")
    office = recommendation.source.owner
    first, second = sorted([recommendation, other], key=lambda r: r.pk)
    # Two people deciding on the same pair at once: the second waits here for the first's
    # decision and is told of it, rather than meeting the unique constraint (issue #11).
    recommendation_lock(pk=first.pk)
    existing = PairDecision.objects.filter(office=office, first=first, second=second).first()
    if existing is not None:
        raise ValidationError(
            f"These recommendations were already {existing.get_decision_display().lower()}"
        )
    pair = PairDecision(
        office=office, first=first, second=second, decision=decision, decided_by=actor
    )
    pair.full_clean()
    pair.save()
    audit_record(
        actor=actor,
        action=f"recurrence_pair.{decision}",
        target=recommendation,
        organisation=office,
        changes={"similar_recommendation": [None, other.pk], "decision": [None, decision]},
    )
    return pair


@transaction.atomic
def pair_confirm(
    *, actor: User, recommendation: Recommendation, other: Recommendation
) -> PairDecision:
    """Record that `other` asks for the same thing, and link it to `recommendation` as
    overlapping (the register's own link, through its service)."""
    pair = _decide(
        actor=actor,
        recommendation=recommendation,
        other=other,
        decision=PairDecision.Decision.CONFIRMED,
    )
    if not recommendation.links_out.filter(
        to_recommendation=other, kind=RecommendationLink.Kind.OVERLAPS
    ).exists():
        recommendation_link_create(
            actor=actor,
            from_recommendation=recommendation,
            to_recommendation=other,
            kind=RecommendationLink.Kind.OVERLAPS,
        )
    return pair


@transaction.atomic
def pair_dismiss(
    *, actor: User, recommendation: Recommendation, other: Recommendation
) -> PairDecision:
    """Record that `other` does not ask for the same thing: never suggested to the office
    again."""
    return _decide(
        actor=actor,
        recommendation=recommendation,
        other=other,
        decision=PairDecision.Decision.DISMISSED,
    )
