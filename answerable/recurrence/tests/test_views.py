"""The similar recommendations page and the recurring themes page."""

import pytest
from django.urls import reverse

from answerable.core.testing import post_forms_without_csrf, sign_in
from answerable.organisations.models import Membership, Organisation
from answerable.organisations.tests.factories import OrganisationFactory, member
from answerable.recommendations.models import RecommendationLink
from answerable.recommendations.tests.factories import RecommendationFactory
from answerable.recurrence import services

SHARING = "Partners should share information about children at risk of exploitation"


@pytest.fixture
def pair(office):
    earlier = RecommendationFactory(
        source__owner=office, source__title="Telford inquiry", reference="T1", text=SHARING
    )
    later = RecommendationFactory(
        source__owner=office, source__title="National audit", reference="N1", text=f"{SHARING} now"
    )
    services.refresh_vectors()
    return earlier, later


def test_the_recommendation_page_links_to_its_similar_recommendations(
    client, pair, scrutiny_officer
):
    _earlier, later = pair
    page = sign_in(client, scrutiny_officer).get(later.get_absolute_url()).content.decode()

    assert reverse("recurrence:similar_list", args=[later.pk]) in page


def test_the_office_sees_similar_recommendations_with_source_status_and_buttons(
    client, pair, scrutiny_officer
):
    earlier, later = pair
    response = sign_in(client, scrutiny_officer).get(
        reverse("recurrence:similar_list", args=[later.pk])
    )
    page = response.content.decode()

    assert response.status_code == 200
    assert "Telford inquiry" in page
    assert "T1" in page
    assert "Very similar" in page
    assert "Not assessed" in page
    assert reverse("recurrence:pair_confirm", args=[later.pk, earlier.pk]) in page
    assert post_forms_without_csrf(page) == 0


def test_a_partner_sees_similar_recommendations_without_buttons(client, pair, force, force_lead):
    from answerable.recommendations.tests.factories import ActionFactory

    earlier, later = pair
    ActionFactory(recommendation=earlier, owner=force)
    ActionFactory(recommendation=later, owner=force)
    page = (
        sign_in(client, force_lead)
        .get(reverse("recurrence:similar_list", args=[later.pk]))
        .content.decode()
    )

    assert "T1" in page
    assert "/confirm/" not in page


def test_confirming_from_the_page_links_the_pair(client, pair, scrutiny_officer):
    earlier, later = pair
    response = sign_in(client, scrutiny_officer).post(
        reverse("recurrence:pair_confirm", args=[later.pk, earlier.pk])
    )

    assert response.status_code == 302
    assert RecommendationLink.objects.filter(
        from_recommendation=later, to_recommendation=earlier, kind="overlaps"
    ).exists()
    page = client.get(response["Location"]).content.decode()
    assert "Confirmed: linked as overlapping" in page


def test_a_viewer_cannot_confirm_or_dismiss(client, pair, office):
    earlier, later = pair
    viewer = member(office, Membership.Role.VIEWER)
    sign_in(client, viewer)

    for name in ("recurrence:pair_confirm", "recurrence:pair_dismiss"):
        assert client.post(reverse(name, args=[later.pk, earlier.pk])).status_code == 403
    assert not RecommendationLink.objects.exists()


def test_another_office_cannot_see_the_page_or_decide(client, pair):
    earlier, later = pair
    other = OrganisationFactory(kind=Organisation.Kind.PCC_OFFICE)
    sign_in(client, member(other, Membership.Role.SCRUTINY_OFFICER))

    assert client.get(reverse("recurrence:similar_list", args=[later.pk])).status_code == 404
    assert (
        client.post(reverse("recurrence:pair_dismiss", args=[later.pk, earlier.pk])).status_code
        == 404
    )


def test_the_themes_page_lists_themes_across_reports(client, pair, scrutiny_officer):
    services.index_rebuild()
    page = sign_in(client, scrutiny_officer).get(reverse("recurrence:theme_list")).content.decode()

    assert "Recurring themes" in page
    assert "Telford inquiry: 1" in page
    assert "National audit: 1" in page
    assert "Not assessed: 2" in page
    assert "Found again" not in page.split("<table")[1]
    assert "Counted at " in page


def test_the_themes_page_says_when_themes_have_not_been_counted(client, office, scrutiny_officer):
    page = sign_in(client, scrutiny_officer).get(reverse("recurrence:theme_list")).content.decode()

    assert "Not counted yet" in page
    assert "No recommendation you can see is raised in more than one report." in page
