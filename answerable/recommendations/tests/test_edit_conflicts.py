"""Two people change the same thing from pages opened at the same time (issue #11, Medium 4).

The second save is refused and changes nothing; the page is drawn again from what the first
person saved, listing it, so the second person can make their change again. A save from a
form whose fields nobody changed (another form of the same row was saved) goes through.
"""

import datetime
import threading
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from answerable.audit.models import AuditEvent
from answerable.core.models import EditConflict
from answerable.core.testing import drawn_version, pdf_bytes, sign_in, summary_rows
from answerable.organisations.models import Membership
from answerable.organisations.tests.factories import member
from answerable.recommendations import services
from answerable.recommendations.models import Action, Recommendation, TargetDateChange


def _two_editors(url: str, first_user, second_user) -> tuple[Client, str, Client, str]:
    """Each signed in on their own browser, with the page opened."""
    first, second = sign_in(Client(), first_user), sign_in(Client(), second_user)
    return first, first.get(url).content.decode(), second, second.get(url).content.decode()


def _date(name: str, day: datetime.date) -> dict[str, str]:
    return {
        f"{name}-day": str(day.day),
        f"{name}-month": str(day.month),
        f"{name}-year": str(day.year),
    }


def test_a_second_target_date_change_is_refused_and_shown_the_date_saved(force_action, force_lead):
    url = reverse("recommendations:action_target_date", args=[force_action.pk])
    colleague = member(force_action.owner, Membership.Role.LEAD_OFFICER)
    first, first_page, second, second_page = _two_editors(url, colleague, force_lead)
    moved_to, wanted = datetime.date(2027, 3, 31), datetime.date(2027, 9, 30)
    response = first.post(
        url, {**_date("new_on", moved_to), "reason": "Supplier late", **drawn_version(first_page)}
    )
    assert response.status_code == 302
    response = second.post(
        url, {**_date("new_on", wanted), "reason": "Budget cut", **drawn_version(second_page)}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Change the target date" in page
    assert "Someone else changed this action while you were editing it." in page
    assert summary_rows(page) == [("Target date", "31 March 2027")]
    assert [c.new_on for c in TargetDateChange.objects.all()] == [moved_to]
    assert Action.objects.get(pk=force_action.pk).target_on == moved_to
    # Made again on the page drawn from the saved date, the change lands and replaces it.
    response = second.post(
        url, {**_date("new_on", wanted), "reason": "Budget cut", **drawn_version(page)}
    )
    assert response.status_code == 302
    assert [(c.previous_on, c.new_on) for c in TargetDateChange.objects.order_by("pk")][-1] == (
        moved_to,
        wanted,
    )


def test_a_second_lead_assignment_is_refused_and_shown_the_lead_saved(
    force_action, force_lead, scrutiny_officer
):
    url = reverse("recommendations:action_lead", args=[force_action.pk])
    other_lead = member(force_action.owner, Membership.Role.LEAD_OFFICER, full_name="Olu Other")
    first, first_page, second, second_page = _two_editors(url, force_lead, scrutiny_officer)
    assert first.post(url, {"lead": force_lead.pk, **drawn_version(first_page)}).status_code == 302
    response = second.post(url, {"lead": other_lead.pk, **drawn_version(second_page)})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Someone else changed this action while you were editing it." in page
    assert summary_rows(page) == [("Lead officer", str(force_lead))]
    assert Action.objects.get(pk=force_action.pk).lead == force_lead
    assert AuditEvent.objects.filter(action="action.lead_assigned").count() == 1


def test_a_target_date_change_lands_when_only_the_lead_changed_meanwhile(
    force_action, force_lead, scrutiny_officer
):
    """Both forms show the action's plan, one version for both: the lead saved while the
    target date page was open changed nothing that page shows, so nothing is refused."""
    date_url = reverse("recommendations:action_target_date", args=[force_action.pk])
    lead_url = reverse("recommendations:action_lead", args=[force_action.pk])
    sign_in(lead_browser := Client(), scrutiny_officer)
    sign_in(date_browser := Client(), force_lead)
    lead_page = lead_browser.get(lead_url).content.decode()
    date_page = date_browser.get(date_url).content.decode()
    assert (
        lead_browser.post(lead_url, {"lead": force_lead.pk, **drawn_version(lead_page)}).status_code
        == 302
    )
    wanted = datetime.date(2027, 6, 30)
    response = date_browser.post(
        date_url, {**_date("new_on", wanted), "reason": "Later", **drawn_version(date_page)}
    )
    assert response.status_code == 302
    action = Action.objects.get(pk=force_action.pk)
    assert (action.lead, action.target_on, action.version) == (force_lead, wanted, 3)


def test_a_second_response_to_a_recommendation_is_refused_and_shown_the_response_saved(
    recommendation, scrutiny_officer
):
    url = reverse("recommendations:recommendation_response", args=[recommendation.pk])
    colleague = member(recommendation.source.owner, Membership.Role.SCRUTINY_OFFICER)
    first, first_page, second, second_page = _two_editors(url, colleague, scrutiny_officer)
    said_on = _date("responded_on", datetime.date(2025, 5, 1))
    response = first.post(
        url,
        {
            "response": "accepted",
            "response_text": "In full",
            **said_on,
            **drawn_version(first_page),
        },
    )
    assert response.status_code == 302
    response = second.post(
        url,
        {"response": "not_accepted", "response_text": "", **said_on, **drawn_version(second_page)},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Someone else recorded a response while you were recording yours." in page
    assert summary_rows(page) == [
        ("Response", "Accepted"),
        ("Response text", "In full"),
        ("Date of the response", "1 May 2025"),
    ]
    recommendation.refresh_from_db()
    assert (recommendation.response, recommendation.response_text) == ("accepted", "In full")


def test_a_second_statutory_response_is_refused_and_shown_the_response_saved(
    source, scrutiny_officer
):
    url = reverse("recommendations:source_response", args=[source.pk])
    colleague = member(source.owner, Membership.Role.SCRUTINY_OFFICER)
    first, first_page, second, second_page = _two_editors(url, colleague, scrutiny_officer)
    response = first.post(
        url,
        {
            **_date("responded_on", datetime.date(2024, 2, 1)),
            "response_url": "https://pcc.example.org/first",
            **drawn_version(first_page),
        },
    )
    assert response.status_code == 302
    response = second.post(
        url,
        {
            **_date("responded_on", datetime.date(2024, 2, 2)),
            "response_document": SimpleUploadedFile("c.pdf", pdf_bytes(), "application/pdf"),
            **drawn_version(second_page),
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Someone else recorded a response while you were recording yours." in page
    assert ("Web address of the response", "https://pcc.example.org/first") in summary_rows(page)
    source.refresh_from_db()
    assert (source.responded_on, source.response_document_sha256) == (
        datetime.date(2024, 2, 1),
        "",
    )


def test_a_response_recorded_after_the_recommendation_was_edited_lands(
    recommendation, scrutiny_officer
):
    """The edit form and the response form share the recommendation's version; an edit of its
    text leaves the response form's fields as they were drawn, so the response is recorded."""
    url = reverse("recommendations:recommendation_response", args=[recommendation.pk])
    sign_in(client := Client(), scrutiny_officer)
    page = client.get(url).content.decode()
    services.recommendation_update(
        actor=scrutiny_officer,
        recommendation=recommendation,
        expected_version=recommendation.version,
        reason="Typo",
        reference=recommendation.reference,
        text="The force should train every officer.",
        finding_type=recommendation.finding_type,
        addressees=recommendation.addressees,
        themes=[],
    )
    response = client.post(
        url,
        {
            "response": "accepted",
            **_date("responded_on", datetime.date(2025, 5, 1)),
            **drawn_version(page),
        },
    )
    assert response.status_code == 302
    assert Recommendation.objects.get(pk=recommendation.pk).response == "accepted"


# --- two requests at once, on PostgreSQL ---------------------------------------------------


def _waiting_for_a_lock(seconds: float = 10.0) -> bool:
    """Whether another connection is waiting for a row lock, within `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return True
        time.sleep(0.02)
    return False


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite lets one connection write at a time, so two saves can never overlap",
)
@pytest.mark.django_db(transaction=True)
def test_two_saves_at_once_from_the_same_version_exactly_one_lands(force_action, force_lead):
    """The second save waits for the first's row lock, then finds the version moved on and is
    told so: exactly one target date change, one history row and one audit event."""
    first_saved, may_commit = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def save(name: str, new_on: datetime.date, *, hold: bool) -> None:
        try:
            with transaction.atomic():
                services.action_target_date_change(
                    actor=force_lead,
                    action=force_action,
                    new_on=new_on,
                    reason=f"{name}'s reason",
                    expected_version=1,
                )
                if hold:  # keep the row locked until the other save is waiting for it
                    first_saved.set()
                    may_commit.wait(timeout=10)
            outcome[name] = "saved"
        except EditConflict as refused:
            outcome[name] = refused.messages[0]
        finally:
            connection.close()

    first = threading.Thread(
        target=save, args=("first", datetime.date(2027, 3, 31)), kwargs={"hold": True}
    )
    second = threading.Thread(
        target=save, args=("second", datetime.date(2027, 9, 30)), kwargs={"hold": False}
    )
    first.start()
    try:
        assert first_saved.wait(timeout=10)
        second.start()
        assert _waiting_for_a_lock(), "the second save did not wait for the first's lock"
    finally:
        may_commit.set()
        first.join(timeout=10)
        second.join(timeout=10)
    assert outcome == {
        "first": "saved",
        "second": "Someone else changed this action while you were editing it. "
        "Check their changes below and make yours again.",
    }
    action = Action.objects.get(pk=force_action.pk)
    assert (action.target_on, action.version) == (datetime.date(2027, 3, 31), 2)
    assert TargetDateChange.objects.count() == 1
    assert AuditEvent.objects.filter(action="action.target_date_changed").count() == 1
