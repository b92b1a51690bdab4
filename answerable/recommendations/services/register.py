"""Adding to the register: sources, recommendations, links between them and actions; each
service checks its rule, saves and audits atomically."""

import datetime
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from answerable.accounts.models import User
from answerable.audit.services import audit_record, audit_record_many
from answerable.core.bulk_insert import bulk_insert
from answerable.core.files import CheckedFile
from answerable.organisations.models import Membership, Organisation
from answerable.organisations.selectors import access_for
from answerable.recommendations.deadlines import deadline_from_text
from answerable.recommendations.models import (
    Action,
    Recommendation,
    RecommendationLink,
    Source,
)
from answerable.recommendations.selectors import (
    can_manage_register,
)
from answerable.recommendations.services.themes import theme_get_or_create
from answerable.recommendations.tallies import (
    action_counted,
    partners_recounted,
    recommendation_counted,
    tally_add,
)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


# --- sources -----------------------------------------------------------------------------


@transaction.atomic
def source_create(
    *,
    actor: User,
    owner: Organisation,
    title: str,
    kind: str,
    publisher: str,
    published_on: datetime.date | None = None,
    url: str = "",
    deadline_rule: str = Source.DeadlineRule.NONE,
    document: CheckedFile | None = None,
) -> Source:
    """Record a published report whose recommendations the office will track."""
    _require(
        access_for(actor).has_role(Membership.Role.SCRUTINY_OFFICER, owner.pk),
        "Only a scrutiny officer of the office can add a source",
    )
    source = source_new(
        owner=owner,
        title=title,
        kind=kind,
        publisher=publisher,
        published_on=published_on,
        url=url,
        deadline_rule=deadline_rule,
    )
    if document is not None:
        source.document.save(
            f"{document.sha256}.{document.kind}", ContentFile(document.content), save=False
        )
        source.document_sha256 = document.sha256
    source.full_clean()
    source.save()
    audit_record(
        actor=actor,
        action="source.created",
        target=source,
        organisation=owner,
        changes=_source_created_changes(source),
    )
    return source


def source_new(
    *,
    owner: Organisation,
    title: str,
    kind: str,
    publisher: str,
    published_on: datetime.date | None = None,
    url: str = "",
    deadline_rule: str = Source.DeadlineRule.NONE,
) -> Source:
    """A source as `source_create` makes it, not yet checked or saved."""
    return Source(
        owner=owner,
        title=title.strip(),
        kind=kind,
        publisher=publisher.strip(),
        published_on=published_on,
        url=url,
        deadline_rule=deadline_rule,
    )


def _source_created_changes(source: Source) -> dict[str, Any]:
    return {
        "title": [None, source.title],
        "kind": [None, source.kind],
        "published_on": [None, source.published_on],
        "deadline_rule": [None, source.deadline_rule],
    }


def sources_import(*, actor: User, owner: Organisation, sources: list[Source]) -> None:
    """Write the new sources of an import, made by `source_new` and checked by the import
    row by row (`full_clean`), each with the `source.created` event `source_create` writes:
    in a statement or two, not four queries a source (issue #12)."""
    _require(
        access_for(actor).has_role(Membership.Role.SCRUTINY_OFFICER, owner.pk),
        "Only a scrutiny officer of the office can add a source",
    )
    bulk_insert(sources)
    audit_record_many(
        actor=actor,
        action="source.created",
        targets=sources,
        organisation=owner,
        changes=_source_created_changes,
    )


# --- recommendations ---------------------------------------------------------------------


@transaction.atomic
def recommendation_create(
    *,
    actor: User,
    source: Source,
    reference: str,
    text: str,
    finding_type: str = Recommendation.FindingType.RECOMMENDATION,
    addressees: str = "",
    themes: Sequence[str] = (),
    position: int | None = None,
) -> Recommendation:
    """Add a recommendation to a source; a deadline written in its text becomes its deadline."""
    _require(can_manage_register(user=actor, source=source), "You cannot add to this source")
    if source.is_archived:
        raise ValidationError("An archived source cannot be changed: restore it first")
    if Recommendation.objects.filter(source=source, reference__iexact=reference.strip()).exists():
        raise ValidationError(
            {"reference": f"{source.title} already has a recommendation {reference}"}
        )
    if position is None:
        position = source.recommendations.count() + 1
    recommendation = Recommendation(
        source=source,
        reference=reference.strip(),
        text=text.strip(),
        finding_type=finding_type,
        addressees=addressees.strip(),
        position=position,
        deadline_on=deadline_from_text(text),
    )
    recommendation.full_clean()
    recommendation.save()
    tally_add([recommendation_counted(recommendation)])
    theme_objects = theme_get_or_create(actor=actor, office=source.owner, names=themes)
    recommendation.themes.set(theme_objects)
    audit_record(
        actor=actor,
        action="recommendation.created",
        target=recommendation,
        organisation=source.owner,
        changes={
            "reference": [None, recommendation.reference],
            "text": [None, recommendation.text],
            "finding_type": [None, finding_type],
            "deadline_on": [None, recommendation.deadline_on],
            "themes": [None, sorted(t.name for t in theme_objects)],
        },
    )
    return recommendation


@transaction.atomic
def recommendation_link_create(
    *,
    actor: User,
    from_recommendation: Recommendation,
    to_recommendation: Recommendation,
    kind: str,
) -> RecommendationLink:
    """Record that one recommendation overlaps or supersedes another."""
    _require(
        can_manage_register(user=actor, source=from_recommendation.source),
        "You cannot link recommendations in this source",
    )
    if kind == RecommendationLink.Kind.SUPERSEDES:
        # Superseding changes the superseded one's state: recommendation_supersede does it.
        raise ValidationError({"kind": "Use 'Mark as superseded' on the older recommendation"})
    if from_recommendation.pk == to_recommendation.pk:
        raise ValidationError({"to_recommendation": "A recommendation cannot link to itself"})
    if RecommendationLink.objects.filter(
        from_recommendation=from_recommendation, to_recommendation=to_recommendation, kind=kind
    ).exists():
        raise ValidationError({"to_recommendation": "These recommendations are already linked"})
    link = RecommendationLink(
        from_recommendation=from_recommendation, to_recommendation=to_recommendation, kind=kind
    )
    link.full_clean()
    link.save()
    audit_record(
        actor=actor,
        action="recommendation.linked",
        target=from_recommendation,
        organisation=from_recommendation.source.owner,
        changes={"link": [None, f"{kind} {to_recommendation.pk}"]},
    )
    return link


# --- actions -----------------------------------------------------------------------------


@transaction.atomic
def action_create(
    *,
    actor: User,
    recommendation: Recommendation,
    owner: Organisation,
    description: str,
    target_on: datetime.date | None = None,
    lead: User | None = None,
) -> Action:
    """Give one organisation its share of a recommendation."""
    _require(
        can_manage_register(user=actor, source=recommendation.source),
        "You cannot add actions to this recommendation",
    )
    if owner.is_archived:
        raise ValidationError({"owner": f"{owner.name} is archived"})
    if recommendation.is_archived or recommendation.is_superseded:
        raise ValidationError("Actions cannot be added to an archived or superseded recommendation")
    if lead is not None and not access_for(lead).has_role(Membership.Role.LEAD_OFFICER, owner.pk):
        raise ValidationError({"lead": f"The lead must be a lead officer of {owner.name}"})
    action = Action(
        recommendation=recommendation,
        source_id=recommendation.source_id,
        owner=owner,
        description=description.strip(),
        target_on=target_on or recommendation.deadline_on,
        lead=lead,
    )
    action.full_clean()
    with partners_recounted([recommendation.pk]):
        action.save()
    tally_add([action_counted(action)])
    audit_record(
        actor=actor,
        action="action.created",
        target=action,
        organisation=owner,
        changes={
            "owner": [None, owner.name],
            "description": [None, action.description],
            "target_on": [None, action.target_on],
        },
    )
    return action
