"""Every change to the register: each service checks its rule, saves and audits atomically."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from answerable.accounts.models import User
from answerable.audit.services import audit_record
from answerable.core.files import CheckedFile
from answerable.organisations.models import Membership, Organisation
from answerable.organisations.selectors import access_for
from answerable.recommendations.deadlines import deadline_from_text
from answerable.recommendations.models import (
    Action,
    Assessment,
    AssuranceStatus,
    DeliveryStatus,
    Evidence,
    Recommendation,
    RecommendationLink,
    Source,
    Update,
)
from answerable.recommendations.selectors import (
    can_assess,
    can_manage_register,
    can_update_action,
)
from answerable.recommendations.services.narratives import public_narrative_propose
from answerable.recommendations.services.themes import theme_get_or_create
from answerable.recommendations.tallies import (
    action_counted,
    recommendation_counted,
    tally_add,
    tally_move,
)

# Assurance can only be given once the owner says the work is done.
ASSURABLE_STATUSES = {DeliveryStatus.READY_FOR_ASSESSMENT, DeliveryStatus.COMPLETED}


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
    source = Source(
        owner=owner,
        title=title.strip(),
        kind=kind,
        publisher=publisher.strip(),
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
        changes={
            "title": [None, source.title],
            "kind": [None, kind],
            "published_on": [None, published_on],
            "deadline_rule": [None, deadline_rule],
        },
    )
    return source


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


@dataclass(frozen=True)
class EvidenceInput:
    """A file (already content-checked) or a link to attach to an update."""

    title: str
    marking: str
    is_published: bool = False
    file: CheckedFile | None = None
    link: str = ""


@transaction.atomic
def update_post(
    *,
    actor: User,
    action: Action,
    narrative: str,
    status: str | None = None,
    unable_reason: str = "",
    evidence: Sequence[EvidenceInput] = (),
    public_narrative: str = "",
) -> Update:
    """Append a progress update, optionally changing the delivery status and attaching evidence.

    Updates never overwrite history. An assured action keeps its status until it is reopened.
    `public_narrative`, if given, is proposed for the public site for the office to review.
    """
    _require(can_update_action(user=actor, action=action), "Only the owner can update this action")
    action = Action.objects.select_for_update().get(pk=action.pk)
    if action.is_archived:
        raise ValidationError("This action is archived: it cannot be updated")
    if not narrative.strip():
        raise ValidationError({"narrative": "Enter what has been done since the last update"})
    new_status = status or action.delivery_status
    if new_status not in DeliveryStatus.values:
        raise ValidationError({"status": "Select a delivery status"})
    changed = new_status != action.delivery_status
    if changed and action.assurance_status == AssuranceStatus.ASSURED:
        raise ValidationError(
            {
                "status": "This action has been assured; ask the scrutiny officer to reopen it "
                "before changing its status"
            }
        )
    if new_status == DeliveryStatus.UNABLE_TO_IMPLEMENT and not unable_reason.strip():
        raise ValidationError(
            {
                "unable_reason": "Enter why the action cannot be implemented, such as the national "
                "or legislative change it needs"
            }
        )
    for item in evidence:
        if item.marking == Evidence.Marking.OFFICIAL_SENSITIVE and item.is_published:
            raise ValidationError(
                {"evidence": f"{item.title} is OFFICIAL-SENSITIVE and cannot be published"}
            )
    now = timezone.now()
    update = Update.objects.create(
        action=action,
        author=actor,
        narrative=narrative.strip(),
        status_before=action.delivery_status,
        status_after=new_status,
    )
    stored = [
        _evidence_store(action=action, update=update, item=item, actor=actor) for item in evidence
    ]
    if public_narrative.strip():
        public_narrative_propose(actor=actor, update=update, text=public_narrative)
    changes: dict[str, list[object]] = {}
    fields = ["last_update_at", "updated_at"]
    counted_as = action_counted(action)
    if changed:
        changes["delivery_status"] = [action.delivery_status, new_status]
        action.delivery_status = new_status
        fields.append("delivery_status")
        if new_status == DeliveryStatus.READY_FOR_ASSESSMENT:
            action.ready_at = now
            fields.append("ready_at")
    if new_status == DeliveryStatus.UNABLE_TO_IMPLEMENT:
        changes["unable_reason"] = [action.unable_reason, unable_reason.strip()]
        action.unable_reason = unable_reason.strip()
        fields.append("unable_reason")
    action.last_update_at = now
    action.save(update_fields=fields)
    tally_move(counted_as, action_counted(action))
    if stored:
        changes["evidence"] = [None, [f"{e.title} ({e.sha256 or e.link})" for e in stored]]
    audit_record(
        actor=actor,
        action="action.updated",
        target=action,
        organisation=action.owner,
        changes=changes,
        note=update.narrative[:500],
    )
    return update


def _evidence_store(
    *, action: Action, update: Update, item: EvidenceInput, actor: User
) -> Evidence:
    if item.file is None and not item.link:
        raise ValidationError({"evidence": "Attach a file or enter a link"})
    record = Evidence(
        action=action,
        update=update,
        title=item.title.strip() or (item.file.name if item.file else item.link),
        marking=item.marking,
        is_published=item.is_published,
        uploaded_by=actor,
        link=item.link,
    )
    if item.file is not None:
        record.file_kind = item.file.kind
        record.size = item.file.size
        record.sha256 = item.file.sha256
        # Stored under its hash, so a name never reveals content and duplicates are obvious.
        record.file.save(
            f"{item.file.sha256}.{item.file.kind}", ContentFile(item.file.content), save=False
        )
    record.full_clean()
    record.save()
    return record


# --- assurance -----------------------------------------------------------------------------


@transaction.atomic
def assessment_record(
    *,
    actor: User,
    verdict: str,
    rationale: str,
    action: Action | None = None,
    recommendation: Recommendation | None = None,
) -> Assessment:
    """Decide assurance on an action or a recommendation. Only scrutiny officers decide."""
    if (action is None) == (recommendation is None):
        raise ValueError("Assess exactly one of an action or a recommendation")
    action, recommendation = _locked(action), _locked(recommendation)
    subject_recommendation = recommendation or action.recommendation  # type: ignore[union-attr]
    _require(
        can_assess(user=actor, recommendation=subject_recommendation),
        "Only a scrutiny officer of the office can decide assurance",
    )
    if verdict not in {
        Assessment.Verdict.ASSURED,
        Assessment.Verdict.PARTLY_ASSURED,
        Assessment.Verdict.NOT_ASSURED,
    }:
        raise ValidationError({"verdict": "Select assured, partly assured or not assured"})
    if not rationale.strip():
        raise ValidationError({"rationale": "Enter the rationale for the assessment"})
    if (
        action is not None
        and verdict == Assessment.Verdict.ASSURED
        and action.delivery_status not in ASSURABLE_STATUSES
    ):
        raise ValidationError(
            {
                "verdict": "An action can only be assured once its owner marks it ready for "
                "assessment or completed"
            }
        )
    return _assessment_write(
        actor=actor,
        verdict=verdict,
        rationale=rationale.strip(),
        action=action,
        recommendation=recommendation,
        event="assessment.recorded",
    )


@transaction.atomic
def assurance_reopen(
    *,
    actor: User,
    reason: str,
    action: Action | None = None,
    recommendation: Recommendation | None = None,
) -> Assessment:
    """Reopen an assured or partly assured decision, with a reason, so work can resume."""
    subject: Action | Recommendation
    action, recommendation = _locked(action), _locked(recommendation)
    if action is not None and recommendation is None:
        subject, subject_recommendation = action, action.recommendation
    elif recommendation is not None and action is None:
        subject = subject_recommendation = recommendation
    else:
        raise ValueError("Reopen exactly one of an action or a recommendation")
    _require(
        can_assess(user=actor, recommendation=subject_recommendation),
        "Only a scrutiny officer of the office can reopen assurance",
    )
    if subject.assurance_status not in (
        AssuranceStatus.ASSURED,
        AssuranceStatus.PARTLY_ASSURED,
    ):
        raise ValidationError(
            {"reason": "Only an assured or partly assured decision can be reopened"}
        )
    if not reason.strip():
        raise ValidationError({"reason": "Enter the reason for reopening"})
    return _assessment_write(
        actor=actor,
        verdict=Assessment.Verdict.REOPENED,
        rationale=reason.strip(),
        action=action,
        recommendation=recommendation,
        event="assessment.reopened",
    )


Subject = TypeVar("Subject", Action, Recommendation)


def _locked(subject: Subject | None) -> Subject | None:
    """The subject as it stands now, locked until the transaction ends: a decision is made on
    the status the owner last reported, not the one a page showed."""
    if subject is None:
        return None
    locked = (
        type(subject)
        .objects.select_related("source")
        .select_for_update(of=("self",))
        .get(pk=subject.pk)
    )
    if locked.is_archived:
        raise ValidationError("This is archived: restore it before changing it")
    return locked


def _assessment_write(
    *,
    actor: User,
    verdict: str,
    rationale: str,
    action: Action | None,
    recommendation: Recommendation | None,
    event: str,
) -> Assessment:
    subject: Action | Recommendation = action or recommendation  # type: ignore[assignment]
    assessment = Assessment.objects.create(
        action=action,
        recommendation=recommendation,
        verdict=verdict,
        rationale=rationale,
        assessed_by=actor,
    )
    previous = subject.assurance_status
    counted = action_counted if action is not None else recommendation_counted
    counted_as = counted(subject)  # type: ignore[arg-type]
    subject.assurance_status = verdict
    fields = ["assurance_status", "updated_at"]
    if action is not None:
        action.assessed_at = assessment.created_at
        fields.append("assessed_at")
    subject.save(update_fields=fields)
    tally_move(counted_as, counted(subject))  # type: ignore[arg-type]
    owner = action.owner if action is not None else recommendation.source.owner  # type: ignore[union-attr]
    audit_record(
        actor=actor,
        action=event,
        target=subject,
        organisation=owner,
        changes={"assurance_status": [previous, verdict]},
        note=rationale[:500],
    )
    return assessment
