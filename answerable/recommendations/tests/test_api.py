import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from answerable.core.testing import sign_in
from answerable.recommendations.tests.factories import ActionFactory, RecommendationFactory


def test_the_api_lists_only_what_the_user_may_see(client, force_action, council_action, force_lead):
    RecommendationFactory(source=force_action.recommendation.source)  # no force action on it
    sign_in(client, force_lead)
    body = client.get("/api/v1/recommendations/").json()
    assert [r["id"] for r in body["results"]] == [force_action.recommendation.pk]
    actions = client.get("/api/v1/actions/").json()["results"]
    assert [(a["id"], a["owner"]) for a in actions] == [(force_action.pk, "Shire Police")]
    assert client.get(f"/api/v1/actions/{council_action.pk}/").status_code == 404


def test_the_api_needs_sign_in(client, db):
    assert client.get("/api/v1/recommendations/").status_code == 403


def test_scrutiny_officers_must_finish_two_factor_before_the_api(client, scrutiny_officer):
    client.force_login(scrutiny_officer)
    response = client.get("/api/v1/recommendations/")
    assert response.status_code == 403
    assert "two-factor" in response.json()["detail"]


def test_the_api_honours_the_list_filters(client, recommendation, force, scrutiny_officer):
    ActionFactory(recommendation=recommendation, owner=force, delivery_status="off_track")
    other = RecommendationFactory(source=recommendation.source)
    sign_in(client, scrutiny_officer)
    body = client.get("/api/v1/recommendations/?delivery_status=off_track").json()
    assert [r["id"] for r in body["results"]] == [recommendation.pk]
    assert other.pk not in [r["id"] for r in body["results"]]


def test_api_pages_follow_one_another_in_the_list_order(client, source, force, scrutiny_officer):
    made = [
        ActionFactory(recommendation=RecommendationFactory(source=source, position=n), owner=force)
        for n in range(5)
    ]
    sign_in(client, scrutiny_officer)
    pages, path = [], "/api/v1/recommendations/?page_size=2"
    while path:
        body = client.get(path).json()
        assert body["count"] == 5
        pages.append([r["id"] for r in body["results"]])
        path = body["next"]
    assert pages == [
        [made[0].recommendation_id, made[1].recommendation_id],
        [made[2].recommendation_id, made[3].recommendation_id],
        [made[4].recommendation_id],
    ]


@pytest.mark.parametrize("path", ["/api/v1/recommendations/", "/api/v1/actions/"])
def test_api_lists_make_the_same_number_of_queries_for_3_or_30_rows(
    client, source, force, scrutiny_officer, path
):
    sign_in(client, scrutiny_officer)

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(path).status_code == 200
        return len(context.captured_queries)

    for _ in range(3):
        ActionFactory(recommendation=RecommendationFactory(source=source), owner=force)
    few = queries()
    for _ in range(27):
        ActionFactory(recommendation=RecommendationFactory(source=source), owner=force)
    assert queries() == few


def test_the_openapi_schema_describes_the_register(client, force_lead):
    sign_in(client, force_lead)
    schema = client.get("/api/v1/schema/?format=json").json()
    assert "/api/v1/recommendations/" in schema["paths"]
    assert "assurance_status" in schema["components"]["schemas"]["Recommendation"]["properties"]


def test_the_schema_describes_list_pages_as_the_api_answers_them(client, force_lead):
    """A list answers with a page object; the schema once said a bare list (issue #11)."""
    sign_in(client, force_lead)
    schema = client.get("/api/v1/schema/?format=json").json()
    page = schema["components"]["schemas"]["PaginatedRecommendationList"]
    assert page["required"] == ["count", "next", "previous", "results"]
    assert page["properties"]["results"]["items"] == {"$ref": "#/components/schemas/Recommendation"}
    parameters = schema["paths"]["/api/v1/recommendations/"]["get"]["parameters"]
    assert {"page_size", "after", "before", "sort", "delivery_status"} <= {
        p["name"] for p in parameters
    }


def test_api_rows_are_what_drfs_own_serializer_writes(force_action, recommendation):
    """The rows' plain writing (api._PlainRowSerializer) matches ModelSerializer's own."""
    import datetime

    from rest_framework import serializers

    from answerable.recommendations.api import ActionSerializer, RecommendationSerializer

    recommendation.deadline_on = datetime.date(2027, 3, 4)
    recommendation.responded_on = None
    recommendation.response = "accepted"
    force_action.target_on = None
    for plain, row in (
        (RecommendationSerializer, recommendation),
        (ActionSerializer, force_action),
    ):
        serializer = plain([row], many=True)
        own = serializers.ModelSerializer.to_representation(serializer.child, row)
        assert serializer.data == [own]
