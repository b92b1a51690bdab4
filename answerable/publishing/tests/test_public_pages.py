"""The public report page's filters and history, the links between published meeting summaries
and published recommendations, and the home page's chart (issue #14)."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from answerable.recommendations import services
from answerable.recommendations.models import AssuranceStatus
from answerable.recommendations.tests.factories import (
    ActionFactory,
    RecommendationFactory,
    SourceFactory,
)


def public(path: str) -> tuple[int, str]:
    response = Client().get(path)
    return response.status_code, response.content.decode()


def queries(path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert Client().get(path).status_code == 200
    return len(captured)


def references(page: str) -> set[str]:
    table = page.split('id="recommendations"', 1)[-1] if 'id="recommendations"' in page else ""
    return set(re.findall(r'/public/recommendations/\d+/">([^<]+)</a>', table))


@pytest.fixture
def report(scrutiny_officer, office, force, council):
    """A published report: R-A the force is on track with, R-B the council is off track with
    and the office is assured of, R-C with no action."""
    source = SourceFactory(owner=office, title="Telford inquiry")
    first = RecommendationFactory(source=source, reference="R-A")
    ActionFactory(recommendation=first, owner=force, delivery_status="on_track")
    second = RecommendationFactory(
        source=source, reference="R-B", assurance_status=AssuranceStatus.ASSURED
    )
    ActionFactory(recommendation=second, owner=council, delivery_status="off_track")
    RecommendationFactory(source=source, reference="R-C")
    return services.source_publish(actor=scrutiny_officer, source=source)


def test_filters_narrow_a_reports_recommendations(report, force, council):
    url = reverse("publishing:public_source", args=[report.pk])
    assert references(public(url)[1]) == {"R-A", "R-B", "R-C"}
    assert references(public(f"{url}?organisation={force.pk}")[1]) == {"R-A"}
    assert references(public(f"{url}?delivery_status=off_track")[1]) == {"R-B"}
    assert references(public(f"{url}?assurance_status=assured")[1]) == {"R-B"}
    assert references(public(f"{url}?assurance_status=not_assessed")[1]) == {"R-A", "R-C"}
    status, page = public(f"{url}?organisation={force.pk}&delivery_status=off_track")
    assert status == 200
    assert references(page) == set()
    assert "0 of 3 recommendations match the filters." in page
    assert (
        "1 of 3 recommendations matches the filters." in public(f"{url}?organisation={force.pk}")[1]
    )
    assert "3 recommendations." in public(f"{url}?organisation=&delivery_status=")[1]


def test_the_organisation_filter_offers_only_those_acting_on_the_report(
    report, force, council, office
):
    page = public(reverse("publishing:public_source", args=[report.pk]))[1]
    options = re.findall(r'<option value="(\d+)"[^>]*>([^<]+)</option>', page)
    assert options == sorted(
        [(str(force.pk), force.name), (str(council.pk), council.name)], key=lambda o: o[1]
    )


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("delivery_status=bogus", "Select a delivery status from the list"),
        ("assurance_status=%00%22", "Select an assurance status from the list"),
        ("organisation=abc", "Select an organisation from the list"),
        ("organisation=99999999999999999999999", "Select an organisation from the list"),
        ("theme=abc", "Select a theme from the list"),
        ("theme=99999999999999999999999", "Select a theme from the list"),
        ("overdue=maybe", "Select whether an action is overdue from the list"),
        ("overdue=%00", "Select whether an action is overdue from the list"),
    ],
)
def test_a_filter_value_the_form_does_not_offer_is_a_400_naming_it(report, query, message):
    status, page = public(f"{reverse('publishing:public_source', args=[report.pk])}?{query}")
    assert status == 400
    assert message in page
    assert "<title>Error: " in page
    assert 'class="govuk-error-summary"' in page
    assert "Change the filters to see the recommendations." in page
    assert references(page) == set()


def test_an_organisation_acting_only_on_another_report_is_not_a_filter(report, office):
    other = SourceFactory(owner=office)
    stranger = ActionFactory(recommendation=RecommendationFactory(source=other)).owner
    url = reverse("publishing:public_source", args=[report.pk])
    assert public(f"{url}?organisation={stranger.pk}")[0] == 400
    assert public(f"{url}?utm_source=newsletter")[0] == 200  # unknown parameters are ignored


def test_the_report_page_costs_the_same_queries_for_few_or_many_recommendations(
    report, force, council
):
    urls = [
        reverse("publishing:public_source", args=[report.pk]),
        reverse("publishing:public_source", args=[report.pk]) + f"?organisation={force.pk}",
        reverse("publishing:public_source_history", args=[report.pk]),
    ]
    few = [queries(url) for url in urls]
    for n in range(8):
        recommendation = RecommendationFactory(source=report, reference=f"X-{n}")
        ActionFactory(recommendation=recommendation, owner=force)
        ActionFactory(recommendation=recommendation, owner=council)
    assert [queries(url) for url in urls] == few


def test_the_history_lists_public_changes_never_internal_text(
    report, force, force_lead, scrutiny_officer
):
    action = report.recommendations.get(reference="R-A").actions.get()
    update = services.update_post(
        actor=force_lead,
        action=action,
        narrative="Internal: the analyst named in the review left",
        status="completed",
        public_narrative="The force has finished its audit.",
    )
    services.public_narrative_approve(actor=scrutiny_officer, narrative=update.public_narrative)
    url = reverse("publishing:public_source_history", args=[report.pk])
    status, page = public(url)
    assert status == 200
    history = page.split('id="history"', 1)[1]
    assert "The force has finished its audit." in history
    assert "Delivery status moved from On track to Completed." in history
    assert "analyst named" not in page
    assert url in public(reverse("publishing:public_source", args=[report.pk]))[1]
    services.source_withdraw(actor=scrutiny_officer, source=report, reason="Published in error")
    assert public(url)[0] == 404


def test_a_report_with_no_changes_says_so(report):
    page = public(reverse("publishing:public_source_history", args=[report.pk]))[1]
    assert "Nothing has changed since the report was published." in page


# --- meeting summaries and recommendations ---------------------------------------------------


@pytest.fixture
def considered(published, held_meeting, scrutiny_officer, office, source, recommendation):
    """The held meeting's public item (verdict: partly assured) considered `recommendation`;
    publish its report. A second recommendation was considered only by the sensitive item."""
    services.source_publish(actor=scrutiny_officer, source=source)
    return published


def test_a_published_recommendation_lists_the_meetings_that_considered_it(
    considered, recommendation
):
    page = public(reverse("publishing:public_recommendation", args=[recommendation.pk]))[1]
    meetings = page.split('id="meetings"', 1)[1].split("</ul>", 1)[0]
    assert "Holding to account: CSE" in meetings
    assert "Training for officers" in meetings
    assert "Verdict: Partly assured." in meetings
    assert reverse("publishing:summary_detail", args=[considered.pk]) in meetings


def test_a_published_summary_links_the_published_recommendations_it_considered(
    considered, recommendation
):
    page = public(reverse("publishing:summary_detail", args=[considered.pk]))[1]
    links = page.split('id="considered"', 1)[1]
    assert reverse("publishing:public_recommendation", args=[recommendation.pk]) in links
    assert "verdict: Partly assured" in links


def test_a_sensitive_item_or_an_unpublished_report_is_never_linked(
    published, held_meeting, scrutiny_officer, office, source, recommendation
):
    """The report is not published yet; a second, published report's recommendation was
    considered only by the sensitive item."""
    open_report = services.source_publish(
        actor=scrutiny_officer, source=SourceFactory(owner=office)
    )
    secret = RecommendationFactory(source=open_report, reference="SECRET-1")
    sensitive = held_meeting.items.get(is_sensitive=True)
    sensitive.recommendations.add(secret)
    summary = public(reverse("publishing:summary_detail", args=[published.pk]))[1]
    assert reverse("publishing:public_recommendation", args=[recommendation.pk]) not in summary
    assert reverse("publishing:public_recommendation", args=[secret.pk]) not in summary
    assert 'id="considered"' not in summary
    status, page = public(reverse("publishing:public_recommendation", args=[secret.pk]))
    assert status == 200
    assert 'id="meetings"' not in page
    assert "Operation Nightjar" not in page
    assert public(reverse("publishing:public_recommendation", args=[recommendation.pk]))[0] == 404


def test_a_published_summary_never_names_an_unpublished_report(published, source):
    assert source.title not in public(reverse("publishing:summary_detail", args=[published.pk]))[1]


def test_an_item_marked_sensitive_after_publication_stops_linking(
    considered, held_meeting, recommendation
):
    held_meeting.items.filter(title="Training for officers").update(is_sensitive=True)
    page = public(reverse("publishing:public_recommendation", args=[recommendation.pk]))[1]
    assert 'id="meetings"' not in page
    summary = public(reverse("publishing:summary_detail", args=[considered.pk]))[1]
    assert 'id="considered"' not in summary


def test_meeting_links_cost_the_same_queries_for_few_or_many(
    considered, held_meeting, scrutiny_officer, recommendation, source
):
    summary_url = reverse("publishing:summary_detail", args=[considered.pk])
    recommendation_url = reverse("publishing:public_recommendation", args=[recommendation.pk])
    few = [queries(summary_url), queries(recommendation_url)]
    item = held_meeting.items.get(title="Training for officers")
    item.recommendations.add(*[RecommendationFactory(source=source) for _ in range(6)])
    assert [queries(summary_url), queries(recommendation_url)] == few


# --- the home page's chart ---------------------------------------------------------------


def test_the_home_page_charts_each_reports_recommendations_by_assurance(report, office):
    SourceFactory(owner=office, title="Unpublished review")
    page = public("/")[1]
    chart = page.split('id="assurance-chart"', 1)[1].split("</figure>", 1)[0]
    assert 'role="img"' in chart
    assert "The figures are in the table of published reports above." in chart
    assert "Telford inquiry" in chart
    assert "Unpublished review" not in chart
    segments = re.findall(r"<title>([^<]+): (\d+)</title>", chart)
    assert sorted(segments) == [("Assured", "1"), ("Not assessed", "2")]
    assert "<script" not in chart
    table = page.split('id="public-sources"', 1)[1]
    assert "Telford inquiry" in table  # every chart has its table


def test_the_home_page_costs_the_same_queries_for_few_or_many_reports(report, office):
    few = queries("/")
    for _ in range(4):
        source = SourceFactory(owner=office)
        RecommendationFactory(source=source)
        source.public_since = report.public_since
        source.save()
    assert queries("/") == few
