"""Following sources, recommendations and actions (issue #17)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from answerable.audit.descriptions import DESCRIPTIONS
from answerable.audit.models import AuditEvent
from answerable.core.testing import sign_in
from answerable.recommendations import selectors, services
from answerable.recommendations.models import Follow


def test_following_twice_keeps_one_follow_and_each_change_is_audited(
    recommendation, force_action, force_lead
):
    first = services.follow_create(user=force_lead, recommendation=recommendation)
    again = services.follow_create(user=force_lead, recommendation=recommendation)
    assert first == again
    assert Follow.objects.filter(user=force_lead).count() == 1
    services.follow_delete(user=force_lead, follow=first)
    assert not Follow.objects.exists()
    actions = list(AuditEvent.objects.filter(actor=force_lead).values_list("action", flat=True))
    assert actions == ["follow.started", "follow.stopped"]
    assert all(code in DESCRIPTIONS for code in actions)


def test_nobody_follows_what_they_cannot_see(council_action, force_action, force_lead):
    with pytest.raises(PermissionDenied):
        services.follow_create(user=force_lead, action=council_action)
    assert not Follow.objects.exists()


def test_nobody_stops_someone_else_following(
    recommendation, force_action, force_lead, scrutiny_officer
):
    follow = services.follow_create(user=scrutiny_officer, recommendation=recommendation)
    with pytest.raises(PermissionDenied):
        services.follow_delete(user=force_lead, follow=follow)
    assert Follow.objects.filter(pk=follow.pk).exists()


@pytest.mark.parametrize("kind", ["source", "recommendation", "action"])
def test_the_follow_button_on_each_page_follows_and_stops(
    client, kind, source, recommendation, force_action, scrutiny_officer
):
    target = {"source": source, "recommendation": recommendation, "action": force_action}[kind]
    sign_in(client, scrutiny_officer)
    page = client.get(target.get_absolute_url()).content.decode()
    assert reverse("recommendations:follow_change", args=[kind, target.pk]) in page
    assert ">\n  Follow\n</button>" in page or "Follow\n</button>" in page

    response = client.post(
        reverse("recommendations:follow_change", args=[kind, target.pk]), {"follow": "yes"}
    )
    assert response.status_code == 302
    assert response["Location"] == target.get_absolute_url()
    page = client.get(target.get_absolute_url()).content.decode()
    assert "You are following this" in page
    assert "Stop following" in page
    assert Follow.objects.filter(user=scrutiny_officer, **{kind: target}).exists()

    client.post(reverse("recommendations:follow_change", args=[kind, target.pk]), {"follow": "no"})
    assert not Follow.objects.exists()
    assert "You are following this" not in client.get(target.get_absolute_url()).content.decode()


def test_following_what_one_cannot_see_is_not_found(
    client, council_action, force_action, force_lead
):
    sign_in(client, force_lead)
    response = client.post(
        reverse("recommendations:follow_change", args=["action", council_action.pk]),
        {"follow": "yes"},
    )
    assert response.status_code == 404
    assert not Follow.objects.exists()


def test_the_following_page_lists_what_one_follows_and_stops_it(
    client, source, recommendation, force_action, scrutiny_officer
):
    services.follow_create(user=scrutiny_officer, source=source)
    follow = services.follow_create(user=scrutiny_officer, action=force_action)
    sign_in(client, scrutiny_officer)
    page = client.get(reverse("recommendations:following_list")).content.decode()
    assert "<h1" in page
    assert "What you follow" in page
    assert source.title in page
    assert f"{recommendation.reference}: action for Shire Police" in page
    response = client.post(reverse("recommendations:follow_stop", args=[follow.pk]))
    assert response.status_code == 302
    assert list(Follow.objects.values_list("source", flat=True)) == [source.pk]


def test_what_one_can_no_longer_see_is_listed_without_its_name(
    client, council_action, council_lead, force_lead
):
    follow = services.follow_create(user=council_lead, action=council_action)
    Follow.objects.filter(pk=follow.pk).update(user=force_lead)  # as if access was lost
    [item] = selectors.follow_list(user=force_lead)
    assert not item.is_visible
    assert "Shire Council" not in item.label
    sign_in(client, force_lead)
    page = client.get(reverse("recommendations:following_list")).content.decode()
    assert "Something you can no longer see" in page
    assert "Shire Council" not in page
    client.post(reverse("recommendations:follow_stop", args=[follow.pk]))
    assert not Follow.objects.exists()


def test_nobody_stops_another_persons_follow_from_the_list(
    client, recommendation, force_action, force_lead, scrutiny_officer
):
    follow = services.follow_create(user=scrutiny_officer, recommendation=recommendation)
    sign_in(client, force_lead)
    assert client.post(reverse("recommendations:follow_stop", args=[follow.pk])).status_code == 404
    assert Follow.objects.exists()
