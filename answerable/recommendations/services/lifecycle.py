"""Changing the register after it is loaded (issue #17): editing a source or a recommendation
with a reason, and one recommendation superseding another. Archiving is in `archiving`.
"""

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from answerable.accounts.models import User
from answerable.audit.services import audit_record
from answerable.core.models import locked_for_edit
from answerable.recommendations.deadlines import deadline_from_text
from answerable.recommendations.models import Action, Recommendation, RecommendationLink, Source
from answerable.recommendations.selectors import can_manage_register
from answerable.recommendations.services.themes import theme_get_or_create
from answerable.recommendations.tallies import (
    action_counted,
    tally_move,
)

CONFLICT = gettext_lazy(
    "Someone else changed this while you were editing it. "
    "Check their changes below and make yours again."
)


def require_manager(actor: User, source: Source, message: str) -> None:
    if not can_manage_register(user=actor, source=source):
        raise PermissionDenied(message)


def required_reason(reason: str, message: str) -> str:
    if not reason.strip():
        raise ValidationError({"reason": message})
    return reason.strip()


def recommendation_locked_for_edit(
    recommendation: Recommendation, *, expected_version: int, conflict: str, archived: str
) -> Recommendation:
    """The recommendation as saved, locked, if it is still the version the form was drawn
    from (else `conflict`) and is not archived (else `archived`)."""
    recommendation = locked_for_edit(
        Recommendation.objects.select_related("source__owner"),
        pk=recommendation.pk,
        expected_version=expected_version,
        message=conflict,
    )
    if recommendation.is_archived:
        raise ValidationError(archived)
    return recommendation


def source_change_record(
    *, actor: User, source: Source, action: str, changes: dict[str, Any], note: str
) -> Source:
    """Record the change to the source in its office's trail; return the source."""
    audit_record(
        actor=actor,
        action=action,
        target=source,
        organisation=source.owner,
        changes=changes,
        note=note,
    )
    return source


def _changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    changes = {key: [before[key], value] for key, value in after.items() if before[key] != value}
    if not changes:
        raise ValidationError(_("Nothing has changed: change a detail, or go back"))
    return changes


# --- editing -------------------------------------------------------------------------------


@transaction.atomic
def source_update(
    *,
    actor: User,
    source: Source,
    expected_version: int,
    reason: str,
    title: str,
    kind: str,
    publisher: str,
    published_on: Any,
    url: str,
    deadline_rule: str,
) -> Source:
    """Correct a source's details, saying why; the change and its reason stay in its history.

    `expected_version` is the version the form was drawn from: a save drawn from an older
    one is refused (core.models.locked_for_edit).
    """
    require_manager(actor, source, _("Only a scrutiny officer of the office can edit a source"))
    reason = required_reason(reason, _("Enter why the details are changing"))
    source = locked_for_edit(
        Source.objects.select_related("owner"),
        pk=source.pk,
        expected_version=expected_version,
        message=str(CONFLICT),
    )
    fields = ("title", "kind", "publisher", "published_on", "url", "deadline_rule")
    before = {name: getattr(source, name) for name in fields}
    after = {
        "title": title.strip(),
        "kind": kind,
        "publisher": publisher.strip(),
        "published_on": published_on,
        "url": url,
        "deadline_rule": deadline_rule,
    }
    changes = _changes(before, after)
    for name, value in after.items():
        setattr(source, name, value)
    if (
        "title" in changes
        and Source.objects.filter(owner=source.owner, title__iexact=source.title)
        .exclude(pk=source.pk)
        .exists()
    ):
        raise ValidationError({"title": _("The office already has a source with this title")})
    source.version += 1
    source.full_clean()
    source.save(update_fields=[*changes, "version", "updated_at"])
    return source_change_record(
        actor=actor, source=source, action="source.updated", changes=changes, note=reason
    )


@transaction.atomic
def recommendation_update(
    *,
    actor: User,
    recommendation: Recommendation,
    expected_version: int,
    reason: str,
    reference: str,
    text: str,
    finding_type: str,
    addressees: str,
    themes: Sequence[str],
) -> Recommendation:
    """Correct a recommendation's reference, text, finding type, addressees or themes, saying
    why. A deadline written in a changed text becomes its deadline, as when it was added."""
    require_manager(
        actor, recommendation.source, _("Only a scrutiny officer of the office can edit this")
    )
    reason = required_reason(reason, _("Enter why the recommendation is changing"))
    recommendation = recommendation_locked_for_edit(
        recommendation,
        expected_version=expected_version,
        conflict=str(CONFLICT),
        archived=_("An archived recommendation cannot be edited: restore it first"),
    )
    theme_objects = theme_get_or_create(
        actor=actor, office=recommendation.source.owner, names=themes
    )
    before = {
        "reference": recommendation.reference,
        "text": recommendation.text,
        "finding_type": recommendation.finding_type,
        "addressees": recommendation.addressees,
        "themes": sorted(t.name for t in recommendation.themes.all()),
    }
    after = {
        "reference": reference.strip(),
        "text": text.strip(),
        "finding_type": finding_type,
        "addressees": addressees.strip(),
        "themes": sorted(t.name for t in theme_objects),
    }
    changes = _changes(before, after)
    if (
        "reference" in changes
        and Recommendation.objects.filter(
            source=recommendation.source, reference__iexact=after["reference"]
        )
        .exclude(pk=recommendation.pk)
        .exists()
    ):
        raise ValidationError(
            {
                "reference": _("%(source)s already has a recommendation %(reference)s")
                % {"source": recommendation.source.title, "reference": after["reference"]}
            }
        )
    fields = [name for name in changes if name != "themes"]
    for name in fields:
        setattr(recommendation, name, after[name])
    if "text" in changes:
        deadline = deadline_from_text(recommendation.text)
        if deadline != recommendation.deadline_on:
            changes["deadline_on"] = [recommendation.deadline_on, deadline]
            recommendation.deadline_on = deadline
            fields.append("deadline_on")
    recommendation.version += 1
    recommendation.full_clean()
    recommendation.save(update_fields=[*fields, "version", "updated_at"])
    if "themes" in changes:
        recommendation.themes.set(theme_objects)
    audit_record(
        actor=actor,
        action="recommendation.updated",
        target=recommendation,
        organisation=recommendation.source.owner,
        changes=changes,
        note=reason,
    )
    return recommendation


def with_source(rows: Any, source: Source) -> list[Any]:
    """The rows, locked, each given the source already read (the tallies read its office)."""
    rows = list(rows.select_for_update(of=("self",)).order_by("pk"))
    for row in rows:
        row.source = source
    return rows


# --- superseding ---------------------------------------------------------------------------


@transaction.atomic
def recommendation_supersede(
    *, actor: User, recommendation: Recommendation, superseded_by: Recommendation, reason: str
) -> Recommendation:
    """Record that `superseded_by` replaces `recommendation`, with the reason.

    The superseded recommendation stays in the lists, shown as superseded, with its actions;
    their target dates stop running, so none is overdue or due. Both recommendations' pages
    and histories show the relation.
    """
    message = _("Only a scrutiny officer of the office can record that one supersedes another")
    require_manager(actor, recommendation.source, message)
    require_manager(actor, superseded_by.source, message)
    reason = required_reason(reason, _("Enter why it is superseded"))
    # Both locked, in id order, so two officers superseding each by the other cannot deadlock.
    locked = {
        r.pk: r
        for r in Recommendation.objects.select_for_update(of=("self",))
        .select_related("source__owner")
        .filter(pk__in=[recommendation.pk, superseded_by.pk])
        .order_by("pk")
    }
    recommendation, superseded_by = locked[recommendation.pk], locked[superseded_by.pk]
    if recommendation.pk == superseded_by.pk:
        raise ValidationError({"superseded_by": _("A recommendation cannot supersede itself")})
    if recommendation.is_superseded:
        raise ValidationError(_("This recommendation is already superseded"))
    if superseded_by.is_superseded:
        raise ValidationError(
            {"superseded_by": _("That recommendation is itself superseded: choose the latest")}
        )
    if recommendation.is_archived or superseded_by.is_archived:
        raise ValidationError({"superseded_by": _("An archived recommendation cannot be used")})
    now = timezone.now()
    actions = with_source(recommendation.actions.all(), recommendation.source)
    for action in actions:
        if not action.is_archived:
            counted_as = action_counted(action)
            action.is_superseded = True
            tally_move(counted_as, action_counted(action))
    Action.objects.filter(pk__in=[a.pk for a in actions]).update(is_superseded=True, updated_at=now)
    recommendation.superseded_by, recommendation.superseded_at = superseded_by, now
    recommendation.save(update_fields=["superseded_by", "superseded_at", "updated_at"])
    RecommendationLink.objects.get_or_create(
        from_recommendation=superseded_by,
        to_recommendation=recommendation,
        kind=RecommendationLink.Kind.SUPERSEDES,
    )
    label = f"{superseded_by.source.title} {superseded_by.reference}"
    audit_record(
        actor=actor,
        action="recommendation.superseded",
        target=recommendation,
        organisation=recommendation.source.owner,
        changes={"superseded_by": [None, label]},
        note=reason,
    )
    audit_record(
        actor=actor,
        action="recommendation.supersedes",
        target=superseded_by,
        organisation=superseded_by.source.owner,
        changes={"supersedes": [None, f"{recommendation.source.title} {recommendation.reference}"]},
        note=reason,
    )
    return recommendation
