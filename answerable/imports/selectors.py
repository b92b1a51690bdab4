"""Reads of import jobs, scoped to the person asking."""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from answerable.accounts.models import User
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
