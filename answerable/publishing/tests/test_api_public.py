"""The public API: anonymous, published material only, cheap to poll, limited per address."""

import pytest
from django.test import Client
from django.urls import reverse

from answerable.core.testing import sign_in
from answerable.recommendations import services
from answerable.recommendations.models import Action, DeliveryStatus
from answerable.recommendations.tests.factories import (
    ActionFactory,
    RecommendationFactory,
    SourceFactory,
)

URL = "/public/api/v1/recommendations/"
INTERNAL = "Internal: the analyst post is vacant"
PUBLIC = "The force now audits its intelligence records every quarter."


def approved_public_text(action, text, *, lead, scrutiny_officer):
    """The lead's update with `text` for the public, approved by the office; its narrative."""
    update = services.update_post(
        actor=lead,
        action=action,
        narrative=INTERNAL,
        status=DeliveryStatus.ON_TRACK,
        public_narrative=text,
    )
    services.public_narrative_approve(actor=scrutiny_officer, narrative=update.public_narrative)
    update.public_narrative.refresh_from_db()
    return update.public_narrative


@pytest.fixture
def published(source, force, council, force_lead, scrutiny_officer):
    """A published source with two recommendations, one of them with approved public text."""
    first = ActionFactory(recommendation=RecommendationFactory(source=source), owner=force)
    ActionFactory(recommendation=RecommendationFactory(source=source), owner=council)
    approved_public_text(first, PUBLIC, lead=force_lead, scrutiny_officer=scrutiny_officer)
    services.source_publish(actor=scrutiny_officer, source=source)
    return source


@pytest.fixture
def unpublished(office, force):
    hidden = SourceFactory(owner=office, title="Unpublished review")
    ActionFactory(
        recommendation=RecommendationFactory(source=hidden, text="Secret text"), owner=force
    )
    return hidden


def test_anyone_reads_published_recommendations_and_their_approved_text(
    client, published, unpublished
):
    response = client.get(URL)
    body = response.json()
    assert response.status_code == 200
    assert {r["report"] for r in body["results"]} == {published.title}
    assert len(body["results"]) == 2
    texts = [a["latest_public_update"] for r in body["results"] for a in r["actions"]]
    assert PUBLIC in texts
    assert INTERNAL not in response.content.decode()
    assert "Secret text" not in response.content.decode()


def test_filters_narrow_by_source_organisation_and_status(client, published, council):
    assert len(client.get(URL, {"source": published.pk}).json()["results"]) == 2
    by_council = client.get(URL, {"organisation": council.pk}).json()["results"]
    assert [a["organisation"] for r in by_council for a in r["actions"]] == ["Shire Council"]
    on_track = client.get(URL, {"status": "on_track"}).json()["results"]
    assert len(on_track) == 1
    assert client.get(URL, {"source": 999999}).json()["results"] == []


@pytest.mark.parametrize(
    "query",
    [
        {"status": "finished"},
        {"source": "1; DROP TABLE"},
        {"organisation": "-1"},
        {"cursor": "not-a-cursor"},
        {"source": "9" * 40},
    ],
)
def test_bad_filters_are_a_bad_request_not_an_error(client, published, query):
    response = client.get(URL, query)
    assert response.status_code == 400
    assert response.json()


def test_pages_are_linked_by_cursor(client, published, source, force):
    for _ in range(3):
        ActionFactory(recommendation=RecommendationFactory(source=source), owner=force)
    first = client.get(URL, {"page_size": 2}).json()
    second = client.get(first["next"]).json()
    seen = [r["id"] for r in first["results"] + second["results"]]
    assert len(seen) == len(set(seen)) == 4


def test_polling_with_the_etag_is_answered_not_modified_until_something_changes(
    client, published, force_lead
):
    first = client.get(URL)
    assert first["Last-Modified"]
    again = client.get(URL, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    assert again["Cache-Control"] == "public, max-age=60"
    assert client.get(URL, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    assert client.head(URL, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    action = published.actions.order_by("pk").first()
    services.update_post(
        actor=force_lead, action=action, narrative="Done.", status=DeliveryStatus.COMPLETED
    )
    changed = client.get(URL, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]
    statuses = [a["delivery_status"] for r in changed.json()["results"] for a in r["actions"]]
    assert DeliveryStatus.COMPLETED in statuses


def test_each_address_is_limited_and_told_when_to_come_back(published, settings):
    settings.PUBLIC_API_RATE = "3/min"
    client = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(3):
        assert client.get(URL).status_code == 200
    limited = client.get(URL)
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) > 0
    assert Client(REMOTE_ADDR="198.51.100.8").get(URL).status_code == 200


def test_the_public_api_is_in_the_openapi_schema(client, scrutiny_officer):
    sign_in(client, scrutiny_officer)
    schema = client.get(reverse("api:schema"), HTTP_ACCEPT="application/json").content.decode()
    assert "/public/api/v1/recommendations/" in schema


def test_every_answer_carries_exactly_the_fields_the_schema_names(
    client, published, scrutiny_officer
):
    """The rows are written out by hand for speed; the schema must still describe them."""
    row = Client().get(URL).json()["results"][0]
    sign_in(client, scrutiny_officer)
    schema = client.get(reverse("api:schema"), HTTP_ACCEPT="application/json").json()
    components = schema["components"]["schemas"]
    assert set(row) == set(components["PublicRecommendation"]["properties"])
    assert set(row["actions"][0]) == set(components["PublicAction"]["properties"])
    parameters = schema["paths"]["/public/api/v1/recommendations/"]["get"]["parameters"]
    names = {parameter["name"] for parameter in parameters}
    assert {"source", "organisation", "status", "theme", "overdue"} <= names


def test_the_latest_approved_text_of_an_action_is_the_one_shown(
    client, published, force, force_lead, scrutiny_officer
):
    """An action's public text approved later replaces the earlier one, on the API and on
    the recommendation's public page, with the day it was approved."""
    action = Action.objects.get(recommendation__source=published, owner=force)
    newer = "The force has trained every supervisor in the new audit."
    narrative = approved_public_text(
        action, newer, lead=force_lead, scrutiny_officer=scrutiny_officer
    )

    body = client.get(URL).json()
    texts = [a["latest_public_update"] for r in body["results"] for a in r["actions"]]
    assert newer in texts
    assert PUBLIC not in texts
    page = client.get(
        reverse("publishing:public_recommendation", args=[action.recommendation_id])
    ).content.decode()
    approved_on = narrative.reviewed_at
    # The page's list of changes still tells of the earlier text; its latest is the newer.
    assert f'<p class="govuk-body">{newer}</p>' in page
    assert f'<p class="govuk-body">{PUBLIC}</p>' not in page
    assert (
        f"Approved for publication on {approved_on.day} {approved_on:%B} {approved_on.year}" in page
    )
