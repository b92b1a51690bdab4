"""Background work of the register: each task runs one queued import job."""

import dataclasses

from django_tasks import task

from answerable.imports.models import ImportJob
from answerable.imports.services import ImportFailed, import_job_run, import_upload_read
from answerable.recommendations import importing
from answerable.recommendations.tables import read_table


@task()
def recommendations_import_run(job_id: int) -> str:
    """Import a queued file into the register, all or nothing, and record how it ended."""
    return import_job_run(job_id=job_id, work=_import)


def _import(job: ImportJob) -> dict[str, int]:
    stored = job.files[0]
    content = import_upload_read(path=stored["path"])
    table = read_table(content, kind=stored["kind"], name=stored["name"])
    try:
        result = importing.recommendations_import(
            actor=job.started_by,
            office=job.organisation,
            table=table,
            mapping=job.options.get("mapping") or {},
            file_name=stored["name"],
            file_sha256=stored["sha256"],
            owners=importing.OwnerDecisions.from_json(job.options.get("owners")),
        )
    except importing.ImportInvalid as invalid:
        raise ImportFailed(
            [
                {"row": error.row, "field": error.field, "message": error.message}
                for error in invalid.row_errors
            ]
        ) from invalid
    return dataclasses.asdict(result)
