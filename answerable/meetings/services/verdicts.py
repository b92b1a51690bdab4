"""Verdicts on agenda items, and offering them as assessments of linked recommendations."""

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from answerable.accounts.models import User
from answerable.audit.services import audit_record
from answerable.core.models import EditConflict
from answerable.meetings.models import AgendaItem, ItemVerdict
from answerable.meetings.selectors import VERDICT_TO_ASSESSMENT, verdict_assessment_offer
from answerable.meetings.services._common import require_planner
from answerable.recommendations import services as register_services
from answerable.recommendations.models import Assessment, Recommendation


@transaction.atomic
def item_verdict_record(
    *, actor: User, item: AgendaItem, expected_version: int, verdict: str, rationale: str
) -> ItemVerdict:
    """Record the chair's verdict on an item, replacing any earlier one (the audit keeps both).

    `expected_version` is the version of the verdict the form was drawn from (0 for none): if
    someone else recorded one since, nothing is saved and the chair is asked to decide again.
    """
    require_planner(actor, item.meeting)
    if verdict not in ItemVerdict.Verdict.values:
        raise ValidationError({"verdict": "Select the verdict"})
    if not rationale.strip():
        raise ValidationError({"rationale": "Enter the rationale for the verdict"})
    # The item's row is locked, not the verdict's: before the first verdict there is none.
    item = (
        AgendaItem.objects.select_for_update(of=("self",))
        .select_related("meeting__office")
        .get(pk=item.pk)
    )
    record = ItemVerdict.objects.filter(item=item).first()
    if (record.version if record else 0) != expected_version:
        raise EditConflict(
            _(
                "Someone else recorded a verdict on this item while you were recording yours. "
                "Check their verdict below and record yours again."
            )
        )
    before = [record.verdict, record.rationale] if record else [None, None]
    if record is None:
        record = ItemVerdict(item=item, recorded_by=actor, version=0)
    record.verdict = verdict
    record.rationale = rationale.strip()
    record.recorded_by = actor
    record.version += 1
    record.full_clean()
    record.save()
    item.verdict = record
    audit_record(
        actor=actor,
        action="item_verdict.recorded",
        target=item,
        organisation=item.meeting.office,
        changes={"verdict": [before[0], verdict], "rationale": [before[1], record.rationale]},
    )
    return record


@transaction.atomic
def item_verdict_assessments_confirm(
    *, actor: User, item: AgendaItem, recommendations: Sequence[Recommendation]
) -> list[Assessment]:
    """Record the item's verdict as an assessment of each recommendation the officer ticked.

    Only the item's linked recommendations the actor may assess are offered, and only for
    assured, partly assured or not assured. All are recorded or none.
    """
    require_planner(actor, item.meeting)
    item = AgendaItem.objects.select_related("verdict", "meeting").get(pk=item.pk)
    offered = {r.pk: r for r in verdict_assessment_offer(user=actor, item=item)}
    if not offered:
        raise ValidationError(_("This verdict cannot be recorded as an assessment"))
    if not recommendations:
        raise ValidationError({"recommendations": "Select the recommendations to assess"})
    if any(r.pk not in offered for r in recommendations):
        raise ValidationError({"recommendations": "Select recommendations linked to this item"})
    verdict = item.verdict
    rationale = f"{verdict.rationale}\n\nVerdict on agenda item '{item.title}' at {item.meeting}."
    assessments = [
        register_services.assessment_record(
            actor=actor,
            recommendation=offered[r.pk],
            verdict=VERDICT_TO_ASSESSMENT[verdict.verdict],
            rationale=rationale,
        )
        for r in recommendations
    ]
    verdict.recorded_as.add(*assessments)
    audit_record(
        actor=actor,
        action="item_verdict.assessments_confirmed",
        target=item,
        organisation=item.meeting.office,
        changes={
            "recommendations": [None, sorted(offered[r.pk].reference for r in recommendations)],
            "verdict": [None, verdict.verdict],
        },
    )
    return assessments
