"""The register picker on the forms that select one recommendation: a long register lists its
first rows and the one selected, words find others, and any visible recommendation saves."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from answerable.core.testing import sign_in
from answerable.indicators.models import IndicatorLink
from answerable.indicators.tests.factories import IndicatorFactory
from answerable.organisations.models import Organisation
from answerable.organisations.tests.factories import OrganisationFactory
from answerable.recommendations.models import Recommendation, RecommendationLink, Source
from answerable.recommendations.picker import (
    SHOWN_CHOICES,
    SOURCES_FIRST_READ,
    BySource,
    first_ids_by_source,
)
from answerable.recommendations.tests.factories import (
    ActionFactory,
    RecommendationFactory,
    SourceFactory,
)
from answerable.workforce.models import CoverageLink
from answerable.workforce.tests.factories import CourseFactory


@dataclass
class Page:
    url: str
    field: str
    data: dict[str, str]  # the rest of a form that saves
    refused: dict[str, str]  # the rest of a form that is refused
    saved: Callable[[Recommendation], bool]  # whether the form saved the recommendation chosen


def _indicator_link(source: Any, force: Any) -> Page:
    indicator = IndicatorFactory(owner=force, office=source.owner)
    return Page(
        reverse("indicators:indicator_link_create", args=[indicator.pk]),
        "recommendation",
        {"note": ""},
        {"note": "x" * 1001},
        lambda chosen: IndicatorLink.objects.filter(recommendation=chosen).exists(),
    )


def _coverage_link(source: Any, force: Any) -> Page:
    course = CourseFactory(owner=force)
    # The office sees the force's courses once the force has an action in its register.
    overseen = SourceFactory(owner=source.owner, title="Zz overseen")
    ActionFactory(recommendation=RecommendationFactory(source=overseen, text="Keep."), owner=force)
    return Page(
        reverse("workforce:coverage_link_create", args=[course.pk]),
        "recommendation",
        {"note": ""},
        {"note": "x" * 10_001},
        lambda chosen: CoverageLink.objects.filter(recommendation=chosen).exists(),
    )


def _supersede(source: Any, force: Any) -> Page:
    older = RecommendationFactory(source=source, reference="OLD", position=0)
    return Page(
        reverse("recommendations:recommendation_supersede", args=[older.pk]),
        "superseded_by",
        {"reason": "Replaced by the follow-up report"},
        {"reason": ""},
        lambda chosen: Recommendation.objects.get(pk=older.pk).superseded_by == chosen,
    )


def _related(source: Any, force: Any) -> Page:
    subject = RecommendationFactory(source=source, reference="SUBJECT", position=0)
    return Page(
        reverse("recommendations:recommendation_link", args=[subject.pk]),
        "to_recommendation",
        {"kind": RecommendationLink.Kind.OVERLAPS},
        {"kind": ""},
        lambda chosen: RecommendationLink.objects.filter(to_recommendation=chosen).exists(),
    )


PAGES = pytest.mark.parametrize(
    "page_for", [_indicator_link, _coverage_link, _supersede, _related], ids=lambda f: f.__name__
)


def _options(page: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<option value="(\d+)"', page)]


def _register(source: Any, count: int) -> list[Recommendation]:
    return [
        RecommendationFactory(
            source=source, reference=f"R{n:03}", position=n + 1, text="Share referrals faster."
        )
        for n in range(count)
    ]


@PAGES
def test_a_long_register_lists_the_first_rows_and_keeps_the_one_selected(
    client, scrutiny_officer, source, force, page_for
):
    page = page_for(source, force)
    register = _register(source, SHOWN_CHOICES + 5)
    sign_in(client, scrutiny_officer)
    drawn = client.get(page.url).content.decode()
    assert _options(drawn) == [r.pk for r in register[:SHOWN_CHOICES]]
    assert f"More than {SHOWN_CHOICES} recommendations match" in drawn
    beyond = register[SHOWN_CHOICES + 2]
    refused = client.post(page.url, {page.field: beyond.pk, **page.refused}).content.decode()
    assert "govuk-error-summary" in refused
    assert re.search(rf'<option value="{beyond.pk}"[^>]*selected', refused)
    assert not page.saved(beyond)
    response = client.post(page.url, {page.field: beyond.pk, **page.data})
    assert response.status_code == 302
    assert page.saved(beyond)


@PAGES
def test_finding_words_lists_what_matches_and_says_when_nothing_does(
    client, scrutiny_officer, source, force, page_for
):
    page = page_for(source, force)
    _register(source, 5)
    training = RecommendationFactory(source=source, reference="T1", text="Train every officer.")
    sign_in(client, scrutiny_officer)
    found = client.get(page.url, {"find": "training"}).content.decode()
    assert _options(found) == [training.pk]
    assert 'value="training"' in found
    assert "No recommendations match" not in found
    nothing = client.get(page.url, {"find": "zebra"}).content.decode()
    assert _options(nothing) == []
    assert "No recommendations match those words." in nothing
    response = client.post(f"{page.url}?find=training", {page.field: training.pk, **page.data})
    assert response.status_code == 302
    assert page.saved(training)


@PAGES
def test_a_recommendation_the_user_may_not_see_is_refused(
    client, scrutiny_officer, source, force, page_for
):
    page = page_for(source, force)
    _register(source, 3)
    elsewhere = RecommendationFactory(source=SourceFactory(title="Elsewhere inspection"))
    sign_in(client, scrutiny_officer)
    refused = client.post(page.url, {page.field: elsewhere.pk, **page.data}).content.decode()
    assert "govuk-error-summary" in refused
    assert elsewhere.pk not in _options(refused)
    assert "Elsewhere inspection" not in refused
    assert not page.saved(elsewhere)


@PAGES
def test_the_page_costs_the_same_queries_however_long_the_register(
    client, scrutiny_officer, source, force, page_for
):
    page = page_for(source, force)
    sign_in(client, scrutiny_officer)
    counts = []
    for more in (3, SHOWN_CHOICES + 20):
        _register(SourceFactory(owner=source.owner), more)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(page.url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


@PAGES
@pytest.mark.parametrize("typed", ["9" * 30, "²", "12abc"])
def test_a_choice_that_cannot_be_a_recommendation_is_refused(
    client, scrutiny_officer, source, force, page_for, typed
):
    page = page_for(source, force)
    sign_in(client, scrutiny_officer)
    response = client.post(page.url, {page.field: typed, **page.data})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()


def test_rows_read_a_few_sources_at_a_time_keep_the_register_order(office):
    """Sources sharing a title (another office's report of the same name) interleave their
    rows by position, and stay so when the first read of sources ends between them."""
    other = OrganisationFactory(kind=Organisation.Kind.PCC_OFFICE)
    straddling = SOURCES_FIRST_READ - 2  # its two sources are the last of the first read and
    # the first of the next, "Report 00" of the other office coming before them
    sources = [SourceFactory(owner=office, title=f"Report {n:02}") for n in range(24)]
    sources += [SourceFactory(owner=other, title=f"Report {n:02}") for n in (0, straddling, 16, 23)]
    for position in (3, 1, 2):
        for source in sources:
            RecommendationFactory(source=source, position=position + source.owner_id % 2)
    rows = Recommendation.objects.order_by("source__title", "position", "id")
    by = BySource("source_id", Source.objects.order_by("title", "id").values_list("pk", "title"))
    whole = list(rows.values_list("pk", flat=True))
    for count in (1, 50, 60, len(whole) + 1):
        assert first_ids_by_source(rows, by, count) == whole[:count]
