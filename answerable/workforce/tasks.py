"""Background work of the workforce app: each task runs one queued snapshot import job."""

import datetime

from django_tasks import task

from answerable.imports.models import ImportJob
from answerable.imports.services import ImportFailed, import_job_run, import_upload_read
from answerable.workforce import importing, services
from answerable.workforce.tables import StoredTable


@task()
def snapshot_import_run(job_id: int) -> str:
    """Import a queued roster and completions as a snapshot, all or nothing; record the end."""
    return import_job_run(job_id=job_id, work=_import)


def _import(job: ImportJob) -> dict[str, int]:
    files = {stored["role"]: stored for stored in job.files}
    tables = {
        role: StoredTable(
            content=import_upload_read(path=stored["path"]),
            kind=stored["kind"],
            name=stored["name"],
        )
        for role, stored in files.items()
    }
    try:
        snapshot = services.snapshot_import(
            actor=job.started_by,
            organisation=job.organisation,
            taken_on=datetime.date.fromisoformat(job.options["taken_on"]),
            roster=tables[importing.ROSTER],
            completions=tables[importing.COMPLETIONS],
            roster_sha256=files[importing.ROSTER]["sha256"],
            completions_sha256=files[importing.COMPLETIONS]["sha256"],
            mapping=job.options["mapping"],
        )
    except importing.ImportInvalid as invalid:
        raise ImportFailed(
            [
                {
                    "file": error.file,
                    "row": error.row,
                    "field": error.field,
                    "message": error.message,
                }
                for error in invalid.log.listed
            ],
            count=invalid.log.count,
        ) from invalid
    return {"staff": snapshot.staff_count, "completions": snapshot.completion_count}
