"""The dashboard: counts from the tallies the services keep, and what is due."""

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Aggregate,
    Count,
    Q,
    QuerySet,
    Sum,
    Value,
    Window,
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
# What includes/action_table.html shows of an overdue action, so its long fields stay unread.
OVERDUE_SHOWN = (
    "description",
    "target_on",
    "delivery_status",
    "assurance_status",
    "is_superseded",
    "recommendation__reference",
    "owner__name",
    "owner__short_name",
)


@dataclass(frozen=True)
class Dashboard:
    by_status: list[dict[str, object]]
    by_assurance: Sequence[Mapping[str, object]]
    owner_matrix: list[tuple[str, dict[str, int]]]
    source_matrix: list[tuple[int, str, dict[str, int]]]
    source_count: int
    overdue: list[Action]
    overdue_count: int
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
    overdue_ids = list(overdue.values_list("pk", flat=True)[:DASHBOARD_ROWS])
    due_counts = _due_counts(organisations, overdue, due_soon, today)
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
        overdue=rows_in_order(
            open_actions, overdue_ids, related=("recommendation", "owner"), only=OVERDUE_SHOWN
        ),
        overdue_count=due_counts["overdue"],
        due_soon_count=due_counts["due_soon"],
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


def _due_counts(
    organisations: frozenset[int],
    overdue: QuerySet[Action],
    due_soon: QuerySet[Action],
    today: datetime.date,
) -> dict[str, int]:
    """How many visible open actions are overdue, and due soon. Overdue: the tallies of every
    month before this one, and this month's overdue actions counted one by one."""
    this_month = today.replace(day=1)
    totals = _totals_at_once(
        (
            OpenActionTally.objects.filter(
                Q(office_id__in=organisations) | Q(owner_id__in=organisations),
                target_month__lt=this_month,
            ),
            Sum("total"),
        ),
        (overdue.filter(target_on__gte=this_month), Count("id")),
        (due_soon, Count("id")),
    )
    return {"overdue": totals[0] + totals[1], "due_soon": totals[2]}


def _totals_at_once(*parts: tuple[QuerySet[Any], Aggregate]) -> list[int]:
    """Each part's aggregate, all read in one query (UNION ALL of one row a part): a query of
    its own costs about a millisecond of Python, and of planning on PostgreSQL."""
    rows = [
        queryset.order_by().annotate(part=Value(index)).values_list("part").annotate(total)
        for index, (queryset, total) in enumerate(parts)
    ]
    totals = dict(rows[0].union(*rows[1:], all=True))
    return [totals.get(index) or 0 for index in range(len(parts))]


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
        # Each row carries how many sources were ranked: the count costs no query of its own.
        top = list(
            rows.values("source_id")
            .annotate(not_assured=not_assured, sources=Window(Count("*")))
            .order_by("-not_assured", "source__title", "source_id")
            .values_list("source_id", "source__title", "not_assured", "sources")[:DASHBOARD_ROWS]
        )
        source_count += top[0][3] if top else 0
        ranked += [(source_id, title, n) for source_id, title, n, _sources in top]
    ranked = sorted(ranked, key=lambda row: (-row[2], row[1], row[0]))[:DASHBOARD_ROWS]
    counts: dict[int, dict[str, int]] = {source_id: {} for source_id, _title, _n in ranked}
    first, second = (
        rows.filter(source_id__in=list(counts))
        .values_list("source_id", "assurance_status")
        .annotate(count)
        for rows, _not_assured, count in parts
    )
    for source_id, assurance, total in first.union(second, all=True):
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
