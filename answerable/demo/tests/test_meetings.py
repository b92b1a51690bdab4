import datetime

from answerable.audit.models import AuditEvent
from answerable.demo.meetings import UPCOMING_TITLE, load_meetings, seed_meetings
from answerable.meetings.models import AccountabilityMeeting, AgendaItem, MeetingAction
from answerable.meetings.selectors import action_review_list
from answerable.publishing.models import Publication
from answerable.recommendations.tests.factories import (
    ActionFactory,
    RecommendationFactory,
    SourceFactory,
)

TODAY = datetime.date(2026, 1, 5)


def test_the_demo_records_the_real_meetings_once_with_their_links(
    office, scrutiny_officer, force, force_lead
):
    telford = RecommendationFactory(
        source=SourceFactory(
            owner=office, title="Independent Inquiry into Telford Child Sexual Exploitation"
        )
    )
    ActionFactory(recommendation=telford, owner=force)
    vsa = RecommendationFactory(
        source=SourceFactory(
            owner=office, title="PEEL victim service assessment revisit – West Mercia Police"
        )
    )
    made = seed_meetings(
        office=office,
        scrutiny_officer=scrutiny_officer,
        force=force,
        force_lead=force_lead,
        today=TODAY,
    )
    assert made == len(load_meetings()) + 1
    meetings = AccountabilityMeeting.objects.order_by("starts_at")
    assert meetings.first().local_starts_at.date() == datetime.date(2016, 9, 24)
    assert meetings.last().title == UPCOMING_TITLE
    assert all(m.items.filter(position=1, is_action_review=True).exists() for m in meetings)
    iitcse = AgendaItem.objects.get(title="Holding to account - IITCSE")
    assert list(iitcse.recommendations.all()) == [telford]
    assert iitcse.papers.get().organisation == force
    assert iitcse.verdict.verdict == "assured"
    assert iitcse.questions.get().responses.exists()
    assert (
        AgendaItem.objects.get(title__startswith="Quarterly HMICFRS").recommendations.get() == vsa
    )
    assert AgendaItem.objects.get(title="Victim case study tabled by the PCC").is_sensitive
    # The 2023 action arising is still open, so the upcoming meeting reviews it.
    upcoming = meetings.last()
    assert list(action_review_list(meeting=upcoming)) == list(MeetingAction.objects.all())
    published = Publication.objects.filter(status="published")
    assert published.count() == 4
    assert all("Victim case study" not in p.html for p in published)
    assert meetings.filter(status="held").count() == 1

    events = AuditEvent.objects.count()
    assert seed_meetings(office=office, scrutiny_officer=scrutiny_officer, force=force) == 0
    assert AuditEvent.objects.count() == events
