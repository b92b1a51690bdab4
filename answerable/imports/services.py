"""Every change to import jobs: queue one, run it once, record how it ended, clear its files.

An import's uploads wait in storage under `imports/` from the upload page until their job has
finished. What an import writes, and its own audit event, belong to the app that imports (the
`work` passed to `import_job_run`); this module only keeps the job's record around it.
"""

import datetime
import logging
import uuid
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_tasks.base import Task

from answerable.accounts.models import User
from answerable.audit.services import audit_record
from answerable.imports.heartbeat import Heartbeat, this_worker, worker_is_gone
from answerable.imports.models import ImportJob, ImportJobProgress
from answerable.imports.progress import ImportProgress
from answerable.organisations.models import Organisation

STORAGE_PREFIX = "imports/"
# A failed job keeps this many problems to list; `error_count` still counts every one.
MAX_STORED_ERRORS = 200
ABANDONED_AFTER = datetime.timedelta(days=1)
# Far longer than the largest import takes, so only a job whose worker has died is this old.
STALE_AFTER = datetime.timedelta(hours=6)
UNEXPECTED_ERROR = (
    "The import stopped because of a problem in Answerable, not in your file. Nothing was "
    "imported. Try again later, or ask an administrator to look at the logs"
)
UNREADABLE_UPLOAD = (
    "The uploaded file could not be read again. Nothing was imported. Upload it again"
)
WORKER_DIED = (
    "The import stopped because the process running it ended unexpectedly. Nothing was "
    "imported. Upload the file again to start again"
)
INTERRUPTED = (
    "The import stopped before it finished: the worker was interrupted. Nothing was imported; "
    "upload the file again"
)

logger = logging.getLogger(__name__)


class ImportFailed(Exception):
    """The import found problems in the file; nothing it wrote is kept.

    Each error is a dict with "message" and, where known, "file", "row" and "field".
    """

    def __init__(self, errors: list[dict[str, Any]], count: int | None = None) -> None:
        self.errors = errors
        self.count = len(errors) if count is None else count
        super().__init__(f"{self.count} problems found")


# --- stored uploads -------------------------------------------------------------------------


def is_import_upload(path: str) -> bool:
    return str(path).startswith(STORAGE_PREFIX) and ".." not in str(path)


def import_upload_store(*, content: bytes, kind: str) -> str:
    """Keep an upload's bytes until its import has finished; return where they are stored."""
    return default_storage.save(f"{STORAGE_PREFIX}{uuid.uuid4()}.{kind}", ContentFile(content))


def import_upload_read(*, path: str) -> bytes:
    """Read a stored upload back; raise OSError if it has gone."""
    if not is_import_upload(path):
        raise FileNotFoundError(path)
    with default_storage.open(path, "rb") as handle:
        return handle.read()


def import_upload_delete(*, path: str) -> None:
    """Delete a stored upload. Nothing outside `imports/` is ever deleted here."""
    if is_import_upload(path):
        default_storage.delete(path)


def import_uploads_clean_up(
    *, older_than: datetime.timedelta = ABANDONED_AFTER, delete: bool = True
) -> list[str]:
    """Delete stored uploads older than `older_than` that no queued or running job needs.

    These are uploads never confirmed: someone stopped at the column or check page. A job's
    own files are deleted by `import_job_run` when it finishes, or by `import_jobs_stale_fail`
    when its worker has died. Returns the paths deleted
    (or, with `delete=False`, the paths that would be).
    """
    cutoff = timezone.now() - older_than
    in_use = {
        stored["path"]
        for files in ImportJob.objects.filter(
            status__in=[ImportJob.Status.QUEUED, ImportJob.Status.RUNNING]
        ).values_list("files", flat=True)
        for stored in files
    }
    try:
        _, names = default_storage.listdir(STORAGE_PREFIX)
    except FileNotFoundError:
        return []
    deleted = []
    for name in sorted(names):
        path = f"{STORAGE_PREFIX}{name}"
        if path in in_use or default_storage.get_modified_time(path) >= cutoff:
            continue
        if delete:
            default_storage.delete(path)
        deleted.append(path)
    return deleted


# --- jobs -----------------------------------------------------------------------------------


@transaction.atomic
def import_job_queue(
    *,
    actor: User,
    organisation: Organisation,
    kind: ImportJob.Kind,
    files: list[dict[str, str]],
    options: dict[str, Any],
    task: Task,
) -> ImportJob:
    """Record an import job for the stored files and queue `task` to run it.

    The task is enqueued inside this transaction: the database task backend stores it in the
    same database, so the job and its task are committed together and a worker never finds
    one without the other. (A backend outside the database would need `on_commit` instead.)
    With the immediate backend the task has already run when this returns.
    """
    job = ImportJob(
        kind=kind, started_by=actor, organisation=organisation, files=files, options=options
    )
    job.full_clean()
    job.save()
    # Made now, so the import only ever updates it: see `imports.progress`.
    ImportJobProgress.objects.create(job=job)
    audit_record(
        actor=actor,
        action="import.queued",
        target=job,
        organisation=organisation,
        changes={
            "kind": [None, kind],
            "files": [None, [stored["name"] for stored in files]],
            "sha256": [None, [stored["sha256"] for stored in files]],
        },
    )
    result = task.enqueue(job_id=job.pk)
    ImportJob.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
    job.refresh_from_db()
    return job


@transaction.atomic
def _import_job_start(*, job_id: int) -> ImportJob | None:
    """Mark a queued job running; None if it is not queued (it has run already)."""
    job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
    if job is None or job.status != ImportJob.Status.QUEUED:
        return None
    job.status = ImportJob.Status.RUNNING
    job.started_at = job.heartbeat_at = timezone.now()
    job.worker = this_worker()
    job.save(update_fields=["status", "started_at", "heartbeat_at", "worker", "updated_at"])
    audit_record(
        actor=job.started_by,
        action="import.started",
        target=job,
        organisation=job.organisation,
        changes={"status": [ImportJob.Status.QUEUED, ImportJob.Status.RUNNING]},
    )
    return job


@transaction.atomic
def import_job_fail(*, job: ImportJob, errors: list[dict[str, Any]], count: int) -> ImportJob:
    """Record that the job failed and why; the import itself has written nothing."""
    return _import_job_failed_save(job=job, errors=errors, count=count, actor=job.started_by)


def _import_job_failed_save(
    *, job: ImportJob, errors: list[dict[str, Any]], count: int, actor: User | None
) -> ImportJob:
    """Save the failed status and its audit event, in the caller's transaction."""
    previous = job.status
    job.status = ImportJob.Status.FAILED
    job.errors = errors[:MAX_STORED_ERRORS]
    job.error_count = max(count, len(job.errors))
    job.counts = {}
    job.finished_at = timezone.now()
    job.save(
        update_fields=["status", "errors", "error_count", "counts", "finished_at", "updated_at"]
    )
    audit_record(
        actor=actor,
        action="import.failed",
        target=job,
        organisation=job.organisation,
        note=import_error_text(job.errors[0]) if job.errors else "",
        changes={"status": [previous, job.status], "problems": [None, job.error_count]},
    )
    return job


def import_job_files_delete(*, job: ImportJob) -> None:
    """Delete the job's stored uploads; their names and SHA-256s stay on the job."""
    for stored in job.files:
        import_upload_delete(path=stored["path"])


def import_job_run(*, job_id: int, work: Callable[[ImportJob], dict[str, int]]) -> str:
    """Run a queued job once: `work` and the succeeded status together, or the failed status.

    `work` reads the job's files, writes the import with its audit event and returns the
    counts. It raises `ImportFailed`, `ValidationError` or `PermissionDenied` to fail the job
    with a reason the person can act on; its transaction is rolled back, so nothing is kept.
    Anything else fails the job with a general reason and is raised again, so the task
    backend records the traceback. The stored uploads are deleted once the job has finished.
    Returns the job's status.
    """
    job = _import_job_start(job_id=job_id)
    if job is None:
        logger.warning("Import job %s is not queued; not running it again", job_id)
        return ""
    try:
        with Heartbeat(job.pk), ImportProgress(job.pk) as progress, transaction.atomic():
            # Held until the import commits or rolls back, so the clean-up of stale jobs can
            # tell a job whose worker is still importing from one whose worker has died.
            ImportJob.objects.select_for_update().filter(pk=job.pk).values_list("pk").get()
            counts = work(job)
            progress.finish()
            job.status = ImportJob.Status.SUCCEEDED
            job.counts = counts
            job.finished_at = timezone.now()
            # The import's own audit event, written by `work`, is in this same transaction.
            job.save(update_fields=["status", "counts", "finished_at", "updated_at"])
    except ImportFailed as failure:
        import_job_fail(job=job, errors=failure.errors, count=failure.count)
    except ValidationError as error:
        messages = [{"message": message} for message in error.messages]
        import_job_fail(job=job, errors=messages, count=len(messages))
    except PermissionDenied as error:
        message = str(error) or "You are no longer allowed to make this import"
        import_job_fail(job=job, errors=[{"message": message}], count=1)
    except OSError:
        import_job_fail(job=job, errors=[{"message": UNREADABLE_UPLOAD}], count=1)
    except Exception:
        import_job_fail(job=job, errors=[{"message": UNEXPECTED_ERROR}], count=1)
        raise
    finally:
        import_job_files_delete(job=job)
    return job.status


def _import_jobs_stale(*, cutoff: datetime.datetime) -> QuerySet[ImportJob]:
    return (
        ImportJob.objects.filter(status__in=[ImportJob.Status.QUEUED, ImportJob.Status.RUNNING])
        .alias(since=Coalesce("started_at", "created_at"))
        .filter(since__lt=cutoff)
        .select_related("started_by", "organisation")
        .order_by("pk")
    )


def import_jobs_stale_fail(
    *, stale_after: datetime.timedelta = STALE_AFTER, fail: bool = True
) -> list[ImportJob]:
    """Fail every job queued or running for longer than `stale_after`; delete its uploads.

    A worker killed mid-import (out of memory, a restart) rolls the import back but never
    records how it ended, so its job would stay "running", keeping its uploads, for ever. A job
    whose worker is still importing holds a lock on its row (`import_job_run`) and is skipped
    on PostgreSQL however long it has run. The audit event has no actor: no person ended the
    job. Returns the jobs failed (or, with `fail=False`, the jobs that would be).
    """
    cutoff = timezone.now() - stale_after
    jobs = []
    for pk in list(_import_jobs_stale(cutoff=cutoff).values_list("pk", flat=True)):
        with transaction.atomic():
            job = (
                _import_jobs_stale(cutoff=cutoff)
                .select_for_update(skip_locked=True, of=("self",))
                .filter(pk=pk)
                .first()
            )
            if job is None:
                continue  # finished meanwhile, or its worker is alive and holds the lock
            if fail:
                _import_job_failed_save(
                    job=job, errors=[{"message": INTERRUPTED}], count=1, actor=None
                )
        if fail:
            import_job_files_delete(job=job)
        jobs.append(job)
    return jobs


def import_job_fail_if_worker_gone(*, job: ImportJob) -> ImportJob:
    """Fail a running job whose worker has died (`heartbeat.worker_is_gone`) and delete its
    uploads; return the job as it now is. The status page and `imports_clean_up` call this,
    so a person learns within a minute that they must start again."""
    if not worker_is_gone(job):
        return job
    with transaction.atomic():
        locked = (
            ImportJob.objects.select_for_update(skip_locked=True)
            .filter(pk=job.pk, status=ImportJob.Status.RUNNING)
            .first()
        )
        if locked is None or not worker_is_gone(locked):
            job.refresh_from_db()
            return job  # finished meanwhile, or its worker is alive and holds the lock
        _import_job_failed_save(job=locked, errors=[{"message": WORKER_DIED}], count=1, actor=None)
    import_job_files_delete(job=locked)
    return locked


def import_jobs_with_dead_workers_fail() -> list[ImportJob]:
    """Fail every running job whose worker has died; return them."""
    failed = []
    for job in ImportJob.objects.filter(status=ImportJob.Status.RUNNING).order_by("pk"):
        job = import_job_fail_if_worker_gone(job=job)
        if job.status == ImportJob.Status.FAILED:
            failed.append(job)
    return failed


def import_error_text(error: dict[str, Any]) -> str:
    """One problem as the importers word it: file, row and field where known, then the message."""
    row = f"row {error['row']}" if error.get("row") else ""
    if not error.get("file"):
        row = row.capitalize()
    where = ", ".join(part for part in (error.get("file"), row, error.get("field")) if part)
    return f"{where}: {error['message']}" if where else str(error["message"])
