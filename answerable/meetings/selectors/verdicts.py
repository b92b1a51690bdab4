"""Verdicts given on agenda items, as assessments of the recommendations they consider."""

from django.db.models import F, QuerySet

from answerable.accounts.models import User
from answerable.meetings.models import AgendaItem, ItemVerdict
from answerable.meetings.selectors.scope import Role
from answerable.organisations.selectors import access_for
from answerable.recommendations.models import Recommendation

# Only these verdicts can become an assessment of the linked recommendations.
VERDICT_TO_ASSESSMENT: dict[str, str] = {
    ItemVerdict.Verdict.ASSURED: "assured",
    ItemVerdict.Verdict.PARTLY_ASSURED: "partly_assured",
    ItemVerdict.Verdict.NOT_ASSURED: "not_assured",
}


def verdict_assessment_offer(*, user: User, item: AgendaItem) -> QuerySet[Recommendation]:
    """Linked recommendations the user may assess with the item's verdict; none if it cannot be.

    "Further information required" is not an assurance decision, so it offers nothing.
    """
    verdict = getattr(item, "verdict", None)
    if verdict is None or verdict.verdict not in VERDICT_TO_ASSESSMENT:
        return item.recommendations.none()
    offices = access_for(user).organisations_with_role(Role.SCRUTINY_OFFICER)
    return (
        item.recommendations.filter(source__owner_id__in=offices, is_archived=False)
        .select_related("source")
        .order_by("source__title", "position", "id")
    )


def recommendation_meeting_verdicts(
    *, recommendation_ids: list[int], include_sensitive: bool
) -> dict[int, ItemVerdict]:
    """The latest meeting verdict on each recommendation, with its item and meeting.

    Callers pass recommendations already scoped by the register's selectors. Only verdicts
    given at a meeting of the office whose register holds the recommendation count: another
    office's meeting is not this office's to report. Without `include_sensitive`, verdicts on
    sensitive items are left out, as in everything published.
    """
    verdicts = ItemVerdict.objects.filter(
        item__recommendations__in=recommendation_ids,
        item__meeting__office_id=F("item__recommendations__source__owner_id"),
    )
    if not include_sensitive:
        verdicts = verdicts.filter(item__is_sensitive=False)
    latest: dict[int, ItemVerdict] = {}
    rows = (
        verdicts.select_related("item__meeting")
        .annotate(recommendation_id=F("item__recommendations"))
        .order_by("item__meeting__starts_at", "pk")
    )
    for verdict in rows:
        latest[verdict.recommendation_id] = verdict
    return latest
