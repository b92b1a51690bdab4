"""/metrics: Prometheus's text, for the operator's token only."""

import datetime
import re

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from answerable.imports.models import ImportJob
from answerable.imports.tests.factories import ImportJobFactory
from answerable.meetings.models import ReminderLog
from answerable.operations.tests.helpers import database_unreachable
from answerable.organisations.tests.factories import UserFactory

TOKEN = "metrics-test-token-0123456789"
BEARER = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(autouse=True)
def _token(settings):
    settings.ANSWERABLE_OPERATIONS_TOKEN = TOKEN


def sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample in Prometheus's text format."""
    wanted = ",".join(f'{key}="{value}"' for key, value in sorted(labels.items()))
    for line in text.splitlines():
        match = re.fullmatch(rf"{name}(\{{(.*)\}})? (\S+)", line)
        if match and ",".join(sorted((match[2] or "").split(","))) == wanted:
            return float(match[3])
    raise AssertionError(f"no sample {name}{{{wanted}}}")


def test_metrics_are_not_there_without_the_token(client, db, settings):
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    settings.ANSWERABLE_OPERATIONS_TOKEN = ""
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 404


def test_request_latency_is_counted_by_the_view_that_answered(client, db):
    before = client.get("/metrics", headers=BEARER).content.decode()
    count = "answerable_http_request_duration_seconds_count"
    already = (
        sample(before, count, view="info:privacy", method="GET") if "info:privacy" in before else 0
    )
    client.get("/about/privacy/")
    client.get("/about/privacy/")
    text = client.get("/metrics", headers=BEARER).content.decode()
    assert sample(text, count, view="info:privacy", method="GET") == already + 2
    assert (
        sample(
            text, "answerable_http_responses_total", view="info:privacy", method="GET", status="200"
        )
        >= 2
    )
    assert "/about/privacy/" not in text  # labelled by view, never by path


def test_queue_depth_and_the_oldest_tasks_wait_are_read_from_the_database(client, db, settings):
    from answerable.recommendations.tasks import recommendations_import_run

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    recommendations_import_run.enqueue(job_id=1)
    recommendations_import_run.enqueue(job_id=2)
    DBTaskResult.objects.update(enqueued_at=timezone.now() - datetime.timedelta(minutes=5))
    text = client.get("/metrics", headers=BEARER).content.decode()
    assert sample(text, "answerable_tasks", queue="default", status="READY") == 2
    assert 299 <= sample(text, "answerable_task_queue_oldest_age_seconds", queue="default") < 400
    assert sample(text, "answerable_database_up") == 1


def test_import_rows_and_reminders_sent_are_counted(client, db):
    ImportJobFactory(counts={"recommendations_created": 2, "actions_created": 3})
    ImportJobFactory(counts={"recommendations_created": 4, "actions_created": 0})
    ImportJobFactory(status=ImportJob.Status.FAILED, counts={}, error_count=7)
    person = UserFactory()
    for item_id in (1, 2, 3):
        ReminderLog.objects.create(
            recipient=person,
            item_type="meeting_action",
            item_id=item_id,
            sent_on=timezone.localdate(),
        )
    text = client.get("/metrics", headers=BEARER).content.decode()
    rows = "answerable_import_rows_total"
    assert sample(text, rows, kind="recommendations", item="recommendations_created") == 6
    assert sample(text, rows, kind="recommendations", item="actions_created") == 3
    assert sample(text, "answerable_import_problem_rows_total", kind="recommendations") == 7
    assert sample(text, "answerable_import_jobs", kind="recommendations", status="succeeded") == 2
    assert sample(text, "answerable_reminders_sent_total") == 3
    assert sample(text, "answerable_reminders_last_sent_timestamp_seconds") > 0


def test_metrics_still_answer_while_the_database_is_down(client, db):
    with database_unreachable():
        response = client.get("/metrics", headers=BEARER)
    assert response.status_code == 200
    text = response.content.decode()
    assert sample(text, "answerable_database_up") == 0
    assert "answerable_http_request_duration_seconds" in text
