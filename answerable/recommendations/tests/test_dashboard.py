"""The dashboard's reads: what it leaves unread when the tallies show there is nothing there
(issue #12)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from answerable.recommendations import selectors
from answerable.recommendations.models import AssuranceStatus


def test_the_dashboard_ranks_sources_only_from_the_halves_that_have_actions(
    force_action, scrutiny_officer, force_lead
):
    """An office's own sources are ranked from their tallies, a partner's from its actions;
    the action tallies tell each dashboard which half is empty, so it is not read."""
    title = force_action.recommendation.source.title
    with CaptureQueriesContext(connection) as office:
        summary = selectors.dashboard_summary(user=scrutiny_officer)
    assert ([t for _pk, t, _counts in summary.source_matrix], summary.source_count) == ([title], 1)
    ranked = [q["sql"] for q in office.captured_queries if "not_assured" in q["sql"]]
    assert len(ranked) == 1
    assert "sourceactiontally" in ranked[0]
    with CaptureQueriesContext(connection) as partner:
        summary = selectors.dashboard_summary(user=force_lead)
    assert ([t for _pk, t, _counts in summary.source_matrix], summary.source_count) == ([title], 1)
    assert summary.source_matrix[0][2] == {AssuranceStatus.NOT_ASSESSED: 1}
    assert not [q for q in partner.captured_queries if "sourceactiontally" in q["sql"]]
