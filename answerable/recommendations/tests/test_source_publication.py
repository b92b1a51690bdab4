"""Putting a source on the public site, with and without the office's four-eyes rule."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from answerable.audit.models import AuditEvent
from answerable.core.testing import sign_in
from answerable.organisations.models import Membership
from answerable.organisations.tests.factories import member
from answerable.recommendations import services


@pytest.fixture
def colleague(office):
    return member(office, Membership.Role.SCRUTINY_OFFICER, full_name="Pat Second")


def _public(source) -> bool:
    return Client().get(reverse("publishing:public_source", args=[source.pk])).status_code == 200


def test_without_the_rule_one_officer_publishes(recommendation, source, scrutiny_officer):
    published = services.source_publish(actor=scrutiny_officer, source=source)
    assert published.public_since is not None
    assert _public(source)


def test_with_the_rule_a_second_officer_publishes(
    client, recommendation, source, office, scrutiny_officer, colleague
):
    office.requires_second_approval = True
    office.save()
    sign_in(client, scrutiny_officer)
    url = reverse("recommendations:source_publish", args=[source.pk])
    client.post(url)
    source.refresh_from_db()
    assert source.public_since is None
    assert source.publish_requested_by == scrutiny_officer
    assert not _public(source)
    page = client.get(source.get_absolute_url()).content.decode()
    assert "another scrutiny officer of the office must do so" in page
    with pytest.raises(ValidationError, match="someone other than the person who asked"):
        services.source_publish(actor=scrutiny_officer, source=source)
    services.source_publish(actor=colleague, source=source)
    source.refresh_from_db()
    assert source.public_since is not None
    assert source.publish_requested_by is None
    assert _public(source)
    assert [e.action for e in AuditEvent.objects.filter(target_id=str(source.pk)).order_by("id")][
        -2:
    ] == ["source.publication_requested", "source.published"]
