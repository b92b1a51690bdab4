import datetime
from decimal import Decimal

import pytest

from answerable.indicators import selectors, services
from answerable.indicators.models import Indicator, IndicatorValue
from answerable.indicators.tests.factories import IndicatorFactory, monthly_values
from answerable.organisations.models import Membership, Organisation
from answerable.organisations.tests.factories import OrganisationFactory, member

Role = Membership.Role


@pytest.fixture
def indicators(office, force, council):
    """One indicator each for the force, the council and the office itself."""
    return {
        "force": IndicatorFactory(owner=force, office=office),
        "council": IndicatorFactory(owner=council, office=office),
        "office": IndicatorFactory(owner=office, office=office),
    }


def _visible(user):
    return {indicator.owner.name for indicator in selectors.indicator_list(user=user)}


def test_the_office_sees_every_indicator_in_its_area(indicators, office):
    for role in Role.values:
        assert _visible(member(office, role)) == {"Shire Police", "Shire Council", office.name}


def test_an_owner_sees_only_its_own_indicators(indicators, force):
    for role in Role.values:
        assert _visible(member(force, role)) == {"Shire Police"}


def test_another_office_and_its_partners_see_nothing(indicators):
    elsewhere = OrganisationFactory(kind=Organisation.Kind.PCC_OFFICE)
    partner = OrganisationFactory(kind=Organisation.Kind.POLICE_FORCE, office=elsewhere)
    assert _visible(member(elsewhere, Role.SCRUTINY_OFFICER)) == set()
    assert _visible(member(partner, Role.LEAD_OFFICER)) == set()


def test_archived_indicators_are_left_out(indicators, scrutiny_officer):
    indicators["force"].is_archived = True
    indicators["force"].save()
    assert "Shire Police" not in _visible(scrutiny_officer)


def test_a_themes_list_is_the_lists_rule_for_that_theme(indicators, office, force):
    Theme = Indicator.Theme
    indicators["council"].theme = Theme.PERPETRATORS
    indicators["council"].save()
    IndicatorFactory(owner=force, office=office, theme=Theme.PERPETRATORS, is_archived=True)
    monthly_values(indicators["council"], datetime.date(2025, 1, 1), [4, 7])
    for user in (member(office, Role.VIEWER), member(force, Role.LEAD_OFFICER)):
        for theme in Theme.values:
            listed = selectors.indicator_theme_list(user=user, theme=theme)
            expected = list(selectors.indicator_list(user=user, theme=theme))
            assert [(i.pk, i.latest_value) for i in listed] == [
                (i.pk, i.latest_value) for i in expected
            ]
    office_view = selectors.indicator_theme_list(
        user=member(office, Role.VIEWER), theme=Theme.PERPETRATORS
    )
    assert [(i.owner.name, i.latest_value) for i in office_view] == [("Shire Council", 7)]
    with pytest.raises(ValueError, match="No such theme"):
        selectors.indicator_theme_list(user=member(office, Role.VIEWER), theme="anything")


def test_the_list_carries_the_latest_current_value(indicators, scrutiny_officer, force_lead):
    indicator = indicators["force"]
    monthly_values(indicator, datetime.date(2025, 1, 1), [4, 5, 6])
    services.indicator_value_record(
        actor=force_lead,
        indicator=indicator,
        period_start=datetime.date(2025, 3, 1),
        value=Decimal(9),
        reason="Late cases",
    )
    row = selectors.indicator_list(user=scrutiny_officer).get(pk=indicator.pk)
    assert (row.latest_period, row.latest_value) == (datetime.date(2025, 3, 1), 9)
    assert row.summary.recent_count == 3


def test_the_list_costs_the_same_queries_however_many_rows(
    indicators, office, scrutiny_officer, django_assert_num_queries
):
    def count():
        user = type(scrutiny_officer).objects.get(pk=scrutiny_officer.pk)  # fresh Access
        with django_assert_num_queries(2):  # memberships, then the list
            return len(list(selectors.indicator_list(user=user)))

    before = count()
    for _ in range(5):
        monthly_values(
            IndicatorFactory(owner=office, office=office), datetime.date(2025, 1, 1), [1, 2]
        )
    assert count() == before + 5


def test_the_history_gives_each_period_its_current_value_and_what_it_replaced(force_lead):
    indicator = IndicatorFactory()
    monthly_values(indicator, datetime.date(2025, 1, 1), [4, 5])
    january = IndicatorValue.objects.get(period_start="2025-01-01")
    revision = IndicatorValue.objects.create(
        indicator=indicator,
        period_start=january.period_start,
        value=7,
        revises=january,
        reason="Recount",
        entered_by=force_lead,
    )
    history = selectors.indicator_value_history(indicator=indicator)
    assert [(p.period_start.month, p.current.value, len(p.replaced)) for p in history] == [
        (1, 7, 1),
        (2, 5, 0),
    ]
    assert (history[0].current.pk, history[0].current.reason) == (revision.pk, "Recount")
    assert history[0].current.entered_by == force_lead
    assert [value.pk for value in history[0].replaced] == [january.pk]


def test_who_may_record_and_define(indicators, office, force, council_lead, force_lead):
    indicator = indicators["force"]
    scrutiny = member(office, Role.SCRUTINY_OFFICER)
    admin = member(office, Role.ADMINISTRATOR)
    assert selectors.can_record_values(user=force_lead, indicator=indicator)
    assert selectors.can_record_values(user=scrutiny, indicator=indicator)
    assert not selectors.can_record_values(user=council_lead, indicator=indicator)
    assert not selectors.can_record_values(user=admin, indicator=indicator)
    assert not selectors.can_record_values(user=member(force, Role.VIEWER), indicator=indicator)
    assert selectors.can_define_indicators(user=admin, office=office)
    assert selectors.can_define_indicators(user=scrutiny, office=office)
    assert not selectors.can_define_indicators(user=force_lead, office=office)
    owners = {o.name for o in selectors.owner_choice_list(user=scrutiny)}
    assert owners == {office.name, "Shire Police", "Shire Council"}
    assert not selectors.owner_choice_list(user=force_lead).exists()
