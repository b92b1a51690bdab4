"""Putting a source on the public site, and taking it off (issue #14).

Nothing of a source is public until its office publishes it; withdrawing it takes every part
of it off every public page, download and feed at once, since each reads `public_since`.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from answerable.accounts.models import User
from answerable.audit.services import audit_record
from answerable.organisations.selectors import second_approver_required
from answerable.recommendations.models import Source
from answerable.recommendations.selectors import can_manage_register


@transaction.atomic
def source_publish(*, actor: User, source: Source) -> Source:
    """Show the source, its recommendations and the partners' progress on the public site.

    Where the office requires a second approver, the first call only asks to publish; another
    scrutiny officer of the office publishes it. `public_since` says which happened.
    """
    if not can_manage_register(user=actor, source=source):
        raise PermissionDenied(_("Only a scrutiny officer of the office can publish this source"))
    source = (
        Source.objects.select_for_update(of=("self",)).select_related("owner").get(pk=source.pk)
    )
    if source.public_since is not None:
        raise ValidationError(
            {"source": _("%(title)s is already public") % {"title": source.title}}
        )
    if source.is_archived:
        raise ValidationError({"source": _("An archived source cannot be published")})
    if source.owner.requires_second_approval and source.publish_requested_by_id is None:
        source.publish_requested_by = actor
        source.publish_requested_at = timezone.now()
        source.save(update_fields=["publish_requested_by", "publish_requested_at", "updated_at"])
        audit_record(
            actor=actor,
            action="source.publication_requested",
            target=source,
            organisation=source.owner,
            changes={"publish_requested_by": [None, actor.pk]},
        )
        return source
    if second_approver_required(
        office=source.owner, proposed_by_id=source.publish_requested_by_id, actor=actor
    ):
        raise ValidationError(
            {
                "source": _(
                    "Your office requires someone other than the person who asked to publish it"
                )
            }
        )
    requested_by = source.publish_requested_by
    source.public_since = timezone.now()
    source.publish_requested_by, source.publish_requested_at = None, None
    source.save(
        update_fields=["public_since", "publish_requested_by", "publish_requested_at", "updated_at"]
    )
    audit_record(
        actor=actor,
        action="source.published",
        target=source,
        organisation=source.owner,
        changes={"public_since": [None, source.public_since]},
        note=f"Asked for by {requested_by}" if requested_by else "",
    )
    return source


@transaction.atomic
def source_withdraw(*, actor: User, source: Source, reason: str) -> Source:
    """Take the source and everything under it off the public site, with the reason why."""
    if not can_manage_register(user=actor, source=source):
        raise PermissionDenied(_("Only a scrutiny officer of the office can withdraw this source"))
    if not reason.strip():
        raise ValidationError({"reason": _("Enter why the source is coming off the public site")})
    source = Source.objects.select_for_update().get(pk=source.pk)
    if source.public_since is None:
        raise ValidationError({"source": _("%(title)s is not public") % {"title": source.title}})
    previous = source.public_since
    source.public_since = None
    source.save(update_fields=["public_since", "updated_at"])
    audit_record(
        actor=actor,
        action="source.withdrawn",
        target=source,
        organisation=source.owner,
        changes={"public_since": [previous, None]},
        note=reason.strip()[:500],
    )
    return source
