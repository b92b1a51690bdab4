"""Who sees which similar recommendations, and the recurring themes."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from answerable.accounts.models import User
from answerable.organisations.models import Membership, Organisation
from answerable.organisations.tests.factories import OrganisationFactory, member
from answerable.recommendations import services as register
from answerable.recommendations.models import AssuranceStatus
from answerable.recommendations.tests.factories import (
    ActionFactory,
    RecommendationFactory,
    SourceFactory,
)
from answerable.recurrence import selectors, services

SHARING = "Partners should share information about children at risk of exploitation"


@pytest.fixture
def other_office(db) -> Organisation:
    return OrganisationFactory(name="Another PCC office", kind=Organisation.Kind.PCC_OFFICE)


def _similar(user, recommendation) -> list[int]:
    page = selectors.similar_list(user=user, recommendation=recommendation)
    return [item.recommendation.pk for item in page.similar]


def test_another_office_never_sees_this_offices_recommendations_as_similar(
    office, other_office, scrutiny_officer
):
    ours = RecommendationFactory(source__owner=office, text=SHARING)
    ours_later = RecommendationFactory(source__owner=office, text=f"{SHARING} in schools")
    theirs = RecommendationFactory(source__owner=other_office, text=f"{SHARING} and in care")
    their_officer = member(other_office, Membership.Role.SCRUTINY_OFFICER)
    services.refresh_vectors()

    assert _similar(scrutiny_officer, ours) == [ours_later.pk]
    assert _similar(their_officer, theirs) == []


def test_a_partner_sees_only_similar_recommendations_it_has_an_action_on(office, force, force_lead):
    anchor = RecommendationFactory(source__owner=office, text=SHARING)
    with_action = RecommendationFactory(source__owner=office, text=f"{SHARING} in schools")
    RecommendationFactory(source__owner=office, text=f"{SHARING} at night")
    ActionFactory(recommendation=anchor, owner=force)
    ActionFactory(recommendation=with_action, owner=force)
    services.refresh_vectors()

    assert _similar(force_lead, anchor) == [with_action.pk]


def test_the_users_similar_recommendations_are_found_beyond_the_closest_they_cannot_see(
    office, other_office, scrutiny_officer, monkeypatch
):
    monkeypatch.setattr(selectors.similar, "FIRST_LOOK", 2)
    anchor = RecommendationFactory(source__owner=office, text=SHARING)
    for n in range(4):  # closer, but another office's
        RecommendationFactory(source__owner=other_office, text=f"{SHARING} {n}")
    ours = RecommendationFactory(
        source__owner=office, text="Share information about exploitation with schools"
    )
    services.refresh_vectors()

    assert _similar(scrutiny_officer, anchor) == [ours.pk]


def test_recommendations_of_the_same_report_and_unrelated_ones_are_not_suggested(
    office, scrutiny_officer
):
    source = SourceFactory(owner=office)
    anchor = RecommendationFactory(source=source, text=SHARING)
    RecommendationFactory(source=source, text=f"{SHARING} in schools")
    RecommendationFactory(source__owner=office, text="Buy body-worn video cameras for officers")
    services.refresh_vectors()

    assert _similar(scrutiny_officer, anchor) == []


def test_similar_recommendations_take_the_same_number_of_queries_however_many(
    office, scrutiny_officer
):
    few = RecommendationFactory(source__owner=office, text="Train every officer on stalking")
    RecommendationFactory(source__owner=office, text="Train officers on stalking law")
    many = RecommendationFactory(source__owner=office, text=SHARING)
    for n in range(8):
        RecommendationFactory(source__owner=office, text=f"{SHARING} ({n})")
    services.refresh_vectors()
    selectors.similar_list(user=scrutiny_officer, recommendation=few)  # index built once

    counts = []
    for anchor in (few, many):
        with CaptureQueriesContext(connection) as queries:
            page = selectors.similar_list(user=scrutiny_officer, recommendation=anchor)
        counts.append((len(page.similar), len(queries)))
    assert counts[0][0] == 1
    assert counts[1][0] == 8
    assert counts[0][1] == counts[1][1]


def test_a_changed_text_is_compared_again_after_its_refresh(office, scrutiny_officer):
    anchor = RecommendationFactory(source__owner=office, text=SHARING)
    changed = RecommendationFactory(source__owner=office, text="Buy body-worn video cameras")
    services.refresh_vectors()
    assert _similar(scrutiny_officer, anchor) == []

    changed.text = f"{SHARING} in schools"
    changed.save()
    assert services.refresh_vectors() == 1  # only the changed one

    assert _similar(scrutiny_officer, anchor) == [changed.pk]


def _themes(user):
    rows = list(selectors.theme_list(user=user))
    return selectors.theme_details(user=user, rows=rows)


def test_a_theme_completed_earlier_and_raised_again_by_a_later_report_is_found_again(
    real_register, scrutiny_officer
):
    peel, revisit = real_register[12], real_register[15]  # supervision of investigations
    register.assessment_record(
        actor=scrutiny_officer, recommendation=peel, verdict="assured", rationale="Audited"
    )
    services.index_rebuild()

    themes = {theme.cluster: theme for theme in _themes(scrutiny_officer)}
    supervision = themes[peel.pk]
    assert supervision.found_again
    assert supervision.example.pk == peel.pk
    assert dict(supervision.by_source) == {peel.source.title: 1, revisit.source.title: 1}
    assert dict(supervision.by_status) == {"Assured": 1, "Not assessed": 1}
    images = themes[real_register[34].pk]  # pre-screening images (2020 first): none assured
    assert not images.found_again
    assert not [t for t in themes.values() if t.cluster != peel.pk and t.found_again]


def test_a_theme_raised_again_before_its_first_was_completed_is_not_found_again(
    office, scrutiny_officer, force
):
    early = RecommendationFactory(
        source__owner=office, source__published_on="2019-01-01", text=SHARING
    )
    late = RecommendationFactory(
        source__owner=office, source__published_on="2024-01-01", text=f"{SHARING} now"
    )
    ActionFactory(recommendation=late, owner=force, delivery_status="completed")
    services.index_rebuild()

    [theme] = _themes(scrutiny_officer)
    assert theme.cluster == early.pk
    assert theme.size == 2
    assert not theme.found_again


def test_the_themes_page_shows_another_office_nothing(real_register, other_office):
    services.index_rebuild()
    their_officer = member(other_office, Membership.Role.SCRUTINY_OFFICER)

    assert _themes(their_officer) == []


def _theme_of(sources, text):
    """One recommendation asking `text` in each of these sources: one theme."""
    return [
        RecommendationFactory(source=source, text=f"{text} ({n})")
        for n, source in enumerate(sources)
    ]


def test_the_themes_page_takes_the_same_number_of_queries_however_many_themes(
    office, scrutiny_officer, force, force_lead
):
    def shown(user) -> tuple[int, int]:
        user = User.objects.get(pk=user.pk)  # memberships read again, as on a request
        with CaptureQueriesContext(connection) as queries:
            themes = _themes(user)
        return len(themes), len(queries)

    for recommendation in _theme_of([SourceFactory(owner=office) for _ in range(2)], SHARING):
        ActionFactory(recommendation=recommendation, owner=force)
    services.index_rebuild()
    few = [shown(scrutiny_officer), shown(force_lead)]

    many_sources = [SourceFactory(owner=office) for _ in range(14)]
    for ask in ("Train every officer on stalking law", "Publish the custody data each month"):
        for recommendation in _theme_of(many_sources, ask):
            ActionFactory(recommendation=recommendation, owner=force)
    services.index_rebuild()
    many = [shown(scrutiny_officer), shown(force_lead)]

    assert [themes for themes, _ in few] == [1, 1]
    assert [themes for themes, _ in many] == [3, 3]
    assert [queries for _, queries in many] == [queries for _, queries in few]


def test_a_partner_sees_a_theme_only_through_the_recommendations_it_has_actions_on(
    office, force, force_lead
):
    sources = [SourceFactory(owner=office, title=f"Report {n}") for n in range(3)]
    first, second, third = _theme_of(sources, SHARING)
    ActionFactory(recommendation=first, owner=force)
    services.index_rebuild()
    assert _themes(force_lead) == []  # one source of the three: nothing recurs for them

    ActionFactory(recommendation=third, owner=force)
    services.themes_count()
    [theme] = _themes(force_lead)

    assert theme.size == 2
    assert dict(theme.by_source) == {"Report 0": 1, "Report 2": 1}
    assert theme.example.pk == first.pk


def test_a_theme_in_many_sources_names_the_largest_and_counts_the_others(office, scrutiny_officer):
    sources = [SourceFactory(owner=office, title=f"Report {n:02}") for n in range(13)]
    _theme_of(sources, SHARING)
    RecommendationFactory(source=sources[12], text=f"{SHARING} (again)")
    services.index_rebuild()

    [theme] = _themes(scrutiny_officer)

    assert theme.size == 14
    assert theme.by_source[0] == ("Report 12", 2)
    assert len(theme.by_source) == selectors.SOURCES_SHOWN
    assert (theme.other_sources, theme.other_size) == (3, 3)


def test_an_assurance_shows_in_the_themes_once_they_are_counted_again(
    real_register, scrutiny_officer
):
    peel = real_register[12]  # supervision of investigations, raised again in 2023
    services.index_rebuild()
    register.assessment_record(
        actor=scrutiny_officer, recommendation=peel, verdict="assured", rationale="Audited"
    )
    assert not {t.cluster: t for t in _themes(scrutiny_officer)}[peel.pk].found_again

    call_command("recurrence_index", stdout=io.StringIO())  # no text changed: counts again

    supervision = {t.cluster: t for t in _themes(scrutiny_officer)}[peel.pk]
    assert supervision.found_again
    assert dict(supervision.by_status) == {"Assured": 1, "Not assessed": 1}


def test_a_theme_across_two_offices_shows_each_viewer_only_the_sources_they_see(
    office, other_office, scrutiny_officer
):
    ours = [SourceFactory(owner=office, title=f"Our report {n}") for n in range(2)]
    theirs = SourceFactory(owner=other_office, title="Their report")
    _theme_of([*ours, theirs], SHARING)
    their_officer = member(other_office, Membership.Role.SCRUTINY_OFFICER)
    both = member(office, Membership.Role.VIEWER)
    Membership.objects.create(user=both, organisation=other_office, role=Membership.Role.VIEWER)
    services.index_rebuild()

    [ours_seen] = _themes(scrutiny_officer)
    [all_seen] = _themes(User.objects.get(pk=both.pk))

    assert dict(ours_seen.by_source) == {"Our report 0": 1, "Our report 1": 1}
    assert _themes(their_officer) == []  # one source of theirs: nothing recurs for them
    assert (all_seen.size, all_seen.source_count) == (3, 3)
    assert dict(all_seen.by_source) == {**dict(ours_seen.by_source), "Their report": 1}
    assert dict(all_seen.by_status) == {"Not assessed": 3}


def test_every_assurance_status_is_counted_for_whole_and_partial_viewers(
    office, scrutiny_officer, force, force_lead
):
    statuses = dict(AssuranceStatus.choices)
    sources = [SourceFactory(owner=office) for _ in statuses]
    for recommendation, status in zip(_theme_of(sources, SHARING), statuses, strict=True):
        recommendation.assurance_status = status
        recommendation.save()
        ActionFactory(recommendation=recommendation, owner=force)
    services.index_rebuild()

    for viewer in (scrutiny_officer, force_lead):
        [theme] = _themes(viewer)
        assert dict(theme.by_status) == {str(label): 1 for label in statuses.values()}
