"""Indicators as evidence on meeting agenda items, with their figures fixed for the meeting."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from answerable.audit.models import AuditEvent
from answerable.core.testing import sign_in
from answerable.indicators import agenda_links, periods, services
from answerable.indicators.models import IndicatorAgendaLink
from answerable.indicators.tests.factories import IndicatorFactory, monthly_values
from answerable.meetings import services as meeting_services
from answerable.meetings.models import AccountabilityMeeting
from answerable.meetings.tests.factories import (
    QuestionFactory,
    meeting_has_started,
    planned_meeting,
)
from answerable.organisations.models import Membership
from answerable.organisations.tests.factories import member

LAST_MONTH = periods.add_periods(
    periods.period_containing(timezone.localdate(), "monthly"), -1, "monthly"
)


def _text(html: str) -> str:
    """The page's words, one space apart, as a reader meets them."""
    words = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    return re.sub(r" ([:.,)])", r"\1", words)


@pytest.fixture
def indicator(office, force):
    """Sixteen steady months ending last month, the last of them 20."""
    indicator = IndicatorFactory(owner=force, office=office, name="CSE referrals")
    monthly_values(
        indicator, periods.add_periods(LAST_MONTH, -15, "monthly"), [10, 12] * 7 + [11, 20]
    )
    return indicator


@pytest.fixture
def item(scrutiny_officer, office, force):
    meeting = planned_meeting(actor=scrutiny_officer, office=office, attending=force)
    return meeting_services.agenda_item_add(
        actor=scrutiny_officer, meeting=meeting, title="Child sexual exploitation"
    )


def _revise_last_month(force_lead, indicator, reason):
    """Last month's 20 becomes 11, after the meeting."""
    services.indicator_value_record(
        actor=force_lead,
        indicator=indicator,
        period_start=LAST_MONTH,
        value=Decimal(11),
        reason=reason,
    )


def _hold(meeting, scrutiny_officer):
    meeting_has_started(meeting)
    return meeting_services.meeting_status_change(
        actor=scrutiny_officer, meeting=meeting, status="held"
    )


def _meeting_page(client, meeting) -> str:
    response = client.get(reverse("meetings:meeting_detail", args=[meeting.pk]))
    assert response.status_code == 200
    return _text(response.content.decode())


def test_the_office_links_an_indicator_and_the_meeting_page_shows_the_figures_as_they_stand(
    client, indicator, item, scrutiny_officer
):
    sign_in(client, scrutiny_officer)
    url = reverse("indicators:indicator_agenda_link_create", args=[indicator.pk])
    form = client.get(url).content.decode()
    assert "Holding to account: child sexual exploitation" in form
    assert "item 2, Child sexual exploitation" in form
    response = client.post(url, {"agenda_item": item.pk, "note": "Referrals are rising"})
    assert response.status_code == 302
    link = IndicatorAgendaLink.objects.get()
    assert (link.agenda_item, link.note, link.snapshot_taken_at) == (
        item,
        "Referrals are rising",
        None,
    )
    event = AuditEvent.objects.get(action="indicator_agenda_link.created")
    assert (
        event.changes["agenda_item"][1]
        == "Holding to account: child sexual exploitation, item 2: Child sexual exploitation"
    )

    page = _meeting_page(client, item.meeting)
    label = periods.period_label(LAST_MONTH, "monthly")
    assert f"CSE referrals: 20 in {label}" in page
    assert (
        "As the figures stand now: they are fixed for the meeting when it is marked held." in page
    )
    assert "Special cause variation, concerning" not in page  # higher is better
    assert (
        "Special cause variation, improving: the latest figure is above the upper process limit"
        in page
    )
    assert "Referrals are rising" in page
    indicator_page = _text(client.get(indicator.get_absolute_url()).content.decode())
    assert "Not fixed yet: fixed when the meeting is marked held" in indicator_page


def test_holding_the_meeting_fixes_the_figures_and_a_later_revision_does_not_change_them(
    client, indicator, item, scrutiny_officer, force_lead
):
    agenda_links.indicator_agenda_link_create(
        actor=scrutiny_officer, indicator=indicator, agenda_item=item
    )
    _hold(item.meeting, scrutiny_officer)
    link = IndicatorAgendaLink.objects.get()
    assert link.snapshot_taken_at is not None
    assert link.snapshot["values"][-1] == [LAST_MONTH.isoformat(), "20"]
    assert link.snapshot["variation"] == "improving"
    event = AuditEvent.objects.get(action="indicator_agenda_link.snapshot_taken")
    assert event.actor == scrutiny_officer
    assert event.changes["figures"] == [None, 16]

    _revise_last_month(force_lead, indicator, "Duplicates removed")
    label = periods.period_label(LAST_MONTH, "monthly")
    sign_in(client, scrutiny_officer)
    page = _meeting_page(client, item.meeting)
    assert f"CSE referrals: 20 in {label}" in page
    day = timezone.localtime(item.meeting.starts_at).date()
    assert f"As the figures stood at the meeting on {day.day} {day:%B %Y}." in page
    question = QuestionFactory(item=item, addressed_to=indicator.owner)
    form = _text(
        client.get(reverse("meetings:response_record", args=[question.pk])).content.decode()
    )
    assert f"CSE referrals: 20 in {label}" in form
    # The indicator's own page shows the revised figure.
    assert f"{label} 11 (revised)" in _text(
        client.get(indicator.get_absolute_url()).content.decode()
    )


def test_the_office_fixes_the_figures_again_and_that_is_audited(
    client, indicator, item, scrutiny_officer, force_lead
):
    link = agenda_links.indicator_agenda_link_create(
        actor=scrutiny_officer, indicator=indicator, agenda_item=item
    )
    fix = reverse("indicators:indicator_agenda_link_snapshot_take", args=[link.pk])
    sign_in(client, scrutiny_officer)
    client.post(fix)
    assert not IndicatorAgendaLink.objects.get().snapshot  # not before the meeting is held
    _hold(item.meeting, scrutiny_officer)
    _revise_last_month(force_lead, indicator, "Late data")
    response = client.post(fix)
    assert response.status_code == 302
    label = periods.period_label(LAST_MONTH, "monthly")
    assert f"CSE referrals: 11 in {label}" in _meeting_page(client, item.meeting)
    event = AuditEvent.objects.filter(action="indicator_agenda_link.snapshot_taken").latest("pk")
    assert event.changes["latest"] == [f"20 in {label}", f"11 in {label}"]
    assert event.note == "Fixed again by the office"


def test_a_link_to_a_meeting_already_held_is_fixed_at_once_with_periods_ended_by_then(
    indicator, scrutiny_officer, office, force
):
    meeting = planned_meeting(actor=scrutiny_officer, office=office, attending=force)
    AccountabilityMeeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.make_aware(
            datetime.datetime.combine(
                periods.add_periods(LAST_MONTH, 0, "monthly"), datetime.time(10)
            )
            + datetime.timedelta(days=14)
        )
    )
    meeting.refresh_from_db()
    meeting_services.meeting_status_change(actor=scrutiny_officer, meeting=meeting, status="held")
    item = meeting_services.agenda_item_add(actor=scrutiny_officer, meeting=meeting, title="CSE")
    link = agenda_links.indicator_agenda_link_create(
        actor=scrutiny_officer, indicator=indicator, agenda_item=item
    )
    # Held mid-way through last month: last month had not ended, so its 20 is not there.
    assert link.snapshot_taken_at is not None
    assert (
        link.snapshot["values"][-1][0] == periods.add_periods(LAST_MONTH, -1, "monthly").isoformat()
    )
    assert len(link.snapshot["values"]) == 15
    assert AuditEvent.objects.filter(action="indicator_agenda_link.snapshot_taken").count() == 1


def test_only_the_offices_scrutiny_officers_link_and_only_to_its_meetings(
    indicator, item, scrutiny_officer, force_lead, office, force
):
    admin = member(office, Membership.Role.ADMINISTRATOR)
    for actor in (force_lead, admin):
        with pytest.raises(PermissionDenied):
            agenda_links.indicator_agenda_link_create(
                actor=actor, indicator=indicator, agenda_item=item
            )
    # Another office's indicator, and that office's scrutiny officer on this office's item.
    elsewhere = IndicatorFactory(name="Elsewhere")
    with pytest.raises(PermissionDenied):
        agenda_links.indicator_agenda_link_create(
            actor=scrutiny_officer, indicator=elsewhere, agenda_item=item
        )
    elsewhere_scrutiny = member(elsewhere.office, Membership.Role.SCRUTINY_OFFICER)
    with pytest.raises(ValidationError):
        agenda_links.indicator_agenda_link_create(
            actor=elsewhere_scrutiny, indicator=elsewhere, agenda_item=item
        )
    review = item.meeting.items.get(is_action_review=True)
    with pytest.raises(ValidationError):
        agenda_links.indicator_agenda_link_create(
            actor=scrutiny_officer, indicator=indicator, agenda_item=review
        )
    agenda_links.indicator_agenda_link_create(
        actor=scrutiny_officer, indicator=indicator, agenda_item=item
    )
    with pytest.raises(ValidationError):
        agenda_links.indicator_agenda_link_create(
            actor=scrutiny_officer, indicator=indicator, agenda_item=item
        )
    assert IndicatorAgendaLink.objects.count() == 1


def test_the_meeting_page_shows_figures_only_to_those_who_may_see_the_indicator(
    client, indicator, item, scrutiny_officer, council, council_lead, force_lead
):
    meeting_services.attendee_add(
        actor=scrutiny_officer, meeting=item.meeting, name="Director", organisation=council
    )
    agenda_links.indicator_agenda_link_create(
        actor=scrutiny_officer, indicator=indicator, agenda_item=item
    )
    for user, shown in ((force_lead, True), (council_lead, False)):
        client.logout()
        sign_in(client, user)
        assert ("CSE referrals: 20 in" in _meeting_page(client, item.meeting)) is shown


def test_the_meeting_page_reads_its_figures_in_the_same_queries_however_many_links(
    client, item, scrutiny_officer, office, force
):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            _meeting_page(client, item.meeting)
        return len(captured)

    sign_in(client, scrutiny_officer)
    first = IndicatorFactory(owner=force, office=office)
    monthly_values(first, periods.add_periods(LAST_MONTH, -3, "monthly"), [4, 5, 6, 7])
    agenda_links.indicator_agenda_link_create(
        actor=scrutiny_officer, indicator=first, agenda_item=item
    )
    one = queries()
    for _ in range(3):
        more = IndicatorFactory(owner=force, office=office)
        monthly_values(more, periods.add_periods(LAST_MONTH, -3, "monthly"), [4, 5, 6, 7])
        agenda_links.indicator_agenda_link_create(
            actor=scrutiny_officer, indicator=more, agenda_item=item
        )
    assert queries() == one
    _hold(item.meeting, scrutiny_officer)
    # Fixed figures are read with the links: one query fewer.
    assert queries() == one - 1


def test_the_indicator_page_lists_only_the_agenda_items_the_viewer_may_see(
    client, indicator, item, scrutiny_officer, force
):
    closed = meeting_services.agenda_item_add(
        actor=scrutiny_officer, meeting=item.meeting, title="Operation Nightjar", is_sensitive=True
    )
    for agenda_item in (item, closed):
        agenda_links.indicator_agenda_link_create(
            actor=scrutiny_officer, indicator=indicator, agenda_item=agenda_item
        )
    sign_in(client, scrutiny_officer)
    assert "Operation Nightjar" in client.get(indicator.get_absolute_url()).content.decode()
    client.logout()
    # The force attends the meeting but is not questioned on the closed item.
    sign_in(client, member(force, Membership.Role.VIEWER))
    page = client.get(indicator.get_absolute_url()).content.decode()
    assert "Child sexual exploitation" in page
    assert "Operation Nightjar" not in page
    assert "Operation Nightjar" not in _meeting_page(client, item.meeting)
