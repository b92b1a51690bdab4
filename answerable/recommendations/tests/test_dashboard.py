"""The dashboard's reads: what it leaves unread when the tallies show there is nothing there
(issue #12)."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from answerable.accounts.models import User
from answerable.organisations.models import Membership, Organisation
from answerable.organisations.tests.factories import OrganisationFactory, member
from answerable.recommendations import selectors
from answerable.recommendations.models import AssuranceStatus, Source
from answerable.recommendations.tests.factories import (
    ActionFactory,
    RecommendationFactory,
    SourceFactory,
)


def test_the_dashboard_ranks_sources_only_from_the_halves_that_have_actions(
    force_action, scrutiny_officer, force_lead
):
    """An office's own sources are ranked from their tallies, a partner's from the partners'
    tallies; the action tallies tell each dashboard which half is empty, so it is not read."""
    own, partners = '"recommendations_sourceactiontally"', "partnersourceactiontally"
    title = force_action.recommendation.source.title
    with CaptureQueriesContext(connection) as office:
        summary = selectors.dashboard_summary(user=scrutiny_officer)
    assert ([t for _pk, t, _counts in summary.source_matrix], summary.source_count) == ([title], 1)
    ranked = [q["sql"] for q in office.captured_queries if "not_assured" in q["sql"]]
    assert len(ranked) == 1
    assert own in ranked[0]
    assert partners not in ranked[0]
    with CaptureQueriesContext(connection) as partner:
        summary = selectors.dashboard_summary(user=force_lead)
    assert ([t for _pk, t, _counts in summary.source_matrix], summary.source_count) == ([title], 1)
    assert summary.source_matrix[0][2] == {AssuranceStatus.NOT_ASSESSED: 1}
    ranked = [q["sql"] for q in partner.captured_queries if "not_assured" in q["sql"]]
    assert len(ranked) == 1
    assert partners in ranked[0]
    assert own not in ranked[0]


def test_two_offices_dashboards_each_show_only_their_own_register(
    office, force, force_action, scrutiny_officer
):
    """The dashboard's SQL is built once per number of organisations and run with each
    user's own: two offices of one organisation each see their own sources and counts."""
    other_office = OrganisationFactory(name="Other PCC", kind=Organisation.Kind.PCC_OFFICE)
    other_officer = member(other_office, Membership.Role.SCRUTINY_OFFICER)
    other_source = SourceFactory(
        owner=other_office,
        title="Elsewhere review",
        published_on=datetime.date(2025, 1, 6),
        deadline_rule=Source.DeadlineRule.S55,
    )
    other_force = OrganisationFactory(name="Other Police", office=other_office)
    recommendation = RecommendationFactory(source=other_source)
    ActionFactory(recommendation=recommendation, owner=other_force)
    ActionFactory(recommendation=recommendation, owner=other_force, assurance_status="assured")

    ours = selectors.dashboard_summary(user=scrutiny_officer)
    theirs = selectors.dashboard_summary(user=other_officer)

    assert [(title, counts) for _pk, title, counts in ours.source_matrix] == [
        (force_action.recommendation.source.title, {AssuranceStatus.NOT_ASSESSED: 1})
    ]
    assert [(title, counts) for _pk, title, counts in theirs.source_matrix] == [
        ("Elsewhere review", {AssuranceStatus.NOT_ASSESSED: 1, AssuranceStatus.ASSURED: 1})
    ]
    assert [name for name, _counts in ours.owner_matrix] == [force.name]
    assert [name for name, _counts in theirs.owner_matrix] == ["Other Police"]
    assert [source.title for source in theirs.statutory] == ["Elsewhere review"]
    assert other_source.title not in [source.title for source in ours.statutory]


def test_the_dashboard_makes_as_many_queries_for_twelve_sources_as_for_one(
    office, force, scrutiny_officer, force_lead
):
    """Each ranked source carries its counts by status: no query a source."""

    def queries() -> list[int]:
        counts = []
        for user in (scrutiny_officer, force_lead):
            with CaptureQueriesContext(connection) as captured:
                selectors.dashboard_summary(user=user, today=datetime.date(2030, 1, 1))
            counts.append(len(captured.captured_queries))
        return counts

    def add_source(index: int) -> None:
        recommendation = RecommendationFactory(
            source=SourceFactory(owner=office, title=f"S{index:02}")
        )
        ActionFactory(
            recommendation=recommendation, owner=force, target_on=datetime.date(2029, 1, index)
        )

    add_source(1)
    queries()  # each user's memberships are read once, then kept on the user
    one = queries()
    for index in range(2, 13):
        add_source(index)
    assert queries() == one
    summary = selectors.dashboard_summary(user=force_lead, today=datetime.date(2030, 1, 1))
    assert (summary.source_count, summary.overdue_count, len(summary.overdue)) == (12, 12, 10)
    assert [action.target_on.day for action in summary.overdue] == list(range(1, 11))


def test_a_lead_officers_due_counts_follow_the_day_and_their_own_force(
    office, force, council, force_lead, council_lead
):
    """The due counts' and overdue list's SQL is built once and run with each request's day
    and organisations: an action due soon on one day is overdue on a later one, from this
    month's actions and then from the tallies of earlier months, and only its own force's
    lead officer counts it."""
    recommendation = RecommendationFactory(source=SourceFactory(owner=office))
    action = ActionFactory(
        recommendation=recommendation,
        owner=force,
        delivery_status="on_track",
        target_on=datetime.date(2030, 1, 20),
    )

    def due(user: User, today: datetime.date) -> tuple[int, int, list[int]]:
        summary = selectors.dashboard_summary(user=user, today=today)
        return summary.overdue_count, summary.due_soon_count, [a.pk for a in summary.overdue]

    assert due(force_lead, datetime.date(2030, 1, 10)) == (0, 1, [])
    assert due(force_lead, datetime.date(2030, 1, 25)) == (1, 0, [action.pk])
    assert due(force_lead, datetime.date(2030, 2, 15)) == (1, 0, [action.pk])
    assert due(council_lead, datetime.date(2030, 2, 15)) == (0, 0, [])
    assert due(force_lead, datetime.date(2030, 1, 10)) == (0, 1, [])
