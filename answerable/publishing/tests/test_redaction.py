"""Sensitive items and OFFICIAL-SENSITIVE papers never reach anything published."""

import io

import pytest
from django.urls import reverse
from docx import Document
from icalendar import Calendar
from pypdf import PdfReader

from answerable.core.testing import sign_in
from answerable.publishing.tests.conftest import SECRETS

PUBLIC_FACTS = [
    "Training for officers",
    "How many officers have completed CSE training?",
    "Eighty per cent of frontline officers.",
    "Partly assured",
    "longer-serving officers still to be trained",
    "Publish the training completion figures by cohort",
]


def _docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        lines += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(lines)


def _pdf_text(content: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.split())


def _assert_redacted(text: str) -> None:
    for secret in SECRETS:
        assert secret.lower() not in text.lower(), secret


def test_the_public_page_shows_the_record_but_nothing_withheld(client, published):
    page = client.get(reverse("publishing:summary_detail", args=[published.pk])).content.decode()
    for fact in PUBLIC_FACTS:
        assert fact in page
    assert "Force progress report" in page
    _assert_redacted(page)
    assert page.count("<h1") == 1


@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_the_minutes_carry_verdicts_and_actions_but_nothing_withheld(client, published, kind):
    response = client.get(reverse(f"publishing:summary_{kind}", args=[published.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    content = response.content
    text = _docx_text(content) if kind == "docx" else _pdf_text(content)
    for fact in PUBLIC_FACTS:
        assert " ".join(fact.split()) in text, fact
    assert "Verdict: Partly assured" in text
    _assert_redacted(text)


def test_the_calendar_lists_public_meetings_without_sensitive_items(client, published, office):
    from answerable.meetings.tests.factories import MeetingFactory

    MeetingFactory(office=office, title="Private board", is_public=False)
    response = client.get(reverse("publishing:meetings_calendar"))
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    [event] = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Holding to account: CSE"
    assert event.decoded("DTSTART") == published.meeting.starts_at.replace(microsecond=0)
    assert str(event["URL"]).endswith(published.get_absolute_url())
    description = str(event["DESCRIPTION"])
    assert "Training for officers" in description
    _assert_redacted(response.content.decode())


def test_the_atom_feed_lists_published_summaries_without_sensitive_items(client, published):
    response = client.get(reverse("publishing:summaries_feed"))
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = response.content.decode()
    assert "<feed" in feed
    assert published.title in feed
    assert "Training for officers: Partly assured" in feed
    assert "1 action raised." in feed  # the withheld item's action is not counted
    _assert_redacted(feed)


def test_the_redaction_review_shows_what_is_left_out_and_exactly_what_goes_out(
    client, scrutiny_officer, held_meeting
):
    from answerable.publishing import services

    services.publication_draft(actor=scrutiny_officer, meeting=held_meeting)
    sign_in(client, scrutiny_officer)
    page = client.get(
        reverse("meetings:publication:review", args=[held_meeting.pk])
    ).content.decode()
    withheld, preview = page.split('id="publication-preview"')
    assert "Operation Nightjar" in withheld
    assert "Intelligence assessment" in withheld
    assert "Working notes" in withheld
    for fact in PUBLIC_FACTS:
        assert fact in preview
    _assert_redacted(preview)


def test_withheld_papers_cannot_be_fetched_from_the_public_site(client, published):
    papers = {
        p.title: p for p in published.meeting.items.get(title="Training for officers").papers.all()
    }
    ok = client.get(
        reverse("publishing:summary_paper", args=[published.pk, papers["Force progress report"].pk])
    )
    assert ok.status_code == 200
    assert b"".join(ok.streaming_content) == b"%PDF-1.4 progress"
    for title in ("Intelligence assessment", "Working notes"):
        url = reverse("publishing:summary_paper", args=[published.pk, papers[title].pk])
        assert client.get(url).status_code == 404, title


def test_training_coverage_offered_on_an_item_is_never_published(
    client, scrutiny_officer, held_meeting, force, force_action
):
    """Coverage on an agenda item is for those who may see the force's coverage, not the public."""
    from answerable.publishing import services
    from answerable.workforce import services as workforce_services
    from answerable.workforce.models import CoverageFigure
    from answerable.workforce.tests.factories import CourseFactory, SnapshotFactory

    course = CourseFactory(owner=force, title="Kestrel safeguarding course")
    snapshot = SnapshotFactory(organisation=force)
    CoverageFigure.objects.create(snapshot=snapshot, course=course, required=40, in_date=37)
    item = held_meeting.items.get(title="Training for officers")
    workforce_services.coverage_link_create(
        actor=scrutiny_officer, course=course, agenda_item=item, note="Lapwing cohort figures"
    )
    hidden = ["Kestrel safeguarding course", "Lapwing cohort figures", "92.5% in date"]
    sign_in(client, scrutiny_officer)
    meeting_page = client.get(held_meeting.get_absolute_url()).content.decode()
    assert all(text in meeting_page for text in hidden)  # the office sees it in the record
    publication = services.publication_draft(actor=scrutiny_officer, meeting=held_meeting)
    review = client.get(reverse("meetings:publication:review", args=[held_meeting.pk]))
    preview = review.content.decode().split('id="publication-preview"')[1]
    services.publication_submit(actor=scrutiny_officer, publication=publication)
    services.publication_publish(
        actor=scrutiny_officer, publication=publication, reviewed_digest=publication.content_digest
    )
    client.logout()
    public = client.get(reverse("publishing:summary_detail", args=[publication.pk]))
    docx = client.get(reverse("publishing:summary_docx", args=[publication.pk])).content
    pdf = client.get(reverse("publishing:summary_pdf", args=[publication.pk])).content
    feed = client.get(reverse("publishing:summaries_feed")).content.decode()
    texts = [preview, public.content.decode(), _docx_text(docx), _pdf_text(pdf), feed]
    assert "Training for officers" in texts[1]
    for text in texts:
        for secret in hidden:
            assert secret not in text
    assert "Kestrel" not in str(publication.content)
