"""Who may see and do what with indicators, and the reads that decide it.

The rule: an indicator is visible to the members (any role) of the organisation that owns
it and of the PCC's office whose area it is in; nobody else sees it. `indicator_list` is the
one place this is written.

Values are recorded by the owner's lead officers and the office's scrutiny officers.
Indicators are defined by the office's scrutiny officers and administrators.
"""

import datetime
import functools
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import F, Q, QuerySet
from django.shortcuts import get_object_or_404

from answerable.accounts.models import User
from answerable.accounts.selectors import user_in_bulk
from answerable.core.prepared import prepared_get_or_404, prepared_list
from answerable.core.prepared_rows import prepared_rows
from answerable.indicators.models import Indicator, IndicatorValue
from answerable.organisations.models import Membership, Organisation
from answerable.organisations.selectors import access_for, organisation_list

Role = Membership.Role


# --- permissions -------------------------------------------------------------------------


def office_of(organisation: Organisation) -> Organisation | None:
    """The PCC's office whose area the organisation is in: itself, for an office."""
    if organisation.kind == Organisation.Kind.PCC_OFFICE:
        return organisation
    return organisation.office


def can_define_indicators(*, user: User, office: Organisation) -> bool:
    """The office's scrutiny officers and administrators define the indicators in its area."""
    access = access_for(user)
    if access.is_system_administrator:
        return True
    return access.has_role(Role.SCRUTINY_OFFICER, office.pk) or access.has_role(
        Role.ADMINISTRATOR, office.pk
    )


def can_record_values(*, user: User, indicator: Indicator) -> bool:
    """The owner's lead officers, and the office's scrutiny officers, record the figures."""
    access = access_for(user)
    return access.has_role(Role.LEAD_OFFICER, indicator.owner_id) or access.has_role(
        Role.SCRUTINY_OFFICER, indicator.office_id
    )


def indicator_recordable_list(*, user: User) -> QuerySet[Indicator]:
    """The indicators whose figures the user records (as `can_record_values` says), archived
    ones included so an import can say so, in primary key order."""
    access = access_for(user)
    return (
        Indicator.objects.filter(
            Q(owner_id__in=access.organisations_with_role(Role.LEAD_OFFICER))
            | Q(office_id__in=access.organisations_with_role(Role.SCRUTINY_OFFICER))
        )
        .select_related("owner", "office")
        .order_by("pk")
    )


def defining_office_list(*, user: User) -> QuerySet[Organisation]:
    """The offices in whose area the user may define indicators, in name order."""
    access = access_for(user)
    offices = organisation_list().filter(kind=Organisation.Kind.PCC_OFFICE)
    if access.is_system_administrator:
        return offices
    return offices.filter(
        pk__in=access.organisations_with_role(Role.SCRUTINY_OFFICER)
        | access.organisations_with_role(Role.ADMINISTRATOR)
    )


def owner_choice_list(*, user: User) -> QuerySet[Organisation]:
    """The organisations an indicator the user defines may belong to: the offices they
    define for and the partners in those offices' areas, without archived ones."""
    offices = defining_office_list(user=user).values("pk")
    return (
        organisation_list()
        .filter(Q(pk__in=offices) | Q(office__in=offices))
        .select_related("office")
    )


# --- indicators ----------------------------------------------------------------------------


def indicators_seen_from(*, organisation_ids: Collection[int]) -> QuerySet[Indicator]:
    """The rule `indicator_list` reads through, for someone in the organisations (their
    `access_for(...).organisation_ids`): the indicators those organisations own or whose
    office they are, archived ones included, in no order."""
    return Indicator.objects.filter(
        Q(owner_id__in=organisation_ids) | Q(office_id__in=organisation_ids)
    )


def indicator_list(
    *, user: User, theme: str | None = None, archived: bool | None = False
) -> QuerySet[Indicator]:
    """Return the indicators the user may see, by theme and name: those not archived, or
    with `archived` True only archived ones, and with None both.

    Each carries its stored reading (`summary`, which may be missing for one made outside the
    services), and `latest_period` and `latest_value`: its most recent current value.
    """
    indicators = _with_reading(access_for(user).organisation_ids).order_by("theme", "name", "pk")
    if archived is not None:
        indicators = indicators.filter(is_archived=archived)
    if theme:
        indicators = indicators.filter(theme=theme)
    return indicators


def indicator_theme_list(*, user: User, theme: str) -> list[Indicator]:
    """`indicator_list(user=user, theme=theme)` for one of `Indicator.Theme`, read: its SQL
    built once per process for each theme (core.prepared), where the theme page built it on
    every view (issue #12)."""
    if theme not in Indicator.Theme.values:  # a name per theme, never one per address
        raise ValueError(f"No such theme: {theme}")
    return prepared_list(
        f"indicator_theme_list:{theme}",
        Indicator,
        functools.partial(_theme_list, theme),
        access_for(user).organisation_ids,
    )


def _theme_list(theme: str, organisation_ids: frozenset[int]) -> QuerySet[Indicator]:
    return (
        _with_reading(organisation_ids)
        .filter(is_archived=False, theme=theme)
        .order_by("theme", "name", "pk")
    )


def _with_reading(organisation_ids: Collection[int]) -> QuerySet[Indicator]:
    return (
        indicators_seen_from(organisation_ids=organisation_ids)
        .select_related("owner", "office", "summary")
        .annotate(
            latest_period=F("summary__latest_period"), latest_value=F("summary__latest_value")
        )
    )


def indicator_get_for_user(*, user: User, pk: int) -> Indicator:
    """Return the indicator, archived or not, if the user may see it (as `indicator_list`
    has it); raise Http404 otherwise. Its SQL is built once per process (core.prepared):
    every indicator page reads it first (issue #12)."""
    return prepared_get_or_404(
        "indicator_get_for_user",
        Indicator,
        _seen_indicator,
        access_for(user).organisation_ids,
        pk,
        missing="No such indicator",
    )


def _seen_indicator(organisation_ids: frozenset[int], pk: int) -> QuerySet[Indicator]:
    return _with_reading(organisation_ids).filter(pk=pk)


# --- values ----------------------------------------------------------------------------------


def indicator_current_value_list() -> QuerySet[IndicatorValue]:
    """Every current value: those no later value revises."""
    # NOT IN the (few) revised ids, not a LEFT JOIN on `revised_by`: PostgreSQL hashed the
    # whole table for the join, about 100 ms at 300,000 values on every import (issue #16).
    revised = IndicatorValue.objects.filter(revises__isnull=False).values("revises_id")
    return IndicatorValue.objects.exclude(pk__in=revised)


def indicator_current_value(
    *, indicator: Indicator, period_start: datetime.date
) -> IndicatorValue | None:
    """The period's current value, or None if nothing is recorded for it."""
    return (
        indicator_current_value_list()
        .filter(indicator=indicator, period_start=period_start)
        .first()
    )


def indicator_current_value_map(
    *, indicator_ids: list[int]
) -> dict[tuple[int, datetime.date], tuple[int, Decimal]]:
    """(indicator, period) → (current value's id, figure) for the indicators: one query."""
    rows = (
        indicator_current_value_list()
        .filter(indicator_id__in=indicator_ids)
        .values_list("indicator_id", "period_start", "pk", "value")
    )
    return {(indicator, period): (pk, value) for indicator, period, pk, value in rows}


Series = list[tuple[datetime.date, Decimal]]


def series_by_key(rows: Iterable[tuple[int, datetime.date, Decimal]]) -> dict[int, Series]:
    """(key, period, figure) rows in key and period order, grouped: key → its series."""
    series: dict[int, Series] = {}
    for key, period, value in rows:
        series.setdefault(key, []).append((period, value))
    return series


def indicator_current_series_map(*, indicator_ids: list[int]) -> dict[int, Series]:
    """Indicator → its current (period, figure) pairs in period order, for a list of
    indicators: one query however many there are, its SQL built once for each number of
    them (core.prepared_rows; every recommendation page with a linked indicator reads it)."""
    if not indicator_ids:  # most recommendations link none
        return {}
    rows = prepared_rows("indicator_current_series", IndicatorValue, _current_series, indicator_ids)
    return series_by_key(rows)


def _current_series(indicator_ids: Collection[int]) -> QuerySet[IndicatorValue, Any]:
    return (
        indicator_current_value_list()
        .filter(indicator_id__in=indicator_ids)
        .order_by("indicator_id", "period_start")
        .values_list("indicator_id", "period_start", "value")
    )


@dataclass(frozen=True, slots=True)
class Value:
    """A recorded figure as a series' history shows it: plain values, not a model instance,
    for a page reads a few hundred of them (issue #12: building the models took longer than
    reading them)."""

    period_start: datetime.date
    value: Decimal
    pk: int | None = None
    revises_id: int | None = None
    reason: str = ""
    created_at: datetime.datetime | None = None
    entered_by: User | None = None


@dataclass(frozen=True)
class PeriodHistory:
    """A period's current value and the values it replaced, newest first."""

    period_start: datetime.date
    current: Value
    replaced: list[Value]


def _period_histories(rows: list[Value]) -> list[PeriodHistory]:
    """One series' values in period order, newest first within a period, as histories."""
    revised = {value.revises_id for value in rows if value.revises_id is not None}
    by_period: dict[datetime.date, list[Value]] = {}
    for value in rows:
        by_period.setdefault(value.period_start, []).append(value)
    history = []
    for period_start, chain in by_period.items():
        current = next(row for row in chain if row.pk not in revised)
        history.append(
            PeriodHistory(period_start, current, [row for row in chain if row is not current])
        )
    return history


HISTORY_ORDER = ("period_start", "-created_at", "-id")
# What `value_history` reads of each figure: Value's fields, then who entered it.
HISTORY_FIELDS = ("period_start", "value", "pk", "revises_id", "reason", "created_at")


def value_history(rows: list[tuple[Any, ...]]) -> list[PeriodHistory]:
    """Every period of the rows (one indicator's or one category's figures, HISTORY_FIELDS
    and `entered_by_id` read in HISTORY_ORDER), in period order, each with its revisions and
    who entered each: one more query."""
    # The few people who entered a series are read once, not joined to each of its figures:
    # a page of two series of 120 spent 4 ms building their copies (issue #16).
    people = user_in_bulk(ids={row[-1] for row in rows})
    return _period_histories(
        [
            Value(period, value, pk, revises_id, reason, created_at, people[entered_by_id])
            for period, value, pk, revises_id, reason, created_at, entered_by_id in rows
        ]
    )


def indicator_value_history(*, indicator: Indicator) -> list[PeriodHistory]:
    """Every period with a value, in period order, each with its revisions: two queries, the
    first's SQL built once per process."""
    return value_history(
        prepared_rows("indicator_value_history", IndicatorValue, _values_of, indicator.pk)
    )


def _values_of(indicator_id: int) -> QuerySet[IndicatorValue, tuple[Any, ...]]:
    return (
        IndicatorValue.objects.filter(indicator_id=indicator_id)
        .order_by(*HISTORY_ORDER)
        .values_list(*HISTORY_FIELDS, "entered_by_id")
    )


# --- the public site -------------------------------------------------------------------------


def public_indicator_list() -> QuerySet[Indicator]:
    """The indicators on the public site: those marked publishable, not archived, whose owner
    is not archived, by theme and name. Every public page and download reads through here;
    their values still go through `disclosure` before anyone sees them."""
    return (
        Indicator.objects.filter(is_publishable=True, is_archived=False, owner__is_archived=False)
        .select_related("owner", "office")
        .order_by("theme", "name", "pk")
    )


def public_indicator_get(*, pk: int) -> Indicator:
    """The indicator if it is on the public site; raise Http404 otherwise."""
    return get_object_or_404(public_indicator_list(), pk=pk)


def public_current_value_list() -> QuerySet[IndicatorValue]:
    """The current values of every public indicator, by indicator and period."""
    return (
        indicator_current_value_list()
        .filter(indicator__in=public_indicator_list().values("pk"))
        .order_by("indicator_id", "period_start")
    )
