"""Queue a checked workforce snapshot to be imported in the background.

Kept out of the package's `__init__` because it imports the task, which imports the services,
which import the package.
"""

import datetime

from django.core.exceptions import PermissionDenied

from answerable.accounts.models import User
from answerable.imports.models import ImportJob
from answerable.imports.services import import_job_queue
from answerable.organisations.models import Organisation
from answerable.workforce import selectors
from answerable.workforce.importing.columns import COMPLETIONS, ROSTER
from answerable.workforce.tasks import snapshot_import_run

FILE_LABELS = {ROSTER: "Staff roster", COMPLETIONS: "Training completions"}


def snapshot_import_queue(
    *,
    actor: User,
    organisation: Organisation,
    taken_on: datetime.date,
    files: dict[str, dict[str, str]],
    mapping: dict[str, dict[str, str]],
) -> ImportJob:
    """Queue the stored roster and completions as the force's snapshot and return the job.

    `files` holds, for the roster and for the completions, the stored file's "path", "name",
    "kind" and "sha256". The task checks both files again as `snapshot_import` writes them,
    all or nothing; the person follows it on the job's status page.
    """
    if not selectors.can_upload(user=actor, organisation=organisation):
        raise PermissionDenied("Only a lead officer of the force can upload workforce data")
    return import_job_queue(
        actor=actor,
        organisation=organisation,
        kind=ImportJob.Kind.WORKFORCE,
        files=[
            {"role": role, "label": FILE_LABELS[role], **files[role]}
            for role in (ROSTER, COMPLETIONS)
        ],
        options={"taken_on": taken_on.isoformat(), "mapping": mapping},
        task=snapshot_import_run,
    )
