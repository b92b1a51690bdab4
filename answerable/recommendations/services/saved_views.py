"""Saving a list's filters under a name, for oneself or one's organisation (issue #17)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import QueryDict
from django.utils.translation import gettext as _

from answerable.accounts.models import User
from answerable.audit.services import audit_record
from answerable.organisations.selectors import access_for
from answerable.recommendations.models import SavedView

# The filters each list's form reads: nothing else in a query string is kept (a page
# number or keyset cursor would go stale, and anything else is not the list's to keep).
SAVED_VIEW_PARAMETERS = {
    SavedView.ListKind.RECOMMENDATIONS: (
        "q",
        "source",
        "owner",
        "delivery_status",
        "assurance_status",
        "finding_type",
        "theme",
        "sort",
    ),
    SavedView.ListKind.ACTIONS: (
        "q",
        "owner",
        "delivery_status",
        "assurance_status",
        "due",
        "sort",
    ),
}


def saved_view_query(*, list_kind: str, query: str) -> str:
    """The query string's filters for the list, in a fixed order, and nothing else."""
    params = QueryDict(query)
    kept = QueryDict(mutable=True)
    for name in SAVED_VIEW_PARAMETERS[SavedView.ListKind(list_kind)]:
        value = params.get(name, "").strip()
        if value:
            kept[name] = value[:200]
    return kept.urlencode()


@transaction.atomic
def saved_view_create(
    *, actor: User, list_kind: str, name: str, query: str, is_shared: bool
) -> SavedView:
    """Save the list's filters under a name; shared, the actor's organisation sees it too."""
    organisations = access_for(actor).organisation_ids
    if not organisations:
        raise PermissionDenied(_("Only members of an organisation can save views"))
    if list_kind not in SavedView.ListKind.values:
        raise ValidationError(_("Choose a list to save"))
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Enter a name for the view")})
    saved = SavedView(
        created_by=actor,
        # The organisation the person belongs to (the first made, for the rare member of
        # two), as new work goes to an officer's first office.
        organisation_id=min(organisations),
        list_kind=list_kind,
        name=name,
        query=saved_view_query(list_kind=list_kind, query=query),
        is_shared=is_shared,
    )
    saved.full_clean()
    saved.save()
    audit_record(
        actor=actor,
        action="saved_view.created",
        target=saved,
        organisation=saved.organisation,
        changes={
            "name": [None, saved.name],
            "list_kind": [None, saved.list_kind],
            "query": [None, saved.query],
            "is_shared": [None, saved.is_shared],
        },
    )
    return saved


@transaction.atomic
def saved_view_delete(*, actor: User, saved_view: SavedView) -> None:
    """Delete a saved view: only the person who saved it may (a preference, not a record)."""
    if saved_view.created_by_id != actor.pk:
        raise PermissionDenied(_("Only the person who saved a view can delete it"))
    audit_record(
        actor=actor,
        action="saved_view.deleted",
        target=saved_view,
        organisation=saved_view.organisation,
        changes={"name": [saved_view.name, None], "query": [saved_view.query, None]},
    )
    saved_view.delete()
