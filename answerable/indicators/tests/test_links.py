"""Indicators offered as outcome evidence on recommendations, and what reports then say."""

import datetime
import html
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from answerable.audit.models import AuditEvent
from answerable.core.testing import sign_in
from answerable.indicators import figures, links, selectors, services
from answerable.indicators.models import Indicator, IndicatorLink
from answerable.indicators.tests.factories import IndicatorFactory, monthly_values
from answerable.recommendations.tests.factories import (
    ActionFactory,
    RecommendationFactory,
    SourceFactory,
)


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


def test_the_indicator_page_names_only_linked_recommendations_the_viewer_may_see(
    client, indicator, recommendation, scrutiny_officer, force_lead, force
):
    acted_on = RecommendationFactory(source=recommendation.source, reference="R-ACT")
    ActionFactory(recommendation=acted_on, owner=force)
    for linked in (recommendation, acted_on):
        links.indicator_link_create(
            actor=scrutiny_officer, indicator=indicator, recommendation=linked
        )
    office_page = sign_in(client, scrutiny_officer).get(indicator.get_absolute_url())
    assert recommendation.reference in office_page.content.decode()
    client.logout()
    # The force sees its own indicator, and only the recommendation it acts on.
    page = sign_in(client, force_lead).get(indicator.get_absolute_url()).content.decode()
    assert f"R-ACT: {recommendation.source.title}" in page
    assert f"{recommendation.reference}: " not in page


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


def test_the_recommendation_page_gives_the_revised_figure_and_judges_it_as_the_indicator_page(
    client, indicator, recommendation, scrutiny_officer, force_lead
):
    # Steady months, then one far above them: a special cause the page gives reasons for.
    signal = IndicatorFactory(owner=indicator.owner, office=indicator.office, name="Missing")
    monthly_values(signal, datetime.date(2025, 1, 1), [10, 12] * 7 + [11, 40])
    services.indicator_value_record(
        actor=force_lead,
        indicator=signal,
        period_start=datetime.date(2026, 4, 1),
        value=Decimal(45),
        reason="Late returns",
    )
    links.indicator_link_create(
        actor=scrutiny_officer, indicator=signal, recommendation=recommendation
    )
    judged = figures.indicator_figures(
        indicator=signal, history=selectors.indicator_value_history(indicator=signal)
    ).variation_text
    assert judged.startswith("Special cause variation")
    sign_in(client, scrutiny_officer)
    url = reverse("recommendations:recommendation_detail", args=[recommendation.pk])
    page = html.unescape(client.get(url).content.decode())
    assert f"Missing: 45 in April 2026. {judged}" in page
    # The public report reads the same words when nothing is withheld.
    Indicator.objects.filter(pk=signal.pk).update(is_publishable=True)
    public = links.recommendation_indicator_figures(
        recommendation_ids=[recommendation.pk], public=True
    )
    assert public[recommendation.pk] == [f"Missing: 45 in April 2026. {judged}"]


def test_the_recommendation_page_reads_its_figures_in_the_same_queries_however_many_links(
    client, indicator, recommendation, scrutiny_officer
):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.content.decode().count("in June 2026.") == len(linked)
        return len(captured)

    url = reverse("recommendations:recommendation_detail", args=[recommendation.pk])
    sign_in(client, scrutiny_officer)
    linked = [indicator]
    links.indicator_link_create(
        actor=scrutiny_officer, indicator=indicator, recommendation=recommendation
    )
    queries()  # the first request of a session reads what later ones find in it
    one = queries()
    for n in range(3):
        more = IndicatorFactory(owner=indicator.owner, office=indicator.office, name=f"More {n}")
        monthly_values(more, datetime.date(2025, 1, 1), [n + 4] * 18)
        links.indicator_link_create(
            actor=scrutiny_officer, indicator=more, recommendation=recommendation
        )
        linked.append(more)
    assert queries() == one
