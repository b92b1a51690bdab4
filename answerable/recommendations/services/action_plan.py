"""Changing an action's plan: who leads it and by when. Each change is made from a form drawn
from one version of the action; a save drawn from an older one is refused (issue #11)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from answerable.accounts.models import User
from answerable.audit.services import audit_record
from answerable.core.models import locked_for_edit
from answerable.organisations.models import Membership
from answerable.organisations.selectors import access_for
from answerable.recommendations.models import Action, TargetDateChange
from answerable.recommendations.selectors import can_change_target_date
from answerable.recommendations.tallies import action_counted, tally_move


def _locked_plan(action: Action, *, expected_version: int) -> Action:
    """The action as saved now, locked, if it is still at the version the form was drawn from."""
    action = locked_for_edit(
        Action.objects.select_related("source", "owner"),
        pk=action.pk,
        expected_version=expected_version,
        message=_(
            "Someone else changed this action while you were editing it. "
            "Check their changes below and make yours again."
        ),
    )
    if action.is_archived:
        raise ValidationError(_("This is archived: restore it before changing it"))
    return action


@transaction.atomic
def action_lead_assign(
    *, actor: User, action: Action, lead: User | None, expected_version: int
) -> Action:
    """Name the person in the owner organisation who leads the action.

    `expected_version` is the version of the action the form was drawn from: if someone else
    changed its lead or target date since, nothing is saved.
    """
    if not can_change_target_date(user=actor, action=action):
        raise PermissionDenied(_("You cannot assign this action"))
    if lead is not None and not access_for(lead).has_role(
        Membership.Role.LEAD_OFFICER, action.owner_id
    ):
        raise ValidationError(
            {"lead": _("The lead must be a lead officer of %(owner)s") % {"owner": action.owner}}
        )
    action = _locked_plan(action, expected_version=expected_version)
    previous = action.lead
    action.lead = lead
    action.version += 1
    action.save(update_fields=["lead", "version", "updated_at"])
    audit_record(
        actor=actor,
        action="action.lead_assigned",
        target=action,
        organisation=action.owner,
        changes={"lead": [str(previous) if previous else None, str(lead) if lead else None]},
    )
    return action


@transaction.atomic
def action_target_date_change(
    *,
    actor: User,
    action: Action,
    new_on: datetime.date | None,
    reason: str,
    expected_version: int,
) -> Action:
    """Move an action's target date; every change needs a reason and stays in its history.

    `expected_version` is the version of the action the form was drawn from: if someone else
    changed its lead or target date since, nothing is saved, so no change is made from a date
    the person never saw.
    """
    if not can_change_target_date(user=actor, action=action):
        raise PermissionDenied(_("You cannot re-plan this action"))
    if not reason.strip():
        raise ValidationError({"reason": _("Enter the reason for changing the target date")})
    action = _locked_plan(action, expected_version=expected_version)
    if new_on == action.target_on:
        raise ValidationError({"new_on": _("Enter a target date different from the current one")})
    previous = action.target_on
    counted_as = action_counted(action)
    TargetDateChange.objects.create(
        action=action,
        previous_on=previous,
        new_on=new_on,
        reason=reason.strip(),
        changed_by=actor,
    )
    action.target_on = new_on
    action.version += 1
    action.save(update_fields=["target_on", "version", "updated_at"])
    tally_move(counted_as, action_counted(action))
    audit_record(
        actor=actor,
        action="action.target_date_changed",
        target=action,
        organisation=action.owner,
        changes={"target_on": [previous, new_on]},
        note=reason.strip(),
    )
    return action
