import os

import pytest
from django.db import connection

from answerable.organisations.models import Membership, Organisation
from answerable.organisations.tests.factories import OrganisationFactory, member
from answerable.recommendations.tests.factories import (
    ActionFactory,
    RecommendationFactory,
    SourceFactory,
)

# `oidc_provider`: a real OpenID Connect provider on loopback, for the single sign-on tests.
pytest_plugins = ["tests.oidc_provider.fixtures"]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache, so a chart or publication drawn by an earlier
    test is drawn again."""
    from django.core.cache import cache

    cache.clear()


# --- transactional tests on SQLite ---------------------------------------------------------
# After a transactional test Django empties every table; on SQLite it does so with DELETE, which
# the audit tables refuse unless the connection holds the temporary table audit_maintenance
# (ADR 0011). Hold it for that teardown only. PostgreSQL empties tables with TRUNCATE.
TRANSACTIONAL_FIXTURES = {"transactional_db", "live_server", "django_db_reset_sequences"}


def _empties_tables_with_delete(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    transactional = bool(
        marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences"))
    )
    uses_fixture = bool(TRANSACTIONAL_FIXTURES & set(getattr(item, "fixturenames", ())))
    return (transactional or uses_fixture) and connection.vendor == "sqlite"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):
    # The DB-API connection, not Django's: pytest-django blocks Django's database access
    # whenever no test holds it (a test skipped before its fixtures, or after the flush).
    raw = connection.connection if _empties_tables_with_delete(item) else None
    if raw is None:
        return (yield)
    raw.execute("CREATE TEMP TABLE IF NOT EXISTS audit_maintenance (reason TEXT)")
    try:
        return (yield)
    finally:
        raw.execute("DROP TABLE IF EXISTS temp.audit_maintenance")


@pytest.fixture
def office(db) -> Organisation:
    return OrganisationFactory(name="Office of the PCC", kind=Organisation.Kind.PCC_OFFICE)


@pytest.fixture
def force(office) -> Organisation:
    return OrganisationFactory(
        name="Shire Police", kind=Organisation.Kind.POLICE_FORCE, office=office
    )


@pytest.fixture
def council(office) -> Organisation:
    return OrganisationFactory(
        name="Shire Council", kind=Organisation.Kind.LOCAL_AUTHORITY, office=office
    )


@pytest.fixture
def scrutiny_officer(office):
    return member(office, Membership.Role.SCRUTINY_OFFICER, full_name="Sam Scrutiny")


@pytest.fixture
def force_lead(force):
    return member(force, Membership.Role.LEAD_OFFICER, full_name="Lee Lead")


@pytest.fixture
def council_lead(council):
    return member(council, Membership.Role.LEAD_OFFICER, full_name="Cat Council")


@pytest.fixture
def source(office):
    return SourceFactory(owner=office)


@pytest.fixture
def recommendation(source):
    return RecommendationFactory(source=source)


@pytest.fixture
def force_action(recommendation, force):
    return ActionFactory(recommendation=recommendation, owner=force)


@pytest.fixture
def council_action(recommendation, council):
    return ActionFactory(recommendation=recommendation, owner=council)


# --- browser tests ------------------------------------------------------------------------
# Locally a missing chromium skips the `browser` tests with a reason; CI sets
# ANSWERABLE_REQUIRE_BROWSER=1 so that a missing chromium fails the run instead.
CHROMIUM_PATH = "/usr/bin/chromium"
CHROMIUM_MISSING = (
    f"chromium not found at {CHROMIUM_PATH}: install Debian's chromium package to run browser tests"
)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("browser") is None:
        return
    if os.path.isfile(CHROMIUM_PATH) and os.access(CHROMIUM_PATH, os.X_OK):
        return
    if os.environ.get("ANSWERABLE_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{CHROMIUM_MISSING} (ANSWERABLE_REQUIRE_BROWSER=1)", pytrace=False)
    pytest.skip(CHROMIUM_MISSING)
