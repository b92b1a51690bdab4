import datetime

import pytest
from django.core import mail
from django.core.management import call_command

from answerable.audit.models import AuditEvent
from answerable.meetings.models import ReminderLog
from answerable.meetings.services.reminders import reminders_send
from answerable.meetings.tests.factories import MeetingActionFactory, MeetingFactory
from answerable.organisations.models import Membership, Organisation
from answerable.organisations.tests.factories import OrganisationFactory, member
from answerable.recommendations.models import DeliveryStatus
from answerable.recommendations.tests.factories import ActionFactory

TODAY = datetime.date(2030, 3, 1)


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


@pytest.fixture
def due(office, force, council, scrutiny_officer, force_lead, council_lead, recommendation):
    """Meeting and register actions at every distance from their due date."""
    meeting = MeetingFactory(office=office)
    other_office = OrganisationFactory(kind=Organisation.Kind.PCC_OFFICE)
    return {
        "soon": MeetingActionFactory(
            meeting=meeting, owner=force, due_on=days(5), description="Soon"
        ),
        "later": MeetingActionFactory(
            meeting=meeting, owner=force, due_on=days(20), description="Later"
        ),
        "long_overdue": MeetingActionFactory(
            meeting=meeting, owner=force, due_on=days(-40), description="Long overdue"
        ),
        "overdue": MeetingActionFactory(
            meeting=meeting, owner=force, due_on=days(-10), description="Recently overdue"
        ),
        "closed": MeetingActionFactory(
            meeting=meeting,
            owner=force,
            due_on=days(-60),
            status="closed",
            closed_note="Done",
            description="Closed one",
        ),
        "register_soon": ActionFactory(
            recommendation=recommendation,
            owner=force,
            target_on=days(3),
            description="Register soon",
        ),
        "register_done": ActionFactory(
            recommendation=recommendation,
            owner=force,
            target_on=days(-50),
            delivery_status=DeliveryStatus.COMPLETED,
            description="Register done",
        ),
        "register_overdue": ActionFactory(
            recommendation=recommendation,
            owner=council,
            target_on=days(-30),
            description="Council long overdue",
        ),
        "elsewhere_scrutiny": member(other_office, Membership.Role.SCRUTINY_OFFICER),
        "force_viewer": member(force, Membership.Role.VIEWER),
    }


def _mail_to(address: str) -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if address in m.to]


def test_owners_get_one_digest_and_the_office_the_long_overdue(
    due, force_lead, council_lead, scrutiny_officer
):
    run = reminders_send(today=TODAY, base_url="https://answerable.example.org")
    assert run.emails == 3
    [force_mail] = _mail_to(force_lead.email)
    body = force_mail.body
    for text in ("Soon", "Long overdue", "Recently overdue", "Register soon"):
        assert text in body
    for text in ("Later", "Closed one", "Register done", "Council long overdue"):
        assert text not in body
    assert "https://answerable.example.org/meetings/" in body
    assert "overdue by 40 days" in body
    [council_mail] = _mail_to(council_lead.email)
    assert "Council long overdue" in council_mail.body
    assert "Soon" not in council_mail.body
    [office_mail] = _mail_to(scrutiny_officer.email)
    assert "more than 28 days" in office_mail.body
    assert "Long overdue" in office_mail.body
    assert "Council long overdue" in office_mail.body
    assert "Recently overdue" not in office_mail.body
    assert "Soon" not in office_mail.body
    assert not _mail_to(due["force_viewer"].email)
    assert not _mail_to(due["elsewhere_scrutiny"].email)
    assert AuditEvent.objects.filter(action="reminder.sent").count() == 3


def test_a_second_run_on_the_same_day_sends_nothing(due, force_lead):
    reminders_send(today=TODAY)
    sent = len(mail.outbox)
    logged = ReminderLog.objects.count()
    run = reminders_send(today=TODAY)
    assert run.emails == 0
    assert len(mail.outbox) == sent
    assert ReminderLog.objects.count() == logged
    reminders_send(today=days(1))
    assert len(_mail_to(force_lead.email)) == 2


def test_a_new_item_on_the_same_day_is_sent_alone(due, office, force, force_lead):
    reminders_send(today=TODAY)
    MeetingActionFactory(
        meeting=MeetingFactory(office=office), owner=force, due_on=days(1), description="Brand new"
    )
    reminders_send(today=TODAY)
    latest = _mail_to(force_lead.email)[-1]
    assert "Brand new" in latest.body
    assert "Long overdue" not in latest.body


def test_a_failed_send_logs_nothing_so_the_next_run_tries_again(due, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("mail server down")

    monkeypatch.setattr("answerable.meetings.services.reminders.send_mail", broken)
    with pytest.raises(ConnectionError):
        reminders_send(today=TODAY)
    assert not ReminderLog.objects.exists()
    assert not AuditEvent.objects.filter(action="reminder.sent").exists()


def test_the_daily_command_sends_the_reminders(due, capsys, settings):
    settings.ANSWERABLE_SITE_URL = "https://answerable.example.org"
    call_command("send_reminders", "--date", TODAY.isoformat())
    assert "Sent 3 reminder emails" in capsys.readouterr().out
    assert len(mail.outbox) == 3
    # Links start with the site's configured address, not the development server's.
    assert all("https://answerable.example.org/" in email.body for email in mail.outbox)
    assert not any("127.0.0.1" in email.body for email in mail.outbox)
