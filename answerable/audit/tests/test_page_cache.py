"""Signed-in pages drawn once per change, each response with its own CSRF field and CSP nonce,
for its own viewer, memberships and address (ADR 0008)."""

import re

from django.urls import reverse

from answerable.core.testing import sign_in
from answerable.organisations.models import Membership
from answerable.recommendations import services
from answerable.recommendations.models import DeliveryStatus
from answerable.recommendations.tests.factories import ActionFactory, RecommendationFactory

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def test_each_response_of_a_cached_page_has_its_own_nonce_matching_its_header(
    client, force_lead, force_action
):
    sign_in(client, force_lead)
    nonces = []
    for _ in range(2):
        response = client.get(reverse("recommendations:recommendation_list"))
        header = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
        assert set(re.findall(r'nonce="([^"]+)"', response.content.decode())) == {header}
        nonces.append(header)
    assert nonces[0] != nonces[1]


def test_a_banner_shows_once_on_a_cached_page_which_still_shows_the_change(
    client, force_lead, force_action
):
    sign_in(client, force_lead)
    url = force_action.get_absolute_url()
    client.get(url)
    followed = client.post(
        reverse("recommendations:action_update", args=[force_action.pk]),
        {"narrative": "Staff trained", "status": "on_track", "evidence_marking": "official"},
        follow=True,
    )
    assert followed.redirect_chain == [(url, 302)]
    assert "Update posted" in followed.content.decode()

    again = client.get(url).content.decode()
    assert "Update posted" not in again
    assert "Staff trained" in again


def test_another_organisation_sees_only_its_own_rows_at_the_same_address(
    client, force_lead, council_lead, recommendation, force, council
):
    ActionFactory(recommendation=recommendation, owner=force, description="Force-only work")
    ActionFactory(recommendation=recommendation, owner=council, description="Council-only work")
    url = reverse("recommendations:action_list")
    assert "Force-only work" in sign_in(client, force_lead).get(url).content.decode()

    page = sign_in(client, council_lead).get(url).content.decode()
    assert "Council-only work" in page
    assert "Force-only work" not in page


def test_a_membership_removed_without_an_audit_event_shows_on_the_next_view(
    client, force_lead, force, council, recommendation
):
    Membership.objects.create(user=force_lead, organisation=council, role=Membership.Role.VIEWER)
    ActionFactory(recommendation=recommendation, owner=force, description="Force-only work")
    ActionFactory(recommendation=recommendation, owner=council, description="Council-only work")
    sign_in(client, force_lead)
    url = reverse("recommendations:action_list")
    assert "Force-only work" in client.get(url).content.decode()

    Membership.objects.filter(user=force_lead, organisation=force).delete()
    page = client.get(url).content.decode()
    assert "Council-only work" in page
    assert "Force-only work" not in page


def test_a_denied_page_is_not_kept_so_access_granted_shows_at_once(
    client, council_lead, council, force_action
):
    sign_in(client, council_lead)
    url = force_action.recommendation.get_absolute_url()
    assert client.get(url).status_code == 404
    assert client.get(url).status_code == 404

    # An action given through the ORM: no audit event and the same memberships, so only a
    # refusal that was never stored lets the page show.
    ActionFactory(recommendation=force_action.recommendation, owner=council)
    assert client.get(url).status_code == 200


def test_api_list_links_carry_each_requests_own_host(client, settings, scrutiny_officer, source):
    settings.ALLOWED_HOSTS = ["one.example", "two.example"]
    RecommendationFactory.create_batch(2, source=source)
    sign_in(client, scrutiny_officer)
    url = reverse("api:recommendation-list") + "?page_size=1"
    for host in settings.ALLOWED_HOSTS:
        data = client.get(url, HTTP_HOST=host).json()
        assert data["count"] == 2
        assert data["next"].startswith(f"http://{host}/")


def test_a_change_made_through_a_service_shows_on_the_next_view(client, force_lead, force_action):
    sign_in(client, force_lead)
    url = force_action.get_absolute_url()
    assert "Interviews under way" not in client.get(url).content.decode()
    services.update_post(
        actor=force_lead,
        action=force_action,
        narrative="Interviews under way",
        status=DeliveryStatus.ON_TRACK,
    )
    assert "Interviews under way" in client.get(url).content.decode()
