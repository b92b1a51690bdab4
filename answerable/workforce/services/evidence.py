"""Coverage offered as evidence: on a recommendation or on a meeting agenda item."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet

from answerable.accounts.models import User
from answerable.audit.services import audit_record
from answerable.meetings.models import AgendaItem
from answerable.recommendations.models import Recommendation
from answerable.workforce import selectors
from answerable.workforce.models import Course, CoverageLink


@transaction.atomic
def coverage_link_create(
    *,
    actor: User,
    course: Course,
    recommendation: Recommendation | None = None,
    agenda_item: AgendaItem | None = None,
    note: str = "",
) -> CoverageLink:
    """Offer a course's coverage as evidence: on a recommendation, or on a meeting agenda item.

    Exactly one of the two. The actor must see the course and be allowed to link it there:
    see `selectors.linkable_recommendation_list` and `selectors.linkable_agenda_item_list`.
    """
    one_target = "Link the coverage to either a recommendation or an agenda item"
    if recommendation is not None and agenda_item is not None:
        raise ValidationError(one_target)
    if not selectors.course_list(user=actor).filter(pk=course.pk).exists():
        raise PermissionDenied("You cannot see this course")
    target: Recommendation | AgendaItem
    allowed: QuerySet[Recommendation] | QuerySet[AgendaItem]
    if recommendation is not None:
        target_field, words, target = "recommendation", "recommendation", recommendation
        allowed = selectors.linkable_recommendation_list(user=actor, course=course, unlinked=False)
    elif agenda_item is not None:
        target_field, words, target = "agenda_item", "agenda item", agenda_item
        allowed = selectors.linkable_agenda_item_list(user=actor, course=course, unlinked=False)
    else:
        raise ValidationError(one_target)
    if (
        not selectors.can_link_coverage(user=actor, course=course)
        or not allowed.filter(pk=target.pk).exists()
    ):
        raise PermissionDenied(f"You cannot link this coverage to that {words}")
    on_target = {target_field: target}
    if CoverageLink.objects.filter(course=course, **on_target).exists():
        raise ValidationError({target_field: f"This coverage is already linked to that {words}"})
    link = CoverageLink(course=course, note=note.strip(), created_by=actor, **on_target)
    link.full_clean()
    link.save()
    audit_record(
        actor=actor,
        action="coverage_link.created",
        target=link,
        organisation=course.owner,
        changes={
            "course": [None, str(course)],
            target_field: [None, _target_text(link)],
            "note": [None, link.note],
        },
    )
    return link


def _target_text(link: CoverageLink) -> str:
    if link.recommendation is not None:
        return link.recommendation.reference
    assert link.agenda_item is not None  # coverage_link_one_target
    return f"{link.agenda_item.meeting}: {link.agenda_item}"


@transaction.atomic
def coverage_link_delete(*, actor: User, link: CoverageLink) -> None:
    """Withdraw coverage offered as evidence. Whoever may make the link may remove it.

    The link is deleted rather than archived: `coverage_link.deleted` keeps what it was.
    """
    course = link.course
    if not selectors.coverage_link_removable_ids(user=actor, course=course, links=[link]):
        raise PermissionDenied("You cannot remove this coverage link")
    target_field = "recommendation" if link.recommendation_id is not None else "agenda_item"
    audit_record(
        actor=actor,
        action="coverage_link.deleted",
        target=link,
        organisation=course.owner,
        changes={
            "course": [str(course), None],
            target_field: [_target_text(link), None],
            "note": [link.note, None],
        },
    )
    link.delete()
