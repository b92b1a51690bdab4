"""Liveness and readiness: a status code and one word for everyone, details for operators."""

import datetime
import socket
import subprocess
import sys

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from answerable.core.testing import sign_in
from answerable.imports.models import ImportJob
from answerable.imports.tests.factories import ImportJobFactory
from answerable.operations.tests.helpers import database_unreachable, redis_on_closed_port
from answerable.organisations.tests.factories import UserFactory

TOKEN = "operations-test-token-0123456789"


@pytest.fixture(autouse=True)
def _token(settings):
    settings.ANSWERABLE_OPERATIONS_TOKEN = TOKEN


def bearer(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_liveness_answers_without_asking_the_database(client):
    """No `db` fixture here: any query would raise."""
    response = client.get("/healthz/live")
    assert (response.status_code, response.content) == (200, b"ok")
    assert "no-cache" in response["Cache-Control"]


def test_liveness_answers_while_the_database_is_down(client, db):
    with database_unreachable():
        response = client.get("/healthz/live")
    assert (response.status_code, response.content) == (200, b"ok")


def test_readiness_says_ok_and_nothing_more_to_the_public(client, db):
    response = client.get("/healthz/ready")
    assert (response.status_code, response.content) == (200, b"ok")
    assert response["Content-Type"].startswith("text/plain")


def test_readiness_with_the_token_says_what_each_check_found(client, db):
    response = client.get("/healthz/ready", headers=bearer())
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "uploads_disk", "worker"}
    assert all(check["status"] == "ok" for check in body["checks"].values())


def test_readiness_fails_while_the_database_is_down_and_says_only_unavailable(client, db):
    with database_unreachable():
        response = client.get("/healthz/ready")
    assert (response.status_code, response.content) == (503, b"unavailable")


def test_the_token_shows_the_database_and_what_depends_on_it_failing(client, db):
    with database_unreachable():
        response = client.get("/healthz/ready", headers=bearer())
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"]["status"] == "unavailable"
    assert "OperationalError" in checks["database"]["detail"]
    assert checks["worker"]["status"] == "unavailable"
    assert checks["cache"]["status"] == "ok"


def test_readiness_fails_while_the_cache_is_down(client, db, settings):
    settings.CACHES = redis_on_closed_port()
    response = client.get("/healthz/ready")
    assert (response.status_code, response.content) == (503, b"unavailable")
    detailed = client.get("/healthz/ready", headers=bearer()).json()["checks"]
    assert detailed["cache"]["status"] == "unavailable"
    assert "ConnectionError" in detailed["cache"]["detail"]
    assert detailed["database"]["status"] == "ok"


def test_a_wrong_or_unset_token_shows_no_details(client, db, settings):
    with database_unreachable():
        wrong = client.get("/healthz/ready", headers=bearer("not-the-token"))
    assert (wrong.status_code, wrong.content) == (503, b"unavailable")
    settings.ANSWERABLE_OPERATIONS_TOKEN = ""
    empty = client.get("/healthz/ready", headers={"Authorization": "Bearer "})
    assert empty.content == b"ok"


def test_a_signed_in_system_administrator_sees_the_details(client, db):
    sign_in(client, UserFactory(is_system_administrator=True))
    response = client.get("/healthz/ready")
    assert response.json()["checks"]["database"]["status"] == "ok"


def test_a_system_administrator_without_their_second_factor_sees_only_the_word(client, db):
    client.force_login(UserFactory(is_system_administrator=True))
    assert client.get("/healthz/ready").content == b"ok"


def test_other_signed_in_people_see_only_the_word(client, scrutiny_officer):
    sign_in(client, scrutiny_officer)
    assert client.get("/healthz/ready").content == b"ok"


def test_the_health_endpoints_skip_the_two_factor_step(client, scrutiny_officer):
    """A scrutiny officer must set up two-factor before any register page, but not here."""
    client.force_login(scrutiny_officer)
    assert client.get("/register/").status_code == 302
    assert client.get("/healthz/live").status_code == 200
    assert client.get("/healthz/ready").status_code == 200


def test_readiness_fails_when_the_uploads_disk_is_short_of_space(client, db, settings):
    settings.ANSWERABLE_MIN_FREE_DISK_MB = 10**12  # a million terabytes
    response = client.get("/healthz/ready", headers=bearer())
    assert response.status_code == 503
    assert response.json()["checks"]["uploads_disk"]["status"] == "unavailable"
    assert "MB free" in response.json()["checks"]["uploads_disk"]["detail"]


def _queue_task(settings, *, waited: datetime.timedelta) -> None:
    from answerable.recommendations.tasks import recommendations_import_run

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    recommendations_import_run.enqueue(job_id=0)
    DBTaskResult.objects.update(enqueued_at=timezone.now() - waited)


def test_readiness_fails_when_queued_work_waits_too_long_for_a_worker(client, db, settings):
    settings.ANSWERABLE_WORKER_STALL_MINUTES = 10
    _queue_task(settings, waited=datetime.timedelta(minutes=11))
    response = client.get("/healthz/ready", headers=bearer())
    assert response.status_code == 503
    assert "queue default has waited" in response.json()["checks"]["worker"]["detail"]


def test_work_waiting_a_short_while_is_not_a_stalled_worker(client, db, settings):
    settings.ANSWERABLE_WORKER_STALL_MINUTES = 10
    _queue_task(settings, waited=datetime.timedelta(minutes=2))
    assert client.get("/healthz/ready").status_code == 200


def test_readiness_fails_while_an_import_is_left_by_a_dead_worker(client, db):
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()
    job = ImportJobFactory(
        status=ImportJob.Status.RUNNING,
        started_at=timezone.now(),
        worker=f"{socket.gethostname()}:{finished.pid}",
        counts={},
    )
    response = client.get("/healthz/ready", headers=bearer())
    assert response.status_code == 503
    assert f"import {job.pk}'s worker has died" in response.json()["checks"]["worker"]["detail"]
    job.refresh_from_db()
    assert job.status == ImportJob.Status.RUNNING  # readiness reports; it changes nothing
