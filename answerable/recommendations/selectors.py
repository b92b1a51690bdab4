"""Every read of the register, scoped to what the user's organisations and roles allow.

The rule: the office that owns a source (the PCC's office) sees everything under it; a partner
organisation sees the recommendations it has an action on, and only its own actions.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from answerable.accounts.models import User
from answerable.audit.selectors import audit_event_list_for
from answerable.organisations.models import Membership
from answerable.organisations.selectors import access_for
from answerable.recommendations.models import (
    Action,
    Assessment,
    DeliveryStatus,
    Evidence,
    Recommendation,
    Source,
    TargetDateChange,
    Update,
)

Role = Membership.Role
OPEN_STATUSES = [
    DeliveryStatus.NOT_STARTED,
    DeliveryStatus.ON_TRACK,
    DeliveryStatus.OFF_TRACK,
    DeliveryStatus.READY_FOR_ASSESSMENT,
]


# --- permissions -------------------------------------------------------------------------


def can_manage_register(*, user: User, source: Source | None = None) -> bool:
    """Scrutiny officers load sources, recommendations and actions for their office."""
    access = access_for(user)
    if source is None:
        return access.has_role(Role.SCRUTINY_OFFICER)
    return access.has_role(Role.SCRUTINY_OFFICER, source.owner_id)


def can_assess(*, user: User, recommendation: Recommendation) -> bool:
    """Only a scrutiny officer of the office that owns the source decides assurance."""
    return access_for(user).has_role(Role.SCRUTINY_OFFICER, recommendation.source.owner_id)


def can_update_action(*, user: User, action: Action) -> bool:
    """Only the owner organisation's lead officers report progress on an action."""
    return access_for(user).has_role(Role.LEAD_OFFICER, action.owner_id)


def can_change_target_date(*, user: User, action: Action) -> bool:
    """The owner's lead officers and the source office's scrutiny officers may re-plan."""
    return can_update_action(user=user, action=action) or can_assess(
        user=user, recommendation=action.recommendation
    )


def lead_officer_list(*, organisation_id: int) -> QuerySet[User]:
    """Return the people who may lead an action for the organisation: its lead officers."""
    return User.objects.filter(
        is_active=True,
        memberships__organisation_id=organisation_id,
        memberships__role=Role.LEAD_OFFICER,
    ).order_by("full_name")


# --- sources ---------------------------------------------------------------------------


def source_list(*, user: User) -> QuerySet[Source]:
    """Return sources the user's organisations own or have an action under."""
    organisations = access_for(user).organisation_ids
    has_action = Action.objects.filter(
        recommendation__source=OuterRef("pk"), owner_id__in=organisations
    )
    return (
        Source.objects.filter(Q(owner_id__in=organisations) | Exists(has_action))
        .filter(is_archived=False)
        .select_related("owner")
        .annotate(recommendation_count=Count("recommendations", distinct=True))
    )


def source_get_for_user(*, user: User, pk: int) -> Source:
    """Return the source if the user may see it; raise Http404 otherwise."""
    try:
        return source_list(user=user).get(pk=pk)
    except Source.DoesNotExist:
        raise Http404("No such source") from None


# --- recommendations -------------------------------------------------------------------


def recommendation_list(*, user: User) -> QuerySet[Recommendation]:
    """Return recommendations the user may see, with their source."""
    organisations = access_for(user).organisation_ids
    has_action = Action.objects.filter(recommendation=OuterRef("pk"), owner_id__in=organisations)
    return (
        Recommendation.objects.filter(Q(source__owner_id__in=organisations) | Exists(has_action))
        .filter(is_archived=False)
        .select_related("source", "source__owner")
    )


def recommendation_get_for_user(*, user: User, pk: int) -> Recommendation:
    """Return the recommendation if the user may see it; raise Http404 otherwise."""
    try:
        return recommendation_list(user=user).prefetch_related("themes").get(pk=pk)
    except Recommendation.DoesNotExist:
        raise Http404("No such recommendation") from None


# --- actions ---------------------------------------------------------------------------


def action_list(*, user: User) -> QuerySet[Action]:
    """Return actions the user may see: all under their office's sources, or their own."""
    organisations = access_for(user).organisation_ids
    return (
        Action.objects.filter(
            Q(recommendation__source__owner_id__in=organisations) | Q(owner_id__in=organisations)
        )
        .filter(is_archived=False)
        .select_related("recommendation", "recommendation__source", "owner", "lead")
    )


def action_get_for_user(*, user: User, pk: int) -> Action:
    """Return the action if the user may see it; raise Http404 otherwise."""
    try:
        return action_list(user=user).get(pk=pk)
    except Action.DoesNotExist:
        raise Http404("No such action") from None


def assessment_queue(*, user: User) -> QuerySet[Action]:
    """Actions marked ready for assessment and not assessed since, for the user's offices."""
    offices = access_for(user).organisations_with_role(Role.SCRUTINY_OFFICER)
    return (
        Action.objects.filter(
            recommendation__source__owner_id__in=offices,
            delivery_status=DeliveryStatus.READY_FOR_ASSESSMENT,
            is_archived=False,
        )
        .filter(Q(assessed_at__isnull=True) | Q(assessed_at__lt=F("ready_at")))
        .select_related("recommendation", "recommendation__source", "owner", "lead")
        .order_by("ready_at", "id")
    )


def evidence_get_for_user(*, user: User, pk: int) -> Evidence:
    """Return evidence on an action the user may see; raise Http404 otherwise."""
    visible_actions = action_list(user=user).values("pk")
    try:
        return Evidence.objects.select_related("action").get(pk=pk, action__in=visible_actions)
    except Evidence.DoesNotExist:
        raise Http404("No such evidence") from None


# --- timelines -------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime.datetime
    kind: str
    title: str
    who: str
    body: str = ""
    evidence: tuple[Evidence, ...] = ()


def action_timeline(*, action: Action) -> list[TimelineEntry]:
    """Return the action's updates, assessments, date changes and other events, newest first."""
    entries: list[TimelineEntry] = []
    updates = (
        Update.objects.filter(action=action)
        .select_related("author")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.order_by("id")))
    )
    for update in updates:
        title = "Progress update"
        if update.changed_status:
            title = (
                f"Status changed from {DeliveryStatus(update.status_before).label} "
                f"to {DeliveryStatus(update.status_after).label}"
            )
        entries.append(
            TimelineEntry(
                update.created_at,
                "update",
                title,
                str(update.author),
                update.narrative,
                tuple(update.evidence.all()),
            )
        )
    for assessment in Assessment.objects.filter(action=action).select_related("assessed_by"):
        entries.append(
            TimelineEntry(
                assessment.created_at,
                "assessment",
                f"Assessment: {assessment.get_verdict_display()}",
                str(assessment.assessed_by),
                assessment.rationale,
            )
        )
    for change in TargetDateChange.objects.filter(action=action).select_related("changed_by"):
        before = change.previous_on.strftime("%-d %B %Y") if change.previous_on else "none"
        after = change.new_on.strftime("%-d %B %Y") if change.new_on else "none"
        entries.append(
            TimelineEntry(
                change.created_at,
                "target_date",
                f"Target date changed from {before} to {after}",
                str(change.changed_by),
                change.reason,
            )
        )
    entries.extend(_audit_entries(action, skip=_SHOWN_ELSEWHERE))
    return sorted(entries, key=lambda entry: entry.at, reverse=True)


# Audit events already shown as richer timeline entries of their own.
_SHOWN_ELSEWHERE = frozenset(
    {"action.updated", "action.target_date_changed", "assessment.recorded", "assessment.reopened"}
)
_AUDIT_TITLES = {
    "action.created": "Action created",
    "action.lead_assigned": "Lead assigned",
    "recommendation.created": "Recommendation recorded",
    "recommendation.response_recorded": "Response recorded",
    "recommendation.linked": "Linked to another recommendation",
}


def _audit_entries(target: Action | Recommendation, *, skip: frozenset[str]) -> list[TimelineEntry]:
    return [
        TimelineEntry(
            event.occurred_at,
            "audit",
            _AUDIT_TITLES.get(event.action, event.action),
            str(event.actor or "System"),
            event.note,
        )
        for event in audit_event_list_for(targets=[target])
        if event.action not in skip
    ]


def recommendation_timeline(*, recommendation: Recommendation) -> list[TimelineEntry]:
    """Return the recommendation's assessments and recorded changes, newest first."""
    entries = [
        TimelineEntry(
            assessment.created_at,
            "assessment",
            f"Assessment: {assessment.get_verdict_display()}",
            str(assessment.assessed_by),
            assessment.rationale,
        )
        for assessment in Assessment.objects.filter(recommendation=recommendation).select_related(
            "assessed_by"
        )
    ]
    entries.extend(_audit_entries(recommendation, skip=_SHOWN_ELSEWHERE))
    return sorted(entries, key=lambda entry: entry.at, reverse=True)


# --- dashboard -------------------------------------------------------------------------


@dataclass(frozen=True)
class Dashboard:
    by_status: list[dict[str, object]]
    by_assurance: list[dict[str, object]]
    owner_matrix: list[tuple[str, dict[str, int]]]
    source_matrix: list[tuple[str, dict[str, int]]]
    overdue: list[Action]
    overdue_count: int
    due_soon: list[Action]
    due_soon_count: int
    statutory: list[Source]
    queue_count: int


def dashboard_summary(*, user: User, today: datetime.date | None = None) -> Dashboard:
    """Counts of the user's visible actions by status, owner and source, with what is due."""
    today = today or timezone.localdate()
    actions = action_list(user=user)
    open_actions = actions.filter(delivery_status__in=OPEN_STATUSES)
    overdue = open_actions.filter(target_on__lt=today).order_by("target_on", "id")
    due_soon = open_actions.filter(
        target_on__gte=today, target_on__lte=today + datetime.timedelta(days=30)
    ).order_by("target_on", "id")
    by_status = list(
        actions.values("delivery_status").annotate(count=Count("id")).order_by("delivery_status")
    )
    by_assurance = list(
        recommendation_list(user=user)
        .values("assurance_status")
        .annotate(count=Count("id"))
        .order_by("assurance_status")
    )
    by_owner = list(
        actions.values("owner__name", "owner_id", "delivery_status")
        .annotate(count=Count("id"))
        .order_by("owner__name")
    )
    by_source = list(
        actions.values(
            "recommendation__source_id", "recommendation__source__title", "assurance_status"
        )
        .annotate(count=Count("id"))
        .order_by("recommendation__source__title")
    )
    statutory = [
        source
        for source in source_list(user=user).exclude(deadline_rule=Source.DeadlineRule.NONE)
        if source.response_due_on
    ]
    statutory.sort(key=lambda source: source.response_due_on or today)
    return Dashboard(
        by_status=by_status,
        by_assurance=by_assurance,
        owner_matrix=_matrix(by_owner, "owner__name", "delivery_status"),
        source_matrix=_matrix(by_source, "recommendation__source__title", "assurance_status"),
        overdue=list(overdue[:10]),
        overdue_count=overdue.count(),
        due_soon=list(due_soon[:10]),
        due_soon_count=due_soon.count(),
        statutory=statutory,
        queue_count=assessment_queue(user=user).count(),
    )


def _matrix(rows: list[dict[str, object]], row_key: str, column_key: str):  # type: ignore[no-untyped-def]
    """Pivot grouped counts into (row label, {column value: count}) pairs, keeping row order."""
    matrix: dict[str, dict[str, int]] = {}
    for row in rows:
        matrix.setdefault(str(row[row_key]), {})[str(row[column_key])] = int(row["count"])  # type: ignore[call-overload]
    return list(matrix.items())


# --- filtering and sorting ---------------------------------------------------------------

RECOMMENDATION_SORTS = {
    "source": ("source__title", "position", "id"),
    "reference": ("reference", "id"),
    "deadline": ("deadline_on", "id"),
    "assurance": ("assurance_status", "id"),
    "updated": ("-updated_at", "id"),
}
ACTION_SORTS = {
    "target": ("target_on", "id"),
    "owner": ("owner__name", "id"),
    "status": ("delivery_status", "id"),
    "updated": ("-last_update_at", "id"),
    "reference": ("recommendation__reference", "id"),
}


def recommendation_filter(
    queryset: QuerySet[Recommendation],
    *,
    q: str = "",
    source: Source | None = None,
    owner: object | None = None,
    delivery_status: str = "",
    assurance_status: str = "",
    finding_type: str = "",
    theme: object | None = None,
    sort: str = "source",
) -> QuerySet[Recommendation]:
    """Narrow a visible recommendation list by the list page's filters, then sort it."""
    from answerable.recommendations.search import recommendation_search

    if q:
        queryset = recommendation_search(queryset, q)
    if source is not None:
        queryset = queryset.filter(source=source)
    if owner is not None:
        queryset = queryset.filter(
            Exists(Action.objects.filter(recommendation=OuterRef("pk"), owner=owner))
        )
    if delivery_status:
        queryset = queryset.filter(
            Exists(
                Action.objects.filter(
                    recommendation=OuterRef("pk"), delivery_status=delivery_status
                )
            )
        )
    if assurance_status:
        queryset = queryset.filter(assurance_status=assurance_status)
    if finding_type:
        queryset = queryset.filter(finding_type=finding_type)
    if theme is not None:
        queryset = queryset.filter(themes=theme)
    return queryset.order_by(*RECOMMENDATION_SORTS.get(sort, RECOMMENDATION_SORTS["source"]))


def action_filter(
    queryset: QuerySet[Action],
    *,
    q: str = "",
    owner: object | None = None,
    delivery_status: str = "",
    assurance_status: str = "",
    due: str = "",
    sort: str = "target",
    today: datetime.date | None = None,
) -> QuerySet[Action]:
    """Narrow a visible action list by the list page's filters, then sort it."""
    today = today or timezone.localdate()
    for word in q.split():
        queryset = queryset.filter(
            Q(description__icontains=word) | Q(recommendation__reference__icontains=word)
        )
    if owner is not None:
        queryset = queryset.filter(owner=owner)
    if delivery_status:
        queryset = queryset.filter(delivery_status=delivery_status)
    if assurance_status:
        queryset = queryset.filter(assurance_status=assurance_status)
    if due == "overdue":
        queryset = queryset.filter(delivery_status__in=OPEN_STATUSES, target_on__lt=today)
    elif due == "30_days":
        queryset = queryset.filter(
            delivery_status__in=OPEN_STATUSES,
            target_on__gte=today,
            target_on__lte=today + datetime.timedelta(days=30),
        )
    return queryset.order_by(*ACTION_SORTS.get(sort, ACTION_SORTS["target"]))


# --- reminders (added for meetings, issue #3) ----------------------------------------------


def action_due_list(*, due_by: datetime.date) -> QuerySet[Action]:
    """Open register actions in every office with a target date on or before `due_by`.

    Unscoped: for the reminder job, which decides each recipient itself.
    """
    return (
        Action.objects.filter(
            delivery_status__in=OPEN_STATUSES,
            is_archived=False,
            target_on__isnull=False,
            target_on__lte=due_by,
        )
        .select_related("recommendation", "recommendation__source", "owner")
        .order_by("target_on", "id")
    )
