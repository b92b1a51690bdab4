"""The dashboard: counts from the tallies the services keep, and what is due."""

import datetime
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import router
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
from answerable.core.prepared import prepared_list
from answerable.organisations.selectors import access_for, organisation_list
from answerable.recommendations.models import (
    OPEN_STATUSES,
    Action,
    ActionTally,
    AssuranceStatus,
    OpenActionTally,
    PartnerSourceActionTally,
    Source,
    SourceActionTally,
)
from answerable.recommendations.selectors.compiled import rows_for_organisations
from answerable.recommendations.selectors.lists import (
    ACTION_ROW_SHOWN,
    DUE_SOON,
    recommendation_counts_by_assurance,
)
from answerable.recommendations.selectors.register import assessment_queue_for, live_actions_seen_by
from answerable.recommendations.selectors.scope import (
    Role,
    owned_sources,
    visible_actions_q,
    visible_sources_q,
)

# --- dashboard -------------------------------------------------------------------------


DASHBOARD_ROWS = 10  # rows in each of the dashboard's "most urgent" tables

# What the statutory table shows of a source.
STATUTORY_SHOWN = frozenset({"id", "title", "deadline_rule", "published_on", "responded_on"})


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
    soon = today + DUE_SOON  # as the action list it links to counts "due soon"
    access = access_for(user)
    organisations = access.organisation_ids
    owner_counts: dict[int, dict[str, int]] = {}
    status_counts: dict[str, int] = {}
    # Which halves of the source ranking have rows: actions under the organisations' own
    # sources, and their own actions under other offices' sources (both live only, as the
    # tallies count them), so a half known to be empty costs no query.
    under_own_sources = elsewhere = False
    # Every query that depends on nothing but the organisations has its SQL built once per
    # process (selectors.compiled): building them took longer than running most (issue #12).
    for owner_id, status, count, own, others in rows_for_organisations(
        "dashboard_action_tallies", ActionTally, organisations, _visible_action_tallies
    ):
        owner_counts.setdefault(owner_id, {})[status] = count
        status_counts[status] = status_counts.get(status, 0) + count
        under_own_sources = under_own_sources or own > 0
        elsewhere = elsewhere or (others > 0 and owner_id in organisations)
    # Rows labelled and ordered by name in the database's collation. Read apart: joined to
    # the tallies, the names are sorted with every tally row rather than with a few dozen.
    owners = organisation_list(include_archived=True)
    owner_matrix = [
        (name, owner_counts[pk])
        for pk, name in rows_for_organisations(
            "dashboard_owner_names", owners.model, frozenset(owner_counts), _owner_names
        )
    ]
    # Ids first, from the partial index of open actions, then the ten rows by key: joined and
    # read in one query, SQLite's planner walked the joins first (34 ms instead of 2, issue #12).
    # Bounded by today: unbounded, SQLite sorted every visible open action instead of walking
    # the index (national: 0.3 → 89 ms). The day is a parameter like the ids, so the SQL is
    # still built once per process (`rows_for_organisations`).
    overdue_ids = [
        pk
        for (pk,) in rows_for_organisations(
            "dashboard_overdue_ids", Action, organisations, _overdue_ids, today
        )
    ]
    statutory, statutory_count = _statutory_due(organisations, today)
    source_matrix, source_count = _least_assured_sources(
        organisations, under_own_sources=under_own_sources, elsewhere=elsewhere
    )
    # Only scrutiny officers have a queue; everyone else is spared counting it.
    offices = access.organisations_with_role(Role.SCRUTINY_OFFICER) or None
    due_counts = _due_counts(organisations, offices, today, soon)
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
        overdue=prepared_list("dashboard_overdue", Action, _overdue_rows, overdue_ids),
        overdue_count=due_counts["overdue"],
        due_soon_count=due_counts["due_soon"],
        statutory=statutory,
        statutory_count=statutory_count,
        queue_count=due_counts["queue"],
    )


def _owner_names(owners: frozenset[int]) -> QuerySet[Any]:
    return organisation_list(include_archived=True).filter(pk__in=owners).values_list("pk", "name")


def _overdue_ids(organisations: frozenset[int], today: datetime.date) -> QuerySet[Any]:
    return (
        live_actions_seen_by(organisations)
        .filter(delivery_status__in=OPEN_STATUSES, is_superseded=False, target_on__lt=today)
        .order_by("target_on", "id")
        .values_list("pk")[:DASHBOARD_ROWS]
    )


def _overdue_rows(ids: frozenset[int]) -> QuerySet[Action]:
    """The actions by key, in the order they were chosen: they passed the rules already."""
    return (
        Action.objects.filter(pk__in=ids)
        .select_related("recommendation", "owner")
        .only(*ACTION_ROW_SHOWN)
        .order_by("target_on", "id")
    )


def _visible_action_tallies(organisations: frozenset[int]) -> QuerySet[Any]:
    """(owner id, delivery status, count, own, others) of the actions `visible_actions_q`
    lets the organisations see: those of their offices' sources, and their own. `own` and
    `others` are how many of the row's tallies are of the organisations' own sources and of
    other offices' sources."""
    own_sources = Q(office_id__in=organisations)
    return (
        ActionTally.objects.filter(own_sources | Q(owner_id__in=organisations), total__gt=0)
        .order_by()
        .values_list("owner_id", "delivery_status")
        .annotate(
            count=Sum("total"),
            own=Count("pk", filter=own_sources),
            others=Count("pk", filter=~own_sources),
        )
    )


def _due_counts(
    organisations: frozenset[int],
    offices: frozenset[int] | None,
    today: datetime.date,
    soon: datetime.date,
) -> dict[str, int]:
    """How many visible open actions are overdue, and due by `soon`, and how many are waiting
    in the assessment queue of the offices the user scrutinises (None: they have none).
    Overdue: the tallies of every month before this one, and this month's overdue actions
    counted one by one, in the same scan as those due soon (one range of the open-actions
    index rather than two)."""
    days = (today.replace(day=1), today, soon)
    rows: Iterable[tuple[Any, ...]]
    # Where the query depends on nothing but the organisations and the days (no queue, or
    # the queue of every one of them, as for an office's scrutiny officer), its SQL is built
    # once: building it cost more Python than the rest of the page's reads (issue #12).
    if offices is None:
        rows = rows_for_organisations(
            "dashboard_due_counts", Action, organisations, _due_query, *days
        )
    elif offices == organisations:
        rows = rows_for_organisations(
            "dashboard_due_counts_queue", Action, organisations, _due_query_with_queue, *days
        )
    else:
        rows = _totals_query(*_due_parts(organisations, *days), _queue_part(offices))
    totals = _totals(rows, 3)
    return {
        "overdue": totals[0][0] + totals[1][0],
        "due_soon": totals[1][1],
        "queue": totals[2][0],
    }


Part = tuple[QuerySet[Any], Aggregate, Aggregate | Value]


def _due_parts(
    organisations: frozenset[int],
    this_month: datetime.date,
    today: datetime.date,
    soon: datetime.date,
) -> list[Part]:
    nothing = Value(0)
    return [
        (
            OpenActionTally.objects.filter(
                Q(office_id__in=organisations) | Q(owner_id__in=organisations),
                target_month__lt=this_month,
            ),
            Sum("total"),
            nothing,
        ),
        (
            # Hashed: a month's open actions are tested anyway (a national viewer's 2,500
            # sources: 5 → 2 ms on PostgreSQL, issue #12).
            Action.objects.filter(
                visible_actions_q(organisations, hashed=True),
                is_archived=False,
                delivery_status__in=OPEN_STATUSES,
                is_superseded=False,
                target_on__gte=this_month,
                target_on__lte=soon,
            ),
            Count("id", filter=Q(target_on__lt=today)),
            Count("id", filter=Q(target_on__gte=today)),
        ),
    ]


def _due_query(
    organisations: frozenset[int],
    this_month: datetime.date,
    today: datetime.date,
    soon: datetime.date,
) -> QuerySet[Any]:
    return _totals_query(*_due_parts(organisations, this_month, today, soon))


def _due_query_with_queue(
    organisations: frozenset[int],
    this_month: datetime.date,
    today: datetime.date,
    soon: datetime.date,
) -> QuerySet[Any]:
    return _totals_query(
        *_due_parts(organisations, this_month, today, soon), _queue_part(organisations)
    )


def _queue_part(offices: frozenset[int]) -> Part:
    return (assessment_queue_for(offices), Count("id"), Value(0))


def _totals_query(*parts: Part) -> QuerySet[Any]:
    """Each part's two figures, all read in one query (UNION ALL of one row a part): a query
    of its own costs about a millisecond of Python, and of planning on PostgreSQL."""
    rows = [
        queryset.order_by()
        .annotate(part=Value(index))
        .values_list("part")
        .annotate(first=first, second=second)
        for index, (queryset, first, second) in enumerate(parts)
    ]
    return rows[0].union(*rows[1:], all=True)


def _totals(rows: Iterable[tuple[Any, ...]], parts: int) -> list[tuple[int, int]]:
    """(first, second) of each of `parts` parts from `_totals_query`'s rows."""
    # A sum over no rows is NULL, and an empty part (an aggregate with GROUP BY) no row.
    totals = {part: (first or 0, second or 0) for part, first, second in rows}
    return [totals.get(index, (0, 0)) for index in range(parts)]


def _least_assured_sources(
    organisations: frozenset[int], *, under_own_sources: bool, elsewhere: bool
) -> tuple[list[tuple[int, str, dict[str, int]]], int]:
    """The visible sources with the most actions not yet assured, most first, then by title,
    each with its actions by assurance status; and how many sources have visible actions.

    The organisations' own sources are ranked from their tallies, the few others they see
    through their own actions from the partners' tallies: the two never share a source. A half the
    action tallies show to be empty (`under_own_sources`, `elsewhere`) is not read. Each
    ranked row carries its counts by status and how many sources were ranked, so a half is
    one query, its SQL built once per process.
    """
    halves = [
        ("dashboard_own_sources_ranked", SourceActionTally, _own_sources_ranked, under_own_sources),
        (
            "dashboard_sources_elsewhere_ranked",
            PartnerSourceActionTally,
            _sources_elsewhere_ranked,
            elsewhere,
        ),
    ]
    ranked: list[tuple[int, str, int, dict[str, int]]] = []
    source_count = 0
    for name, model, build, wanted in halves:
        if not wanted:
            continue
        top = rows_for_organisations(name, model, organisations, build)
        source_count += top[0][3] if top else 0
        ranked += [
            (
                -not_assured,
                title,
                source_id,
                {status: n for status, n in zip(AssuranceStatus.values, counts, strict=True) if n},
            )
            for source_id, title, not_assured, _sources, *counts in top
        ]
    ranked.sort(key=lambda row: row[:3])  # (most not assured, title, id): unique
    return [(pk, title, counts) for _n, title, pk, counts in ranked[:DASHBOARD_ROWS]], source_count


def _ranked(rows: QuerySet[Any], count: Callable[[Q | None], Aggregate]) -> QuerySet[Any]:
    """The ten sources of `rows` with the most not assured, each with how many sources were
    ranked and its count in each assurance status (`count` counts the rows matching a Q)."""
    by_status = {
        f"n_{status}": Coalesce(count(Q(assurance_status=status)), 0)
        for status in AssuranceStatus.values
    }
    return (
        rows.order_by()
        .values("source_id")
        .annotate(
            not_assured=count(None)
            - Coalesce(count(Q(assurance_status=AssuranceStatus.ASSURED)), 0),
            sources=Window(Count("*")),
            **by_status,
        )
        .order_by("-not_assured", "source__title", "source_id")
        .values_list("source_id", "source__title", "not_assured", "sources", *by_status)[
            :DASHBOARD_ROWS
        ]
    )


def _own_sources_ranked(organisations: frozenset[int]) -> QuerySet[Any]:
    # A plain IN: PostgreSQL hashes the owned sources, where `indexed_in` probed the index
    # once for each of a national viewer's 2,500 (15 → 10 ms, issue #12).
    tallies = SourceActionTally.objects.filter(
        source_id__in=owned_sources(organisations), total__gt=0
    )
    return _ranked(tallies, lambda where: Sum("total", filter=where))


def _sources_elsewhere_ranked(organisations: frozenset[int]) -> QuerySet[Any]:
    tallies = PartnerSourceActionTally.objects.filter(
        owner_id__in=organisations, total__gt=0
    ).exclude(office_id__in=organisations)
    return _ranked(tallies, lambda where: Sum("total", filter=where))


def _statutory_due(organisations: frozenset[int], today: datetime.date) -> tuple[list[Source], int]:
    """Sources still awaiting the statutory response, soonest due first, and how many.

    A national viewer has hundreds awaiting: they are read as plain rows, dated by the
    model's own rule on one scratch instance, and only the ten shown become sources.
    """
    awaiting = rows_for_organisations(
        "dashboard_statutory_due", Source, organisations, _awaiting_response
    )
    scratch = Source()
    ranked = []
    for pk, title, rule, published in awaiting:
        # SQLite gives the date as ISO text (the SQL is run without Django's converters).
        published_on = (
            published
            if isinstance(published, datetime.date)
            else datetime.date.fromisoformat(published)
        )
        scratch.deadline_rule, scratch.published_on = rule, published_on
        ranked.append((scratch.response_due_on or today, title, pk, rule, published_on))
    ranked.sort()  # by due date, then title, then pk: unique, so the rest is never compared
    # from_db takes the values in the model's field order, as a queryset's .only() gives them.
    fields = [f.attname for f in Source._meta.concrete_fields if f.attname in STATUTORY_SHOWN]
    shown = []
    for _due, title, pk, rule, published_on in ranked[:DASHBOARD_ROWS]:
        row = {"id": pk, "title": title, "deadline_rule": rule, "published_on": published_on}
        values = [row.get(field) for field in fields]  # responded_on: None, as filtered
        shown.append(Source.from_db(router.db_for_read(Source), fields, values))
    return shown, len(ranked)


def _awaiting_response(organisations: frozenset[int]) -> QuerySet[Any]:
    return (
        Source.objects.filter(visible_sources_q(organisations))
        .filter(is_archived=False, published_on__isnull=False, responded_on__isnull=True)
        .exclude(deadline_rule=Source.DeadlineRule.NONE)
        .values_list("pk", "title", "deadline_rule", "published_on")
    )
