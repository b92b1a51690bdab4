"""The saved views a person may use: their own, and those shared in their organisations."""

from django.db.models import Q, QuerySet
from django.http import Http404

from answerable.accounts.models import User
from answerable.organisations.selectors import access_for
from answerable.recommendations.models import SavedView


def saved_view_list(*, user: User, list_kind: str) -> QuerySet[SavedView]:
    """The user's own views of the list and those shared with their organisations, by name."""
    return (
        SavedView.objects.filter(
            Q(created_by=user)
            | Q(is_shared=True, organisation_id__in=access_for(user).organisation_ids),
            list_kind=list_kind,
        )
        .select_related("created_by")
        .order_by("name", "pk")
    )


def saved_view_get_own(*, user: User, pk: int) -> SavedView:
    """Return a view the user saved; raise Http404 for anyone else's."""
    try:
        return SavedView.objects.select_related("organisation").get(pk=pk, created_by=user)
    except SavedView.DoesNotExist:
        raise Http404("No such saved view") from None
