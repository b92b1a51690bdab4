"""Every change to indicators and their values: each checks its rule, writes and audits at once."""

import datetime
import hashlib
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from answerable.accounts.models import User
from answerable.audit.services import audit_record
from answerable.core.models import locked_for_edit
from answerable.indicators import (
    breakdown_selectors,
    breakdowns,
    bulk_write,
    importing,
    periods,
    selectors,
)
from answerable.indicators.models import (
    DEFINITION_FIELDS,
    Indicator,
    IndicatorCategoryValue,
    IndicatorValue,
)
from answerable.indicators.summaries import indicator_summaries_refresh
from answerable.organisations.models import Organisation
from answerable.recommendations.tables import Table

# Values already recorded were counted in this unit, for these periods.
FIXED_ONCE_RECORDED = ("unit", "frequency")


def _check_unique_name(indicator: Indicator) -> None:
    clash = Indicator.objects.filter(owner=indicator.owner, name__iexact=indicator.name)
    if indicator.pk:
        clash = clash.exclude(pk=indicator.pk)
    if clash.exists():
        raise ValidationError(
            {
                "name": _("%(owner)s already has an indicator called %(name)s")
                % {"owner": indicator.owner.display_name, "name": indicator.name}
            }
        )


@transaction.atomic
def indicator_create(
    *,
    actor: User,
    owner: Organisation,
    name: str,
    definition: str,
    counting_rules: str,
    unit: str,
    direction: str,
    frequency: str,
    theme: str,
    source_system: str,
    target_value: Decimal | None,
    target_on: datetime.date | None,
    is_publishable: bool,
    disclosure_threshold: int,
) -> Indicator:
    """Define an indicator owned by `owner`, in the area of the owner's PCC's office.

    Only the office's scrutiny officers and administrators define its area's indicators.
    """
    office = selectors.office_of(owner)
    if office is None:
        raise ValidationError(
            {"owner": _("%(owner)s is not in a PCC's area") % {"owner": owner.display_name}}
        )
    if not selectors.can_define_indicators(user=actor, office=office):
        raise PermissionDenied(_("Only the office's scrutiny officers define its indicators"))
    if owner.is_archived:
        raise ValidationError({"owner": _("Select an organisation that is not archived")})
    indicator = Indicator(
        owner=owner,
        office=office,
        name=name.strip(),
        definition=definition.strip(),
        counting_rules=counting_rules.strip(),
        unit=unit,
        direction=direction,
        frequency=frequency,
        theme=theme,
        source_system=source_system.strip(),
        target_value=target_value,
        target_on=target_on,
        is_publishable=is_publishable,
        disclosure_threshold=disclosure_threshold,
        created_by=actor,
    )
    indicator.full_clean()
    _check_unique_name(indicator)
    indicator.save()
    indicator_summaries_refresh(indicators=[indicator])
    audit_record(
        actor=actor,
        action="indicator.created",
        target=indicator,
        organisation=owner,
        changes={
            "owner": [None, owner.name],
            **{field: [None, getattr(indicator, field)] for field in DEFINITION_FIELDS},
        },
    )
    return indicator


@transaction.atomic
def indicator_update(
    *, actor: User, indicator: Indicator, expected_version: int, **fields: Any
) -> Indicator:
    """Change an indicator's definition; its owner stays as it is.

    `fields` are any of DEFINITION_FIELDS. The unit and frequency cannot change once a value
    is recorded, since the values were counted in them. `expected_version` is the version the
    editor's form was drawn from: if someone saved since, nothing is saved.
    """
    unknown = set(fields) - set(DEFINITION_FIELDS)
    if unknown:
        raise TypeError(f"indicator_update() got unexpected fields: {sorted(unknown)}")
    if not selectors.can_define_indicators(user=actor, office=indicator.office):
        raise PermissionDenied(_("Only the office's scrutiny officers change its indicators"))
    indicator = locked_for_edit(
        Indicator.objects.select_related("owner", "office"),
        pk=indicator.pk,
        expected_version=expected_version,
        message=_(
            "Someone else changed this indicator while you were editing it. "
            "Check their changes below and make yours again."
        ),
    )
    before = {field: getattr(indicator, field) for field in DEFINITION_FIELDS}
    for field, value in fields.items():
        setattr(indicator, field, value.strip() if isinstance(value, str) else value)
    changes = {
        field: [before[field], getattr(indicator, field)]
        for field in DEFINITION_FIELDS
        if before[field] != getattr(indicator, field)
    }
    if not changes:
        return indicator
    recorded = (
        IndicatorValue.objects.filter(indicator=indicator).exists()
        or IndicatorCategoryValue.objects.filter(category__breakdown__indicator=indicator).exists()
    )
    for field in FIXED_ONCE_RECORDED:
        if field in changes and recorded:
            raise ValidationError(
                {field: _("The values already recorded were counted this way: it cannot change")}
            )
    indicator.full_clean()
    _check_unique_name(indicator)
    indicator.version += 1
    indicator.save(update_fields=[*changes, "version", "updated_at"])
    # The direction and the target change the judgements.
    indicator_summaries_refresh(indicators=[indicator])
    audit_record(
        actor=actor,
        action="indicator.updated",
        target=indicator,
        organisation=indicator.owner,
        changes=changes,
    )
    return indicator


@transaction.atomic
def indicator_value_record(
    *,
    actor: User,
    indicator: Indicator,
    period_start: datetime.date,
    value: Decimal,
    reason: str = "",
) -> IndicatorValue:
    """Record the figure for a period, or revise the period's figure if it has one.

    A revision needs a reason, and writes a new value that revises the old one: nothing is
    overwritten. The period must be the first day of a month (or quarter) that has begun.
    """
    if not selectors.can_record_values(user=actor, indicator=indicator):
        raise PermissionDenied(_("Only the owner's lead officers record this indicator"))
    # One writer at a time per indicator, so two first values for a period cannot both pass.
    indicator = Indicator.objects.select_for_update().select_related("owner").get(pk=indicator.pk)
    if indicator.is_archived:
        raise ValidationError(_("This indicator is archived: no more values can be recorded"))
    periods.period_check(period_start, indicator.frequency, timezone.localdate())
    reason = reason.strip()
    label = periods.period_label(period_start, indicator.frequency)
    current = selectors.indicator_current_value(indicator=indicator, period_start=period_start)
    if current is not None and not reason:
        raise ValidationError(
            {
                "reason": _(
                    "%(period)s already has a value of %(value)s. Enter why it is being changed"
                )
                % {"period": label, "value": f"{current.value.normalize():f}"}
            }
        )
    if current is not None and current.value == value:
        raise ValidationError(
            {
                "value": _("%(period)s's value is already %(value)s")
                % {"period": label, "value": f"{value.normalize():f}"}
            }
        )
    recorded = IndicatorValue(
        indicator=indicator,
        period_start=period_start,
        value=value,
        revises=current,
        reason=reason,
        entered_by=actor,
    )
    recorded.full_clean()
    recorded.save()
    indicator_summaries_refresh(indicators=[indicator])
    audit_record(
        actor=actor,
        action="indicator_value.revised" if current else "indicator_value.recorded",
        target=recorded,
        organisation=indicator.owner,
        changes={
            "indicator": [None, indicator.name],
            "period_start": [None, period_start],
            "value": [current.value if current else None, value],
        },
        note=reason,
    )
    return recorded


# --- importing figures from a file ----------------------------------------------------------


def _import_plan(*, actor: User, table: Table, lock: bool) -> importing.ImportPlan:
    recordable = selectors.indicator_recordable_list(user=actor)
    ids = list(recordable.values_list("pk", flat=True))
    if not ids:
        raise PermissionDenied(_("Only the owner's lead officers record these indicators"))
    if lock:
        # One writer at a time per indicator, as for a figure entered in the form. Only the
        # indicators are locked, not their owners (select_related would lock those too).
        list(Indicator.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk"))

    def current(
        indicator_ids: list[int], category_ids: list[int]
    ) -> tuple[importing.Current, importing.Current]:
        return (
            selectors.indicator_current_value_map(indicator_ids=indicator_ids),
            breakdown_selectors.category_current_value_map(category_ids=category_ids),
        )

    return importing.import_plan(
        table=table,
        indicators=list(recordable),
        categories=breakdown_selectors.category_list(indicator_ids=ids),
        current=current,
        today=timezone.localdate(),
    )


def indicator_values_import_check(*, actor: User, table: Table) -> importing.ImportPlan:
    """Check a file of figures and say what importing it would write; writes nothing."""
    return _import_plan(actor=actor, table=table, lock=False)


def _written_digest(values: list[importing.PlannedValue]) -> str:
    """SHA-256 of every figure written, one line each in row order, so the audit event
    identifies exactly what the import wrote."""
    digest = hashlib.sha256()
    for value in values:
        digest.update(
            "\t".join(
                [
                    str(value.indicator.pk),
                    str(value.category.pk) if value.category else "",
                    value.period_start.isoformat(),
                    f"{value.value.normalize():f}",
                    str(value.revises_id or ""),
                    value.reason,
                    value.note,
                ]
            ).encode()
            + b"\n"
        )
    return digest.hexdigest()


@transaction.atomic
def indicator_values_import(
    *, actor: User, table: Table, file_name: str, file_sha256: str
) -> importing.ImportPlan:
    """Write every figure in the file, or raise `ImportInvalid` and write nothing.

    The file is checked again under lock, as it is written. A figure for a period that has
    one is written as its revision (never over it) and needs a reason; the same figure again
    is left alone. One `indicator_value.imported` event records the file, the counts and a
    digest of what was written.
    """
    plan = _import_plan(actor=actor, table=table, lock=True)
    if plan.errors:
        raise importing.ImportInvalid(plan.errors)
    now = timezone.now()
    # A raw COPY/INSERT rather than bulk_create: the import is mostly writing (issue #16).
    bulk_write.indicator_values_insert(
        (v.indicator.pk, v.period_start, v.value, v.revises_id, v.reason, v.note, actor.pk, now)
        for v in plan.values
        if v.category is None
    )
    bulk_write.category_values_insert(
        (v.category.pk, v.period_start, v.value, v.revises_id, v.reason, v.note, actor.pk, now)
        for v in plan.values
        if v.category is not None
    )
    indicators = {value.indicator.pk: value.indicator for value in plan.values}.values()
    totals, categories = plan.series_after()
    indicator_summaries_refresh(
        indicators={
            v.indicator.pk: v.indicator for v in plan.values if v.category is None
        }.values(),
        series=totals,
    )
    breakdowns.category_summaries_refresh(
        categories={v.category.pk: v.category for v in plan.values if v.category}.values(),
        series=categories,
    )
    owners = {indicator.owner for indicator in indicators}
    offices = {indicator.office for indicator in indicators}
    organisation = (
        next(iter(owners))
        if len(owners) == 1
        else next(iter(offices))
        if len(offices) == 1
        else None
    )
    audit_record(
        actor=actor,
        action="indicator_value.imported",
        organisation=organisation,
        note=file_name,
        changes={
            "file": [None, file_name],
            "file_sha256": [None, file_sha256],
            "recorded": [None, plan.recorded_count],
            "revised": [None, plan.revised_count],
            "unchanged": [None, plan.unchanged],
            "left_empty": [None, plan.left_empty],
            "by_indicator": [
                None,
                {f"{i.pk}: {i.name}": count for i, count in plan.by_indicator()},
            ],
            "written_sha256": [None, _written_digest(plan.values)],
        },
    )
    return plan
