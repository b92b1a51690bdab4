"""Courses: what a force requires of its workforce; a change recounts the stored figures."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from answerable.accounts.models import User
from answerable.audit.services import audit_record
from answerable.core.models import locked_for_edit
from answerable.organisations.models import Organisation
from answerable.workforce import coverage, selectors
from answerable.workforce.models import (
    CohortFigure,
    Course,
    CourseAudience,
    CoverageFigure,
    WorkforceType,
)
from answerable.workforce.services.snapshots import coverage_figures_record


def _check_workforce_types(workforce_types: list[str]) -> None:
    if not workforce_types or set(workforce_types) - set(WorkforceType.values):
        raise ValidationError({"workforce_types": "Select who must complete the course"})


def _audiences(
    course: Course, workforce_types: list[str], commands: list[str]
) -> list[CourseAudience]:
    """Every chosen workforce type in each listed command, or in every command if none."""
    commands = list(dict.fromkeys(c.strip() for c in commands if c.strip())) or [""]
    audiences = [
        CourseAudience(course=course, workforce_type=workforce_type, command=command)
        for workforce_type in dict.fromkeys(workforce_types)
        for command in commands
    ]
    for audience in audiences:
        audience.full_clean(exclude=["course"])
    return audiences


@transaction.atomic
def course_create(
    *,
    actor: User,
    owner: Organisation,
    code: str,
    title: str,
    target_percent: int,
    refresh_months: int | None,
    workforce_types: list[str],
    commands: list[str],
) -> Course:
    """Set up a course the force requires of some of its workforce.

    The audience is every chosen workforce type in each listed command, or in every command
    if none is listed.
    """
    if not selectors.can_manage_courses(user=actor, organisation=owner):
        raise PermissionDenied("Only a lead officer of the force can set up its courses")
    code = code.strip()
    if Course.objects.filter(owner=owner, code__iexact=code).exists():
        raise ValidationError({"code": f"{owner.display_name} already has a course {code}"})
    _check_workforce_types(workforce_types)
    course = Course(
        owner=owner,
        code=code,
        title=title.strip(),
        target_percent=target_percent,
        refresh_months=refresh_months or None,
    )
    course.full_clean()
    course.save()
    audiences = _audiences(course, workforce_types, commands)
    CourseAudience.objects.bulk_create(audiences)
    # Count coverage at the force's earlier snapshots too, so the trend starts at once.
    coverage_figures_record(
        course=course,
        snapshots=coverage.monthly_snapshots(organisation_id=owner.pk),
    )
    audit_record(
        actor=actor,
        action="course.created",
        target=course,
        organisation=owner,
        changes={
            "code": [None, course.code],
            "title": [None, course.title],
            "target_percent": [None, course.target_percent],
            "refresh_months": [None, course.refresh_months],
            "audience": [None, [str(a) for a in audiences]],
        },
    )
    return course


@transaction.atomic
def course_update(
    *,
    actor: User,
    course: Course,
    expected_version: int,
    title: str,
    target_percent: int,
    refresh_months: int | None,
    workforce_types: list[str],
    commands: list[str],
) -> Course:
    """Change a course's title, target, refresh period or audience; the code stays as it is.

    `expected_version` is the version the editor's form was drawn from: if someone else
    saved the course since, nothing is saved and the editor is asked to make their change
    again.

    A new audience or refresh period changes who is required and who is in date, so the
    figures stored at the force's snapshots are counted again in the same transaction: at
    the last snapshot of each month (the page and the trend read those), while figures at
    any other snapshot are dropped so they are counted live if ever shown. The target is
    compared when the page is drawn, so changing it needs no recount.
    """
    if not selectors.can_manage_courses(user=actor, organisation=course.owner):
        raise PermissionDenied("Only a lead officer of the force can change its courses")
    _check_workforce_types(workforce_types)
    course = locked_for_edit(
        Course.objects.select_related("owner"),
        pk=course.pk,
        expected_version=expected_version,
        message=_(
            "Someone else changed this course while you were editing it. "
            "Check their changes below and make yours again."
        ),
    )
    before = {
        "title": course.title,
        "target_percent": course.target_percent,
        "refresh_months": course.refresh_months,
        "audience": sorted(str(a) for a in course.audiences.all()),
    }
    course.title = title.strip()
    course.target_percent = target_percent
    course.refresh_months = refresh_months or None
    course.full_clean()
    audiences = _audiences(course, workforce_types, commands)
    after = {
        "title": course.title,
        "target_percent": course.target_percent,
        "refresh_months": course.refresh_months,
        "audience": sorted(str(a) for a in audiences),
    }
    changes = {key: [before[key], value] for key, value in after.items() if before[key] != value}
    if not changes:
        return course
    course.version += 1
    course.save(
        update_fields=["title", "target_percent", "refresh_months", "version", "updated_at"]
    )
    if "audience" in changes:
        course.audiences.all().delete()
        CourseAudience.objects.bulk_create(audiences)
    if "audience" in changes or "refresh_months" in changes:
        course = Course.objects.prefetch_related("audiences").get(pk=course.pk)
        monthly = coverage.monthly_snapshots(organisation_id=course.owner_id)
        CoverageFigure.objects.filter(course=course).exclude(snapshot__in=monthly).delete()
        CohortFigure.objects.filter(course=course).exclude(snapshot__in=monthly).delete()
        coverage_figures_record(course=course, snapshots=monthly)
    audit_record(
        actor=actor,
        action="course.updated",
        target=course,
        organisation=course.owner,
        changes=changes,
    )
    return course


def _course_locked(course: Course) -> Course:
    return Course.objects.select_for_update(of=("self",)).select_related("owner").get(pk=course.pk)


def _course_archived_set(actor: User, course: Course, *, archived: bool, reason: str) -> Course:
    """Archive or restore the locked course, in the caller's transaction, with the reason."""
    course.is_archived = archived
    course.version += 1
    course.save(update_fields=["is_archived", "version", "updated_at"])
    audit_record(
        actor=actor,
        action="course.archived" if archived else "course.restored",
        target=course,
        organisation=course.owner,
        changes={"is_archived": [not archived, archived]},
        note=reason.strip(),
    )
    return course


@transaction.atomic
def course_archive(*, actor: User, course: Course, reason: str) -> Course:
    """Archive a course the force no longer requires, with the reason why.

    It leaves the force's course list and is no longer matched by an upload's completions; it
    stays readable at its address, with the figures already counted.
    """
    if not selectors.can_manage_courses(user=actor, organisation=course.owner):
        raise PermissionDenied("Only a lead officer of the force can archive its courses")
    if not reason.strip():
        raise ValidationError({"reason": _("Enter why the course is being archived")})
    course = _course_locked(course)
    if course.is_archived:
        raise ValidationError(_("This course is already archived"))
    return _course_archived_set(actor, course, archived=True, reason=reason)


@transaction.atomic
def course_restore(*, actor: User, course: Course, reason: str = "") -> Course:
    """Bring an archived course back into the force's list."""
    if not selectors.can_manage_courses(user=actor, organisation=course.owner):
        raise PermissionDenied("Only a lead officer of the force can restore its courses")
    course = _course_locked(course)
    if not course.is_archived:
        raise ValidationError(_("This course is not archived"))
    if (
        Course.objects.filter(owner=course.owner, code__iexact=course.code, is_archived=False)
        .exclude(pk=course.pk)
        .exists()
    ):
        raise ValidationError(_("The force has another course with this code in use"))
    return _course_archived_set(actor, course, archived=False, reason=reason)
