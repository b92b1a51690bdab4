"""Coverage offered on meeting agenda items, changing a course, and the stored figures page."""

import datetime
import hashlib
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from answerable.audit.models import AuditEvent
from answerable.core.jinja2 import govuk_date
from answerable.core.testing import hidden_value, sign_in, summary_rows
from answerable.meetings.tests.factories import AgendaItemFactory, AttendeeFactory, MeetingFactory
from answerable.organisations.models import Membership
from answerable.organisations.tests.factories import member
from answerable.recommendations.tests.factories import ActionFactory
from answerable.workforce import importing, services
from answerable.workforce.models import CohortFigure, CoverageLink
from answerable.workforce.tests.factories import CourseAudienceFactory, CourseFactory
from answerable.workforce.tests.helpers import roster, table

TAKEN_ON = datetime.date(2025, 3, 31)
HEADERS = "Staff ID,Workforce type,Rank,Command,Location,Start date,Leaving date"


@pytest.fixture
def course(force):
    course = CourseFactory(owner=force, code="CSE", title="CSE awareness", target_percent=90)
    CourseAudienceFactory(course=course, workforce_type="officer")
    return course


@pytest.fixture
def item(office, force):
    meeting = MeetingFactory(office=office, title="Holding to account: training")
    AttendeeFactory(meeting=meeting, organisation=force)
    return AgendaItemFactory(meeting=meeting, title="Training to spot exploitation")


def _import(lead, force, staff: int, taken_on=TAKEN_ON):
    """Import `staff` officers in five ranks and seven commands, every other one trained."""
    people = [f"Q{staff}-{n},Officer,R{n % 5},C{n % 7},,2015-01-01," for n in range(staff)]
    done = [f"Q{staff}-{n},CSE,2024-01-01," for n in range(0, staff, 2)]
    roster_table = table("\n".join([HEADERS, *people]).encode(), "roster.csv")
    completions_table = table(
        "\n".join(["Staff ID,Course code,Completed on,Expires on", *done]).encode(),
        "completions.csv",
    )
    return services.snapshot_import(
        actor=lead,
        organisation=force,
        taken_on=taken_on,
        roster=roster_table,
        completions=completions_table,
        roster_sha256=hashlib.sha256(roster_table.content).hexdigest(),
        completions_sha256=hashlib.sha256(completions_table.content).hexdigest(),
        mapping={
            "roster": importing.guess_mapping(roster().headers(), "roster"),
            "completions": importing.guess_mapping(completions_table.headers(), "completions"),
        },
    )


# --- coverage on agenda items -------------------------------------------------------------------


def test_a_scrutiny_officer_offers_coverage_on_an_agenda_item(
    client, scrutiny_officer, course, force_action, item
):
    sign_in(client, scrutiny_officer)
    url = reverse("workforce:coverage_link_agenda_item_create", args=[course.pk])
    response = client.get(url)
    page = response.content.decode()
    assert page.count("<h1") == 1
    assert "item 2, Training to spot exploitation" in page
    assert "Review of action tracker" not in page
    response = client.post(url, {"agenda_item": item.pk, "note": "Coverage before the meeting"})
    assert response["Location"] == course.get_absolute_url()
    link = CoverageLink.objects.get()
    assert (link.agenda_item, link.recommendation, link.note, link.created_by) == (
        item,
        None,
        "Coverage before the meeting",
        scrutiny_officer,
    )
    assert AuditEvent.objects.filter(action="coverage_link.created").count() == 1
    page = client.get(course.get_absolute_url()).content.decode()
    assert "Holding to account: training, item 2: Training to spot exploitation" in page
    assert reverse("workforce:coverage_link_delete", args=[link.pk]) in page
    # Linked items are not offered again.
    page = client.get(url).content.decode()
    assert "There are no agenda items of upcoming or recent meetings" in page


def test_choosing_no_agenda_item_shows_the_error_summary(
    client, scrutiny_officer, course, force_action, item
):
    sign_in(client, scrutiny_officer)
    url = reverse("workforce:coverage_link_agenda_item_create", args=[course.pk])
    page = client.post(url, {"note": "x"}).content.decode()
    assert "<title>Error: " in page
    assert "govuk-error-summary" in page
    assert "Select the agenda item this coverage is evidence for" in page
    assert not CoverageLink.objects.exists()


def test_removing_a_link_asks_first_then_records_it(
    client, scrutiny_officer, force_lead, course, force_action, item
):
    link = services.coverage_link_create(
        actor=scrutiny_officer, course=course, agenda_item=item, note="Spring"
    )
    sign_in(client, force_lead)
    url = reverse("workforce:coverage_link_delete", args=[link.pk])
    page = client.get(url).content.decode()
    assert page.count("<h1") == 1
    assert "Training to spot exploitation" in page
    assert CoverageLink.objects.exists()
    response = client.post(url)
    assert response["Location"] == course.get_absolute_url()
    assert not CoverageLink.objects.exists()
    assert AuditEvent.objects.filter(action="coverage_link.deleted", actor=force_lead).exists()
    page = client.get(course.get_absolute_url()).content.decode()
    assert "This coverage has not been offered as evidence at a meeting yet" in page


def test_the_coverage_page_costs_the_same_queries_however_many_links(
    client, force_lead, course, force_action, item
):
    """Each link shows what the page reads with it, with no further read per link."""
    source = force_action.recommendation.source
    held_on = govuk_date(timezone.localtime(item.meeting.starts_at))
    sign_in(client, force_lead)
    counts = []
    for n in range(3):
        CoverageLink.objects.create(
            course=course,
            agenda_item=AgendaItemFactory(meeting=item.meeting, title=f"Item {n}"),
            note=f"Agenda note {n}",
            created_by=force_lead,
        )
        CoverageLink.objects.create(
            course=course,
            recommendation=ActionFactory(
                recommendation__source=source,
                recommendation__reference=f"WF{n}",
                owner=course.owner,
            ).recommendation,
            note=f"Recommendation note {n}",
            created_by=force_lead,
        )
        with CaptureQueriesContext(connection) as queries:
            page = client.get(course.get_absolute_url()).content.decode()
        counts.append(len(queries.captured_queries))
        assert f"WF{n}: {source.title}" in page
        assert f"Holding to account: training, item {n + 3}: Item {n}</a> ({held_on})" in page
        assert f"Agenda note {n}" in page
        assert f"Recommendation note {n}" in page
        assert page.count("Linked by Lee Lead on ") == 2 * (n + 1)
    assert counts[0] == counts[1] == counts[2]


# --- changing a course --------------------------------------------------------------------------


def test_a_lead_officer_changes_the_audience_and_the_page_follows(
    client, force, force_lead, course
):
    _import(force_lead, force, 10)
    sign_in(client, force_lead)
    page = client.get(course.get_absolute_url()).content.decode()
    assert "<strong>5 of 10</strong> required staff" in page
    url = reverse("workforce:course_update", args=[course.pk])
    page = client.get(url).content.decode()
    assert page.count("<h1") == 1
    assert 'value="CSE awareness"' in page
    response = client.post(
        url,
        {
            "title": "CSE awareness",
            "workforce_types": ["officer"],
            "commands": "C1\nC2\n",
            "refresh_months": "36",
            "target_percent": "80",
            "expected_version": course.version,
        },
    )
    assert response["Location"] == course.get_absolute_url()
    page = client.get(course.get_absolute_url()).content.decode()
    # Q10-1 and Q10-8 are in C1; Q10-2 and Q10-9 in C2; the even ones are trained.
    assert "<strong>2 of 4</strong> required staff" in page
    assert "against a target of 80%" in page
    assert AuditEvent.objects.filter(action="course.updated").count() == 1


def test_course_change_errors_are_shown_in_the_error_summary(client, force_lead, course):
    sign_in(client, force_lead)
    response = client.post(
        reverse("workforce:course_update", args=[course.pk]), {"target_percent": "150"}
    )
    page = response.content.decode()
    assert "<title>Error: Change CSE awareness" in page
    assert "Enter the course title" in page
    assert "Select who must complete the course" in page
    assert "The target must be between 0 and 100" in page
    assert not AuditEvent.objects.filter(action="course.updated").exists()


# --- the coverage page reads stored figures ----------------------------------------------------


def _grouped_staff_queries(queries) -> list[str]:
    return [
        query["sql"]
        for query in queries.captured_queries
        if "workforce_staffrecord" in query["sql"] and "GROUP BY" in query["sql"]
    ]


def test_the_coverage_page_reads_stored_figures_in_queries_constant_in_staff(
    client, force, force_lead, course
):
    sign_in(client, force_lead)
    counts = []
    for size in (3, 60):
        _import(force_lead, force, size, taken_on=TAKEN_ON + datetime.timedelta(days=size))
        client.get(course.get_absolute_url())  # warm the chart cache and the session
        with CaptureQueriesContext(connection) as queries:
            page = client.get(course.get_absolute_url()).content.decode()
        assert _grouped_staff_queries(queries) == []
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]
    assert "<strong>30 of 60</strong> required staff" in page


def test_a_snapshot_without_stored_figures_shows_the_same_page_counted_live(
    client, force, force_lead, course
):
    snapshot = _import(force_lead, force, 20)
    sign_in(client, force_lead)
    stored_page = client.get(course.get_absolute_url()).content.decode()
    CohortFigure.objects.filter(snapshot=snapshot).delete()
    with CaptureQueriesContext(connection) as queries:
        live_page = client.get(course.get_absolute_url()).content.decode()
    assert len(_grouped_staff_queries(queries)) == 1
    assert "<strong>10 of 20</strong> required staff" in live_page
    assert _main(live_page) == _main(stored_page)


def _main(page: str) -> str:
    """The page's content, without the per-request CSRF token and nonce."""
    start = page.index('<main class="govuk-main-wrapper"')
    return page[start : page.index("</main>")]


def test_a_second_editor_of_a_course_is_refused_and_shown_what_changed(
    client, force, force_lead, course
):
    """Two lead officers open the course at one version; the second save is refused, nothing
    of it is saved, and the page drawn again shows the first officer's change."""
    url = reverse("workforce:course_update", args=[course.pk])
    colleague = Client()
    sign_in(colleague, member(force, Membership.Role.LEAD_OFFICER))
    sign_in(client, force_lead)
    first_page = colleague.get(url).content.decode()
    second_page = client.get(url).content.decode()
    assert hidden_value(second_page, "expected_version") == "1"
    unchanged = {
        "title": "CSE awareness",
        "workforce_types": ["officer"],
        "refresh_months": "36",
        "target_percent": "90",
    }

    def drawn(page):
        return {name: hidden_value(page, name) for name in ("expected_version", "drawn_values")}

    response = colleague.post(url, {**unchanged, "target_percent": "75", **drawn(first_page)})
    assert response.status_code == 302
    response = client.post(url, {**unchanged, "refresh_months": "12", **drawn(second_page)})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Change CSE awareness" in page
    assert "There is a problem" in page
    assert "Someone else changed this course while you were editing it." in page
    assert summary_rows(page) == [("Target (per cent in date)", "75")]
    target_input = re.search(r'<input[^>]*name="target_percent"[^>]*>', page)[0]
    assert 'value="75"' in target_input  # the form shows their values
    assert hidden_value(page, "expected_version") == "2"
    course.refresh_from_db()
    assert (course.refresh_months, course.target_percent) == (36, 75)
    assert AuditEvent.objects.filter(action="course.updated").count() == 1
