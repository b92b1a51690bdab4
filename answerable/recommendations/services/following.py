"""Following a source, recommendation or action, and stopping (issue #17)."""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404

from answerable.accounts.models import User
from answerable.audit.services import audit_record
from answerable.recommendations.models import Action, Follow, Recommendation, Source
from answerable.recommendations.selectors import (
    action_get_for_user,
    recommendation_get_for_user,
    source_get_for_user,
)
from answerable.recommendations.selectors.following import follow_get


def _require_visible(
    user: User, source: Source | None, recommendation: Recommendation | None, action: Action | None
) -> None:
    if [source, recommendation, action].count(None) != 2:
        raise ValueError("Follow exactly one of a source, a recommendation or an action")
    try:
        if source is not None:
            source_get_for_user(user=user, pk=source.pk)
        elif recommendation is not None:
            recommendation_get_for_user(user=user, pk=recommendation.pk)
        else:
            action_get_for_user(user=user, pk=action.pk)  # type: ignore[union-attr]
    except Http404:
        raise PermissionDenied("You cannot see this, so you cannot follow it") from None


def follow_create(
    *,
    user: User,
    source: Source | None = None,
    recommendation: Recommendation | None = None,
    action: Action | None = None,
) -> Follow:
    """Follow one thing the user may see; following it again changes nothing."""
    _require_visible(user, source, recommendation, action)
    existing = follow_get(user=user, source=source, recommendation=recommendation, action=action)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            follow = Follow(user=user, source=source, recommendation=recommendation, action=action)
            follow.full_clean()
            follow.save()
            audit_record(
                actor=user,
                action="follow.started",
                target=follow,
                changes={
                    follow.kind: [
                        None,
                        follow.source_id or follow.recommendation_id or follow.action_id,
                    ]
                },
            )
    except IntegrityError:  # followed at the same moment in another tab
        found = follow_get(user=user, source=source, recommendation=recommendation, action=action)
        if found is None:
            raise
        return found
    return follow


@transaction.atomic
def follow_delete(*, user: User, follow: Follow) -> None:
    """Stop following: the user's own follows only, even of what they can no longer see."""
    if follow.user_id != user.pk:
        raise PermissionDenied("You can only stop following what you follow")
    target = follow.source_id or follow.recommendation_id or follow.action_id
    audit_record(
        actor=user,
        action="follow.stopped",
        target=follow,
        changes={follow.kind: [target, None]},
    )
    follow.delete()
