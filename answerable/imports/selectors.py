"""Reads of import jobs: scoped to the person asking, or, for monitoring, counted over all."""

from collections import Counter

from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from answerable.accounts.models import User
from answerable.imports.heartbeat import worker_is_gone
from answerable.imports.models import ImportJob
from answerable.organisations.selectors import access_for


def import_job_list(*, user: User, kind: ImportJob.Kind, role: str) -> QuerySet[ImportJob]:
    """Return the jobs of this kind the user started or whose organisation gives them `role`.

    `role` is the role that may make this kind of import in that organisation.
    """
    organisations = access_for(user).organisations_with_role(role)
    return (
        ImportJob.objects.filter(kind=kind)
        .filter(Q(started_by_id=user.pk) | Q(organisation_id__in=organisations))
        .select_related("started_by", "organisation")
    )


def import_job_get_for_user(*, user: User, pk: int, kind: ImportJob.Kind, role: str) -> ImportJob:
    """Return the job if `import_job_list` lets the user see it; raise Http404 otherwise."""
    return get_object_or_404(import_job_list(user=user, kind=kind, role=role), pk=pk)


def import_job_status_counts() -> list[tuple[str, str, int]]:
    """How many jobs there are of each kind in each status, as (kind, status, count)."""
    rows = ImportJob.objects.values_list("kind", "status").annotate(n=Count("id")).order_by()
    return list(rows)


def import_rows_written() -> dict[tuple[str, str], int]:
    """The rows successful imports wrote, by (kind, what the rows were)."""
    written: Counter[tuple[str, str]] = Counter()
    succeeded = ImportJob.objects.filter(status=ImportJob.Status.SUCCEEDED)
    for kind, counts in succeeded.values_list("kind", "counts").iterator():
        for item, count in (counts or {}).items():
            if isinstance(count, int):
                written[(kind, item)] += count
    return dict(written)


def import_problem_counts() -> list[tuple[str, int]]:
    """The problems failed imports found (rows refused), by kind."""
    failed = ImportJob.objects.filter(status=ImportJob.Status.FAILED)
    rows = failed.values_list("kind").annotate(n=Sum("error_count")).order_by()
    return [(kind, count or 0) for kind, count in rows]


def import_job_dead_worker_ids() -> list[int]:
    """Running imports whose worker has died, as `import_job_fail_if_worker_gone` decides it,
    without failing them: the status page or `imports_clean_up` does that."""
    dead = []
    for job in ImportJob.objects.filter(status=ImportJob.Status.RUNNING).order_by("pk"):
        if not worker_is_gone(job):
            continue
        # A worker still importing holds its job's row; only an unlocked row is a dead one.
        with transaction.atomic():
            locked = (
                ImportJob.objects.select_for_update(skip_locked=True)
                .filter(pk=job.pk, status=ImportJob.Status.RUNNING)
                .first()
            )
            if locked is not None and worker_is_gone(locked):
                dead.append(job.pk)
    return dead
