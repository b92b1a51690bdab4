"""With DJANGO_CACHE_URL naming a Redis server, kept pages live there, where every worker
reads them (ADR 0008). CI sets ANSWERABLE_REQUIRE_REDIS=1; elsewhere the test skips, with its
reason, when no Redis answers."""

import os
import uuid

import pytest
import redis
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from answerable.core.testing import sign_in
from answerable.recommendations import services
from answerable.recommendations.models import DeliveryStatus

REDIS_URL = os.environ.get("ANSWERABLE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def shared_cache(settings):
    server = redis.Redis.from_url(REDIS_URL)
    try:
        server.ping()
    except redis.ConnectionError:
        reason = f"no Redis at {REDIS_URL}"
        if os.environ.get("ANSWERABLE_REQUIRE_REDIS") == "1":
            pytest.fail(f"{reason} (ANSWERABLE_REQUIRE_REDIS=1)", pytrace=False)
        pytest.skip(reason)
    # A prefix of the test's own, so runs side by side neither share nor clear each other's.
    prefix = f"answerable-test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    yield server, prefix
    for key in server.scan_iter(f"{prefix}:*"):
        server.delete(key)


def test_a_page_kept_in_redis_serves_another_session_until_the_next_change(
    shared_cache, force_lead, force_action
):
    server, prefix = shared_cache
    url = force_action.get_absolute_url()
    first, second = (sign_in(Client(), force_lead) for _ in range(2))
    with CaptureQueriesContext(connection) as drawn:
        first.get(url)
    assert server.keys(f"{prefix}:*")  # outside this process, for every worker
    with CaptureQueriesContext(connection) as served:
        page = second.get(url).content.decode()
    assert len(served) < len(drawn)
    assert "<!--answerable:" not in page

    services.update_post(
        actor=force_lead,
        action=force_action,
        narrative="Interviews under way",
        status=DeliveryStatus.ON_TRACK,
    )
    assert "Interviews under way" in second.get(url).content.decode()
