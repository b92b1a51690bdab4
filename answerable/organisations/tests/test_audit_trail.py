"""The audit trail page: readable events, reached from the navigation by those who may read it."""

from django.urls import reverse

from answerable.core.testing import sign_in
from answerable.recommendations import services


def test_events_read_as_words_not_codes(client, scrutiny_officer, source):
    services.recommendation_create(
        actor=scrutiny_officer, source=source, reference="R1", text="Train every officer."
    )
    sign_in(client, scrutiny_officer)
    page = client.get(reverse("organisations:audit_trail")).content.decode()
    assert "Recommendation recorded" in page
    assert "recommendation.created" not in page


def test_the_navigation_links_the_audit_trail_only_for_those_who_may_read_it(
    client, scrutiny_officer, force_lead
):
    link = f'href="{reverse("organisations:audit_trail")}"'
    sign_in(client, scrutiny_officer)
    assert link in client.get(reverse("recommendations:dashboard")).content.decode()
    client.logout()
    sign_in(client, force_lead)
    assert link not in client.get(reverse("recommendations:dashboard")).content.decode()
    assert client.get(reverse("organisations:audit_trail")).status_code == 403
