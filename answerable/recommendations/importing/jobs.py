"""Queue a register import to run in the background, after the person has checked the preview.

Kept out of the package's `__init__` because it imports the task, which imports the package.
"""

from django.core.exceptions import PermissionDenied

from answerable.accounts.models import User
from answerable.imports.models import ImportJob
from answerable.imports.services import import_job_queue
from answerable.organisations.models import Membership, Organisation
from answerable.organisations.selectors import access_for
from answerable.recommendations.importing.owners import OwnerDecisions
from answerable.recommendations.tasks import recommendations_import_run


def recommendations_import_queue(
    *,
    actor: User,
    office: Organisation,
    path: str,
    name: str,
    kind: str,
    sha256: str,
    mapping: dict[str, str],
    owners: OwnerDecisions | None = None,
) -> ImportJob:
    """Queue the stored file's import into the office's register and return the job.

    The task checks the whole file again and writes everything or nothing, as
    `recommendations_import` does, with the office's answers for owners it did not know;
    the person follows it on the job's status page.
    """
    if not access_for(actor).has_role(Membership.Role.SCRUTINY_OFFICER, office.pk):
        raise PermissionDenied("Only a scrutiny officer of the office can import recommendations")
    return import_job_queue(
        actor=actor,
        organisation=office,
        kind=ImportJob.Kind.RECOMMENDATIONS,
        files=[
            {
                "role": "register",
                "label": "File",
                "name": name,
                "kind": kind,
                "path": path,
                "sha256": sha256,
            }
        ],
        options={"mapping": mapping, "owners": (owners or OwnerDecisions()).as_json()},
        task=recommendations_import_run,
    )
