"""Archiving an indicator: it leaves the lists and the public site, and keeps its history."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from answerable.audit.models import AuditEvent
from answerable.core.testing import sign_in
from answerable.indicators import archiving
from answerable.indicators.models import Indicator
from answerable.indicators.tests.factories import IndicatorFactory, monthly_values

LIST = reverse("indicators:indicator_list")


@pytest.fixture
def indicator(office, force):
    indicator = IndicatorFactory(
        owner=force, office=office, name="Joint visits", is_publishable=True
    )
    monthly_values(indicator, datetime.date(2025, 1, 1), [21, 23, 22])
    return indicator


def test_the_office_archives_an_indicator_with_a_reason_and_restores_it(
    client, indicator, scrutiny_officer
):
    sign_in(client, scrutiny_officer)
    url = reverse("indicators:indicator_archive", args=[indicator.pk])
    refused = client.post(url, {"reason": " "})
    assert "Enter why it is being archived" in refused.content.decode()
    assert not Indicator.objects.get(pk=indicator.pk).is_archived

    assert client.post(url, {"reason": "Replaced by the new visits measure"}).status_code == 302
    assert Indicator.objects.get(pk=indicator.pk).is_archived
    event = AuditEvent.objects.get(action="indicator.archived")
    assert (event.note, event.changes) == (
        "Replaced by the new visits measure",
        {"is_archived": [False, True]},
    )
    assert "Joint visits" not in client.get(LIST).content.decode()
    assert "Joint visits" in client.get(LIST, {"show": "archived"}).content.decode()
    page = client.get(indicator.get_absolute_url()).content.decode()
    assert "The office no longer follows this indicator" in page
    assert "March 2025" in page  # its figures stay
    assert "Record a figure" not in page
    assert client.get(reverse("public_indicators:detail", args=[indicator.pk])).status_code == 404
    assert "Joint visits" not in client.get(reverse("public_indicators:list")).content.decode()

    restore = reverse("indicators:indicator_restore", args=[indicator.pk])
    assert client.post(restore, {"reason": ""}).status_code == 302
    assert not Indicator.objects.get(pk=indicator.pk).is_archived
    assert AuditEvent.objects.filter(action="indicator.restored").count() == 1
    assert "Joint visits" in client.get(LIST).content.decode()
    assert client.get(reverse("public_indicators:detail", args=[indicator.pk])).status_code == 200


def test_only_the_office_archives_and_only_once(indicator, force_lead, scrutiny_officer):
    with pytest.raises(PermissionDenied):
        archiving.indicator_archive(actor=force_lead, indicator=indicator, reason="Not ours")
    archiving.indicator_archive(actor=scrutiny_officer, indicator=indicator, reason="Done")
    with pytest.raises(ValidationError):
        archiving.indicator_archive(actor=scrutiny_officer, indicator=indicator, reason="Again")
    with pytest.raises(PermissionDenied):
        archiving.indicator_restore(actor=force_lead, indicator=indicator)
    assert (
        AuditEvent.objects.filter(action__startswith="indicator.")
        .exclude(action="indicator.created")
        .count()
        == 1
    )
