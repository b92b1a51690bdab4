"""Who may see and do what in the register: the one place its visibility rule is written.

The rule: the office that owns a source (the PCC's office) sees everything under it; a partner
organisation sees the recommendations it has an action on, and only its own actions.
"""

import datetime
from collections.abc import Sequence
from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connections
from django.db.models import (
    F,
    Lookup,
    Q,
    QuerySet,
)

from answerable.accounts.models import User
from answerable.accounts.selectors import user_list
from answerable.organisations.models import Membership
from answerable.organisations.selectors import access_for
from answerable.recommendations.models import (
    OPEN_STATUSES,
    Action,
    Recommendation,
    Source,
)

Role = Membership.Role


# --- permissions -------------------------------------------------------------------------


def can_manage_register(*, user: User, source: Source | None = None) -> bool:
    """Scrutiny officers load sources, recommendations and actions for their office."""
    access = access_for(user)
    if source is None:
        return access.has_role(Role.SCRUTINY_OFFICER)
    return access.has_role(Role.SCRUTINY_OFFICER, source.owner_id)


def can_manage_themes(*, user: User, office_id: int | None) -> bool:
    """An office's scrutiny officers keep its list of themes: add, rename and merge."""
    return office_id is not None and access_for(user).has_role(Role.SCRUTINY_OFFICER, office_id)


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
    return (
        user_list(active=True)
        .filter(memberships__organisation_id=organisation_id, memberships__role=Role.LEAD_OFFICER)
        .order_by("full_name")
    )


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


def indexed_in(field: str, subquery: QuerySet[Any], *, distinct: bool = False) -> Q:
    """`field IN (subquery)`, written so the database's planner can use the field's index.

    `distinct` for a subquery with many repeats: PostgreSQL's array is then kept short. On
    SQLite `IN` needs no DISTINCT, which made it read the whole of another index to sort
    (the sources of a national viewer's actions: 29 ms, 2 ms without, issue #12)."""
    if connections[subquery.db].vendor == "postgresql":
        if distinct:
            subquery = subquery.distinct()
        return Q(_AnyOf(F(field), ArraySubquery(subquery.order_by())))
    return Q(**{f"{field}__in": subquery})


def owned_sources(organisations: frozenset[int]) -> QuerySet[Source, Any]:
    return Source.objects.filter(owner_id__in=organisations).values("pk")


def actions_owned(organisations: frozenset[int]) -> QuerySet[Action]:
    return Action.objects.filter(owner_id__in=organisations)


def visible_sources_q(organisations: frozenset[int]) -> Q:
    """Sources the organisations own, or have an action under."""
    return Q(owner_id__in=organisations) | indexed_in(
        "pk", actions_owned(organisations).values("source_id"), distinct=True
    )


def visible_recommendations_q(
    organisations: frozenset[int], *, sources: Sequence[int] | None = None, hashed: bool = False
) -> Q:
    """Recommendations under the organisations' sources, or with one of their actions.

    Given `sources`, only those under these sources, each side of the rule read for them
    alone: a page of a list by source reads a few sources' rows, where the rule read every
    recommendation the user acts on (3,000 for a force's lead officer) to keep a few of them
    (that lead's first page read 4–14 → 0.7 ms on PostgreSQL, issue #12).

    `hashed` where a query finds its few recommendations another way (a filter on their
    actions) and only tests each against the rule: the ones the organisations act on as a
    plain `IN (subquery)`, which PostgreSQL hashes once, where `= ANY(ARRAY(…))` searched a
    force's 3,000 for each row (that lead's filtered list 7.5 → 5 ms). SQLite's SQL is the
    same either way."""
    owned = owned_sources(organisations)
    acting = actions_owned(organisations)
    if sources is None:
        among = Q()
    else:
        among = Q(source_id__in=sources)
        owned = owned.filter(pk__in=sources)
        acting = acting.filter(source_id__in=sources)
    acted_on = acting.values("recommendation_id")
    in_acted_on = Q(pk__in=acted_on) if hashed else indexed_in("pk", acted_on)
    return among & (indexed_in("source_id", owned) | in_acted_on)


def visible_actions_q(organisations: frozenset[int], *, hashed: bool = False) -> Q:
    """Actions under the organisations' sources, or their own.

    `hashed` where a query tests many actions anyway (a range of the open-actions index):
    the sources as a plain `IN (subquery)`, which PostgreSQL hashes once, where `= ANY(ARRAY
    (…))` searches the array for each row. SQLite's SQL is the same either way."""
    sources = owned_sources(organisations)
    in_sources = Q(source_id__in=sources) if hashed else indexed_in("source_id", sources)
    return in_sources | Q(owner_id__in=organisations)


def overdue_q(today: datetime.date) -> Q:
    """An action still open past its target date; a superseded recommendation's actions are
    never due (issue #17)."""
    return Q(delivery_status__in=OPEN_STATUSES, is_superseded=False, target_on__lt=today)
