"""Every read of the register, scoped to what the user's organisations and roles allow.

The rule: the office that owns a source (the PCC's office) sees everything under it; a partner
organisation sees the recommendations it has an action on, and only its own actions.
"""

import datetime
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connections
from django.db.models import (
    BooleanField,
    Count,
    DateField,
    DateTimeField,
    F,
    Lookup,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from answerable.accounts.models import User
from answerable.audit.models import AuditEvent
from answerable.core.forms import DrawnOptions
from answerable.core.jinja2 import govuk_date
from answerable.core.keyset import Groups, SortKey, ordered, rows_in_order
from answerable.organisations.models import Membership, Organisation
from answerable.organisations.selectors import access_for
from answerable.recommendations.models import (
    OPEN_STATUSES,
    Action,
    ActionTally,
    Assessment,
    AssuranceStatus,
    DeliveryStatus,
    Evidence,
    OpenActionTally,
    Recommendation,
    RecommendationTally,
    Source,
    SourceActionTally,
    TargetDateChange,
    Theme,
    Update,
)

Role = Membership.Role


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


# --- visibility --------------------------------------------------------------------------
#
# Each rule is a few `column IN (subquery)` conditions joined by OR, rather than joins or
# correlated EXISTS: each subquery starts from an index on an organisation column, so the
# database reads the rows the user may see instead of testing every row in the register.
# At national scale (50,000 recommendations) the EXISTS form read every row on every page
# (issue #5). PostgreSQL cannot use an index for `IN (subquery)` under an OR, so there the
# subquery becomes `= ANY(ARRAY(subquery))`: run once, then probed through the index, with
# the OR's arms combined as bitmaps.


class _AnyOf(Lookup):
    """`field = ANY(ARRAY(subquery))`: PostgreSQL runs the subquery once, then uses the index."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = compiler.compile(self.rhs)
        return f"{lhs} = ANY({rhs})", (*lhs_params, *rhs_params)


def _in(field: str, subquery: QuerySet[Any]) -> Q:
    """`field IN (subquery)`, written so the database's planner can use the field's index."""
    if connections[subquery.db].vendor == "postgresql":
        return Q(_AnyOf(F(field), ArraySubquery(subquery.order_by())))
    return Q(**{f"{field}__in": subquery})


def _owned_sources(organisations: frozenset[int]) -> QuerySet[Source, Any]:
    return Source.objects.filter(owner_id__in=organisations).values("pk")


def _actions_owned(organisations: frozenset[int]) -> QuerySet[Action]:
    return Action.objects.filter(owner_id__in=organisations)


def _visible_sources(organisations: frozenset[int]) -> Q:
    """Sources the organisations own, or have an action under."""
    return Q(owner_id__in=organisations) | _in(
        "pk", _actions_owned(organisations).values("source_id").distinct()
    )


def _visible_recommendations(organisations: frozenset[int]) -> Q:
    """Recommendations under the organisations' sources, or with one of their actions."""
    return _in("source_id", _owned_sources(organisations)) | _in(
        "pk", _actions_owned(organisations).values("recommendation_id")
    )


def _visible_actions(organisations: frozenset[int]) -> Q:
    """Actions under the organisations' sources, or their own."""
    return _in("source_id", _owned_sources(organisations)) | Q(owner_id__in=organisations)


# --- sources ---------------------------------------------------------------------------


def source_list(*, user: User) -> QuerySet[Source]:
    """Return sources the user's organisations own or have an action under."""
    return (
        Source.objects.filter(_visible_sources(access_for(user).organisation_ids))
        .filter(is_archived=False)
        .select_related("owner")
        .annotate(recommendation_count=Count("recommendations", distinct=True))
    )


def source_choice_list(*, user: User) -> QuerySet[Source]:
    """Return the sources of `source_list` by title, with only what a filter's options show."""
    return (
        Source.objects.filter(_visible_sources(access_for(user).organisation_ids))
        .filter(is_archived=False)
        .only("pk", "title")
        .order_by("title")
    )


def source_options(*, user: User, sources: QuerySet[Source] | None = None) -> DrawnOptions:
    """`source_choice_list` (or `sources`, that list already built) as (id, title) options."""
    if sources is None:
        sources = source_choice_list(user=user)
    return DrawnOptions(list(sources.values_list("pk", "title")))


def source_get_for_user(*, user: User, pk: int) -> Source:
    """Return the source if the user may see it; raise Http404 otherwise."""
    try:
        return source_list(user=user).get(pk=pk)
    except Source.DoesNotExist:
        raise Http404("No such source") from None


# --- recommendations -------------------------------------------------------------------


def recommendation_list(*, user: User) -> QuerySet[Recommendation]:
    """Return recommendations the user may see, with their source."""
    return (
        Recommendation.objects.filter(_visible_recommendations(access_for(user).organisation_ids))
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
    return (
        Action.objects.filter(_visible_actions(access_for(user).organisation_ids))
        .filter(is_archived=False)
        .select_related("recommendation", "recommendation__source", "owner", "lead")
    )


def recommendation_action_list(*, user: User, recommendation: Recommendation) -> list[Action]:
    """The recommendation's actions the user may see, with their owners, for its page.

    Each action's recommendation is the one given, already read, rather than joined again.
    """
    actions = list(
        action_list(user=user)
        .filter(recommendation=recommendation)
        .select_related(None)
        .select_related("owner")
    )
    for action in actions:
        action.recommendation = recommendation
    return actions


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
            _in("source_id", _owned_sources(offices)),
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

    @property
    def when(self) -> str:
        """The time as the timeline shows it, `8 December 2023 at 14:05`: date_format's
        "j F Y \\a\\t H:i" without its per-call set-up (a tenth of a ms an entry)."""
        return f"{govuk_date(self.at)} at {self.at:%H:%M}"


def action_timeline(*, action: Action) -> list[TimelineEntry]:
    """Return the action's updates, assessments, date changes and other events, newest first."""
    kinds = _timeline_rows("action", action)
    evidence: dict[int, list[Evidence]] = {}
    for _, pk, update_id, _, _, title, file, kind, marking, link, _, _, size, published in kinds[
        "evidence"
    ]:
        evidence.setdefault(update_id, []).append(
            Evidence(
                pk=pk,
                update_id=update_id,
                title=title,
                file=file,
                file_kind=kind,
                marking=marking,
                link=link,
                size=size,
                is_published=published,
            )
        )
    entries: list[TimelineEntry] = []
    for at, pk, _, name, email, narrative, before, after, *_ in kinds["update"]:
        title = "Progress update"
        if before != after:
            title = (
                f"Status changed from {DeliveryStatus(before).label} "
                f"to {DeliveryStatus(after).label}"
            )
        entries.append(
            TimelineEntry(
                at, "update", title, name or email, narrative, tuple(evidence.get(pk, ()))
            )
        )
    entries += _assessment_entries(kinds["assessment"])
    for at, _, _, name, email, reason, _, _, _, _, previous_on, new_on, *_ in kinds["target_date"]:
        before = previous_on.strftime("%-d %B %Y") if previous_on else "none"
        after = new_on.strftime("%-d %B %Y") if new_on else "none"
        entries.append(
            TimelineEntry(
                at,
                "target_date",
                f"Target date changed from {before} to {after}",
                name or email,
                reason,
            )
        )
    entries += _audit_entries(kinds["audit"])
    return sorted(entries, key=lambda entry: entry.at, reverse=True)


def recommendation_timeline(*, recommendation: Recommendation) -> list[TimelineEntry]:
    """Return the recommendation's assessments and recorded changes, newest first."""
    kinds = _timeline_rows("recommendation", recommendation)
    entries = _assessment_entries(kinds["assessment"]) + _audit_entries(kinds["audit"])
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
_VERDICTS = dict(Assessment.Verdict.choices)

# A timeline's entries of every kind come from one UNION ALL query, in SQL: through the
# ORM, building and compiling the same union cost ~5 ms of CPU a page (issue #5), and
# model instances were made only to read a few columns. Each branch returns a kind's rows
# as these columns; one the kind does not use is NULL, cast where PostgreSQL could not
# otherwise match it to the other branches' type. Only the timestamp shown is read.
_COLUMNS = {
    "at": "NULL",
    "key": "CAST(NULL AS bigint)",  # the order within a kind: the id, or an event's sequence
    "parent": "CAST(NULL AS bigint)",  # evidence: its update
    "name": "u.full_name",  # who: their full name, else their email; an event's no one: System
    "email": "u.email",
    "text": "NULL",  # narrative, rationale, reason, note; evidence: its title
    "code": "NULL",  # status before, verdict, audit action; evidence: file
    "code2": "NULL",  # status after; evidence: file kind
    "code3": "NULL",  # evidence: marking
    "link": "NULL",
    "day": "CAST(NULL AS date)",
    "day2": "CAST(NULL AS date)",
    "size": "CAST(NULL AS bigint)",
    "flag": "CAST(NULL AS boolean)",
}
# Columns a driver may return raw (SQLite: dates and times as text, booleans as 0 or 1), by
# their place in a row after the kind: converted as the ORM converts a field of the type.
_TYPED_COLUMNS = {
    1 + list(_COLUMNS).index(name): Value(None, output_field=field)
    for name, field in (
        ("at", DateTimeField()),
        ("day", DateField()),
        ("day2", DateField()),
        ("flag", BooleanField()),
    )
}


def _branch(kind: str, source: str, where: str, **columns: str) -> str:
    select = ", ".join(columns.get(name, null) for name, null in _COLUMNS.items())
    return f"SELECT '{kind}', {select} FROM {source} WHERE {where}"  # noqa: S608 - constants


@functools.cache
def _timeline_sql(target: str, alias: str) -> str:
    """The query of a timeline's rows: an action's or a recommendation's (`target`)."""
    table = {
        model: connections[alias].ops.quote_name(model._meta.db_table)
        for model in (User, Update, Evidence, Assessment, TargetDateChange, AuditEvent)
    }
    skipped = ", ".join(f"'{action}'" for action in sorted(_SHOWN_ELSEWHERE))
    branches = [
        _branch(
            "assessment",
            f"{table[Assessment]} t JOIN {table[User]} u ON u.id = t.assessed_by_id",
            f"t.{target}_id = %s",
            at="t.created_at",
            key="t.id",
            text="t.rationale",
            code="t.verdict",
        ),
        # Through the index on (target_type, target_id, sequence); by id, as events are written.
        _branch(
            "audit",
            f"{table[AuditEvent]} t LEFT JOIN {table[User]} u ON u.id = t.actor_id",
            f"t.target_type_id = %s AND t.target_id = %s AND t.action NOT IN ({skipped})",
            at="t.occurred_at",
            key="t.id",
            text="t.note",
            code="t.action",
        ),
    ]
    if target == "action":
        branches += [
            _branch(
                "update",
                f"{table[Update]} t JOIN {table[User]} u ON u.id = t.author_id",
                "t.action_id = %s",
                at="t.created_at",
                key="t.id",
                text="t.narrative",
                code="t.status_before",
                code2="t.status_after",
            ),
            _branch(
                "evidence",
                f"{table[Evidence]} t JOIN {table[Update]} p ON p.id = t.update_id",
                "p.action_id = %s",
                at="t.created_at",
                key="t.id",
                parent="t.update_id",
                name="NULL",
                email="NULL",
                text="t.title",
                code="t.file",
                code2="t.file_kind",
                code3="t.marking",
                link="t.link",
                size="t.size",
                flag="t.is_published",
            ),
            _branch(
                "target_date",
                f"{table[TargetDateChange]} t JOIN {table[User]} u ON u.id = t.changed_by_id",
                "t.action_id = %s",
                at="t.created_at",
                key="t.id",
                text="t.reason",
                day="t.previous_on",
                day2="t.new_on",
            ),
        ]
    return " UNION ALL ".join(branches)


def _timeline_rows(target: str, obj: Action | Recommendation) -> dict[str, list[tuple[Any, ...]]]:
    """The timeline's rows without their kind, by kind, each kind in its own order (`key`)."""
    alias = Update.objects.db
    connection = connections[alias]
    content_type = ContentType.objects.get_for_model(obj)  # cached after the first
    params: list[Any] = [obj.pk, content_type.pk, str(obj.pk)]  # as audit_record writes the target
    if target == "action":
        params += [obj.pk] * 3
    with connection.cursor() as cursor:
        cursor.execute(_timeline_sql(target, alias), params)
        rows = cursor.fetchall()
    converters = [
        (index, convert, expression)
        for index, expression in _TYPED_COLUMNS.items()
        for convert in connection.ops.get_db_converters(expression)
        + expression.output_field.get_db_converters(connection)
    ]
    kinds: dict[str, list[tuple[Any, ...]]] = {
        "update": [],
        "evidence": [],
        "assessment": [],
        "target_date": [],
        "audit": [],
    }
    for row in rows:
        if converters:
            values = list(row)
            for index, convert, expression in converters:
                values[index] = convert(values[index], expression, connection)
            row = tuple(values)
        kinds[row[0]].append(row[1:])
    for kind, kind_rows in kinds.items():
        if kind in ("evidence", "audit"):  # by id
            kind_rows.sort(key=lambda row: row[1])
        else:  # by time, then id
            kind_rows.sort(key=lambda row: (row[0], row[1]))
    return kinds


def _assessment_entries(rows: list[tuple[Any, ...]]) -> list[TimelineEntry]:
    return [
        TimelineEntry(
            at,
            "assessment",
            f"Assessment: {_VERDICTS.get(verdict, verdict)}",
            name or email,
            rationale,
        )
        for at, _, _, name, email, rationale, verdict, *_ in rows
    ]


def _audit_entries(rows: list[tuple[Any, ...]]) -> list[TimelineEntry]:
    # No actor (a left join's NULLs): the system did it. Every user has an email.
    return [
        TimelineEntry(
            at,
            "audit",
            _AUDIT_TITLES.get(action, action),
            "System" if email is None else name or email,
            note,
        )
        for at, _, _, name, email, note, action, *_ in rows
    ]


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
        for pk, name in Organisation.objects.filter(pk__in=list(owner_counts))
        .order_by("name")
        .values_list("pk", "name")
    ]
    open_actions = action_list(user=user).filter(delivery_status__in=OPEN_STATUSES)
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
            for status, count in sorted(_recommendation_counts(organisations).items())
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
    """(owner id, delivery status, count) of the actions `_visible_actions` lets the
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


def _recommendation_counts(organisations: frozenset[int]) -> dict[str, int]:
    """Visible recommendations by assurance status: the tallies of the organisations' own
    offices, and a count of those they see elsewhere only through an action of their own."""
    counts: dict[str, int] = {}
    owned = (
        RecommendationTally.objects.filter(office_id__in=organisations, total__gt=0)
        .order_by()
        .values_list("assurance_status")
        .annotate(Sum("total"))
    )
    elsewhere = (
        Recommendation.objects.filter(
            _in("pk", _actions_owned(organisations).values("recommendation_id")),
            is_archived=False,
        )
        .exclude(source__owner_id__in=organisations)
        .order_by()
        .values_list("assurance_status")
        .annotate(Count("id"))
    )
    for rows in (owned, elsewhere):
        for status, count in rows:
            counts[status] = counts.get(status, 0) + count
    return counts


def _least_assured_sources(
    organisations: frozenset[int],
) -> tuple[list[tuple[int, str, dict[str, int]]], int]:
    """The visible sources with the most actions not yet assured, most first, then by title,
    each with its actions by assurance status; and how many sources have visible actions.

    The organisations' own sources are ranked from their tallies, the few others they see
    through their own actions from those actions: the two never share a source.
    """
    tallies = SourceActionTally.objects.filter(
        _in("source_id", _owned_sources(organisations)), total__gt=0
    ).order_by()
    elsewhere = (
        _actions_owned(organisations)
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
        Source.objects.filter(_visible_sources(access_for(user).organisation_ids))
        .filter(is_archived=False, published_on__isnull=False, responded_on__isnull=True)
        .exclude(deadline_rule=Source.DeadlineRule.NONE)
        .only("pk", "title", "deadline_rule", "published_on", "responded_on")
    )
    awaiting.sort(key=lambda source: (source.response_due_on or today, source.title, source.pk))
    return awaiting[:DASHBOARD_ROWS], len(awaiting)


# --- list totals ------------------------------------------------------------------------


def recommendation_count(
    *, user: User, filtered: QuerySet[Recommendation], filters: dict[str, Any]
) -> int:
    """How many recommendations a list shows: from the tallies when it is not narrowed, or
    narrowed only by assurance status; counted otherwise."""
    if set(filters) - {"sort", "assurance_status"}:
        return filtered.count()
    counts = _recommendation_counts(access_for(user).organisation_ids)
    if "assurance_status" in filters:
        return counts.get(filters["assurance_status"], 0)
    return sum(counts.values())


def action_count(*, user: User, filtered: QuerySet[Action], filters: dict[str, Any]) -> int:
    """How many actions a list shows: from the tallies when it is narrowed by nothing but
    owner, delivery and assurance status; counted otherwise."""
    if set(filters) - {"sort", "owner", "delivery_status", "assurance_status"}:
        return filtered.count()
    organisations = access_for(user).organisation_ids
    tallies = ActionTally.objects.filter(
        Q(office_id__in=organisations) | Q(owner_id__in=organisations)
    )
    for name in ("owner", "delivery_status", "assurance_status"):
        if name in filters:
            tallies = tallies.filter(**{name: filters[name]})
    return tallies.aggregate(total=Sum("total"))["total"] or 0


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


def recommendation_groups(*, user: User, sort: str = "") -> Groups | None:
    """For a list by source, the sources the user may see in that order (archived ones too,
    whose recommendations still list), so a page is read a few sources at a time."""
    if recommendation_sort(sort) != RECOMMENDATION_SORTS["source"]:
        return None
    sources = Source.objects.filter(_visible_sources(access_for(user).organisation_ids))
    return Groups("source_id", sources.order_by("title", "id").values_list("pk", flat=True))


def action_sort(sort: str = "") -> tuple[SortKey, ...]:
    """An action list's order, by target date unless the list asks for another."""
    return ACTION_SORTS.get(sort, ACTION_SORTS["target"])


def recommendation_filter(
    queryset: QuerySet[Recommendation],
    *,
    user: User,
    q: str = "",
    source: Source | None = None,
    owner: Organisation | None = None,
    delivery_status: str = "",
    assurance_status: str = "",
    finding_type: str = "",
    theme: Theme | None = None,
    sort: str = "source",
) -> QuerySet[Recommendation]:
    """Narrow a visible recommendation list by the list page's filters, then sort it.

    The owner and delivery-status filters look only at actions the user may see: filtering
    over every action told a council which of its recommendations the police act on too.
    """
    from answerable.recommendations.search import recommendation_search

    if q:
        queryset = recommendation_search(queryset, q)
    if source is not None:
        queryset = queryset.filter(source=source)
    visible_actions = Action.objects.filter(_visible_actions(access_for(user).organisation_ids))
    # As _in: PostgreSQL reads the matching actions' recommendations once, rather than
    # looking up each visible recommendation's actions (229 ms for a national viewer).
    if owner is not None:
        queryset = queryset.filter(
            _in("pk", visible_actions.filter(owner=owner).values("recommendation_id"))
        )
    if delivery_status:
        queryset = queryset.filter(
            _in(
                "pk",
                visible_actions.filter(delivery_status=delivery_status).values("recommendation_id"),
            )
        )
    if assurance_status:
        queryset = queryset.filter(assurance_status=assurance_status)
    if finding_type:
        queryset = queryset.filter(finding_type=finding_type)
    if theme is not None:
        queryset = queryset.filter(themes=theme)
    return ordered(queryset, recommendation_sort(sort))


def action_filter(
    queryset: QuerySet[Action],
    *,
    q: str = "",
    owner: Organisation | None = None,
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
    return ordered(queryset, action_sort(sort))


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
