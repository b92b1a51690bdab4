"""The register's long lists: their totals, filters, orders and groups."""

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db.models import (
    Count,
    Q,
    QuerySet,
    Sum,
)
from django.utils import timezone

from answerable.accounts.models import User
from answerable.core.forms import DrawnOptions
from answerable.core.keyset import Groups, LazyRows, SortKey, ordered
from answerable.core.prepared_rows import prepared_rows
from answerable.organisations.models import Organisation
from answerable.organisations.selectors import access_for
from answerable.recommendations.models import (
    OPEN_STATUSES,
    Action,
    ActionTally,
    PartnerRecommendationTally,
    Recommendation,
    RecommendationTally,
    Source,
    Theme,
)
from answerable.recommendations.search import recommendation_search
from answerable.recommendations.selectors.compiled import rows_for_organisations
from answerable.recommendations.selectors.register import (
    action_list,
    live_actions_seen_by,
    live_recommendations_seen_by,
    recommendation_list,
)
from answerable.recommendations.selectors.scope import (
    actions_owned,
    indexed_in,
    overdue_q,
    owned_sources,
    visible_actions_q,
    visible_sources_q,
)

# --- list totals ------------------------------------------------------------------------


def recommendation_count(*, user: User, filters: dict[str, Any]) -> int | None:
    """How many recommendations a list shows: from the tallies when it is not narrowed, or
    narrowed only by assurance status; None otherwise, for the list to count as it reads
    its page (core.keyset)."""
    if set(filters) - {"sort", "assurance_status"}:
        return None
    counts = recommendation_counts_by_assurance(access_for(user).organisation_ids)
    if "assurance_status" in filters:
        return counts.get(filters["assurance_status"], 0)
    return sum(counts.values())


def action_count(*, user: User, filters: dict[str, Any]) -> int | None:
    """How many actions a list shows: from the tallies when it is narrowed by nothing but
    owner, delivery and assurance status; None otherwise, for the list to count as it reads
    its page (core.keyset)."""
    if set(filters) - {"sort", *_NAMED_ACTION_FILTERS}:
        return None
    names = tuple(name for name in _NAMED_ACTION_FILTERS if name in filters)
    values = _as_parameters(filters, names)
    # The few tallies (a hundred or so) summed here, so the SQL is built once a shape.
    rows = prepared_rows(
        f"action_count:{','.join(names)}",
        ActionTally,
        partial(_action_tallies, names),
        access_for(user).organisation_ids,
        *values,
        planned_each_time=True,
    )
    return sum(total for (total,) in rows)


def _action_tallies(
    names: tuple[str, ...], organisations: frozenset[int], *values: Any
) -> QuerySet[ActionTally, tuple[int]]:
    return (
        ActionTally.objects.filter(Q(office_id__in=organisations) | Q(owner_id__in=organisations))
        .filter(**dict(zip(names, values, strict=True)))
        .order_by()
        .values_list("total")
    )


def _as_parameters(filters: dict[str, Any], names: tuple[str, ...]) -> tuple[Any, ...]:
    """The named filters' values as a query built once takes them (core.prepared): an
    object (a source, an owner, a theme) by its id."""
    return tuple(getattr(filters[name], "pk", filters[name]) for name in names)


# --- filtering and sorting ---------------------------------------------------------------

RECOMMENDATION_SORTS = {
    # By source, each source's rows together even where two sources share a title.
    "source": (SortKey("source__title"), SortKey("source_id"), SortKey("position"), SortKey("id")),
    "reference": (SortKey("reference"), SortKey("id")),
    "deadline": (SortKey("deadline_on", nullable=True), SortKey("id")),
    "assurance": (SortKey("assurance_status"), SortKey("id")),
    "updated": (SortKey("updated_at", descending=True), SortKey("id")),
}
ACTION_SORTS = {
    "target": (SortKey("target_on", nullable=True), SortKey("id")),
    "owner": (SortKey("owner__name"), SortKey("id")),
    "status": (SortKey("delivery_status"), SortKey("id")),
    "updated": (SortKey("last_update_at", descending=True, nullable=True), SortKey("id")),
    "reference": (SortKey("recommendation__reference"), SortKey("id")),
}


def recommendation_sort(sort: str = "") -> tuple[SortKey, ...]:
    """A recommendation list's order, by source unless the list asks for another."""
    return RECOMMENDATION_SORTS.get(sort, RECOMMENDATION_SORTS["source"])


# Up to this many sources, a search reads its matches at once (see recommendation_groups).
SEARCH_AT_ONCE_SOURCES = 1_000
# A search read by source counts its matches up to here, then says "more than": counting a
# national viewer's 10,000 matches took longer than reading the page (issue #12).
SEARCH_COUNTED_UP_TO = 1_000


def recommendation_count_at_most(filters: dict[str, Any]) -> int | None:
    """Where a list's own count may stop (core.keyset `count_at_most`): a search's."""
    return SEARCH_COUNTED_UP_TO if filters.get("q") else None


# What a row of includes/action_table.html shows of an action (the action list's and the
# dashboard's overdue table), so its long fields stay unread.
ACTION_ROW_SHOWN = (
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
class ListSources:
    """The sources the user may see, by title and id: all of them (archived ones too, whose
    recommendations still list) as `ids`, and the live ones as the source filter's options."""

    ids: list[int]
    options: DrawnOptions


def recommendation_list_sources(*, user: User) -> ListSources:
    """`ListSources` in one query: the list's groups (`recommendation_groups`) and its
    source filter read the same sources."""
    rows = rows_for_organisations(
        "list_sources", Source, access_for(user).organisation_ids, _sources_by_title
    )
    return ListSources(
        ids=[pk for pk, _, _ in rows],
        options=DrawnOptions([(pk, title) for pk, title, archived in rows if not archived]),
    )


def _sources_by_title(organisations: frozenset[int]) -> QuerySet[Any]:
    return (
        Source.objects.filter(visible_sources_q(organisations))
        .order_by("title", "id")
        .values_list("pk", "title", "is_archived")
    )


def recommendation_groups(
    *,
    user: User,
    filters: dict[str, Any],
    source_ids: list[int] | None = None,
    narrowing: QuerySet[Recommendation] | None = None,
) -> Groups | None:
    """For a list by source, the sources the user may see in that order (archived ones too,
    whose recommendations still list), so a page is read a few sources at a time: each read
    narrowed by the list's `filters` and the visibility rule read for those sources alone
    (`recommendation_list`).

    None for a search (`q`) among a few hundred sources: each read of a few sources would
    search again, where one read of the matches, sorted, also counts them (core.keyset;
    a force's lead officer's search, 20 → 10 ms of SQLite). Among thousands, sorting every
    match costs more than searching twice (a national viewer's, 50 → 58 ms).

    `narrowing`, the filters already applied to every recommendation, where the caller
    built them (`recommendation_list_filtered`)."""
    if narrowing is None:
        narrowing = recommendation_filter(Recommendation.objects.all(), user=user, **filters)
    sort, q = filters.get("sort", ""), filters.get("q", "")
    if recommendation_sort(sort) != RECOMMENDATION_SORTS["source"]:
        return None
    if source_ids is None:
        sources = Source.objects.filter(visible_sources_q(access_for(user).organisation_ids))
        in_order = sources.order_by("title", "id").values_list("pk", flat=True)
        if not q:
            return Groups("source_id", in_order, _rows_under(user, narrowing))
        source_ids = list(in_order)
    if q and len(source_ids) <= SEARCH_AT_ONCE_SOURCES:
        return None
    return Groups("source_id", source_ids, _rows_under(user, narrowing))


@dataclass(frozen=True)
class FilteredList:
    """A list page's rows, visible, filtered and sorted, built only if the page needs them
    (a list read by `groups` with its count known does not), and the groups it reads them
    by."""

    rows: LazyRows
    groups: Groups | None


def recommendation_list_filtered(
    *, user: User, filters: dict[str, Any], sources: ListSources
) -> FilteredList:
    """The list page's rows and groups with the filters applied once for both: on
    PostgreSQL a search looks its words up in the sources' titles when the filter is built,
    and a list read by source did that twice (about 9 ms each for a national viewer).

    Without a search, the rows depend on nothing but the user's organisations and the
    filters' values, so their SQL is built once a shape (core.keyset `LazyRows`)."""
    if not filters.get("q"):
        return _named_list(access_for(user).organisation_ids, filters, sources)
    narrowing = recommendation_filter(
        Recommendation.objects.all(), user=user, among_sources=sources.ids, **filters
    )
    # A filter on the actions finds the rows; the rule only tests each of them.
    by_actions = bool(filters.get("owner") or filters.get("delivery_status"))
    return FilteredList(
        rows=LazyRows(
            Recommendation, lambda: recommendation_list(user=user, hashed=by_actions) & narrowing
        ),
        groups=recommendation_groups(
            user=user, filters=filters, source_ids=sources.ids, narrowing=narrowing
        ),
    )


# The filters whose values a named list's SQL takes as parameters (all but the search).
_NAMED_FILTERS = ("source", "owner", "delivery_status", "assurance_status", "finding_type", "theme")


def _named_list(
    organisations: frozenset[int], filters: dict[str, Any], sources: ListSources
) -> FilteredList:
    """`recommendation_list_filtered` without a search: rows built from the organisations
    and the filters' values (an object by its id) alone."""
    names = tuple(name for name in _NAMED_FILTERS if filters.get(name))
    values = _as_parameters(filters, names)
    sort = filters.get("sort", "")
    by_actions = bool({"owner", "delivery_status"} & set(names))

    def narrowing(organisations: frozenset[int], *values: Any) -> QuerySet[Recommendation]:
        chosen = dict(zip(names, values, strict=True))
        return recommendation_filter(
            Recommendation.objects.all(), organisations=organisations, sort=sort, **chosen
        )

    def rows(organisations: frozenset[int], *values: Any) -> QuerySet[Recommendation]:
        seen = live_recommendations_seen_by(organisations, hashed=by_actions)
        return seen & narrowing(organisations, *values)

    def under(
        source_ids: list[int], organisations: frozenset[int], *values: Any
    ) -> QuerySet[Recommendation]:
        seen = live_recommendations_seen_by(organisations, sources=source_ids)
        return seen & narrowing(organisations, *values)

    by_source = recommendation_sort(sort) == RECOMMENDATION_SORTS["source"]
    return FilteredList(
        rows=LazyRows(
            Recommendation,
            rows,
            (organisations, *values),
            name=f"register:{sort}:{','.join(names)}",
        ),
        groups=Groups("source_id", sources.ids, under) if by_source else None,
    )


def _rows_under(
    user: User, narrowing: QuerySet[Recommendation]
) -> Callable[[list[int]], QuerySet[Any]]:
    """The list's rows under some sources: those the user may see there, narrowed by the
    filters. The filters are applied once, and each read combines them with the rule for
    its sources (a search looks its words up once, not once a read)."""

    def rows(source_ids: list[int]) -> QuerySet[Any]:
        return recommendation_list(user=user, sources=source_ids) & narrowing

    return rows


def action_sort(sort: str = "") -> tuple[SortKey, ...]:
    """An action list's order, by target date unless the list asks for another."""
    return ACTION_SORTS.get(sort, ACTION_SORTS["target"])


def recommendation_filter(
    queryset: QuerySet[Recommendation],
    *,
    user: User | None = None,
    organisations: frozenset[int] | None = None,
    q: str = "",
    source: Source | int | None = None,
    owner: Organisation | int | None = None,
    delivery_status: str = "",
    assurance_status: str = "",
    finding_type: str = "",
    theme: Theme | int | None = None,
    sort: str = "source",
    among_sources: Sequence[int] | None = None,
) -> QuerySet[Recommendation]:
    """Narrow a visible recommendation list by the list page's filters, then sort it.

    The owner and delivery-status filters look only at actions the user may see (the
    user's, or the `organisations`' members'): filtering over every action told a council
    which of its recommendations the police act on too. `among_sources`, the sources the
    user may see where already read (`recommendation_list_sources`), saves a search reading
    every other source's title.
    """
    if organisations is None:
        assert user is not None
        organisations = access_for(user).organisation_ids

    if q:
        queryset = recommendation_search(queryset, q, among_sources=among_sources)
    if source is not None:
        queryset = queryset.filter(source=source)
    # As _in: PostgreSQL reads the matching actions' recommendations once, rather than
    # looking up each visible recommendation's actions (229 ms for a national viewer).
    if owner is not None:
        queryset = queryset.filter(
            indexed_in(
                "pk",
                _visible_actions(organisations).filter(owner=owner).values("recommendation_id"),
            )
        )
    if delivery_status:
        queryset = queryset.filter(
            indexed_in(
                "pk",
                _visible_actions(organisations)
                .filter(delivery_status=delivery_status)
                .values("recommendation_id"),
            )
        )
    if assurance_status:
        queryset = queryset.filter(assurance_status=assurance_status)
    if finding_type:
        queryset = queryset.filter(finding_type=finding_type)
    if theme is not None:
        queryset = queryset.filter(themes=theme)
    return ordered(queryset, recommendation_sort(sort))


def _visible_actions(organisations: frozenset[int]) -> QuerySet[Action]:
    # Built only for the filters that read actions: building it cost a list without them
    # about half a millisecond, twice for a list read by source (issue #12).
    return Action.objects.filter(visible_actions_q(organisations))


# The filters whose values a named action list's SQL takes as parameters, besides the days
# of `due`; a search's words reach the SQL as patterns (`%word%`).
_NAMED_ACTION_FILTERS = ("owner", "delivery_status", "assurance_status")
# How far ahead "due in the next 30 days" looks.
DUE_SOON = datetime.timedelta(days=30)


def action_list_filtered(*, user: User, filters: dict[str, Any]) -> LazyRows:
    """The action list page's rows: `action_filter` over the actions the user may see.
    Without a search, built from the user's organisations and the filters' values (an
    organisation by its id; where the list is of actions due, today and the last day due)
    alone, so their SQL is built once a shape (core.keyset `LazyRows`)."""
    if filters.get("q"):
        return LazyRows(Action, lambda: action_filter(action_list(user=user), **filters))
    names = tuple(name for name in _NAMED_ACTION_FILTERS if filters.get(name))
    values = _as_parameters(filters, names)
    due, sort = filters.get("due", ""), filters.get("sort", "")
    today = timezone.localdate()
    # Days passed in, not worked out in the build: its SQL keeps what it computes.
    days = {"": (), "overdue": (today,), "30_days": (today, today + DUE_SOON)}[due]

    def rows(organisations: frozenset[int], *values: Any) -> QuerySet[Action]:
        on, by = values[: len(days)] + (None,) * (2 - len(days))
        chosen = dict(zip(names, values[len(days) :], strict=True))
        return action_filter(
            live_actions_seen_by(organisations), due=due, sort=sort, today=on, due_by=by, **chosen
        )

    return LazyRows(
        Action,
        rows,
        (access_for(user).organisation_ids, *days, *values),
        name=f"actions:{sort}:{due}:{','.join(names)}",
    )


def action_filter(
    queryset: QuerySet[Action],
    *,
    q: str = "",
    owner: Organisation | int | None = None,
    delivery_status: str = "",
    assurance_status: str = "",
    due: str = "",
    sort: str = "target",
    today: datetime.date | None = None,
    due_by: datetime.date | None = None,
) -> QuerySet[Action]:
    """Narrow a visible action list by the list page's filters, then sort it. "Due in the
    next 30 days" is due from `today` to `due_by` (by default `DUE_SOON` after today)."""
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
    # A superseded recommendation's actions are never due (issue #17).
    if due == "overdue":
        queryset = queryset.filter(overdue_q(today))
    elif due == "30_days":
        queryset = queryset.filter(
            delivery_status__in=OPEN_STATUSES,
            is_superseded=False,
            target_on__gte=today,
            target_on__lte=due_by or today + DUE_SOON,
        )
    return ordered(queryset, action_sort(sort))


def recommendation_counts_by_assurance(organisations: frozenset[int]) -> dict[str, int]:
    """Visible recommendations by assurance status: the tallies of the organisations' own
    offices, and a count of those they see elsewhere only through an action of their own."""
    counts: dict[str, int] = {}
    rows = rows_for_organisations(
        "recommendation_counts_by_assurance",
        Recommendation,
        organisations,
        _counts_by_assurance_query,
    )
    for status, count in rows:
        counts[status] = counts.get(status, 0) + count
    return counts


def _counts_by_assurance_query(organisations: frozenset[int]) -> QuerySet[Any]:
    owned = (
        RecommendationTally.objects.filter(office_id__in=organisations, total__gt=0)
        .order_by()
        .values_list("assurance_status")
        .annotate(Sum("total"))
    )
    # Both in one query: a status may come twice, once from each.
    return owned.union(_counted_elsewhere(organisations), all=True)


def _counted_elsewhere(organisations: frozenset[int]) -> QuerySet[Any]:
    """Recommendations under other offices' sources the organisations have an action on, by
    assurance status."""
    if len(organisations) == 1:
        # One organisation's partner tally, where its 3,000 actions' recommendations were read
        # (a force's lead: 5.5 ms on PostgreSQL, issue #12). Summed over several organisations
        # it would count twice a recommendation two of them act on.
        return (
            PartnerRecommendationTally.objects.filter(owner_id__in=organisations, total__gt=0)
            .exclude(office_id__in=organisations)
            .order_by()
            .values_list("assurance_status")
            .annotate(Sum("total"))
        )
    return (
        Recommendation.objects.filter(
            indexed_in("pk", actions_owned(organisations).values("recommendation_id")),
            is_archived=False,
        )
        # Not joined to each row's source: PostgreSQL then hashes the owned sources once
        # rather than looking up the source of each of a force's 3,000 (10 → 6 ms, issue #12).
        .exclude(source_id__in=owned_sources(organisations))
        .order_by()
        .values_list("assurance_status")
        .annotate(Count("id"))
    )
