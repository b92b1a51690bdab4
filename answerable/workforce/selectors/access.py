"""Who may see and do what with workforce coverage, and the reads that decide it.

The rule: a force's own members (any role) see its courses and coverage, and only they see the
gap list of pseudonymised IDs. A PCC's office sees the coverage of every force that has an
action under a source the office owns: the force it holds to account. Everyone else sees
nothing. Lead officers of a police force upload its snapshots.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from answerable.accounts.models import User
from answerable.organisations.models import Membership, Organisation
from answerable.organisations.selectors import access_for, organisation_list
from answerable.recommendations.selectors import action_list
from answerable.workforce.models import Course, Snapshot

Role = Membership.Role


# --- permissions -------------------------------------------------------------------------


def upload_force_list(*, user: User) -> QuerySet[Organisation]:
    """Return the police forces whose workforce snapshots the user may upload."""
    return organisation_list().filter(
        pk__in=access_for(user).organisations_with_role(Role.LEAD_OFFICER),
        kind=Organisation.Kind.POLICE_FORCE,
    )


def can_upload(*, user: User, organisation: Organisation) -> bool:
    """Only a lead officer of a police force uploads its roster and completions."""
    return organisation.kind == Organisation.Kind.POLICE_FORCE and access_for(user).has_role(
        Role.LEAD_OFFICER, organisation.pk
    )


def can_manage_courses(*, user: User, organisation: Organisation) -> bool:
    """The force's lead officers set up the courses its workforce must complete."""
    return can_upload(user=user, organisation=organisation)


def can_see_gaps(*, user: User, course: Course) -> bool:
    """The gap list names pseudonymised staff: only the owning force's own members see it."""
    return course.owner_id in access_for(user).organisation_ids


def can_link_coverage(*, user: User, course: Course) -> bool:
    """A scrutiny officer, or a lead officer of the owning force, offers coverage as evidence.

    Which recommendations and agenda items each may link to is decided by
    `linkable_recommendation_list` and `linkable_agenda_item_list`.
    """
    access = access_for(user)
    return access.has_role(Role.SCRUTINY_OFFICER) or access.has_role(
        Role.LEAD_OFFICER, course.owner_id
    )


# --- forces and courses ------------------------------------------------------------------


def _visible_owner_condition(user: User, field: str) -> Q:
    """Rows whose `field` is one of the user's organisations or a force their office oversees."""
    organisations = access_for(user).organisation_ids
    offices = (
        organisation_list(include_archived=True)
        .filter(pk__in=organisations, kind=Organisation.Kind.PCC_OFFICE)
        .values("pk")
    )
    overseen = (
        action_list(user=user)
        .filter(recommendation__source__owner_id__in=offices)
        .values("owner_id")
    )
    return Q(**{f"{field}__in": organisations}) | Q(**{f"{field}__in": overseen})


def force_list(*, user: User) -> QuerySet[Organisation]:
    """Return the police forces whose coverage the user may see, in name order."""
    return (
        organisation_list()
        .filter(_visible_owner_condition(user, "pk"))
        .filter(kind=Organisation.Kind.POLICE_FORCE)
    )


def course_list(*, user: User) -> QuerySet[Course]:
    """Return the courses whose coverage the user may see, with their owner."""
    return (
        Course.objects.filter(_visible_owner_condition(user, "owner_id"))
        .filter(is_archived=False)
        .select_related("owner")
        .order_by("owner__name", "title")
    )


def course_get_for_user(*, user: User, pk: int) -> Course:
    """Return the course, archived or not, with its owner, if the user may see its coverage;
    else raise Http404.

    The force's own people, who open its courses most, are let in by the owner alone; only
    others cost the query of the forces their office oversees, which is `course_list`'s rule
    in full.
    """
    course = Course.objects.select_related("owner").filter(pk=pk).first()
    if course is None or (
        course.owner_id not in access_for(user).organisation_ids
        and not Course.objects.filter(_visible_owner_condition(user, "owner_id"), pk=pk).exists()
    ):
        raise Http404("No such course")
    return course


def visible_snapshot_list(*, user: User) -> QuerySet[Snapshot]:
    """Return snapshots of every force whose coverage the user may see, newest first."""
    return (
        Snapshot.objects.filter(organisation__in=force_list(user=user).values("pk"))
        .select_related("organisation", "imported_by")
        .order_by("-taken_on", "-id")
    )


def snapshot_list(*, organisation: Organisation) -> QuerySet[Snapshot]:
    """Return the organisation's snapshots, newest first; the caller has checked visibility."""
    return Snapshot.objects.filter(organisation=organisation).order_by("-taken_on", "-id")


def snapshot_latest(*, organisation: Organisation) -> Snapshot | None:
    """Return the snapshot coverage is shown for now: the latest date, last imported."""
    return snapshot_list(organisation=organisation).first()
