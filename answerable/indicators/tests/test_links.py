"""Indicators offered as outcome evidence on recommendations, and what reports then say."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from answerable.audit.models import AuditEvent
from answerable.core.testing import sign_in
from answerable.indicators import links
from answerable.indicators.models import Indicator, IndicatorLink
from answerable.indicators.tests.factories import IndicatorFactory, monthly_values
from answerable.recommendations.tests.factories import RecommendationFactory, SourceFactory


@pytest.fixture
def indicator(office, force):
    indicator = IndicatorFactory(owner=force, office=office, name="CSE referrals")
    monthly_values(indicator, datetime.date(2025, 1, 1), [3] * 18)
    return indicator


def test_the_office_links_an_indicator_to_one_of_its_recommendations(
    client, indicator, recommendation, scrutiny_officer
):
    sign_in(client, scrutiny_officer)
    url = reverse("indicators:indicator_link_create", args=[indicator.pk])
    response = client.post(url, {"recommendation": recommendation.pk, "note": "Referrals rise"})
    assert response.status_code == 302
    assert IndicatorLink.objects.get().recommendation == recommendation
    assert AuditEvent.objects.filter(action="indicator_link.created").count() == 1
    page = client.get(indicator.get_absolute_url()).content.decode()
    assert f"{recommendation.reference}: {recommendation.source.title}" in page


def test_another_offices_recommendation_and_partners_are_refused(
    indicator, force_lead, scrutiny_officer
):
    elsewhere = RecommendationFactory(source=SourceFactory(title="Elsewhere's inspection"))
    with pytest.raises(ValidationError):
        links.indicator_link_create(
            actor=scrutiny_officer, indicator=indicator, recommendation=elsewhere
        )
    with pytest.raises(PermissionDenied):
        links.indicator_link_create(actor=force_lead, indicator=indicator, recommendation=elsewhere)
    assert not IndicatorLink.objects.exists()


def test_a_report_gives_the_latest_figure_and_hides_small_counts_from_the_public(
    indicator, recommendation, scrutiny_officer
):
    links.indicator_link_create(
        actor=scrutiny_officer, indicator=indicator, recommendation=recommendation
    )
    internal = links.recommendation_indicator_figures(
        recommendation_ids=[recommendation.pk], public=False
    )
    assert internal[recommendation.pk][0].startswith("CSE referrals: 3 in June 2026.")
    # Not publishable: nothing for the public.
    public = links.recommendation_indicator_figures(
        recommendation_ids=[recommendation.pk], public=True
    )
    assert public == {}
    Indicator.objects.filter(pk=indicator.pk).update(is_publishable=True)
    public = links.recommendation_indicator_figures(
        recommendation_ids=[recommendation.pk], public=True
    )
    assert public[recommendation.pk][0].startswith("CSE referrals: fewer than 5 in June 2026.")


def test_the_recommendation_page_shows_the_figures_to_those_who_may_see_the_indicator(
    client, indicator, recommendation, scrutiny_officer, council_action, council_lead
):
    links.indicator_link_create(
        actor=scrutiny_officer, indicator=indicator, recommendation=recommendation
    )
    url = reverse("recommendations:recommendation_detail", args=[recommendation.pk])
    sign_in(client, scrutiny_officer)
    page = client.get(url).content.decode()
    assert "Indicators offered as evidence" in page
    assert f'href="{indicator.get_absolute_url()}">CSE referrals</a>' in page
    assert "CSE referrals: 3 in June 2026. Common cause variation" in page
    # The council's lead sees the recommendation, through its action, but not the force's
    # indicator.
    client.logout()
    sign_in(client, council_lead)
    page = client.get(url).content.decode()
    assert recommendation.reference in page
    assert "CSE referrals" not in page
    # Archived, it leaves the page.
    client.logout()
    sign_in(client, scrutiny_officer)
    Indicator.objects.filter(pk=indicator.pk).update(is_archived=True)
    assert "CSE referrals" not in client.get(url).content.decode()
