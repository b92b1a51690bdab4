"""Full-text search: the same tests run on SQLite (FTS5) and PostgreSQL (text search)."""

import pytest
from django.db import connection
from django.urls import reverse

from answerable.core.testing import sign_in
from answerable.recommendations import selectors
from answerable.recommendations.models import Recommendation
from answerable.recommendations.search import FTS_TABLE, recommendation_search
from answerable.recommendations.tests.factories import (
    ActionFactory,
    RecommendationFactory,
    SourceFactory,
)


def found(query: str, queryset=None) -> set[str]:
    queryset = Recommendation.objects.all() if queryset is None else queryset
    return set(recommendation_search(queryset, query).values_list("reference", flat=True))


@pytest.fixture
def register(source):
    RecommendationFactory(
        source=source,
        reference="R12",
        text="Forces should review training on child sexual exploitation.",
        addressees="Chief constables",
    )
    RecommendationFactory(
        source=source,
        reference="R3",
        text="The council should share referrals with the police within 24 hours.",
        addressees="Local authorities",
    )
    RecommendationFactory(
        source=source,
        reference="AFI 2",
        text="Improve the recording of missing children episodes.",
        addressees="",
    )
    return source


def test_a_word_finds_other_forms_of_itself(register):
    assert found("train") == {"R12"}
    assert found("referral") == {"R3"}
    assert found("recorded") == {"AFI 2"}


def test_every_word_must_match(register):
    assert found("council referrals") == {"R3"}
    assert found("police training") == set()


def test_a_word_of_the_source_title_finds_all_its_recommendations(register, office):
    register.title = "Independent Inquiry into Telford Child Sexual Exploitation"
    register.save()
    other = SourceFactory(owner=office, title="HMICFRS inspection of West Mercia")
    RecommendationFactory(source=other, reference="X1", text="Forces should train staff.")
    assert found("telford") == {"R12", "R3", "AFI 2"}
    # Each word may be in the title or in the text: the Telford inquiry's training item.
    assert found("Telford training") == {"R12"}
    assert found("the council") == {"R3"}  # a stop word never hides a match on PostgreSQL
    assert found("Mercia train") == {"X1"}


def test_a_reference_finds_its_recommendation(register):
    assert found("R12") == {"R12"}
    assert found("AFI 2") == {"AFI 2"}


def test_addressees_are_searched(register):
    assert found("constables") == {"R12"}


def test_a_changed_recommendation_is_found_by_its_new_text(register):
    recommendation = Recommendation.objects.get(reference="R3")
    recommendation.text = "Commission an independent audit of safeguarding referrals."
    recommendation.save()
    assert found("audit") == {"R3"}
    assert found("council") == set()

    Recommendation.objects.filter(pk=recommendation.pk).update(text="Publish the timetable.")
    assert found("timetable") == {"R3"}
    assert found("audit") == set()


def test_a_deleted_recommendation_is_no_longer_found(register):
    Recommendation.objects.get(reference="R3").delete()
    assert found("referrals") == set()
    assert found("training") == {"R12"}


@pytest.mark.parametrize(
    "query",
    ['"', "*", '""', '"*"', "-", "()", "^", ":", "'", "***", "\x00", " ", "{}"],
)
def test_a_query_with_no_words_finds_nothing(register, query):
    assert found(query) == set()


@pytest.mark.parametrize(
    "query",
    [
        '"R12',
        'R12"',
        "train*",
        "*train",
        '"training" "',
        "training\x00",
        "^training",
    ],
)
def test_search_syntax_in_a_query_is_read_as_words(register, query):
    assert found(query) == {"R12"}


@pytest.mark.parametrize(
    "query",
    [
        "AND",
        "OR OR",
        "NOT training",
        "training -council",
        '"child sexual',
        "'; DROP TABLE recommendations_recommendation; --",
        "reference:R12 OR",
        "text:training",
        "training NEAR(",
        "NEAR(",
        "co-operation (with) [the] {police} + 50% & £10 | !",
    ],
)
def test_search_operators_in_a_query_never_raise(register, query):
    found(query)
    assert Recommendation.objects.count() == 3


def test_only_recommendations_in_the_given_queryset_are_found(register, force, force_lead):
    visible = Recommendation.objects.get(reference="R12")
    ActionFactory(recommendation=visible, owner=force)
    RecommendationFactory(source=SourceFactory(), reference="R12", text="Training again.")

    results = selectors.recommendation_filter(
        selectors.recommendation_list(user=force_lead), user=force_lead, q="training"
    )

    assert list(results) == [visible]
    assert found("training", Recommendation.objects.filter(source=register)) == {"R12"}
    assert found("training") == {"R12"}
    assert Recommendation.objects.filter(reference="R12").count() == 2


def test_the_list_page_shows_only_matching_recommendations(client, register, scrutiny_officer):
    sign_in(client, scrutiny_officer)

    response = client.get(reverse("recommendations:recommendation_list"), {"q": "training"})

    assert response.status_code == 200
    assert "Forces should review training" in response.content.decode()
    assert "share referrals" not in response.content.decode()


def test_the_list_page_survives_search_syntax(client, register, scrutiny_officer):
    sign_in(client, scrutiny_officer)

    response = client.get(reverse("recommendations:recommendation_list"), {"q": '"* NEAR( "'})

    assert response.status_code == 200
    assert "share referrals" not in response.content.decode()


def test_the_databases_own_search_index_is_in_place_and_in_step(register):
    """FTS5 triggers keep SQLite's index in step; PostgreSQL's stored document follows edits
    and its planner uses the GIN index."""
    if connection.vendor == "postgresql":
        _assert_postgresql_uses_the_gin_index()
    else:
        _assert_fts5_index_in_step()


def _assert_fts5_index_in_step():
    recommendation = Recommendation.objects.get(reference="R3")
    recommendation.text = "Changed."
    recommendation.save()
    Recommendation.objects.get(reference="AFI 2").delete()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
            ["recommendations_recommendation"],
        )
        triggers = {row[0] for row in cursor.fetchall()}
        # Raises if the index and the table disagree.
        cursor.execute(
            f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rank) VALUES ('integrity-check', 1)"  # noqa: S608
        )
    assert triggers >= {f"{FTS_TABLE}_insert", f"{FTS_TABLE}_update", f"{FTS_TABLE}_delete"}


def _assert_postgresql_uses_the_gin_index():
    recommendation = Recommendation.objects.get(reference="R3")
    recommendation.text = "Commission an independent safeguarding audit."
    recommendation.save()
    found = recommendation_search(Recommendation.objects.all(), "audits")
    assert list(found) == [recommendation]
    # Unordered: with ten rows the planner may otherwise walk the source index for the order.
    queryset = recommendation_search(Recommendation.objects.all(), "training").order_by()
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "recommendation_search_document_idx" in plan, plan


def test_a_partners_search_by_title_finds_only_what_it_acts_on(client, office, force, force_lead):
    """A partner's search on the list page finds a title's words under every source it acts
    on, its own office's or another's, and lists only what it may see."""
    inquiry = SourceFactory(owner=office, title="Telford Inquiry")
    acted_on = RecommendationFactory(source=inquiry, reference="T1", text="Train staff.")
    ActionFactory(recommendation=acted_on, owner=force)
    RecommendationFactory(source=inquiry, reference="T2", text="Train managers.")
    elsewhere = SourceFactory(title="Telford_review 100%")
    RecommendationFactory(source=elsewhere, reference="T3", text="Train everyone.")
    ActionFactory(
        recommendation=RecommendationFactory(source=elsewhere, reference="T4", text="Share."),
        owner=force,
    )
    sign_in(client, force_lead)
    listed = reverse("recommendations:recommendation_list")

    def shown(query: str) -> set[str]:
        page = client.get(listed, {"q": query}).content.decode()
        return {reference for reference in ("T1", "T2", "T3", "T4") if f">{reference}<" in page}

    assert shown("telford") == {"T1", "T4"}
    assert shown("telford train") == {"T1"}
    assert shown("review 100%") == {"T4"}
    assert shown("telford_review") == {"T4"}
