"""Archiving and restoring sources, recommendations and actions (issue #17).

Archiving takes a row out of every list and count, but never deletes it: it stays readable at
its address. Archiving a source or recommendation archives what is under it that is still
live, at the same time; restoring it restores exactly those, not what had been archived on its
own before. Every change moves the register's tallies in its own transaction.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from answerable.accounts.models import User
from answerable.audit.services import audit_record
from answerable.recommendations.models import Action, Recommendation, Source
from answerable.recommendations.services.lifecycle import (
    require_manager,
    required_reason,
    source_change_record,
    with_source,
)
from answerable.recommendations.tallies import (
    action_counted,
    partners_recounted,
    recommendation_counted,
    tally_add,
)

# --- archiving -----------------------------------------------------------------------------


def _archive_rows(
    recommendations: list[Recommendation], actions: list[Action], at: Any, *, archive: bool
) -> None:
    """Archive (or restore) the rows, moving them out of (or back into) the tallies."""
    counted = [recommendation_counted(r) for r in recommendations]
    counted += [action_counted(a) for a in actions]
    tally_add(counted, delta=-1 if archive else 1)
    values = {"is_archived": archive, "archived_at": at if archive else None}
    now = timezone.now()
    recommendation_ids = [r.pk for r in recommendations]
    with partners_recounted(recommendation_ids):
        Recommendation.objects.filter(pk__in=recommendation_ids).update(**values, updated_at=now)
    Action.objects.filter(pk__in=[a.pk for a in actions]).update(**values, updated_at=now)


def _locked_source(source: Source) -> Source:
    return Source.objects.select_for_update(of=("self",)).select_related("owner").get(pk=source.pk)


@transaction.atomic
def source_archive(*, actor: User, source: Source, reason: str) -> Source:
    """Archive a source with the reason why, and its live recommendations and actions with it.

    It leaves every list and count and the public site (restoring it does not publish it
    again); it stays readable at its address.
    """
    require_manager(actor, source, _("Only a scrutiny officer of the office can archive this"))
    reason = required_reason(reason, _("Enter why the source is being archived"))
    source = _locked_source(source)
    if source.is_archived:
        raise ValidationError(_("This source is already archived"))
    at = timezone.now()
    recommendations = with_source(source.recommendations.filter(is_archived=False), source)
    actions = with_source(source.actions.filter(is_archived=False), source)
    _archive_rows(recommendations, actions, at, archive=True)
    changes: dict[str, list[Any]] = {
        "is_archived": [False, True],
        "recommendations_archived": [0, len(recommendations)],
        "actions_archived": [0, len(actions)],
    }
    if source.public_since is not None:
        changes["public_since"] = [source.public_since, None]
    source.is_archived, source.archived_at, source.public_since = True, at, None
    source.publish_requested_by, source.publish_requested_at = None, None
    source.save(
        update_fields=[
            "is_archived",
            "archived_at",
            "public_since",
            "publish_requested_by",
            "publish_requested_at",
            "updated_at",
        ]
    )
    return source_change_record(
        actor=actor, source=source, action="source.archived", changes=changes, note=reason
    )


@transaction.atomic
def source_restore(*, actor: User, source: Source, reason: str = "") -> Source:
    """Bring an archived source back, with what was archived with it (not onto the public
    site: publishing it again is a decision of its own)."""
    require_manager(actor, source, _("Only a scrutiny officer of the office can restore this"))
    source = _locked_source(source)
    if not source.is_archived:
        raise ValidationError(_("This source is not archived"))
    together = {"is_archived": True, "archived_at": source.archived_at}
    recommendations = with_source(source.recommendations.filter(**together), source)
    actions = with_source(source.actions.filter(**together), source)
    _archive_rows(recommendations, actions, None, archive=False)
    source.is_archived, source.archived_at = False, None
    source.save(update_fields=["is_archived", "archived_at", "updated_at"])
    return source_change_record(
        actor=actor,
        source=source,
        action="source.restored",
        changes={
            "is_archived": [True, False],
            "recommendations_restored": [0, len(recommendations)],
            "actions_restored": [0, len(actions)],
        },
        note=reason.strip(),
    )


def _locked_recommendation(recommendation: Recommendation) -> Recommendation:
    return (
        Recommendation.objects.select_for_update(of=("self",))
        .select_related("source__owner")
        .get(pk=recommendation.pk)
    )


@transaction.atomic
def recommendation_archive(
    *, actor: User, recommendation: Recommendation, reason: str
) -> Recommendation:
    """Archive a recommendation with the reason why, and its live actions with it."""
    require_manager(
        actor, recommendation.source, _("Only a scrutiny officer of the office can archive this")
    )
    reason = required_reason(reason, _("Enter why the recommendation is being archived"))
    recommendation = _locked_recommendation(recommendation)
    if recommendation.is_archived:
        raise ValidationError(_("This recommendation is already archived"))
    at = timezone.now()
    actions = with_source(recommendation.actions.filter(is_archived=False), recommendation.source)
    _archive_rows([recommendation], actions, at, archive=True)
    audit_record(
        actor=actor,
        action="recommendation.archived",
        target=recommendation,
        organisation=recommendation.source.owner,
        changes={"is_archived": [False, True], "actions_archived": [0, len(actions)]},
        note=reason,
    )
    return _locked_recommendation(recommendation)


@transaction.atomic
def recommendation_restore(
    *, actor: User, recommendation: Recommendation, reason: str = ""
) -> Recommendation:
    """Bring an archived recommendation back, with the actions archived with it."""
    require_manager(
        actor, recommendation.source, _("Only a scrutiny officer of the office can restore this")
    )
    recommendation = _locked_recommendation(recommendation)
    if not recommendation.is_archived:
        raise ValidationError(_("This recommendation is not archived"))
    if recommendation.source.is_archived:
        raise ValidationError(_("Its source is archived: restore the source instead"))
    actions = with_source(
        recommendation.actions.filter(is_archived=True, archived_at=recommendation.archived_at),
        recommendation.source,
    )
    _archive_rows([recommendation], actions, None, archive=False)
    audit_record(
        actor=actor,
        action="recommendation.restored",
        target=recommendation,
        organisation=recommendation.source.owner,
        changes={"is_archived": [True, False], "actions_restored": [0, len(actions)]},
        note=reason.strip(),
    )
    return _locked_recommendation(recommendation)


def _locked_action(action: Action) -> Action:
    return (
        Action.objects.select_for_update(of=("self",))
        .select_related("source__owner", "recommendation", "owner")
        .get(pk=action.pk)
    )


@transaction.atomic
def action_archive(*, actor: User, action: Action, reason: str) -> Action:
    """Archive an action with the reason why: it leaves every list and count."""
    require_manager(
        actor, action.source, _("Only a scrutiny officer of the office can archive this")
    )
    reason = required_reason(reason, _("Enter why the action is being archived"))
    action = _locked_action(action)
    if action.is_archived:
        raise ValidationError(_("This action is already archived"))
    _archive_rows([], [action], timezone.now(), archive=True)
    audit_record(
        actor=actor,
        action="action.archived",
        target=action,
        organisation=action.owner,
        changes={"is_archived": [False, True]},
        note=reason,
    )
    return _locked_action(action)


@transaction.atomic
def action_restore(*, actor: User, action: Action, reason: str = "") -> Action:
    """Bring an archived action back into the lists and counts."""
    require_manager(
        actor, action.source, _("Only a scrutiny officer of the office can restore this")
    )
    action = _locked_action(action)
    if not action.is_archived:
        raise ValidationError(_("This action is not archived"))
    if action.recommendation.is_archived:
        raise ValidationError(_("Its recommendation is archived: restore that instead"))
    _archive_rows([], [action], None, archive=False)
    audit_record(
        actor=actor,
        action="action.restored",
        target=action,
        organisation=action.owner,
        changes={"is_archived": [True, False]},
        note=reason.strip(),
    )
    return _locked_action(action)
