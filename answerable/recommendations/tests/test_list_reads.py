"""A list by source read a few sources at a time (issue #12): each read applies the visibility
rule for its sources alone, and a search's words are looked up once for all the reads."""

import dataclasses
import datetime
from operator import attrgetter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from answerable.core import keyset, prepared_rows
from answerable.core.testing import sign_in
from answerable.organisations.tests.factories import OrganisationFactory
from answerable.recommendations.models import Action, Recommendation, Source
from answerable.recommendations.selectors import lists
from answerable.recommendations.selectors.register import action_list, recommendation_list
from answerable.recommendations.tests.factories import (
    ActionFactory,
    RecommendationFactory,
    SourceFactory,
    ThemeFactory,
)

API_LIST = "/api/v1/recommendations/"


@pytest.fixture
def many_sources(monkeypatch, office, force):
    """Twenty sources read two at a time, a search read by source as among thousands: the
    force acts on one recommendation in every other source."""
    monkeypatch.setattr(keyset, "GROUPS_FIRST_READ", 2)
    monkeypatch.setattr(lists, "SEARCH_AT_ONCE_SOURCES", 0)
    acted_on = set()
    for n in range(20):
        source = SourceFactory(owner=office, title=f"Inquiry {n:02}")
        first = RecommendationFactory(
            source=source, reference=f"{n:02}-A", text="Find missing children sooner."
        )
        RecommendationFactory(source=source, reference=f"{n:02}-B", text="Train staff.")
        if n % 2:
            ActionFactory(recommendation=first, owner=force)
            acted_on.add(first.reference)
    return acted_on


def _listed(client, user, query: str = "", page_size: int = 7) -> tuple[list[str], int]:
    """The references on every page of the list through the API, following its next links,
    and the queries its first page ran."""
    sign_in(client, user)
    params = {"page_size": page_size, **({"q": query} if query else {})}
    with CaptureQueriesContext(connection) as first:
        body = client.get(API_LIST, params).json()
    references = [row["reference"] for row in body["results"]]
    while body["next"]:
        body = client.get(body["next"]).json()
        references += [row["reference"] for row in body["results"]]
    return references, len(first.captured_queries)


def test_the_list_page_reads_by_source_as_the_api_does(client, many_sources, force_lead):
    sign_in(client, force_lead)
    page = client.get(reverse("recommendations:recommendation_list")).content.decode()
    for n in range(20):
        assert (f"{n:02}-A" in page) == (f"{n:02}-A" in many_sources)
        assert f"{n:02}-B" not in page


def test_a_partner_reading_by_source_sees_only_what_it_acts_on(client, many_sources, force_lead):
    references, _ = _listed(client, force_lead)
    assert sorted(references) == sorted(many_sources)


def test_the_office_reading_by_source_sees_every_row_in_order(
    client, many_sources, scrutiny_officer
):
    references, _ = _listed(client, scrutiny_officer)
    assert references == [f"{n:02}-{part}" for n in range(20) for part in "AB"]


def test_a_search_read_by_source_finds_words_and_titles(client, many_sources, scrutiny_officer):
    found, _ = _listed(client, scrutiny_officer, "missing children")
    assert found == [f"{n:02}-A" for n in range(20)]
    titled, _ = _listed(client, scrutiny_officer, "inquiry 07 staff")
    assert titled == ["07-B"]
    assert _listed(client, scrutiny_officer, "inquiry")[0] == [
        f"{n:02}-{part}" for n in range(20) for part in "AB"
    ]


def test_a_search_costs_the_same_queries_however_many_reads_it_takes(
    client, many_sources, scrutiny_officer, monkeypatch
):
    """The rows the first page needs lie in the first two sources, or spread over all twenty
    (several reads): only the reads themselves are added, never a word's look-up."""
    _, few = _listed(client, scrutiny_officer, "missing", page_size=100)
    monkeypatch.setattr(keyset, "GROUPS_FIRST_READ", 20)
    _, at_once = _listed(client, scrutiny_officer, "missing", page_size=100)
    # Twenty sources read 2, 4, 8 then 16 at a time: four reads, against one.
    assert few == at_once + 3


def test_a_search_read_by_source_counts_up_to_a_limit_then_says_more(
    client, many_sources, scrutiny_officer, monkeypatch
):
    """Twenty matches counted up to five: the page says "more than 5" and offers them all
    for download; counted up to twenty, it says how many."""
    sign_in(client, scrutiny_officer)
    url = reverse("recommendations:recommendation_list")
    monkeypatch.setattr(lists, "SEARCH_COUNTED_UP_TO", 5)
    page = client.get(url, {"q": "missing"}).content.decode()
    assert 'id="result-count">More than 5 recommendations<' in page
    assert "Download all the matching recommendations as" in page
    assert all(f"{n:02}-A" in page for n in range(20))

    monkeypatch.setattr(lists, "SEARCH_COUNTED_UP_TO", 20)
    page = client.get(url, {"q": "missing"}).content.decode()
    assert 'id="result-count">20 recommendations<' in page
    assert "Download all 20 matching recommendations as" in page


def test_pages_of_a_list_counted_only_so_far_are_numbered_without_a_total():
    counted = keyset.KeysetPage([], 2, 120, 50, "?before=x&page=1", "?after=y&page=3")
    assert [link["labelText"] for link in keyset.keyset_pagination_params(counted).values()] == [
        "1 of 3",
        "3 of 3",
    ]
    so_far = dataclasses.replace(counted, count_is_exact=False)
    assert [link["labelText"] for link in keyset.keyset_pagination_params(so_far).values()] == [
        "Page 1",
        "Page 3",
    ]


def test_a_list_read_by_source_builds_its_whole_rows_only_to_count_them(rf, many_sources):
    """Read a few sources at a time with its count known, a page never needs the list's rows
    as one queryset (the register's rule over every source); counted, it builds them once."""
    built = []

    def every_row():
        built.append("built")
        return Recommendation.objects.all()

    source_ids = list(Source.objects.order_by("title", "id").values_list("pk", flat=True))
    groups = keyset.Groups(
        "source_id", source_ids, lambda ids: Recommendation.objects.filter(source_id__in=ids)
    )
    keys = lists.recommendation_sort("source")
    rows = keyset.LazyRows(Recommendation, every_row)

    page = keyset.keyset_page(rf.get("/"), rows, keys, count=40, per_page=5, groups=groups)
    assert [row.reference for row in page] == ["00-A", "00-B", "01-A", "01-B", "02-A"]
    following = keyset.keyset_page(
        rf.get("/" + page.next_query), rows, keys, count=40, per_page=5, groups=groups
    )
    assert [row.reference for row in following] == ["02-B", "03-A", "03-B", "04-A", "04-B"]
    assert built == []

    counted = keyset.keyset_page(rf.get("/"), rows, keys, count=None, per_page=5, groups=groups)
    assert (counted.count, built) == (40, ["built"])


def _pages(rf, rows, keys, groups=None, *, per_page=3, label=attrgetter("reference")):
    """Every page's rows (their references) forwards, then back from the last through
    previous links."""
    forwards, backwards = [], []
    page = keyset.keyset_page(rf.get("/"), rows, keys, count=40, per_page=per_page, groups=groups)
    while True:
        forwards.append([label(row) for row in page])
        if page.next_query is None:
            break
        page = keyset.keyset_page(
            rf.get("/" + page.next_query), rows, keys, count=40, per_page=per_page, groups=groups
        )
    while page.previous_query is not None:
        page = keyset.keyset_page(
            rf.get("/" + page.previous_query),
            rows,
            keys,
            count=40,
            per_page=per_page,
            groups=groups,
        )
        backwards.insert(0, [label(row) for row in page])
    return forwards, [*backwards, forwards[-1]]


def _in_status(status: str, updated_after):
    return Recommendation.objects.filter(assurance_status=status, updated_at__gt=updated_after)


def test_a_named_list_reads_the_pages_its_queryset_gives_for_each_of_its_values(
    rf, many_sources, office, monkeypatch
):
    """Named, a list's key rows are read with SQL built once a shape (core.prepared): each
    read runs with its own values (a status, a time, the row a page starts after), by sorts
    on texts, days and times, read at once or a few sources at a time."""
    monkeypatch.setattr(keyset, "GROUPS_FIRST_READ", 3)  # reads of 3, 6, 12 sources
    for n in range(20, 23):  # 23 sources, so the last read from a row finds a few
        source = SourceFactory(owner=office, title=f"Inquiry {n:02}")
        RecommendationFactory(source=source, reference=f"{n:02}-A")
        RecommendationFactory(source=source, reference=f"{n:02}-B")
    Recommendation.objects.filter(reference__endswith="-B").update(assurance_status="assured")
    source_ids = list(Source.objects.order_by("title", "id").values_list("pk", flat=True))
    long_ago = Recommendation.objects.order_by("updated_at").first().updated_at.replace(year=2000)

    def under(ids, status, after):
        return _in_status(status, after).filter(source_id__in=ids)

    for status in ("assured", "not_assessed"):
        for sort in ("source", "deadline", "updated", "reference"):
            keys = lists.recommendation_sort(sort)
            groups = keyset.Groups("source_id", source_ids, under) if sort == "source" else None
            named = keyset.LazyRows(
                Recommendation, _in_status, (status, long_ago), name="test_in_status"
            )
            plain = keyset.LazyRows(Recommendation, lambda s=status: _in_status(s, long_ago))
            expected = _pages(
                rf,
                plain,
                keys,
                groups
                and dataclasses.replace(groups, rows=lambda ids, s=status: under(ids, s, long_ago)),
            )
            assert _pages(rf, named, keys, groups) == expected
            shown = {ref for page in expected[0] for ref in page}
            assert len(shown) == 23
            assert {ref[-1] for ref in shown} == {"B" if status == "assured" else "A"}
    # Reads from any row read a few sources, padded to a power of two: a plan for each
    # count would grow with the list.
    parents_read = {
        kinds[0]
        for name, _database, kinds in prepared_rows._plans
        if name.startswith("keyset:test_in_status") and name.rsplit(":", 3)[1] == "True"
    }
    assert parents_read
    assert parents_read <= {1, 2, 4, 8, 16}


def test_the_action_list_reads_what_its_filters_find_over_the_actions_the_user_may_see(
    rf, office, force, force_lead, scrutiny_officer
):
    """The action list's rows, named (SQL built once a shape), are those `action_filter`
    finds among the user's visible actions, for each filter and sort, page by page; its
    count from the tallies says how many."""
    today = timezone.localdate()
    other_force = OrganisationFactory(name="Another force")
    for n in range(12):
        ActionFactory(
            recommendation=RecommendationFactory(
                source=SourceFactory(owner=office), reference=f"R{n:02}"
            ),
            owner=force if n % 3 else other_force,
            delivery_status="on_track" if n % 2 else "off_track",
            target_on=None if n % 5 == 0 else today + datetime.timedelta(days=n - 6),
        )
    unseen = ActionFactory(owner=other_force, recommendation__reference="Z99")
    cases = [
        {},
        {"sort": "updated"},
        {"sort": "owner", "delivery_status": "off_track"},
        {"due": "overdue"},
        {"due": "overdue", "owner": force, "sort": "reference"},
        {"assurance_status": "not_assessed", "sort": "status"},
        {"due": "30_days"},
        {"due": "30_days", "delivery_status": "on_track", "sort": "owner"},
    ]
    for user in (force_lead, scrutiny_officer):
        for filters in cases:
            keys = lists.action_sort(filters.get("sort", ""))
            named = lists.action_list_filtered(user=user, filters=filters)
            assert named.name
            plain = keyset.LazyRows(
                Action, lambda f=filters, u=user: lists.action_filter(action_list(user=u), **f)
            )
            forwards, backwards = _pages(rf, named, keys, per_page=2, label=attrgetter("pk"))
            assert (forwards, backwards) == _pages(
                rf, plain, keys, per_page=2, label=attrgetter("pk")
            )
            assert forwards == backwards
            shown = [pk for page in forwards for pk in page]
            assert unseen.pk not in shown
            assert shown, filters
            if "due" not in filters:  # counted from the tallies, as many as listed
                assert lists.action_count(user=user, filters=filters) == len(shown)


def test_a_filtered_register_list_counts_as_many_as_its_pages_show(
    rf, office, force, force_lead, scrutiny_officer
):
    """A named register list counted apart from its reads (by source, or a later page of
    another sort), with SQL built once a shape, says how many rows its pages show."""
    theme = ThemeFactory(office=office, name="Missing children")
    other_force = OrganisationFactory(name="Another force")
    sources = [SourceFactory(owner=office, title=f"Inquiry {n}") for n in range(3)]
    for n in range(12):
        recommendation = RecommendationFactory(
            source=sources[n % 3],
            reference=f"C{n:02}",
            finding_type="area_for_improvement" if n % 4 else "recommendation",
        )
        if n % 3 == 1:
            recommendation.themes.add(theme)
        if n % 2:
            ActionFactory(
                recommendation=recommendation,
                owner=force if n % 3 else other_force,
                delivery_status="off_track" if n % 5 else "on_track",
            )
    cases = [
        {},
        {"owner": force},
        {"delivery_status": "off_track"},
        {"theme": theme},
        {"finding_type": "area_for_improvement", "sort": "deadline"},
        {"owner": force, "sort": "reference"},
        {"source": sources[1], "theme": theme},
        {"assurance_status": "not_assessed", "sort": "updated"},
    ]
    for user in (force_lead, scrutiny_officer):
        among = lists.recommendation_list_sources(user=user)
        for filters in cases:
            listed = lists.recommendation_list_filtered(user=user, filters=filters, sources=among)
            assert listed.rows.name
            expected = lists.recommendation_filter(
                recommendation_list(user=user), user=user, **filters
            ).count()

            def page_of(query, listed=listed, filters=filters):
                keys = lists.recommendation_sort(filters.get("sort", ""))
                return keyset.keyset_page(
                    rf.get("/" + query),
                    listed.rows,
                    keys,
                    count=None,
                    per_page=2,
                    groups=listed.groups,
                )

            page = page_of("")
            counts, shown = {page.count}, len(page)
            while page.next_query:
                page = page_of(page.next_query)
                counts.add(page.count)
                shown += len(page)
            assert counts == {shown} == {expected}, (user, filters)
            assert shown, (user, filters)
    counted_apart = {name for name, _database, _kinds in prepared_rows._plans}
    assert any(name.startswith("keyset-count:register:") for name in counted_apart)
