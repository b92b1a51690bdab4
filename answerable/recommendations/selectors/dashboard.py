"""The dashboard: counts from the tallies the services keep, and what is due."""

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Count,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from answerable.accounts.models import User
from answerable.core.keyset import rows_in_order
from answerable.organisations.selectors import access_for, organisation_list
from answerable.recommendations.models import (
    OPEN_STATUSES,
    Action,
    ActionTally,
    AssuranceStatus,
    OpenActionTally,
    Source,
    SourceActionTally,
)
from answerable.recommendations.selectors.lists import recommendation_counts_by_assurance
from answerable.recommendations.selectors.register import action_list, assessment_queue
from answerable.recommendations.selectors.scope import (
    Role,
    actions_owned,
    indexed_in,
    owned_sources,
    visible_sources_q,
)

# --- dashboard -------------------------------------------------------------------------


DASHBOARD_ROWS = 10  # rows in each of the dashboard's "most urgent" tables


@dataclass(frozen=True)
class Dashboard:
    by_status: list[dict[str, object]]
    by_assurance: Sequence[Mapping[str, object]]
    owner_matrix: list[tuple[str, dict[str, int]]]
    source_matrix: list[tuple[int, str, dict[str, int]]]
    source_count: int
    overdue: list[Action]
    overdue_count: int
    due_soon: list[Action]
    due_soon_count: int
    statutory: list[Source]
    statutory_count: int
    queue_count: int


def dashboard_summary(*, user: User, today: datetime.date | None = None) -> Dashboard:
    """Counts of the user's visible actions by status, owner and source, with what is due.

    The counts add up the tallies the services keep (`recommendations.tallies`), and the due
    counts read a partial index of open actions, so no query counts the register itself.
    Every table is bounded: the owners (a few dozen at most), and the ten most urgent
    sources, overdue actions and statutory responses, each with its total, so the page
    stays short for an office with 250 sources or a national viewer with 2,500.
    """
    today = today or timezone.localdate()
    soon = today + datetime.timedelta(days=30)
    organisations = access_for(user).organisation_ids
    owner_counts: dict[int, dict[str, int]] = {}
    status_counts: dict[str, int] = {}
    for owner_id, status, count in _visible_action_tallies(organisations):
        owner_counts.setdefault(owner_id, {})[status] = count
        status_counts[status] = status_counts.get(status, 0) + count
    # Rows labelled and ordered by name in the database's collation.
    owner_matrix = [
        (name, owner_counts[pk])
        for pk, name in organisation_list(include_archived=True)
        .filter(pk__in=list(owner_counts))
        .values_list("pk", "name")
    ]
    open_actions = action_list(user=user).filter(
        delivery_status__in=OPEN_STATUSES, is_superseded=False
    )
    overdue = open_actions.filter(target_on__lt=today).order_by("target_on", "id")
    due_soon = open_actions.filter(target_on__gte=today, target_on__lte=soon).order_by(
        "target_on", "id"
    )
    statutory, statutory_count = _statutory_due(user, today)
    source_matrix, source_count = _least_assured_sources(organisations)
    # The two short lists' rows come back in one query.
    overdue_ids = list(overdue.values_list("pk", flat=True)[:DASHBOARD_ROWS])
    due_soon_ids = list(due_soon.values_list("pk", flat=True)[:DASHBOARD_ROWS])
    due_rows = rows_in_order(
        open_actions, overdue_ids + due_soon_ids, related=("recommendation", "owner")
    )
    return Dashboard(
        by_status=[
            {"delivery_status": status, "count": status_counts[status]}
            for status in sorted(status_counts)
        ],
        by_assurance=[
            {"assurance_status": status, "count": count}
            for status, count in sorted(recommendation_counts_by_assurance(organisations).items())
        ],
        owner_matrix=owner_matrix,
        source_matrix=source_matrix,
        source_count=source_count,
        overdue=due_rows[: len(overdue_ids)],
        overdue_count=_overdue_count(organisations, overdue, today),
        due_soon=due_rows[len(overdue_ids) :],
        due_soon_count=due_soon.order_by().count(),
        statutory=statutory,
        statutory_count=statutory_count,
        # Only scrutiny officers have a queue; everyone else is spared the query.
        queue_count=(
            assessment_queue(user=user).count()
            if access_for(user).has_role(Role.SCRUTINY_OFFICER)
            else 0
        ),
    )


def _visible_action_tallies(organisations: frozenset[int]) -> QuerySet[Any]:
    """(owner id, delivery status, count) of the actions `visible_actions_q` lets the
    organisations see: those of their offices' sources, and their own."""
    return (
        ActionTally.objects.filter(
            Q(office_id__in=organisations) | Q(owner_id__in=organisations), total__gt=0
        )
        .order_by()
        .values_list("owner_id", "delivery_status")
        .annotate(Sum("total"))
    )


def _overdue_count(
    organisations: frozenset[int], overdue: QuerySet[Action], today: datetime.date
) -> int:
    """How many visible open actions are past their target date: the tallies of every month
    before this one, and this month's overdue actions counted one by one."""
    this_month = today.replace(day=1)
    before = OpenActionTally.objects.filter(
        Q(office_id__in=organisations) | Q(owner_id__in=organisations),
        target_month__lt=this_month,
    ).aggregate(total=Sum("total"))["total"]
    return (before or 0) + overdue.filter(target_on__gte=this_month).order_by().count()


def _least_assured_sources(
    organisations: frozenset[int],
) -> tuple[list[tuple[int, str, dict[str, int]]], int]:
    """The visible sources with the most actions not yet assured, most first, then by title,
    each with its actions by assurance status; and how many sources have visible actions.

    The organisations' own sources are ranked from their tallies, the few others they see
    through their own actions from those actions: the two never share a source.
    """
    tallies = SourceActionTally.objects.filter(
        indexed_in("source_id", owned_sources(organisations)), total__gt=0
    ).order_by()
    elsewhere = (
        actions_owned(organisations)
        .filter(is_archived=False)
        .exclude(source__owner_id__in=organisations)
        .order_by()
    )
    assured = Q(assurance_status=AssuranceStatus.ASSURED)
    parts = [
        (tallies, Sum("total") - Coalesce(Sum("total", filter=assured), 0), Sum("total")),
        (elsewhere, Count("id") - Count("id", filter=assured), Count("id")),
    ]
    ranked: list[tuple[int, str, int]] = []
    source_count = 0
    for rows, not_assured, _count in parts:
        by_source = rows.values("source_id").annotate(not_assured=not_assured)
        top = list(
            by_source.order_by("-not_assured", "source__title", "source_id").values_list(
                "source_id", "source__title", "not_assured"
            )[:DASHBOARD_ROWS]
        )
        source_count += by_source.count() if len(top) == DASHBOARD_ROWS else len(top)
        ranked += top
    ranked = sorted(ranked, key=lambda row: (-row[2], row[1], row[0]))[:DASHBOARD_ROWS]
    counts: dict[int, dict[str, int]] = {source_id: {} for source_id, _title, _n in ranked}
    for rows, _not_assured, count in parts:
        for source_id, assurance, total in (
            rows.filter(source_id__in=list(counts))
            .values_list("source_id", "assurance_status")
            .annotate(count)
        ):
            counts[source_id][assurance] = total
    return [(pk, title, counts[pk]) for pk, title, _n in ranked], source_count


def _statutory_due(user: User, today: datetime.date) -> tuple[list[Source], int]:
    """Sources still awaiting the statutory response, soonest due first, and how many."""
    awaiting = list(
        Source.objects.filter(visible_sources_q(access_for(user).organisation_ids))
        .filter(is_archived=False, published_on__isnull=False, responded_on__isnull=True)
        .exclude(deadline_rule=Source.DeadlineRule.NONE)
        .only("pk", "title", "deadline_rule", "published_on", "responded_on")
    )
    awaiting.sort(key=lambda source: (source.response_due_on or today, source.title, source.pk))
    return awaiting[:DASHBOARD_ROWS], len(awaiting)
