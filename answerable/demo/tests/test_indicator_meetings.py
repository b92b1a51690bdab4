import datetime

from answerable.audit.models import AuditEvent
from answerable.demo.indicator_meetings import link_demo_indicators
from answerable.demo.indicators import seed_indicators
from answerable.demo.meetings import UPCOMING_TITLE, seed_meetings
from answerable.indicators.models import IndicatorAgendaLink
from answerable.publishing.models import Publication

TODAY = datetime.date(2026, 5, 14)


def test_the_demo_meetings_carry_indicators_fixed_as_they_stood_at_each_meeting(
    office, force, council, scrutiny_officer, force_lead, council_lead
):
    seed_indicators(
        organisations={"office": office, "police": force, "council": council},
        scrutiny_officer=scrutiny_officer,
        recorders={"police": force_lead, "council": council_lead},
        today=TODAY,
    )

    def link() -> int:
        return link_demo_indicators(office=office, scrutiny_officer=scrutiny_officer)

    seed_meetings(
        office=office,
        scrutiny_officer=scrutiny_officer,
        force=force,
        force_lead=force_lead,
        today=TODAY,
        before_publishing=link,
    )
    links = IndicatorAgendaLink.objects.select_related("indicator", "agenda_item__meeting")
    assert links.count() == 18
    upcoming = [link for link in links if link.agenda_item.meeting.title == UPCOMING_TITLE]
    assert len(upcoming) == 2
    assert all(link.snapshot_taken_at is None for link in upcoming)
    assert all(link.snapshot_taken_at for link in links if link not in upcoming)

    # The IITCSE meeting of March 2023 saw the figures from October 2021 to February 2023.
    iitcse = links.get(
        indicator__name="CSE intelligence submissions",
        agenda_item__title="Holding to account - IITCSE",
    )
    assert [iitcse.snapshot["values"][0][0], iitcse.snapshot["values"][-1][0]] == [
        "2021-10-01",
        "2023-02-01",
    ]
    assert iitcse.snapshot["variation"] != "not_enough_data"
    # February 2024's meeting saw the published figure for October to December 2023.
    confidence = links.get(
        indicator__name="Public confidence in West Mercia Police",
        agenda_item__meeting__title__contains="Quarter 3 performance",
    )
    assert confidence.snapshot["values"][-1] == ["2023-10-01", "82"]
    summary = Publication.objects.get(meeting=confidence.agenda_item.meeting, status="published")
    assert "<strong>Public confidence in West Mercia Police</strong>" in summary.html
    assert "82% in October to December 2023" in summary.html
    assert "Charge rate for CSE offences" not in summary.html  # not publishable

    events = AuditEvent.objects.count()
    assert link() == 0
    assert AuditEvent.objects.count() == events
