import datetime
import io
import os
import threading
import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from django_tasks import task

from answerable.audit.models import AuditEvent
from answerable.imports.models import ImportJob
from answerable.imports.services import (
    INTERRUPTED,
    ImportFailed,
    import_error_text,
    import_job_queue,
    import_job_run,
    import_jobs_stale_fail,
    import_upload_store,
)
from answerable.imports.tests.factories import ImportJobFactory

DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def _work(job: ImportJob) -> dict[str, int]:
    kind = job.options["outcome"]
    if kind == "problems":
        raise ImportFailed([{"row": 3, "field": "text", "message": "Enter the text"}], count=40)
    if kind == "bug":
        raise KeyError("a bug")
    return {"rows": 2}


@task()
def run_test_import(job_id: int) -> str:
    return import_job_run(job_id=job_id, work=_work)


def _queue(user, organisation, outcome: str) -> ImportJob:
    path = import_upload_store(content=b"a,b\n1,2\n", kind="csv")
    return import_job_queue(
        actor=user,
        organisation=organisation,
        kind=ImportJob.Kind.RECOMMENDATIONS,
        files=[{"role": "register", "name": "a.csv", "kind": "csv", "path": path, "sha256": "0"}],
        options={"outcome": outcome},
        task=run_test_import,
    )


def test_queueing_records_the_job_and_audits_it(scrutiny_officer, office, settings):
    settings.TASKS = DUMMY_TASKS
    job = _queue(scrutiny_officer, office, "fine")
    assert (job.status, job.started_by, job.organisation) == ("queued", scrutiny_officer, office)
    assert job.task_id
    event = AuditEvent.objects.get(action="import.queued")
    assert (event.actor, event.organisation, event.target_id) == (
        scrutiny_officer,
        office,
        str(job.pk),
    )
    assert event.changes["files"] == [None, ["a.csv"]]
    assert default_storage.exists(job.files[0]["path"])


def test_a_successful_run_records_counts_and_deletes_the_file(scrutiny_officer, office):
    job = _queue(scrutiny_officer, office, "fine")
    assert (job.status, job.counts) == ("succeeded", {"rows": 2})
    assert job.started_at is not None
    assert job.finished_at is not None
    assert not default_storage.exists(job.files[0]["path"])
    assert AuditEvent.objects.filter(action="import.started", target_id=str(job.pk)).exists()


def test_problems_fail_the_job_with_every_reason_counted(scrutiny_officer, office):
    job = _queue(scrutiny_officer, office, "problems")
    assert (job.status, job.error_count, job.counts) == ("failed", 40, {})
    assert job.errors == [{"row": 3, "field": "text", "message": "Enter the text"}]
    event = AuditEvent.objects.get(action="import.failed")
    assert event.note == "Row 3, text: Enter the text"
    assert event.changes["problems"] == [None, 40]
    assert not default_storage.exists(job.files[0]["path"])


def test_a_bug_fails_the_job_in_general_words_and_is_raised_for_the_backend(
    scrutiny_officer, office, settings
):
    settings.TASKS = DUMMY_TASKS
    job = _queue(scrutiny_officer, office, "bug")
    with pytest.raises(KeyError):
        run_test_import.call(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "failed"
    assert "a problem in Answerable, not in your file" in job.errors[0]["message"]
    assert not default_storage.exists(job.files[0]["path"])


def test_a_job_that_has_run_is_not_run_again(scrutiny_officer, office):
    job = _queue(scrutiny_officer, office, "fine")
    assert run_test_import.call(job_id=job.pk) == ""
    assert AuditEvent.objects.filter(action="import.started").count() == 1


@pytest.mark.parametrize(
    ("error", "text"),
    [
        ({"row": 2, "field": "owner", "message": "Unknown"}, "Row 2, owner: Unknown"),
        (
            {"file": "roster.csv", "row": 7, "field": "Start date", "message": "Enter a date"},
            "roster.csv, row 7, Start date: Enter a date",
        ),
        ({"row": 4, "field": "", "message": "Blank"}, "Row 4: Blank"),
        ({"message": "The file has gone"}, "The file has gone"),
    ],
)
def test_problems_read_as_the_importers_word_them(error, text):
    assert import_error_text(error) == text


# --- cleaning up abandoned uploads ----------------------------------------------------------


def _age(path: str, days: float) -> None:
    then = time.time() - days * 24 * 60 * 60
    os.utime(default_storage.path(path), (then, then))


def _clean_up(*args: str) -> str:
    out = io.StringIO()
    call_command("imports_clean_up", *args, stdout=out)
    return out.getvalue()


def test_clean_up_deletes_only_abandoned_uploads_older_than_a_day(db):
    abandoned = import_upload_store(content=b"old", kind="csv")
    _age(abandoned, 2)
    fresh = import_upload_store(content=b"new", kind="csv")
    _age(fresh, 0.5)
    waiting = import_upload_store(content=b"queued", kind="xlsx")
    _age(waiting, 3)
    ImportJobFactory(
        status=ImportJob.Status.QUEUED,
        files=[{"role": "register", "name": "q.xlsx", "kind": "xlsx", "path": waiting}],
    )
    evidence = default_storage.save("evidence/old.pdf", ContentFile(b"%PDF-1.4"))
    _age(evidence, 30)

    out = _clean_up("--dry-run")
    assert abandoned in out
    assert "Would delete 1 abandoned upload." in out
    assert default_storage.exists(abandoned)

    out = _clean_up()
    assert f"{abandoned}\nDeleted 1 abandoned upload." in out
    assert not default_storage.exists(abandoned)
    assert all(default_storage.exists(path) for path in (fresh, waiting, evidence))


def test_clean_up_keeps_a_finished_jobs_leftover_file_only_until_it_is_a_day_old(db):
    leftover = import_upload_store(content=b"done", kind="csv")
    ImportJobFactory(files=[{"role": "register", "name": "d.csv", "kind": "csv", "path": leftover}])
    assert "Deleted 0 abandoned uploads." in _clean_up()
    _age(leftover, datetime.timedelta(days=1, minutes=1).total_seconds() / 86400)
    assert "Deleted 1 abandoned upload." in _clean_up()


def test_clean_up_with_no_uploads_yet_deletes_nothing(db):
    assert "Deleted 0 abandoned uploads." in _clean_up()


# --- failing jobs whose worker died ---------------------------------------------------------


def _stale_job(status: str, hours_ago: float) -> ImportJob:
    """A job left `status` since `hours_ago`, with its upload still stored."""
    path = import_upload_store(content=b"a,b\n1,2\n", kind="csv")
    since = timezone.now() - datetime.timedelta(hours=hours_ago)
    job = ImportJobFactory(
        status=status,
        started_at=since if status == ImportJob.Status.RUNNING else None,
        counts={},
        files=[{"role": "register", "name": "a.csv", "kind": "csv", "path": path, "sha256": "0"}],
    )
    ImportJob.objects.filter(pk=job.pk).update(created_at=since)
    return job


@pytest.mark.parametrize("status", [ImportJob.Status.RUNNING, ImportJob.Status.QUEUED])
def test_clean_up_fails_a_job_left_unfinished_for_hours_and_deletes_its_upload(db, status):
    job = _stale_job(status, hours_ago=7)

    out = _clean_up()

    assert f"{job} ({job.organisation}), unfinished since" in out
    assert "Failed 1 stale import." in out
    job.refresh_from_db()
    assert (job.status, job.error_count) == ("failed", 1)
    assert job.errors == [
        {
            "message": "The import stopped before it finished: the worker was interrupted. "
            "Nothing was imported; upload the file again"
        }
    ]
    assert job.finished_at is not None
    assert not default_storage.exists(job.files[0]["path"])
    event = AuditEvent.objects.get(action="import.failed", target_id=str(job.pk))
    assert (event.actor, event.organisation, event.note) == (None, job.organisation, INTERRUPTED)
    assert event.changes["status"] == [status, "failed"]


def test_clean_up_leaves_a_job_running_for_less_than_the_limit(db):
    job = _stale_job(ImportJob.Status.RUNNING, hours_ago=5)

    assert "Failed 0 stale imports." in _clean_up()
    job.refresh_from_db()
    assert job.status == "running"
    assert default_storage.exists(job.files[0]["path"])
    assert not AuditEvent.objects.filter(action="import.failed").exists()

    assert "Failed 1 stale import." in _clean_up("--stale-after-hours", "4")
    job.refresh_from_db()
    assert job.status == "failed"


def test_clean_up_leaves_finished_jobs_as_they_ended(db):
    old = timezone.now() - datetime.timedelta(days=3)
    job = ImportJobFactory(status=ImportJob.Status.SUCCEEDED, started_at=old, finished_at=old)
    assert "Failed 0 stale imports." in _clean_up()
    job.refresh_from_db()
    assert job.status == "succeeded"


def test_clean_up_dry_run_says_which_jobs_it_would_fail_and_changes_nothing(db):
    job = _stale_job(ImportJob.Status.RUNNING, hours_ago=7)
    events = AuditEvent.objects.count()

    out = _clean_up("--dry-run")

    assert f"{job} ({job.organisation}), unfinished since" in out
    assert "Would fail 1 stale import." in out
    job.refresh_from_db()
    assert (job.status, job.errors, job.finished_at) == ("running", [], None)
    assert default_storage.exists(job.files[0]["path"])
    assert AuditEvent.objects.count() == events


def test_clean_up_refuses_a_limit_of_no_time_at_all(db):
    with pytest.raises(CommandError, match="must be more than 0"):
        _clean_up("--stale-after-hours", "0")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no row locks")
@pytest.mark.django_db(transaction=True)
def test_a_job_whose_worker_is_still_importing_is_never_failed_as_stale(scrutiny_officer, office):
    """However long it has run, a job whose worker holds its row lock is left to finish."""
    importing, finish = threading.Event(), threading.Event()

    def slow_work(job: ImportJob) -> dict[str, int]:
        importing.set()
        finish.wait(timeout=10)
        return {"rows": 2}

    def worker(job_id: int) -> None:
        try:
            import_job_run(job_id=job_id, work=slow_work)
        finally:
            connection.close()

    job = ImportJobFactory(
        status=ImportJob.Status.QUEUED, started_by=scrutiny_officer, organisation=office
    )
    thread = threading.Thread(target=worker, args=[job.pk])
    thread.start()
    try:
        assert importing.wait(timeout=10)
        assert import_jobs_stale_fail(stale_after=datetime.timedelta(0)) == []
    finally:
        finish.set()
        thread.join(timeout=10)

    job.refresh_from_db()
    assert job.status == "succeeded"
    assert not AuditEvent.objects.filter(action="import.failed").exists()
