import datetime
from decimal import Decimal

import factory

from answerable.indicators.models import Indicator, IndicatorValue
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
    """Current values for consecutive months from `first`, written directly."""
    user = indicator.created_by
    for n, value in enumerate(values):
        months = first.year * 12 + first.month - 1 + n
        IndicatorValue.objects.create(
            indicator=indicator,
            period_start=datetime.date(months // 12, months % 12 + 1, 1),
            value=Decimal(value),
            entered_by=user,
        )
