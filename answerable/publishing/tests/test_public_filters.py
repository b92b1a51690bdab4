"""The public report page's theme and overdue filters and its pages, and the same filters in
the public API (issue #14): bad values are named with a 400, never a 500, and the query count
stays the same however many recommendations match."""

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from answerable.recommendations import services
from answerable.recommendations.models import Theme
from answerable.recommendations.tests.factories import (
    ActionFactory,
    RecommendationFactory,
    SourceFactory,
)

API = "/public/api/v1/recommendations/"
PAST = timezone.localdate() - datetime.timedelta(days=10)
FUTURE = timezone.localdate() + datetime.timedelta(days=10)


def public(path: str) -> tuple[int, str]:
    response = Client().get(path)
    return response.status_code, response.content.decode()


def references(page: str) -> set[str]:
    table = page.split('id="recommendations"', 1)[-1] if 'id="recommendations"' in page else ""
    return set(re.findall(r'/public/recommendations/\d+/">([^<]+)</a>', table))


@pytest.fixture
def themes(office):
    return {
        name: Theme.objects.create(office=office, name=name)
        for name in ("Training", "Missing children", "Custody")
    }


@pytest.fixture
def report(scrutiny_officer, office, force, council, themes):
    """A published report: T-1 (Training) with the force's overdue action, T-2 (Training,
    Missing children) with the council's action due later, T-3 (Missing children) with a
    completed action past its date, T-4 with no theme and no action. Custody is another
    report's theme."""
    source = SourceFactory(owner=office, title="Telford inquiry")
    specs = [
        ("T-1", ["Training"], force, PAST, "on_track"),
        ("T-2", ["Training", "Missing children"], council, FUTURE, "off_track"),
        ("T-3", ["Missing children"], force, PAST, "completed"),
        ("T-4", [], None, None, None),
    ]
    for reference, names, owner, target_on, status in specs:
        recommendation = RecommendationFactory(source=source, reference=reference)
        recommendation.themes.set([themes[name] for name in names])
        if owner is not None:
            ActionFactory(
                recommendation=recommendation,
                owner=owner,
                target_on=target_on,
                delivery_status=status,
            )
    other = RecommendationFactory(source=SourceFactory(owner=office))
    other.themes.set([themes["Custody"]])
    return services.source_publish(actor=scrutiny_officer, source=source)


def test_the_theme_and_overdue_filters_narrow_a_reports_recommendations(report, themes, force):
    url = reverse("publishing:public_source", args=[report.pk])
    training, missing = themes["Training"].pk, themes["Missing children"].pk
    assert references(public(f"{url}?theme={training}")[1]) == {"T-1", "T-2"}
    assert references(public(f"{url}?theme={missing}")[1]) == {"T-2", "T-3"}
    assert references(public(f"{url}?overdue=yes")[1]) == {"T-1"}
    assert references(public(f"{url}?overdue=no")[1]) == {"T-2", "T-3", "T-4"}
    assert references(public(f"{url}?theme={missing}&overdue=yes")[1]) == set()
    status, page = public(f"{url}?theme={training}&overdue=no")
    assert status == 200
    assert references(page) == {"T-2"}
    assert "1 of 4 recommendations matches the filters." in page
    # An organisation's own overdue action is the one that counts.
    assert references(public(f"{url}?organisation={force.pk}&overdue=no")[1]) == {"T-3"}


def test_the_theme_filter_offers_only_the_reports_themes(report, themes):
    page = public(reverse("publishing:public_source", args=[report.pk]))[1]
    select = page.split('name="theme"', 1)[1].split("</select>", 1)[0]
    options = re.findall(r'<option value="(\d*)"[^>]*>([^<]+)</option>', select)
    assert options == [
        ("", "Any theme"),
        (str(themes["Missing children"].pk), "Missing children"),
        (str(themes["Training"].pk), "Training"),
    ]


def test_another_reports_theme_is_not_a_filter(report, themes):
    url = reverse("publishing:public_source", args=[report.pk])
    assert public(f"{url}?theme={themes['Custody'].pk}")[0] == 400


def test_a_long_report_is_paged_and_a_huge_page_number_shows_the_last_page(report, force):
    for n in range(60):
        RecommendationFactory(source=report, reference=f"L-{n:02d}", position=10**6 + n)
    url = reverse("publishing:public_source", args=[report.pk])
    first = public(url)[1]
    assert len(references(first)) == 50
    assert "64 recommendations. Showing 1 to 50." in first
    assert 'href="?page=2"' in first
    status, last = public(f"{url}?page=99999999999999999999")
    assert status == 200
    assert references(last) == {f"L-{n:02d}" for n in range(46, 60)}
    assert public(f"{url}?page=%00")[0] == 200


def test_the_filters_cost_the_same_queries_for_few_or_many_recommendations(
    report, themes, force, council
):
    url = reverse("publishing:public_source", args=[report.pk])
    urls = [url, f"{url}?theme={themes['Training'].pk}&overdue=yes", f"{url}?overdue=no"]

    def counts() -> list[int]:
        found = []
        for path in urls:
            with CaptureQueriesContext(connection) as captured:
                assert Client().get(path).status_code == 200
            found.append(len(captured))
        return found

    few = counts()
    for n in range(8):
        recommendation = RecommendationFactory(source=report, reference=f"X-{n}")
        recommendation.themes.set([themes["Training"]])
        ActionFactory(recommendation=recommendation, owner=force, target_on=PAST)
        ActionFactory(recommendation=recommendation, owner=council, target_on=FUTURE)
    assert counts() == few


def test_the_api_filters_by_theme_and_overdue(report, themes):
    def found(query: str) -> set[str]:
        response = Client().get(f"{API}?{query}")
        assert response.status_code == 200
        return {row["reference"] for row in response.json()["results"]}

    assert found(f"theme={themes['Training'].pk}") == {"T-1", "T-2"}
    assert found("overdue=yes") == {"T-1"}
    assert found(f"theme={themes['Missing children'].pk}&overdue=no") == {"T-2", "T-3"}
    assert found(f"theme={themes['Custody'].pk}") == set()  # its report is not public
    for query in ("theme=abc", "overdue=maybe", "theme=1234567890123"):
        response = Client().get(f"{API}?{query}")
        assert response.status_code == 400
        assert list(response.json()) in (["theme"], ["overdue"])


def test_the_public_home_pages_through_many_reports_newest_first(report, office):
    for n in range(22):
        source = SourceFactory(
            owner=office, title=f"Report {n:02d}", published_on=datetime.date(2020, 1, n + 1)
        )
        source.public_since = report.public_since
        source.save()
    first = public("/")[1]
    table = first.split('id="public-sources"', 1)[1].split("</table>", 1)[0]
    titles = re.findall(r">(Report \d\d|Telford inquiry)</a>", table)
    assert titles == ["Telford inquiry", *(f"Report {n:02d}" for n in range(21, 2, -1))]
    assert "Showing reports 1 to 20 of 23, newest first." in first
    second = public("/?page=2")[1].split('id="public-sources"', 1)[1].split("</table>", 1)[0]
    assert re.findall(r">(Report \d\d)</a>", second) == ["Report 02", "Report 01", "Report 00"]
    assert public("/?page=abc")[0] == 200
