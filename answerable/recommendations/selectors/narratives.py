"""Public narratives for the office to review, and those on an action's page."""

from django.db.models import QuerySet
from django.http import Http404

from answerable.accounts.models import User
from answerable.core.prepared import prepared_list
from answerable.organisations.selectors import access_for
from answerable.recommendations.models import Action, PublicNarrative
from answerable.recommendations.selectors.register import action_list
from answerable.recommendations.selectors.scope import Role


def narrative_review_queue(*, user: User) -> QuerySet[PublicNarrative]:
    """Narratives waiting for review under the sources of offices the user scrutinises."""
    offices = access_for(user).organisations_with_role(Role.SCRUTINY_OFFICER)
    return (
        PublicNarrative.objects.filter(
            status=PublicNarrative.Status.PROPOSED,
            update__action__source__owner_id__in=offices,
            update__action__in=action_list(user=user).values("pk"),
        )
        .select_related(
            "update__action__recommendation__source", "update__action__owner", "proposed_by"
        )
        .order_by("created_at", "pk")
    )


def narrative_get_for_review(*, user: User, pk: int) -> PublicNarrative:
    """A narrative in the user's review queue; Http404 for any other."""
    try:
        return narrative_review_queue(user=user).get(pk=pk)
    except PublicNarrative.DoesNotExist:
        raise Http404("No such narrative to review") from None


def action_narratives(*, action: Action) -> list[PublicNarrative]:
    """The public narratives proposed on an action the caller has already read, newest first,
    with the columns its page shows: who proposed each, not who reviewed it. Its SQL is
    built once per process (core.prepared)."""
    return prepared_list("action_narratives", PublicNarrative, _action_narratives, action.pk)


def _action_narratives(action_id: int) -> QuerySet[PublicNarrative]:
    return (
        PublicNarrative.objects.filter(update__action_id=action_id)
        .select_related("proposed_by")
        .only("status", "text", "rejection_reason", "created_at", "proposed_by__full_name")
        .order_by("-created_at", "-pk")
    )
