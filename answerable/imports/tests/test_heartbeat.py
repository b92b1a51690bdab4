"""A job whose worker died is failed within a minute, not left "running" (issue #11).

After kill -9 of the worker, 11 of 11 jobs stayed "Running" and the person was told the
import carries on for up to 6 hours.
"""

import datetime
import os
import socket
import subprocess
import sys
import time

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone

from answerable.audit.models import AuditEvent
from answerable.core.testing import sign_in
from answerable.imports import heartbeat
from answerable.imports.models import ImportJob
from answerable.imports.services import (
    WORKER_DIED,
    import_job_run,
    import_jobs_with_dead_workers_fail,
    import_upload_store,
)
from answerable.imports.tests.factories import ImportJobFactory


def _dead_pid() -> int:
    """The id of a process that has certainly ended."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def _running_job(worker: str, **fields) -> ImportJob:
    path = import_upload_store(content=b"a,b\n", kind="csv")
    return ImportJobFactory(
        status=ImportJob.Status.RUNNING,
        started_at=timezone.now() - datetime.timedelta(seconds=30),
        worker=worker,
        counts={},
        files=[{"role": "register", "label": "File", "name": "r.csv", "path": path}],
        **fields,
    )


def test_the_status_page_fails_a_job_whose_worker_process_is_gone(client, scrutiny_officer, office):
    job = _running_job(
        f"{socket.gethostname()}:{_dead_pid()}", started_by=scrutiny_officer, organisation=office
    )
    sign_in(client, scrutiny_officer)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "<title>Error: Import failed" in page
    assert WORKER_DIED in page
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert not default_storage.exists(job.files[0]["path"])
    event = AuditEvent.objects.get(action="import.failed")
    assert event.actor is None


def test_a_job_whose_worker_is_alive_keeps_running(client, scrutiny_officer, office):
    job = _running_job(heartbeat.this_worker(), started_by=scrutiny_officer, organisation=office)
    sign_in(client, scrutiny_officer)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Import running" in page
    assert import_jobs_with_dead_workers_fail() == []
    job.refresh_from_db()
    assert job.status == ImportJob.Status.RUNNING


def test_a_silent_worker_on_another_machine_is_failed_on_postgresql_only(db):
    job = _running_job(
        "another-host:4242", heartbeat_at=timezone.now() - datetime.timedelta(seconds=90)
    )
    failed = import_jobs_with_dead_workers_fail()
    job.refresh_from_db()
    if connection.vendor == "postgresql":
        assert [j.pk for j in failed] == [job.pk]
        assert job.status == ImportJob.Status.FAILED
    else:  # SQLite runs on one machine; its heartbeat waits behind the import's write lock
        assert failed == []
        assert job.status == ImportJob.Status.RUNNING


def test_a_worker_that_beats_recently_is_alive_wherever_it_runs(db):
    job = _running_job("another-host:4242", heartbeat_at=timezone.now())
    assert import_jobs_with_dead_workers_fail() == []
    job.refresh_from_db()
    assert job.status == ImportJob.Status.RUNNING


def test_running_a_job_records_its_worker(db, scrutiny_officer, office):
    job = ImportJobFactory(
        status=ImportJob.Status.QUEUED, started_by=scrutiny_officer, organisation=office
    )
    import_job_run(job_id=job.pk, work=lambda job: {"rows": 1})
    job.refresh_from_db()
    assert job.worker == f"{socket.gethostname()}:{os.getpid()}"
    assert job.heartbeat_at is not None


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_moves_while_the_import_works(monkeypatch, scrutiny_officer, office):
    monkeypatch.setattr(heartbeat, "HEARTBEAT_SECONDS", 0.05)
    job = ImportJobFactory(
        status=ImportJob.Status.RUNNING, started_by=scrutiny_officer, organisation=office
    )
    with heartbeat.Heartbeat(job.pk):
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.heartbeat_at is not None:
                break
            time.sleep(0.05)
    assert job.heartbeat_at is not None
