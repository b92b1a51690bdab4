"""Indicators in a meeting's published summary: as fixed for the meeting, publishable ones
only, small counts withheld."""

import io
from decimal import Decimal

import docx
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from answerable.indicators import agenda_links, periods
from answerable.indicators import services as indicator_services
from answerable.indicators.models import Indicator
from answerable.indicators.tests.factories import IndicatorFactory, monthly_values
from answerable.meetings import services as meeting_services
from answerable.meetings.tests.factories import meeting_has_started, planned_meeting
from answerable.publishing import services
from answerable.publishing.documents import minutes_docx

LAST_MONTH = periods.add_periods(
    periods.period_containing(timezone.localdate(), "monthly"), -1, "monthly"
)
FIRST = periods.add_periods(LAST_MONTH, -15, "monthly")
LABEL = periods.period_label(LAST_MONTH, "monthly")


@pytest.fixture
def indicators(office, force):
    missing = IndicatorFactory(
        owner=force, office=office, name="Children missing from care", is_publishable=True
    )
    monthly_values(missing, FIRST, [12, 14] * 7 + [13, 3])  # the last is below 5
    advocate = IndicatorFactory(
        owner=force,
        office=office,
        name="Victims offered an advocate",
        unit=Indicator.Unit.PERCENTAGE,
        is_publishable=True,
    )
    monthly_values(advocate, FIRST, [80, 82] * 8)
    internal = IndicatorFactory(owner=force, office=office, name="Intelligence submissions")
    monthly_values(internal, FIRST, [40, 44] * 8)
    return missing, advocate, internal


@pytest.fixture
def meeting(office, force, scrutiny_officer, indicators):
    """A meeting with every indicator linked to a public item and one to a sensitive item,
    then held, which fixes their figures."""
    meeting = planned_meeting(actor=scrutiny_officer, office=office, is_public=True)
    public = meeting_services.agenda_item_add(
        actor=scrutiny_officer, meeting=meeting, title="Missing children"
    )
    closed = meeting_services.agenda_item_add(
        actor=scrutiny_officer, meeting=meeting, title="Operation Nightjar", is_sensitive=True
    )
    for indicator in indicators:
        agenda_links.indicator_agenda_link_create(
            actor=scrutiny_officer, indicator=indicator, agenda_item=public
        )
    agenda_links.indicator_agenda_link_create(
        actor=scrutiny_officer, indicator=indicators[1], agenda_item=closed
    )
    meeting_has_started(meeting)
    return meeting_services.meeting_status_change(
        actor=scrutiny_officer, meeting=meeting, status="held"
    )


def _publish(publication, scrutiny_officer):
    services.publication_submit(actor=scrutiny_officer, publication=publication)
    return services.publication_publish(
        actor=scrutiny_officer, publication=publication, reviewed_digest=publication.content_digest
    )


def test_the_summary_shows_publishable_figures_as_fixed_with_small_counts_withheld(
    client, meeting, indicators, scrutiny_officer, force_lead
):
    missing, _advocate, _internal = indicators
    # Revised after the meeting: the summary keeps what the meeting saw.
    indicator_services.indicator_value_record(
        actor=force_lead,
        indicator=missing,
        period_start=LAST_MONTH,
        value=Decimal(30),
        reason="Late reports added",
    )
    publication = services.publication_draft(actor=scrutiny_officer, meeting=meeting)
    [item] = [i for i in publication.content["items"] if i["title"] == "Missing children"]
    assert [f["name"] for f in item["figures"]] == [
        "Children missing from care",
        "Victims offered an advocate",
    ]
    withheld, judged = item["figures"]
    assert withheld["latest_text"] == f"fewer than 5 in {LABEL}"
    assert withheld["rows"][0] == [LABEL, "fewer than 5"]
    assert withheld["variation_text"].startswith("Not judged: 1 of the figures are counts below 5")
    assert judged["latest_text"] == f"82% in {LABEL}"
    assert judged["variation_text"].startswith("Common cause variation")

    published = _publish(publication, scrutiny_officer)
    page = client.get(published.get_absolute_url()).content.decode()
    assert f"fewer than 5 in {LABEL}" in page
    assert f"82% in {LABEL}" in page
    assert ">30<" not in page
    assert "Intelligence submissions" not in page
    assert "Nightjar" not in page
    document = docx.Document(io.BytesIO(minutes_docx(content=published.content)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert f"Victims offered an advocate (Shire Police): 82% in {LABEL}." in text


def test_an_indicator_taken_off_the_public_site_since_drafting_stops_publication(
    meeting, indicators, scrutiny_officer
):
    publication = services.publication_draft(actor=scrutiny_officer, meeting=meeting)
    services.publication_submit(actor=scrutiny_officer, publication=publication)
    Indicator.objects.filter(pk=indicators[0].pk).update(is_publishable=False)
    with pytest.raises(ValidationError) as refused:
        services.publication_publish(
            actor=scrutiny_officer,
            publication=publication,
            reviewed_digest=publication.content_digest,
        )
    assert "Indicator 'Children missing from care' is no longer published" in refused.value.messages
    publication.refresh_from_db()
    assert not publication.is_published
