"""Public pages need no sign-in, show only what was published and cost fixed queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from answerable.audit.models import AuditEvent
from answerable.core.testing import held_etag, sign_in
from answerable.meetings import services as meeting_services
from answerable.meetings.models import AgendaItem
from answerable.meetings.tests.factories import MeetingFactory
from answerable.organisations.models import Membership
from answerable.organisations.tests.factories import member
from answerable.publishing import services
from answerable.publishing.models import Publication


def _public_urls(publication):
    return [
        reverse("publishing:summary_detail", args=[publication.pk]),
        reverse("publishing:summary_docx", args=[publication.pk]),
        reverse("publishing:summary_pdf", args=[publication.pk]),
    ]


def test_every_public_page_opens_without_signing_in(client, published):
    for url in [
        reverse("publishing:summary_list"),
        reverse("publishing:meetings_calendar"),
        reverse("publishing:summaries_feed"),
        *_public_urls(published),
    ]:
        assert client.get(url).status_code == 200, url
    page = client.get(reverse("publishing:summary_list")).content.decode()
    assert published.get_absolute_url() in page


def test_signed_out_visitors_are_shown_the_way_to_the_published_summaries(client, published):
    sign_in_page = client.get(reverse("home"), follow=True).content.decode()
    assert f'href="{reverse("publishing:summary_list")}"' in sign_in_page
    assert "Accountability meetings" in sign_in_page


@pytest.mark.parametrize("stage", ["draft", "in_review"])
def test_drafts_are_never_public(client, held_meeting, scrutiny_officer, force_lead, stage):
    publication = services.publication_draft(actor=scrutiny_officer, meeting=held_meeting)
    if stage == "in_review":
        services.publication_submit(actor=scrutiny_officer, publication=publication)
    paper = held_meeting.items.get(title="Training for officers").papers.get(
        title="Force progress report"
    )
    urls = [
        *_public_urls(publication),
        reverse("publishing:summary_paper", args=[publication.pk, paper.pk]),
    ]
    for user in (None, force_lead, scrutiny_officer):
        client.logout()
        if user:
            sign_in(client, user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
        assert (
            publication.title not in client.get(reverse("publishing:summary_list")).content.decode()
        )
        assert (
            publication.title
            not in client.get(reverse("publishing:summaries_feed")).content.decode()
        )


def _reviewed_on_page(client, meeting):
    """The snapshot digest the review page's publish button sends."""
    page = client.get(reverse("meetings:publication:review", args=[meeting.pk])).content.decode()
    return re.search(r'name="reviewed" value="([0-9a-f]{64})"', page).group(1)


def test_the_review_steps_run_from_the_page(client, scrutiny_officer, held_meeting):
    sign_in(client, scrutiny_officer)
    for step in ("draft", "submit"):
        response = client.post(reverse(f"meetings:publication:{step}", args=[held_meeting.pk]))
        assert response.status_code == 302
    reviewed = _reviewed_on_page(client, held_meeting)
    response = client.post(
        reverse("meetings:publication:publish", args=[held_meeting.pk]), {"reviewed": reviewed}
    )
    assert response.status_code == 302
    publication = Publication.objects.get()
    assert publication.is_published
    response = client.post(
        reverse("meetings:publication:draft", args=[held_meeting.pk]), follow=True
    )
    assert "already published" in response.content.decode()


def test_a_summary_redrafted_since_the_page_was_opened_is_not_published(
    client, scrutiny_officer, held_meeting, office
):
    """Issue 11: publishing from an earlier review must not publish a redraft never seen."""
    reviewer = member(office, Membership.Role.SCRUTINY_OFFICER, full_name="Rae Reviewer")
    draft = services.publication_draft(actor=scrutiny_officer, meeting=held_meeting)
    services.publication_submit(actor=scrutiny_officer, publication=draft)
    sign_in(client, reviewer)
    reviewed = _reviewed_on_page(client, held_meeting)
    AgendaItem.objects.filter(meeting=held_meeting).update(title="Informant handling")
    redraft = services.publication_draft(actor=scrutiny_officer, meeting=held_meeting)
    services.publication_submit(actor=scrutiny_officer, publication=redraft)

    response = client.post(
        reverse("meetings:publication:publish", args=[held_meeting.pk]),
        {"reviewed": reviewed},
        follow=True,
    )

    assert "redrafted since you opened this page" in response.content.decode()
    assert "Informant handling" in response.content.decode()
    assert not Publication.objects.get().is_published
    assert not AuditEvent.objects.filter(action="publication.published").exists()
    reviewed_now = _reviewed_on_page(client, held_meeting)
    client.post(
        reverse("meetings:publication:publish", args=[held_meeting.pk]), {"reviewed": reviewed_now}
    )
    assert Publication.objects.get().published_by == reviewer


def test_public_lists_cost_the_same_queries_for_one_or_many_summaries(
    client, office, scrutiny_officer
):
    def publish_one():
        meeting = MeetingFactory(office=office, is_public=True, status="held")
        publication = services.publication_draft(actor=scrutiny_officer, meeting=meeting)
        services.publication_submit(actor=scrutiny_officer, publication=publication)
        services.publication_publish(
            actor=scrutiny_officer,
            publication=publication,
            reviewed_digest=publication.content_digest,
        )

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    urls = [
        reverse("publishing:summary_list"),
        reverse("publishing:meetings_calendar"),
        reverse("publishing:summaries_feed"),
    ]
    publish_one()
    one = [count(url) for url in urls]
    for _ in range(4):
        publish_one()
    assert [count(url) for url in urls] == one


def _publish_another(office, scrutiny_officer, title):
    meeting = MeetingFactory(office=office, is_public=True, status="held", title=title)
    publication = services.publication_draft(actor=scrutiny_officer, meeting=meeting)
    services.publication_submit(actor=scrutiny_officer, publication=publication)
    return services.publication_publish(
        actor=scrutiny_officer, publication=publication, reviewed_digest=publication.content_digest
    )


def test_the_feed_polled_with_its_etag_is_not_sent_again_until_a_summary_is_published(
    client, published, office, scrutiny_officer
):
    url = reverse("publishing:summaries_feed")
    held = held_etag(client, url)
    _publish_another(office, scrutiny_officer, "Holding to account: road safety")
    news = client.get(url, HTTP_IF_NONE_MATCH=held)
    assert news.status_code == 200
    assert "Holding to account: road safety" in news.content.decode()


def test_the_calendar_polled_with_its_etag_is_sent_again_when_an_agenda_changes(
    client, published, held_meeting, scrutiny_officer
):
    url = reverse("publishing:meetings_calendar")
    first = client.get(url)
    assert client.get(url)["ETag"] == first["ETag"]
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    head = client.head(url)
    assert head.status_code == 200
    assert head["ETag"] == first["ETag"]
    meeting_services.agenda_item_add(
        actor=scrutiny_officer, meeting=held_meeting, title="Stop and search scrutiny"
    )
    news = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert news.status_code == 200
    assert "Stop and search scrutiny" in news.content.decode()


def test_public_html_pages_are_never_answered_not_modified(client, published):
    """Each page carries its request's CSP nonce: a kept copy would not match a new policy."""
    for url in [reverse("publishing:summary_list"), _public_urls(published)[0]]:
        response = client.get(url)
        assert "ETag" not in response
        assert client.get(url, HTTP_IF_NONE_MATCH="*").status_code == 200
