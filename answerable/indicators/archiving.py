"""Archiving an indicator the office no longer follows, and restoring it (issue #16).

An archived indicator leaves the indicator list, the public site, its open data and the
public API, and takes no more figures. Its page, its figures with their revisions, and the
figures fixed for meetings stay as they were, so the record of what was asked stands.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from answerable.accounts.models import User
from answerable.audit.services import audit_record
from answerable.indicators import selectors
from answerable.indicators.models import Indicator


def _archived_set(*, actor: User, indicator: Indicator, archived: bool, reason: str) -> Indicator:
    if not selectors.can_define_indicators(user=actor, office=indicator.office):
        raise PermissionDenied(_("Only the office's scrutiny officers archive its indicators"))
    indicator = (
        Indicator.objects.select_for_update(of=("self",))
        .select_related("owner", "office")
        .get(pk=indicator.pk)
    )
    if indicator.is_archived == archived:
        raise ValidationError(
            _("This indicator is already archived")
            if archived
            else _("This indicator is not archived")
        )
    indicator.is_archived = archived
    indicator.version += 1
    indicator.save(update_fields=["is_archived", "version", "updated_at"])
    audit_record(
        actor=actor,
        action="indicator.archived" if archived else "indicator.restored",
        target=indicator,
        organisation=indicator.owner,
        changes={"is_archived": [not archived, archived]},
        note=reason.strip(),
    )
    return indicator


@transaction.atomic
def indicator_archive(*, actor: User, indicator: Indicator, reason: str) -> Indicator:
    """Archive the indicator, with the reason why; only the office that defines it may."""
    if not reason.strip():
        raise ValidationError({"reason": _("Enter why it is being archived")})
    return _archived_set(actor=actor, indicator=indicator, archived=True, reason=reason)


@transaction.atomic
def indicator_restore(*, actor: User, indicator: Indicator, reason: str = "") -> Indicator:
    """Bring an archived indicator back to the lists, and to the public site if publishable."""
    return _archived_set(actor=actor, indicator=indicator, archived=False, reason=reason)
