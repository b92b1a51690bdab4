"""The "what changed" Atom feeds: public changes only, for the site and for each report."""

import xml.etree.ElementTree as ET  # noqa: N817 - parses our own feed only

import pytest
from django.urls import reverse

from answerable.core.testing import held_etag
from answerable.recommendations import services
from answerable.recommendations.models import DeliveryStatus
from answerable.recommendations.tests.factories import (
    ActionFactory,
    RecommendationFactory,
    SourceFactory,
)

ATOM = "{http://www.w3.org/2005/Atom}"
INTERNAL = "Internal: waiting on the analyst restructure"
PUBLIC = "Training on spotting exploitation reached every response officer."


@pytest.fixture
def changed(source, force, force_lead, scrutiny_officer):
    action = ActionFactory(recommendation=RecommendationFactory(source=source), owner=force)
    update = services.update_post(
        actor=force_lead,
        action=action,
        narrative=INTERNAL,
        status=DeliveryStatus.READY_FOR_ASSESSMENT,
        public_narrative=PUBLIC,
    )
    services.public_narrative_approve(actor=scrutiny_officer, narrative=update.public_narrative)
    services.assessment_record(
        actor=scrutiny_officer,
        recommendation=action.recommendation,
        verdict="partly_assured",
        rationale="Internal rationale",
    )
    services.source_publish(actor=scrutiny_officer, source=source)
    return action


def _entries(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)  # noqa: S314 - our own feed, in a test
    return [
        (entry.findtext(f"{ATOM}title"), entry.findtext(f"{ATOM}summary") or "")
        for entry in feed.iter(f"{ATOM}entry")
    ], response.content.decode()


def test_the_site_feed_says_what_changed_in_public_words(client, changed):
    entries, body = _entries(client, reverse("publishing:changes_feed"))
    titles = [title for title, _ in entries]
    assert any("Progress from Shire Police" in t for t in titles)
    assert any("Shire Police: Ready for assessment" in t for t in titles)
    assert any("Assurance: Partly assured" in t for t in titles)
    assert PUBLIC in body
    assert INTERNAL not in body
    assert "Internal rationale" not in body


def test_unpublished_and_withdrawn_reports_stay_out(client, changed, office, force, force_lead):
    hidden = SourceFactory(owner=office, title="Unpublished review")
    action = ActionFactory(recommendation=RecommendationFactory(source=hidden), owner=force)
    services.update_post(
        actor=force_lead, action=action, narrative="x", status=DeliveryStatus.ON_TRACK
    )
    entries, _body = _entries(client, reverse("publishing:changes_feed"))
    assert len(entries) == 3
    source = changed.recommendation.source
    services.source_withdraw(
        actor=changed.recommendation.source.owner.memberships.get().user,
        source=source,
        reason="Published too early",
    )
    assert _entries(client, reverse("publishing:changes_feed"))[0] == []
    assert (
        client.get(reverse("publishing:source_changes_feed", args=[source.pk])).status_code == 404
    )


def test_a_reports_feed_holds_only_that_report(client, changed, office, force, scrutiny_officer):
    other = SourceFactory(owner=office, title="Another inspection")
    ActionFactory(recommendation=RecommendationFactory(source=other), owner=force)
    services.source_publish(actor=scrutiny_officer, source=other)
    services.assessment_record(
        actor=scrutiny_officer,
        recommendation=other.recommendations.get(),
        verdict="assured",
        rationale="Done",
    )
    entries, _body = _entries(client, reverse("publishing:source_changes_feed", args=[other.pk]))
    assert [title.split(": ", 1)[1] for title, _ in entries] == ["Assurance: Assured"]


@pytest.mark.parametrize("feed", ["site", "report"])
def test_a_reader_polling_with_the_etag_is_told_nothing_changed_until_something_does(
    client, changed, force_lead, scrutiny_officer, feed
):
    source = changed.recommendation.source
    url = (
        reverse("publishing:changes_feed")
        if feed == "site"
        else reverse("publishing:source_changes_feed", args=[source.pk])
    )
    held = held_etag(client, url)
    later = "Every custody sergeant has now completed the course."
    update = services.update_post(
        actor=force_lead,
        action=changed,
        narrative="Internal",
        status=DeliveryStatus.READY_FOR_ASSESSMENT,
        public_narrative=later,
    )
    services.public_narrative_approve(actor=scrutiny_officer, narrative=update.public_narrative)
    news = client.get(url, HTTP_IF_NONE_MATCH=held)
    assert news.status_code == 200
    assert later in news.content.decode()
    assert news["ETag"] != held


def test_a_feed_with_no_entries_is_the_same_on_every_request(
    client, changed, office, scrutiny_officer
):
    """Atom's <updated> is the newest entry's time; with none it must not be the time asked."""
    empty = SourceFactory(owner=office, title="Quiet inspection")
    services.source_publish(actor=scrutiny_officer, source=empty)
    url = reverse("publishing:source_changes_feed", args=[empty.pk])
    first = client.get(url)
    assert _entries(client, url)[0] == []
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    updated = ET.fromstring(first.content).findtext(f"{ATOM}updated")  # noqa: S314
    assert updated.startswith("1970-01-01")


def test_a_feeds_updated_is_its_newest_entrys_time(client, changed):
    feed = ET.fromstring(client.get(reverse("publishing:changes_feed")).content)  # noqa: S314
    entries = [entry.findtext(f"{ATOM}updated") for entry in feed.iter(f"{ATOM}entry")]
    assert feed.findtext(f"{ATOM}updated") == max(entries)
