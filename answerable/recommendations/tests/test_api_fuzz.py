"""The API fuzzed against its own OpenAPI schema with schemathesis (issue #11).

Every GET operation the schema lists, the public API's too, gets requests built from the
schema (and requests that break it), sent by a signed-in scrutiny officer through the WSGI
app. None may end in a server error, and every answer must match the schema. The budget is
fixed and the examples derandomised, so CI sends the same requests each time.
"""

import datetime
from typing import Any

import pytest
import schemathesis
from django.conf import settings
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from answerable.core.testing import sign_in
from answerable.organisations.models import Organisation
from answerable.organisations.tests.factories import OrganisationFactory
from answerable.recommendations.tests.factories import (
    ActionFactory,
    RecommendationFactory,
    SourceFactory,
)

# Per operation and mode: 4 operations x (25 + 25) requests run in a few seconds.
EXAMPLES = 25
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
FUZZ_SETTINGS = hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,  # the first request of a run warms caches; the budget bounds the run
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
OPERATIONS = {
    "GET /api/v1/recommendations/",
    "GET /api/v1/recommendations/{id}/",
    "GET /api/v1/actions/",
    "GET /api/v1/actions/{id}/",
}


@pytest.fixture
def register(office, force, council):
    """A small register: two sources, recommendations with and without actions, an archived
    owner, dates and statuses of several kinds."""
    other_office = OrganisationFactory(name="Other PCC", kind=Organisation.Kind.PCC_OFFICE)
    recommendations = []
    for number, owner in enumerate((office, office, other_office)):
        source = SourceFactory(owner=owner, title=f"Report {number} \u2013 \u201cquoted\u201d")
        for position in range(3):
            recommendations.append(
                RecommendationFactory(
                    source=source,
                    position=position,
                    reference=f"R{position}",
                    deadline_on=datetime.date(2025, 1 + position, 28) if position else None,
                )
            )
    statuses = ["not_started", "off_track", "completed"]
    for index, recommendation in enumerate(recommendations[:6]):
        ActionFactory(
            recommendation=recommendation,
            owner=force if index % 2 else council,
            delivery_status=statuses[index % 3],
            target_on=datetime.date(2025, 6, 30) if index % 2 else None,
        )
    return recommendations


@pytest.fixture
def wsgi_app():
    """The app as a server runs it, less the closing of database connections at the end of
    each request, which Django's test client leaves out too: on PostgreSQL it would end the
    test's transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _session_cookie(client, user) -> dict[str, str]:
    sign_in(client, user)
    name = settings.SESSION_COOKIE_NAME
    return {name: client.cookies[name].value}


def _schema(app) -> Any:
    raw = SchemaGenerator().get_schema(request=None, public=True)
    schema = schemathesis.openapi.from_dict(raw)
    schema.app = app
    return schema


def test_the_api_never_answers_with_a_server_error_and_matches_its_schema(
    client, register, scrutiny_officer, wsgi_app
):
    cookie = _session_cookie(client, scrutiny_officer)
    operations = [result.ok() for result in _schema(wsgi_app).get_all_operations()]
    assert {f"{op.method.upper()} {op.path}" for op in operations} >= OPERATIONS
    known_ids = {
        "/recommendations/{id}/": [r.pk for r in register],
        "/actions/{id}/": [a.pk for r in register for a in r.actions.all()],
    }
    for operation in operations:
        assert operation.method.upper() == "GET", "fuzz only safe operations"
        strategies = [operation.as_strategy(mode) for mode in GenerationMode]
        for end, ids in known_ids.items():
            if operation.path.endswith(end):
                strategies.append(
                    st.sampled_from(ids).flatmap(
                        lambda pk, op=operation: op.as_strategy(path_parameters={"id": pk})
                    )
                )
        for strategy in strategies:

            @FUZZ_SETTINGS
            @given(case=strategy)
            def fuzz(case: schemathesis.Case) -> None:
                case.call_and_validate(cookies=cookie, checks=CHECKS)

            fuzz()


def test_the_fuzzed_requests_are_signed_in(client, register, scrutiny_officer, wsgi_app):
    """Guards the test above: a cookie that no longer signed in would fuzz only the 403 page."""
    cookie = _session_cookie(client, scrutiny_officer)
    operation = _schema(wsgi_app)["/api/v1/recommendations/"]["GET"]
    response = operation.Case().call(cookies=cookie)
    assert response.status_code == 200
    assert response.json()["count"] == 6
