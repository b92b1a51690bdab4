import datetime
from decimal import Decimal

import factory

from answerable.indicators.breakdowns import category_summaries_refresh
from answerable.indicators.models import (
    Indicator,
    IndicatorBreakdown,
    IndicatorCategory,
    IndicatorCategoryValue,
    IndicatorValue,
)
from answerable.indicators.summaries import indicator_summaries_refresh
from answerable.organisations.models import Organisation
from answerable.organisations.tests.factories import OrganisationFactory, UserFactory


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    owner = factory.SubFactory(
        OrganisationFactory,
        kind=Organisation.Kind.POLICE_FORCE,
        office=factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.PCC_OFFICE),
    )
    office = factory.LazyAttribute(lambda o: o.owner.office or o.owner)
    name = factory.Sequence(lambda n: f"CSE referrals {n}")
    definition = "Referrals to the multi-agency safeguarding hub about child sexual exploitation."
    unit = Indicator.Unit.COUNT
    direction = Indicator.Direction.HIGHER_IS_BETTER
    frequency = Indicator.Frequency.MONTHLY
    theme = Indicator.Theme.VICTIMS
    created_by = factory.SubFactory(UserFactory)


class IndicatorValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicatorValue

    indicator = factory.SubFactory(IndicatorFactory)
    period_start = datetime.date(2025, 1, 1)
    value = Decimal(10)
    entered_by = factory.SubFactory(UserFactory)


def monthly_values(indicator: Indicator, first: datetime.date, values: list[int]) -> None:
    """Current values for consecutive months from `first`, written directly, and the
    indicator's stored reading refreshed as the services refresh it."""
    user = indicator.created_by
    for n, value in enumerate(values):
        months = first.year * 12 + first.month - 1 + n
        IndicatorValue.objects.create(
            indicator=indicator,
            period_start=datetime.date(months // 12, months % 12 + 1, 1),
            value=Decimal(value),
            entered_by=user,
        )
    indicator_summaries_refresh(indicators=[indicator])


def breakdown_of(
    indicator: Indicator, categories: list[str], name: str = "Local policing area"
) -> IndicatorBreakdown:
    """A breakdown of the indicator into the categories, in order, written directly."""
    breakdown = IndicatorBreakdown.objects.create(
        indicator=indicator, name=name, created_by=indicator.created_by
    )
    for position, category in enumerate(categories):
        IndicatorCategory.objects.create(breakdown=breakdown, name=category, position=position)
    return breakdown


def category_values(category: IndicatorCategory, first: datetime.date, values: list[int]) -> None:
    """A category's current figures for consecutive months from `first`, written directly,
    and its stored reading refreshed as the services refresh it."""
    for n, value in enumerate(values):
        months = first.year * 12 + first.month - 1 + n
        IndicatorCategoryValue.objects.create(
            category=category,
            period_start=datetime.date(months // 12, months % 12 + 1, 1),
            value=Decimal(value),
            entered_by=category.breakdown.created_by,
        )
    category_summaries_refresh(categories=[category])
