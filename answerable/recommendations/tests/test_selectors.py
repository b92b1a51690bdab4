import datetime

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from answerable.accounts.models import User
from answerable.core import keyset
from answerable.core.keyset import keyset_page
from answerable.core.testing import sign_in
from answerable.organisations.models import Membership
from answerable.recommendations import selectors
from answerable.recommendations.models import (
    AssuranceStatus,
    DeliveryStatus,
    Recommendation,
    Source,
)
from answerable.recommendations.tests.factories import (
    ActionFactory,
    RecommendationFactory,
    SourceFactory,
)


def test_partners_see_only_recommendations_they_have_an_action_on(
    force_action, council_lead, force_lead
):
    RecommendationFactory(source=force_action.recommendation.source)
    assert list(selectors.recommendation_list(user=force_lead)) == [force_action.recommendation]
    assert list(selectors.recommendation_list(user=council_lead)) == []


def test_the_office_sees_every_recommendation_under_its_sources(force_action, scrutiny_officer):
    other = RecommendationFactory(source=force_action.recommendation.source)
    assert set(selectors.recommendation_list(user=scrutiny_officer)) == {
        force_action.recommendation,
        other,
    }


def test_the_visible_parts_are_the_whole_register_the_user_sees_with_no_overlap(
    office, force, force_lead, scrutiny_officer
):
    ours = SourceFactory(owner=office)
    another_office = SourceFactory()
    in_ours = RecommendationFactory(source=ours)
    with_action = RecommendationFactory(source=another_office)
    RecommendationFactory(source=another_office)  # nobody here sees it
    archived = RecommendationFactory(source=another_office, is_archived=True)
    for recommendation in (in_ours, with_action, archived):
        ActionFactory(recommendation=recommendation, owner=force)

    for user in (force_lead, scrutiny_officer):
        parts = selectors.recommendation_visible_parts(user=user)
        whole = set(
            Recommendation.objects.filter(
                source__in=parts.whole_sources, is_archived=False
            ).values_list("pk", flat=True)
        )
        others = set(parts.other_recommendations.values_list("pk", flat=True))
        assert not whole & others
        assert whole | others == set(
            selectors.recommendation_list(user=user).values_list("pk", flat=True)
        )
    assert set(parts.whole_sources.values_list("pk", flat=True)) == {ours.pk}
    assert parts.whole_owners == {office.pk}


def test_partners_see_their_own_actions_only(force_action, council_action, force_lead):
    assert list(selectors.action_list(user=force_lead)) == [force_action]


def test_only_scrutiny_officers_dashboards_count_the_assessment_queue(
    force_action, scrutiny_officer, force_lead
):
    force_action.delivery_status = DeliveryStatus.READY_FOR_ASSESSMENT
    force_action.ready_at = datetime.datetime(2025, 1, 2, tzinfo=datetime.UTC)
    force_action.save()
    assert selectors.dashboard_summary(user=scrutiny_officer).queue_count == 1
    selectors.dashboard_summary(user=force_lead)  # each user's roles are read once, then kept
    with CaptureQueriesContext(connection) as officer:
        selectors.dashboard_summary(user=scrutiny_officer)
    with CaptureQueriesContext(connection) as lead:
        summary = selectors.dashboard_summary(user=force_lead)
    assert summary.queue_count == 0
    # The queue is counted in the same query as what is due, and only for the officer.
    assert [q for q in officer.captured_queries if "assessed_at" in q["sql"]]
    assert not [q for q in lead.captured_queries if "assessed_at" in q["sql"]]


def test_a_queue_counts_only_the_offices_the_user_scrutinises(
    force_action, scrutiny_officer, council
):
    """A scrutiny officer who also leads for a council: the council's own report's ready
    action is on their dashboard's counts, but not in their assessment queue."""
    Membership.objects.create(
        user=scrutiny_officer, organisation=council, role=Membership.Role.LEAD_OFFICER
    )
    council_source = SourceFactory(owner=council)
    ready = datetime.datetime(2025, 1, 2, tzinfo=datetime.UTC)
    for action in (
        force_action,
        ActionFactory(recommendation=RecommendationFactory(source=council_source), owner=council),
    ):
        action.delivery_status = DeliveryStatus.READY_FOR_ASSESSMENT
        action.ready_at = ready
        action.save()
    scrutiny_officer = User.objects.get(pk=scrutiny_officer.pk)  # roles read afresh
    summary = selectors.dashboard_summary(user=scrutiny_officer)
    assert summary.queue_count == 1
    assert sum(row["count"] for row in summary.by_status) == 2


def test_the_queue_holds_ready_actions_not_assessed_since(force_action, scrutiny_officer):
    force_action.delivery_status = DeliveryStatus.READY_FOR_ASSESSMENT
    force_action.ready_at = datetime.datetime(2025, 1, 2, tzinfo=datetime.UTC)
    force_action.save()
    assert list(selectors.assessment_queue(user=scrutiny_officer)) == [force_action]
    force_action.assessed_at = datetime.datetime(2025, 1, 3, tzinfo=datetime.UTC)
    force_action.save()
    assert list(selectors.assessment_queue(user=scrutiny_officer)) == []
    force_action.ready_at = datetime.datetime(2025, 1, 4, tzinfo=datetime.UTC)
    force_action.save()
    assert list(selectors.assessment_queue(user=scrutiny_officer)) == [force_action]


def test_the_dashboard_counts_overdue_and_due_soon_actions(recommendation, force, scrutiny_officer):
    today = datetime.date(2025, 6, 1)
    ActionFactory(recommendation=recommendation, owner=force, target_on=datetime.date(2025, 5, 1))
    ActionFactory(recommendation=recommendation, owner=force, target_on=datetime.date(2025, 6, 20))
    ActionFactory(recommendation=recommendation, owner=force, target_on=datetime.date(2025, 9, 1))
    ActionFactory(
        recommendation=recommendation,
        owner=force,
        target_on=datetime.date(2025, 5, 1),
        delivery_status=DeliveryStatus.COMPLETED,
    )
    summary = selectors.dashboard_summary(user=scrutiny_officer, today=today)
    assert summary.overdue_count == 1
    assert summary.due_soon_count == 1
    assert dict(summary.owner_matrix)[force.name] == {"not_started": 3, "completed": 1}


def test_the_dashboard_shows_the_ten_sources_with_most_actions_not_yet_assured(
    office, force, scrutiny_officer
):
    # Source i has i actions awaiting assurance and one assured: 12 sources, 10 shown.
    for i in range(1, 13):
        recommendation = RecommendationFactory(source=SourceFactory(owner=office, title=f"S{i:02}"))
        ActionFactory(recommendation=recommendation, owner=force, assurance_status="assured")
        for _ in range(i):
            ActionFactory(recommendation=recommendation, owner=force)
    summary = selectors.dashboard_summary(user=scrutiny_officer)
    assert summary.source_count == 12
    assert [title for _pk, title, _counts in summary.source_matrix] == [
        f"S{i:02}" for i in range(12, 2, -1)
    ]
    _pk, _title, counts = summary.source_matrix[0]
    assert counts == {AssuranceStatus.NOT_ASSESSED: 12, AssuranceStatus.ASSURED: 1}


def test_the_dashboard_lists_statutory_responses_still_due_soonest_first(
    office, force_action, scrutiny_officer
):
    def source(title, published_on, rule=Source.DeadlineRule.S55, responded_on=None):
        return SourceFactory(
            owner=office,
            title=title,
            published_on=published_on,
            deadline_rule=rule,
            responded_on=responded_on,
        )

    late = source("Late", datetime.date(2025, 1, 1))  # due 26 February 2025
    later = source("Later", datetime.date(2025, 3, 1), rule=Source.DeadlineRule.IICSA)
    source("Answered", datetime.date(2024, 1, 1), responded_on=datetime.date(2024, 2, 1))
    source("No rule", datetime.date(2024, 1, 1), rule=Source.DeadlineRule.NONE)
    for day in range(1, 12):
        source(f"Upcoming {day:02}", datetime.date(2025, 4, day))
    summary = selectors.dashboard_summary(user=scrutiny_officer, today=datetime.date(2025, 5, 1))
    assert summary.statutory_count == 13
    assert [s.title for s in summary.statutory][:3] == ["Late", "Upcoming 01", "Upcoming 02"]
    assert later not in summary.statutory  # due 1 September, after the ten shown
    assert late.response_due_on == datetime.date(2025, 2, 26)


def test_filters_combine(recommendation, force, council, scrutiny_officer):
    on_track = ActionFactory(
        recommendation=recommendation, owner=force, delivery_status=DeliveryStatus.ON_TRACK
    )
    ActionFactory(
        recommendation=RecommendationFactory(source=recommendation.source),
        owner=council,
        delivery_status=DeliveryStatus.ON_TRACK,
    )
    visible = selectors.action_list(user=scrutiny_officer)
    assert list(selectors.action_filter(visible, owner=force, delivery_status="on_track")) == [
        on_track
    ]
    recommendations = selectors.recommendation_filter(
        selectors.recommendation_list(user=scrutiny_officer), user=scrutiny_officer, owner=force
    )
    assert list(recommendations) == [recommendation]


def _walk(queryset, keys, per_page: int, groups=None) -> tuple[list[list[int]], list[list[int]]]:
    """Each page's ids following the next links from the first page, then the previous
    links back from the last; and check each page's number on the way."""
    requests = RequestFactory()

    def page_at(path: str):
        return keyset_page(
            requests.get(path), queryset, keys, count=0, per_page=per_page, groups=groups
        )

    page = page_at("/")
    forwards = [[row.pk for row in page]]
    while page.next_query:
        number = page.number
        page = page_at(page.next_query)
        assert page.number == number + 1
        forwards.append([row.pk for row in page])
    backwards = [forwards[-1]]
    while page.previous_query:
        page = page_at(page.previous_query)
        backwards.append([row.pk for row in page])
    assert page.number == 1
    return forwards, backwards[::-1]


@pytest.mark.parametrize("sort", ["source", "reference", "deadline", "updated"])
@pytest.mark.parametrize("first_read", [1, 16])
def test_following_the_links_shows_every_row_once_in_the_lists_order(
    office, force, scrutiny_officer, sort, first_read, monkeypatch
):
    """By source, pages are read a few sources at a time: `first_read` of them at first."""
    monkeypatch.setattr(keyset, "GROUPS_FIRST_READ", first_read)
    # Sources of 0 to 7 rows, two sharing a title, positions out of step with creation.
    sizes = [("Beta review", 4), ("Alpha inquiry", 7), ("Gamma audit", 0), ("Delta report", 1)]
    for title, size in sizes:
        source = SourceFactory(owner=office, title=title)
        for position in reversed(range(size)):
            # Every third without a deadline: those come last, on either database.
            deadline = None if position % 3 == 0 else datetime.date(2026, 1, 1 + position % 2)
            RecommendationFactory(source=source, position=position, deadline_on=deadline)
    # Another office's source of the same title, visible through the office's own actions.
    twin = SourceFactory(title="Alpha inquiry")
    for position in (2, 1):
        ActionFactory(
            recommendation=RecommendationFactory(source=twin, position=position), owner=office
        )
    RecommendationFactory(source=SourceFactory(owner=force), position=1)  # not visible

    recommendations = selectors.recommendation_filter(
        selectors.recommendation_list(user=scrutiny_officer), user=scrutiny_officer, sort=sort
    )
    expected = [r.pk for r in recommendations]
    assert len(expected) == 14
    if sort == "source":
        titles = [r.source.title for r in recommendations]
        assert titles == sorted(titles)
        # The two sources called "Alpha inquiry" are not interleaved.
        ids = [r.source_id for r in recommendations][:9]
        assert ids == sorted(ids)
    if sort == "deadline":
        assert [r.deadline_on for r in recommendations][-5:] == [None] * 5
    groups = selectors.recommendation_groups(user=scrutiny_officer, filters={"sort": sort})
    assert (groups is not None) == (sort == "source")
    for per_page in (1, 3, 5, 14, 50):
        keys = selectors.recommendation_sort(sort)
        forwards, backwards = _walk(recommendations, keys, per_page, groups)
        assert [pk for page in forwards for pk in page] == expected, per_page
        assert backwards == forwards, per_page


def test_action_pages_sorted_by_a_date_some_lack_follow_one_another(
    recommendation, force, scrutiny_officer
):
    for n in range(7):
        ActionFactory(
            recommendation=recommendation,
            owner=force,
            target_on=None if n % 2 else datetime.date(2026, 5, 1 + n % 3),
        )
    for sort in ("target", "updated"):
        actions = selectors.action_filter(selectors.action_list(user=scrutiny_officer), sort=sort)
        forwards, backwards = _walk(actions, selectors.action_sort(sort), 2)
        assert [pk for page in forwards for pk in page] == [a.pk for a in actions]
        assert backwards == forwards


def test_a_link_to_a_row_gone_since_or_mangled_starts_at_the_first_page(source, scrutiny_officer):
    made = [RecommendationFactory(source=source, position=n) for n in range(3)]
    recommendations = selectors.recommendation_filter(
        selectors.recommendation_list(user=scrutiny_officer), user=scrutiny_officer
    )
    keys = selectors.recommendation_sort()
    requests = RequestFactory()
    first = keyset_page(requests.get("/"), recommendations, keys, count=3, per_page=2)
    Recommendation.objects.filter(pk=made[2].pk).update(is_archived=True)
    gone = keyset_page(requests.get(first.next_query), recommendations, keys, count=2, per_page=2)
    assert [r.pk for r in gone] == [made[0].pk, made[1].pk]
    assert gone.number == 1
    for mangled in ("?after=not-a-key&page=9", "?before=WyJ4Il0&page=4"):
        page = keyset_page(requests.get(mangled), recommendations, keys, count=3, per_page=2)
        assert (page.number, [r.pk for r in page]) == (1, [made[0].pk, made[1].pk])


def _queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize(
    "url_name",
    [
        "recommendations:recommendation_list",
        "recommendations:action_list",
        "recommendations:dashboard",
        "recommendations:source_list",
        "recommendations:assessment_queue",
    ],
)
def test_list_pages_make_the_same_number_of_queries_for_3_or_30_rows(
    client, source, force, scrutiny_officer, url_name
):
    sign_in(client, scrutiny_officer)

    def add(n):
        for _ in range(n):
            ActionFactory(
                recommendation=RecommendationFactory(source=source),
                owner=force,
                delivery_status=DeliveryStatus.READY_FOR_ASSESSMENT,
                target_on=datetime.date(2020, 1, 1),
            )

    add(3)
    few = _queries_for(client, reverse(url_name))
    add(27)
    many = _queries_for(client, reverse(url_name))
    assert few == many


def test_detail_pages_make_the_same_number_of_queries_however_long_the_timeline(
    client, force_action, force_lead
):
    from answerable.recommendations import services

    sign_in(client, force_lead)
    url = reverse("recommendations:action_detail", args=[force_action.pk])
    services.update_post(actor=force_lead, action=force_action, narrative="One")
    few = _queries_for(client, url)
    for n in range(10):
        services.update_post(actor=force_lead, action=force_action, narrative=f"More {n}")
    assert _queries_for(client, url) == few


def test_the_action_timeline_shows_updates_assessments_date_changes_and_events(
    recommendation, force, force_lead, scrutiny_officer
):
    from answerable.recommendations import services

    action = services.action_create(
        actor=scrutiny_officer, recommendation=recommendation, owner=force, description="Train"
    )
    services.update_post(actor=force_lead, action=action, narrative="Half the officers trained")
    services.action_target_date_change(
        actor=force_lead,
        action=action,
        new_on=datetime.date(2026, 3, 31),
        reason="Trainer ill",
        expected_version=action.version,
    )
    services.assessment_record(
        actor=scrutiny_officer, action=action, verdict="not_assured", rationale="Too slow"
    )
    titles = [entry.title for entry in selectors.action_timeline(action=action)]
    assert titles == [
        "Assessment: Not assured",
        "Target date changed from none to 31 March 2026",
        "Progress update",
        "Action created",
    ]


@pytest.mark.parametrize("filters", [{"owner": "force"}, {"delivery_status": "off_track"}])
def test_filters_look_only_at_actions_the_user_may_see(
    client, council_lead, force, recommendation, force_action, council_action, filters
):
    """Filtering by the police as owner once told a council which of its recommendations the
    police act on too (issue #11): the council sees its own action only, so nothing matches."""
    force_action.delivery_status = "off_track"
    force_action.save()
    recommendation.reference = "R-FILTER-MARKER"
    recommendation.save()
    filters = {k: force if v == "force" else v for k, v in filters.items()}
    found = selectors.recommendation_filter(
        selectors.recommendation_list(user=council_lead), user=council_lead, **filters
    )
    assert list(found) == []
    query = {k: v.pk if k == "owner" else v for k, v in filters.items()}
    client.force_login(council_lead)
    api = client.get(reverse("api:recommendation-list"), query).json()
    assert api["results"] == []
    page = client.get(reverse("recommendations:recommendation_list"), query).content.decode()
    assert recommendation.reference not in page
    # Without the filter the council's own share of the recommendation is listed.
    listed = client.get(reverse("recommendations:recommendation_list")).content.decode()
    assert recommendation.reference in listed


@pytest.mark.parametrize("sort", ["source", "deadline", "updated"])
def test_a_list_filtered_by_delivery_status_lists_what_the_user_acts_on_in_any_order(
    client, council_lead, council_action, force, sort
):
    """Sorted other than by source, the filtered list tests each row against the rule by a
    hashed subquery (PostgreSQL): the same rows either way."""
    council_action.delivery_status = "off_track"
    council_action.save()
    council_action.recommendation.reference = "R-OWN-MARKER"
    council_action.recommendation.save()
    elsewhere = RecommendationFactory(source=SourceFactory(), reference="R-HIDDEN-MARKER")
    ActionFactory(recommendation=elsewhere, owner=force, delivery_status="off_track")
    client.force_login(council_lead)
    query = {"delivery_status": "off_track", "sort": sort}
    page = client.get(reverse("recommendations:recommendation_list"), query).content.decode()
    assert "R-OWN-MARKER" in page
    assert "R-HIDDEN-MARKER" not in page


def test_counts_by_assurance_built_once_answer_for_each_users_organisations(office, force, council):
    """The count's SQL is built once for each number of organisations and run with the
    organisations asked about, never with those it was first built for."""
    from answerable.recommendations.selectors.compiled import _compiled
    from answerable.recommendations.selectors.lists import (
        _counts_by_assurance_query,
        recommendation_counts_by_assurance,
    )

    elsewhere = SourceFactory()
    for owner, status in ((force, "assured"), (force, "not_assessed"), (council, "assured")):
        ActionFactory(
            recommendation=RecommendationFactory(source=elsewhere, assurance_status=status),
            owner=owner,
        )
    RecommendationFactory(source=SourceFactory(owner=office))
    _compiled.clear()
    for organisations in (
        frozenset({force.pk}),
        frozenset({council.pk}),
        frozenset({office.pk}),
        frozenset({force.pk, council.pk}),
        frozenset({office.pk, council.pk}),
        frozenset(),
    ):
        expected: dict[str, int] = {}
        for status, count in _counts_by_assurance_query(organisations):
            expected[status] = expected.get(status, 0) + count
        assert recommendation_counts_by_assurance(organisations) == expected, organisations
    assert recommendation_counts_by_assurance(frozenset({force.pk})) == {
        "assured": 1,
        "not_assessed": 1,
    }


def test_a_list_counted_as_its_first_page_is_read_counts_every_row(source, scrutiny_officer):
    """Without a count given, a first page counts its rows in the read; later pages count."""
    for position in range(5):
        RecommendationFactory(source=source, position=position)
    recommendations = selectors.recommendation_filter(
        selectors.recommendation_list(user=scrutiny_officer), user=scrutiny_officer
    )
    keys = selectors.recommendation_sort()
    requests = RequestFactory()
    with CaptureQueriesContext(connection) as first_queries:
        first = keyset_page(requests.get("/"), recommendations, keys, count=None, per_page=2)
    assert first.count == 5
    assert len(first_queries.captured_queries) == 2  # the keys and count, then the rows
    second = keyset_page(
        requests.get(first.next_query), recommendations, keys, count=None, per_page=2
    )
    assert (second.count, second.number) == (5, 2)
    none = keyset_page(
        requests.get("/"), recommendations.filter(pk=0), keys, count=None, per_page=2
    )
    assert (none.count, list(none)) == (0, [])


def test_a_search_among_few_sources_is_read_at_once(source, scrutiny_officer, monkeypatch):
    from answerable.recommendations.selectors import lists

    assert selectors.recommendation_groups(user=scrutiny_officer, filters={}) is not None
    assert selectors.recommendation_groups(user=scrutiny_officer, filters={"q": "word"}) is None
    monkeypatch.setattr(lists, "SEARCH_AT_ONCE_SOURCES", 0)
    groups = selectors.recommendation_groups(user=scrutiny_officer, filters={"q": "word"})
    assert groups is not None
    assert list(groups.parent_ids) == [source.pk]


def test_the_list_sources_are_every_visible_source_and_the_live_ones_as_options(
    office, scrutiny_officer
):
    beta = SourceFactory(owner=office, title="Beta")
    alpha = SourceFactory(owner=office, title="Alpha", is_archived=True)
    SourceFactory(title="Not ours")
    sources = selectors.recommendation_list_sources(user=scrutiny_officer)
    assert sources.ids == [alpha.pk, beta.pk]
    assert list(sources.options) == [(beta.pk, "Beta")]
