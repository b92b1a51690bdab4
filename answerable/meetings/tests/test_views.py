import datetime
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from answerable.audit.models import AuditEvent
from answerable.core.testing import (
    drawn_version,
    hidden_value,
    post_forms_without_csrf,
    sign_in,
    summary_rows,
)
from answerable.meetings import services
from answerable.meetings.models import (
    AccountabilityMeeting,
    AgendaItem,
    ItemVerdict,
    MeetingAction,
    Paper,
)
from answerable.meetings.tests.conftest import checked_pdf
from answerable.meetings.tests.factories import PDF_BYTES, MeetingActionFactory, QuestionFactory
from answerable.organisations.models import Membership
from answerable.organisations.tests.factories import member
from answerable.recommendations.models import AssuranceStatus


def _h1_count(response) -> int:
    return response.content.decode().count("<h1")


def test_every_meeting_page_renders_with_one_heading_for_a_scrutiny_officer(
    client, scrutiny_officer, item, force
):
    question = QuestionFactory(item=item, addressed_to=force)
    action = MeetingActionFactory(meeting=item.meeting, item=item, owner=force)
    services.item_verdict_record(
        expected_version=0, actor=scrutiny_officer, item=item, verdict="assured", rationale="Seen"
    )
    services.agenda_item_add(actor=scrutiny_officer, meeting=item.meeting, title="Two")  # moves
    sign_in(client, scrutiny_officer)
    meeting = item.meeting
    for name, args in [
        ("meetings:forward_plan", []),
        ("meetings:meeting_create", []),
        ("meetings:meeting_detail", [meeting.pk]),
        ("meetings:meeting_status", [meeting.pk]),
        ("meetings:attendee_add", [meeting.pk]),
        ("meetings:agenda_item_add", [meeting.pk]),
        ("meetings:agenda_item_update", [item.pk]),
        ("meetings:paper_upload", [item.pk]),
        ("meetings:question_add", [item.pk]),
        ("meetings:response_record", [question.pk]),
        ("meetings:item_verdict_record", [item.pk]),
        ("meetings:verdict_assessments", [item.pk]),
        ("meetings:meeting_action_raise", [item.pk]),
        ("meetings:action_tracker", []),
        ("meetings:meeting_action_close", [action.pk]),
        ("meetings:publication:review", [meeting.pk]),
    ]:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name
        assert _h1_count(response) == 1, name
        assert post_forms_without_csrf(response.content.decode()) == 0, name
    assert client.get(reverse("meetings:forward_plan") + "?show=past").status_code == 200


def test_planning_a_meeting_through_the_form(client, scrutiny_officer, office):
    sign_in(client, scrutiny_officer)
    response = client.post(
        reverse("meetings:meeting_create"),
        {
            "title": "Scrutiny panel: training",
            "kind": "scrutiny_panel",
            "starts_on-day": "3",
            "starts_on-month": "4",
            "starts_on-year": "2030",
            "starts_time": "10:30",
            "venue": "Hindlip Hall",
            "chair_name": "PCC",
            "is_public": "on",
        },
    )
    meeting = AccountabilityMeeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == meeting.get_absolute_url()
    assert meeting.office == office
    assert meeting.is_public
    assert meeting.local_starts_at.strftime("%Y-%m-%d %H:%M") == "2030-04-03 10:30"
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Review of action tracker" in page


def test_form_errors_show_the_error_summary_and_write_nothing(client, scrutiny_officer):
    sign_in(client, scrutiny_officer)
    response = client.post(
        reverse("meetings:meeting_create"),
        {"title": "", "starts_time": "25:00", "starts_on-day": "31", "starts_on-month": "2"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "<title>Error: " in page
    assert "Enter the title of the meeting" in page
    assert "The date must include a year" in page
    assert "Enter the start time as hours and minutes" in page
    assert "Enter the venue or the link to join online" in page
    assert not AccountabilityMeeting.objects.exists()


def test_a_verdict_on_linked_recommendations_leads_to_the_confirm_page(
    client, scrutiny_officer, item, recommendation
):
    sign_in(client, scrutiny_officer)
    response = client.post(
        reverse("meetings:item_verdict_record", args=[item.pk]),
        {"verdict": "not_assured", "rationale": "Training numbers too low"},
    )
    assert response["Location"] == reverse("meetings:verdict_assessments", args=[item.pk])
    page = client.get(response["Location"]).content.decode()
    assert recommendation.reference in page
    assert "checked" not in page  # "Tick each one": nothing may be ticked for the chair
    response = client.post(response["Location"], {"recommendations": [recommendation.pk]})
    assert response.status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.assurance_status == AssuranceStatus.NOT_ASSURED


def test_further_information_required_goes_straight_back_to_the_item(
    client, scrutiny_officer, item
):
    sign_in(client, scrutiny_officer)
    response = client.post(
        reverse("meetings:item_verdict_record", args=[item.pk]),
        {"verdict": "further_information", "rationale": "Send figures"},
    )
    assert response["Location"] == item.get_absolute_url()
    assert ItemVerdict.objects.get().verdict == "further_information"


def test_the_confirm_page_needs_a_tick(client, scrutiny_officer, item, recommendation):
    services.item_verdict_record(
        expected_version=0, actor=scrutiny_officer, item=item, verdict="assured", rationale="Seen"
    )
    sign_in(client, scrutiny_officer)
    response = client.post(reverse("meetings:verdict_assessments", args=[item.pk]), {})
    assert "Select the recommendations to assess" in response.content.decode()
    recommendation.refresh_from_db()
    assert recommendation.assurance_status == AssuranceStatus.NOT_ASSESSED


def test_a_lead_officer_tables_a_paper_through_the_form(client, force_lead, item):
    sign_in(client, force_lead)
    response = client.post(
        reverse("meetings:paper_upload", args=[item.pk]),
        {
            "title": "Chief Constable's report",
            "file": SimpleUploadedFile("report.pdf", PDF_BYTES),
            "marking": "official",
            "is_published": "on",
        },
    )
    assert response.status_code == 302
    paper = Paper.objects.get()
    assert paper.is_published
    download = client.get(reverse("meetings:paper_download", args=[paper.pk]))
    assert b"".join(download.streaming_content) == PDF_BYTES


def test_a_paper_that_is_not_what_it_claims_is_refused(client, force_lead, item):
    sign_in(client, force_lead)
    response = client.post(
        reverse("meetings:paper_upload", args=[item.pk]),
        {"file": SimpleUploadedFile("report.pdf", b"MZ\x90\x00binary"), "marking": "official"},
    )
    assert "its content is not" in response.content.decode()
    assert not Paper.objects.exists()


def test_moving_items_from_the_meeting_page(client, scrutiny_officer, item):
    second = services.agenda_item_add(actor=scrutiny_officer, meeting=item.meeting, title="Two")
    sign_in(client, scrutiny_officer)
    response = client.post(
        reverse("meetings:agenda_item_move", args=[second.pk]), {"direction": "up"}
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.position == 2
    response = client.post(
        reverse("meetings:agenda_item_move", args=[second.pk]), {"direction": "up"}, follow=True
    )
    assert "already at the top" in response.content.decode()
    assert AgendaItem.objects.get(pk=second.pk).position == 2


def test_the_meeting_pages_forms_post_from_each_session_with_csrf_checks(scrutiny_officer, item):
    """Each session's page carries its own CSRF field, which its forms post back."""
    services.agenda_item_add(actor=scrutiny_officer, meeting=item.meeting, title="Two")
    url = reverse("meetings:meeting_detail", args=[item.meeting.pk])
    one, two = (sign_in(Client(enforce_csrf_checks=True), scrutiny_officer) for _ in range(2))
    pages = [one.get(url).content.decode(), two.get(url).content.decode()]
    for client, page in zip((one, two), pages, strict=True):
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, "the agenda item's forms have no CSRF field"
        response = client.post(
            reverse("meetings:agenda_item_move", args=[item.pk]),
            {"direction": "down", "csrfmiddlewaretoken": token.group(1)},
        )
        assert response.status_code == 302


def test_closing_an_action_from_the_tracker(client, scrutiny_officer, meeting, force):
    action = MeetingActionFactory(meeting=meeting, owner=force, due_on=datetime.date(2020, 1, 1))
    sign_in(client, scrutiny_officer)
    page = client.get(reverse("meetings:action_tracker")).content.decode()
    assert action.reference in page
    assert "Overdue" in page
    response = client.post(reverse("meetings:meeting_action_close", args=[action.pk]), {"note": ""})
    assert "Enter a note saying how the action was completed" in response.content.decode()
    client.post(reverse("meetings:meeting_action_close", args=[action.pk]), {"note": "Done"})
    assert MeetingAction.objects.get().status == "closed"
    page = client.get(reverse("meetings:action_tracker")).content.decode()
    assert f'id="meeting-action-{action.pk}"' not in page


def test_the_office_marks_a_paper_for_publication_from_the_meeting_page(
    client, item, force_lead, scrutiny_officer
):
    paper = services.paper_upload(actor=force_lead, item=item, title="Report", file=checked_pdf())
    button = 'Mark for publication<span class="govuk-visually-hidden">: Report</span>'

    sign_in(client, force_lead)
    assert button not in client.get(item.meeting.get_absolute_url()).content.decode()

    sign_in(client, scrutiny_officer)
    assert button in client.get(item.meeting.get_absolute_url()).content.decode()
    url = reverse("meetings:paper_publication", args=[paper.pk])
    response = client.post(url, {"publish": "yes"}, follow=True)
    assert response.redirect_chain[-1][0].endswith(f"#item-{item.pk}")
    page = response.content.decode()
    assert "Paper marked for publication: Report" in page
    assert "Withhold from publication<span" in page
    paper.refresh_from_db()
    assert paper.is_published


def test_a_second_editor_of_an_item_is_refused_and_shown_what_changed(
    client, scrutiny_officer, item, recommendation, force_action
):
    """Two planners open the item at one version; the second save is refused, nothing of it
    is saved, and the page drawn again shows the first planner's change."""
    url = reverse("meetings:agenda_item_update", args=[item.pk])
    colleague = Client()
    sign_in(colleague, member(item.meeting.office, Membership.Role.SCRUTINY_OFFICER))
    sign_in(client, scrutiny_officer)
    first_page = colleague.get(url).content.decode()
    second_page = client.get(url).content.decode()
    assert hidden_value(second_page, "expected_version") == "1"
    unchanged = {
        "title": item.title,
        "theme": "Training",
        "recommendations": [recommendation.pk],
        "actions": [force_action.pk],
    }

    def drawn(page):
        return {name: hidden_value(page, name) for name in ("expected_version", "drawn_values")}

    response = colleague.post(
        url, {**unchanged, "title": "Training: first pass", **drawn(first_page)}
    )
    assert response.status_code == 302
    response = client.post(
        url, {**unchanged, "description": "Bring the training figures", **drawn(second_page)}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Change the agenda item" in page
    assert "There is a problem" in page
    assert "Someone else changed this agenda item while you were editing it." in page
    assert summary_rows(page) == [("Title", "Training: first pass")]
    assert 'value="Training: first pass"' in page  # the form shows their values
    assert hidden_value(page, "expected_version") == "2"
    item.refresh_from_db()
    assert (item.title, item.description) == ("Training: first pass", "")
    assert AuditEvent.objects.filter(action="agenda_item.updated").count() == 1
    # Made again on the page drawn from their version, the change is saved.
    response = client.post(
        url,
        {
            **unchanged,
            "title": "Training: first pass",
            "description": "Bring the training figures",
            **drawn(page),
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.description, item.version) == (
        "Training: first pass",
        "Bring the training figures",
        3,
    )


def test_a_second_verdict_recorded_from_an_open_page_is_refused_and_shown_the_first(
    client, scrutiny_officer, item
):
    """Two planners open the verdict page before either records one: the second is refused,
    nothing of theirs is saved, and the page shows the verdict recorded meanwhile."""
    url = reverse("meetings:item_verdict_record", args=[item.pk])
    colleague = sign_in(Client(), member(item.meeting.office, Membership.Role.SCRUTINY_OFFICER))
    sign_in(client, scrutiny_officer)
    first_page = colleague.get(url).content.decode()
    second_page = client.get(url).content.decode()
    assert hidden_value(second_page, "expected_version") == "0"  # no verdict yet
    response = colleague.post(
        url,
        {
            "verdict": "further_information",
            "rationale": "Send figures",
            **drawn_version(first_page),
        },
    )
    assert response.status_code == 302
    response = client.post(
        url, {"verdict": "assured", "rationale": "All done", **drawn_version(second_page)}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Record the verdict" in page
    assert "Someone else recorded a verdict on this item" in page
    assert summary_rows(page) == [
        ("Verdict", "Further information required"),
        ("Rationale", "Send figures"),
    ]
    assert ItemVerdict.objects.get(item=item).verdict == "further_information"
    assert AuditEvent.objects.filter(action="item_verdict.recorded").count() == 1
    response = client.post(
        url, {"verdict": "assured", "rationale": "All done", **drawn_version(page)}
    )
    assert response.status_code == 302
    event = AuditEvent.objects.filter(action="item_verdict.recorded").latest("pk")
    assert event.changes["verdict"] == ["further_information", "assured"]


def test_the_next_meetings_review_names_where_each_action_was_raised(
    client, meeting, office, scrutiny_officer, force
):
    """Each open action from an earlier meeting links to that meeting by its title (escaped),
    says when it is overdue, and offers to close it, naming it to a screen reader."""
    meeting.title = "Missing <children> & exploitation"
    meeting.save(update_fields=["title"])
    action = MeetingActionFactory(
        meeting=meeting,
        owner=force,
        due_on=timezone.localdate() - datetime.timedelta(days=2),
    )
    later = services.meeting_create(
        actor=scrutiny_officer,
        office=office,
        title="Next meeting",
        kind=AccountabilityMeeting.Kind.HOLDING_TO_ACCOUNT,
        starts_at=meeting.starts_at + datetime.timedelta(days=30),
        venue="HQ",
        chair_name="PCC",
    )
    sign_in(client, scrutiny_officer)
    page = client.get(later.get_absolute_url()).content.decode()
    row = re.search(r'<tr class="govuk-table__row" id="meeting-action-\d+">(.*?)</tr>', page, re.S)
    assert row, "the review lists the earlier meeting's action"
    raised_at = (
        f'Raised at <a class="govuk-link" href="{meeting.get_absolute_url()}">'
        "Missing &lt;children&gt; &amp; exploitation</a>"
    )
    assert raised_at in row.group(1)
    assert '<strong class="govuk-tag govuk-tag--red">Overdue</strong>' in row.group(1)
    closing = f'Close<span class="govuk-visually-hidden"> action MA{action.pk}</span>'
    assert closing in row.group(1)
