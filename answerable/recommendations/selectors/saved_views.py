"""The saved views a person may use: their own, and those shared in their organisations."""

from collections.abc import Callable
from functools import partial

from django.db.models import Q, QuerySet
from django.http import Http404

from answerable.accounts.models import User
from answerable.core.prepared import prepared_list
from answerable.organisations.selectors import access_for
from answerable.recommendations.models import SavedView


def _saved_views(
    list_kind: str, user_id: int, organisations: frozenset[int]
) -> QuerySet[SavedView]:
    return (
        SavedView.objects.filter(
            Q(created_by_id=user_id) | Q(is_shared=True, organisation_id__in=organisations),
            list_kind=list_kind,
        )
        .select_related("created_by")
        .order_by("name", "pk")
    )


# One build per list, its kind part of the SQL: prepared_list builds the SQL from ids alone.
_BUILDS: dict[str, Callable[[int, frozenset[int]], QuerySet[SavedView]]] = {
    kind: partial(_saved_views, kind) for kind in SavedView.ListKind.values
}


def saved_view_list(*, user: User, list_kind: str) -> list[SavedView]:
    """The user's own views of the list and those shared with their organisations, by name.

    Asked on every list page, usually to find none: its SQL is built once per process
    (core.prepared), which took longer through the ORM than running it (issue #12).
    """
    return prepared_list(
        f"saved_view_list:{list_kind}",
        SavedView,
        _BUILDS[SavedView.ListKind(list_kind)],
        user.pk,
        access_for(user).organisation_ids,
    )


def saved_view_get_own(*, user: User, pk: int) -> SavedView:
    """Return a view the user saved; raise Http404 for anyone else's."""
    try:
        return SavedView.objects.select_related("organisation").get(pk=pk, created_by=user)
    except SavedView.DoesNotExist:
        raise Http404("No such saved view") from None
