import datetime

import pytest

from answerable.recommendations import services
from answerable.recommendations.models import DeliveryStatus, Evidence
from answerable.recommendations.services import EvidenceInput
from answerable.recommendations.tests.factories import ActionFactory, RecommendationFactory
from answerable.reports.tests.helpers import INTERNAL, SECRET, today


@pytest.fixture
def register(source, force, council, force_lead, council_lead, scrutiny_officer):
    """Three recommendations: one completed in the period, one moved, one open."""
    completed = ActionFactory(recommendation=RecommendationFactory(source=source), owner=force)
    services.update_post(
        actor=force_lead,
        action=completed,
        narrative=INTERNAL,
        status=DeliveryStatus.COMPLETED,
        evidence=[
            EvidenceInput(
                title=SECRET,
                marking=Evidence.Marking.OFFICIAL_SENSITIVE,
                link="https://example.org/a",
            ),
            EvidenceInput(
                title="Published training plan",
                marking=Evidence.Marking.OFFICIAL,
                is_published=True,
                link="https://example.org/b",
            ),
        ],
    )
    moved = ActionFactory(recommendation=RecommendationFactory(source=source), owner=council)
    services.action_target_date_change(
        actor=scrutiny_officer,
        action=moved,
        new_on=today() + datetime.timedelta(days=90),
        reason="Waiting for the new case system",
        expected_version=moved.version,
    )
    ActionFactory(recommendation=RecommendationFactory(source=source), owner=force)
    return source
