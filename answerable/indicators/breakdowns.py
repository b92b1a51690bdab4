"""Breakdowns: an indicator's figures split by category, such as local policing area (issue #16).

An indicator may be broken down more than one way (by area, by age group), each with its own
categories. The indicator's own figure for a period stays the **total**: it is entered, never
added up from the categories, since the categories need not cover every case (one with no
area recorded counts only in the total) and a percentage or a rate cannot be added up. The
target is the total's; a category's chart is read without it.

A category's figures are kept as the total's are: never overwritten, a revision records the
old figure, the new one and the reason, and every write is audited.

Who: the office's scrutiny officers and administrators define breakdowns, as they define the
indicator; the owner's lead officers and the office's scrutiny officers record the figures,
as they record the total. Reads take an indicator already read for the user
(`selectors.indicator_get_for_user`): its breakdowns are visible to whoever sees it.
"""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from answerable.accounts.models import User
from answerable.audit.services import audit_record
from answerable.indicators import periods, selectors
from answerable.indicators.breakdown_selectors import (
    category_current_value_map,
    category_series_map,
)
from answerable.indicators.models import (
    Indicator,
    IndicatorBreakdown,
    IndicatorCategory,
    IndicatorCategorySummary,
    IndicatorCategoryValue,
)
from answerable.indicators.selectors import Series
from answerable.indicators.summaries import SUMMARY_FIELDS, reading_of

MIN_CATEGORIES, MAX_CATEGORIES = 2, 50
NAME_MAX_LENGTH = 100


def category_summaries_refresh(
    *, categories: Iterable[IndicatorCategory], series: dict[int, Series] | None = None
) -> None:
    """Store each category's reading afresh from its current figures, without the total's
    target: one read, one write. Each category's `breakdown.indicator` is read already.

    Call it in the transaction that changed the figures, holding the lock on the indicator
    that change took (`summaries.indicator_summaries_refresh` does the same for totals);
    `series` saves the read, as there."""
    categories = list(categories)
    if not categories:
        return
    if series is None:
        series = category_series_map(category_ids=[c.pk for c in categories])
    IndicatorCategorySummary.objects.bulk_create(
        [
            IndicatorCategorySummary(
                category_id=category.pk,
                **reading_of(
                    indicator=category.breakdown.indicator,
                    series=series.get(category.pk, []),
                    judge_target=False,
                ),
            )
            for category in categories
        ],
        update_conflicts=True,
        unique_fields=["category"],
        update_fields=[*SUMMARY_FIELDS, "updated_at"],
    )


# --- defining a breakdown ------------------------------------------------------------------


def _locked(indicator: Indicator) -> Indicator:
    """The indicator, locked until the transaction ends: one writer at a time, as for its
    own figures."""
    return Indicator.objects.select_for_update().select_related("owner").get(pk=indicator.pk)


def _check_names(name: str, categories: list[str]) -> None:
    """The rules every breakdown's name and categories keep."""
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Enter what the figures are broken down by, like local policing area")
    elif len(name) > NAME_MAX_LENGTH:
        errors["name"] = _("The name must be %(n)s characters or fewer") % {"n": NAME_MAX_LENGTH}
    seen: set[str] = set()
    for category in categories:
        if len(category) > NAME_MAX_LENGTH:
            errors["categories"] = _(
                "Each category must be %(n)s characters or fewer: %(name)s is longer"
            ) % {"n": NAME_MAX_LENGTH, "name": category[:40] + "…"}
        elif category.casefold() in seen:
            errors["categories"] = _("%(name)s is given twice") % {"name": category}
        seen.add(category.casefold())
    if not MIN_CATEGORIES <= len(categories) <= MAX_CATEGORIES:
        errors.setdefault(
            "categories",
            _("Give between %(min)s and %(max)s categories, one a line")
            % {"min": MIN_CATEGORIES, "max": MAX_CATEGORIES},
        )
    if errors:
        raise ValidationError(errors)


def _check_unused_name(
    indicator: Indicator, name: str, breakdown: IndicatorBreakdown | None
) -> None:
    clash = IndicatorBreakdown.objects.filter(indicator=indicator, name__iexact=name)
    if breakdown is not None:
        clash = clash.exclude(pk=breakdown.pk)
    if clash.exists():
        raise ValidationError(
            {
                "name": _("%(indicator)s is already broken down by %(name)s")
                % {"indicator": indicator.name, "name": name}
            }
        )


def _check_may_define(actor: User, indicator: Indicator) -> None:
    if not selectors.can_define_indicators(user=actor, office=indicator.office):
        raise PermissionDenied(_("Only the office's scrutiny officers define its indicators"))
    if indicator.is_archived:
        raise ValidationError(_("This indicator is archived: it cannot be changed"))


@transaction.atomic
def indicator_breakdown_create(
    *, actor: User, indicator: Indicator, name: str, categories: list[str]
) -> IndicatorBreakdown:
    """Break the indicator's figures down a new way, into the categories in the order given."""
    _check_may_define(actor, indicator)
    indicator = _locked(indicator)
    name = name.strip()
    categories = [category.strip() for category in categories if category.strip()]
    _check_names(name, categories)
    _check_unused_name(indicator, name, None)
    breakdown = IndicatorBreakdown.objects.create(indicator=indicator, name=name, created_by=actor)
    IndicatorCategory.objects.bulk_create(
        IndicatorCategory(breakdown=breakdown, name=category, position=position)
        for position, category in enumerate(categories)
    )
    audit_record(
        actor=actor,
        action="indicator_breakdown.created",
        target=breakdown,
        organisation=indicator.owner,
        changes={
            "indicator": [None, indicator.name],
            "name": [None, name],
            "categories": [None, categories],
        },
    )
    return breakdown


@transaction.atomic
def indicator_breakdown_update(
    *,
    actor: User,
    breakdown: IndicatorBreakdown,
    name: str,
    renamed: dict[int, str],
    added: list[str],
) -> IndicatorBreakdown:
    """Rename the breakdown and its categories, remove categories and add new ones at the end.

    `renamed` maps each category's id to its new name, or to "" to remove it: a category with
    figures recorded cannot be removed. A category left out of `renamed` stays as it is.
    """
    indicator = breakdown.indicator
    _check_may_define(actor, indicator)
    indicator = _locked(indicator)
    breakdown = IndicatorBreakdown.objects.get(pk=breakdown.pk, indicator=indicator)
    existing = list(breakdown.categories.order_by("position", "pk"))
    before = [category.name for category in existing]
    name = name.strip()
    kept = []
    for category in existing:
        new_name = renamed.get(category.pk, category.name).strip()
        if new_name:
            kept.append((category, new_name))
        elif IndicatorCategoryValue.objects.filter(category=category).exists():
            raise ValidationError(
                {
                    f"category_{category.pk}": _(
                        "%(name)s has figures recorded, so it cannot be removed"
                    )
                    % {"name": category.name}
                }
            )
    added = [category.strip() for category in added if category.strip()]
    after = [new_name for _category, new_name in kept] + added
    _check_names(name, after)
    _check_unused_name(indicator, name, breakdown)
    if name == breakdown.name and after == before:
        return breakdown
    removed = [category for category in existing if category not in dict(kept)]
    IndicatorCategory.objects.filter(pk__in=[category.pk for category in removed]).delete()
    # Names are unique within a breakdown, so a swap of two names goes through names nobody
    # can give: every name given is stripped of leading spaces.
    for category, _new_name in kept:
        category.name = f" {category.pk}"
    IndicatorCategory.objects.bulk_update([c for c, _n in kept], ["name"])
    for position, (category, new_name) in enumerate(kept):
        category.name, category.position = new_name, position
    IndicatorCategory.objects.bulk_update([c for c, _n in kept], ["name", "position"])
    IndicatorCategory.objects.bulk_create(
        IndicatorCategory(breakdown=breakdown, name=category, position=len(kept) + n)
        for n, category in enumerate(added)
    )
    changes: dict[str, list[object]] = {"categories": [before, after]}
    if name != breakdown.name:
        changes["name"] = [breakdown.name, name]
        breakdown.name = name
        breakdown.save(update_fields=["name", "updated_at"])
    audit_record(
        actor=actor,
        action="indicator_breakdown.updated",
        target=breakdown,
        organisation=indicator.owner,
        changes=changes,
    )
    return breakdown


# --- recording the categories' figures -----------------------------------------------------


@transaction.atomic
def indicator_category_values_record(
    *,
    actor: User,
    breakdown: IndicatorBreakdown,
    period_start: datetime.date,
    values: dict[int, Decimal | None],
    reason: str = "",
) -> list[IndicatorCategoryValue]:
    """Record the period's figure for each category given, revising any it already has.

    `values` maps category ids to figures; None, or the figure already recorded, leaves the
    category as it is. A figure that changes a recorded one needs a reason, and is written as
    its revision. Nothing is written unless every figure passes. One audit event a figure.
    """
    indicator = breakdown.indicator
    if not selectors.can_record_values(user=actor, indicator=indicator):
        raise PermissionDenied(_("Only the owner's lead officers record this indicator"))
    indicator = _locked(indicator)
    if indicator.is_archived:
        raise ValidationError(_("This indicator is archived: no more values can be recorded"))
    periods.period_check(period_start, indicator.frequency, timezone.localdate())
    categories = {c.pk: c for c in IndicatorCategory.objects.filter(breakdown=breakdown)}
    unknown = set(values) - set(categories)
    if unknown:
        raise ValidationError(_("Those categories are not in this breakdown"))
    reason = reason.strip()
    current = category_current_value_map(category_ids=list(values))
    label = periods.period_label(period_start, indicator.frequency)
    errors: dict[str, str] = {}
    written = []
    for category_id, value in values.items():
        existing = current.get((category_id, period_start))
        if value is None or (existing is not None and existing[1] == value):
            continue
        if existing is not None and not reason:
            errors[f"category_{category_id}"] = _(
                "%(name)s already has %(value)s for %(period)s. Enter why it is being changed"
            ) % {
                "name": categories[category_id].name,
                "value": f"{existing[1].normalize():f}",
                "period": label,
            }
            continue
        written.append(
            IndicatorCategoryValue(
                category=categories[category_id],
                period_start=period_start,
                value=value,
                revises_id=existing[0] if existing else None,
                reason=reason if existing else "",
                entered_by=actor,
            )
        )
    if errors:
        raise ValidationError(errors)
    if not written:
        raise ValidationError(
            _("Enter at least one figure for %(period)s that is not already recorded")
            % {"period": label}
        )
    for recorded in written:
        recorded.full_clean()
        recorded.save()
        previous = current.get((recorded.category_id, period_start))
        audit_record(
            actor=actor,
            action="indicator_category_value.revised"
            if previous
            else "indicator_category_value.recorded",
            target=recorded,
            organisation=indicator.owner,
            changes={
                "indicator": [None, indicator.name],
                "breakdown": [None, breakdown.name],
                "category": [None, recorded.category.name],
                "period_start": [None, period_start],
                "value": [previous[1] if previous else None, recorded.value],
            },
            note=recorded.reason,
        )
    breakdown.indicator = indicator
    for category in categories.values():
        category.breakdown = breakdown
    category_summaries_refresh(
        categories=[categories[recorded.category_id] for recorded in written]
    )
    return written
