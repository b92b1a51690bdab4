"""Coverage offered as evidence on a recommendation or a meeting agenda item.

It shows only to those who may see both the coverage and the recommendation or meeting.
"""

import datetime
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from answerable.accounts.models import User
from answerable.core.prepared import prepared_list
from answerable.core.prepared_rows import prepared_rows
from answerable.meetings import selectors as meeting_selectors
from answerable.meetings.models import AgendaItem
from answerable.organisations.models import Membership
from answerable.organisations.selectors import access_for
from answerable.recommendations.models import Recommendation
from answerable.recommendations.selectors import recommendation_list
from answerable.workforce.models import Course, CoverageFigure, CoverageLink, Snapshot
from answerable.workforce.selectors.access import can_link_coverage, course_list, snapshot_latest

Role = Membership.Role
# Meetings that started this many days ago or later are offered for linking coverage.
RECENT_MEETING_DAYS = 90


def linkable_recommendation_list(
    *, user: User, course: Course, unlinked: bool = True
) -> QuerySet[Recommendation]:
    """Return recommendations the user may offer the course's coverage against.

    A scrutiny officer links to recommendations under their office's sources; a lead officer
    of the owning force, to any recommendation they can see (those with their actions).
    With `unlinked`, those the course is already linked to are left out.
    """
    access = access_for(user)
    condition = Q(source__owner_id__in=access.organisations_with_role(Role.SCRUTINY_OFFICER))
    if access.has_role(Role.LEAD_OFFICER, course.owner_id):
        condition |= Q(pk__isnull=False)
    recommendations = recommendation_list(user=user).filter(condition)
    if unlinked:
        recommendations = recommendations.exclude(workforce_coverage_links__course=course)
    return recommendations.order_by("source__title", "position", "id")


def linkable_agenda_item_list(
    *,
    user: User,
    course: Course,
    unlinked: bool = True,
    since: datetime.datetime | None = None,
) -> QuerySet[AgendaItem]:
    """Return agenda items the user may offer the course's coverage on, in meeting order.

    Those who may link coverage at all, where the meetings app lets them table the force's
    evidence: a scrutiny officer on their own office's meetings; a lead officer of the owning
    force on meetings the force attends. With `unlinked`, items the course is already linked
    to are left out; with `since`, meetings that started before then.
    """
    if not can_link_coverage(user=user, course=course):
        return AgendaItem.objects.none()
    items = meeting_selectors.evidence_agenda_item_list(user=user, organisation_id=course.owner_id)
    if unlinked:
        items = items.exclude(workforce_coverage_links__course=course)
    if since is not None:
        items = items.filter(meeting__starts_at__gte=since)
    return items.order_by("meeting__starts_at", "meeting_id", "position", "id")


def recent_meetings_since(*, days: int = RECENT_MEETING_DAYS) -> datetime.datetime:
    """The start of the day `days` ago: meetings since then are offered for linking."""
    start_of_today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return start_of_today - datetime.timedelta(days=days)


def coverage_link_list(
    *, user: User, recommendation: Recommendation | None = None, course: Course | None = None
) -> QuerySet[CoverageLink]:
    """Return coverage offered on recommendations where the user may see course and recommendation.

    The recommendation page lists its links through `recommendation_coverage_list`. Links on
    meeting agenda items are listed by `course_evidence_list` and `agenda_coverage_list`.
    """
    links = CoverageLink.objects.filter(
        course__in=course_list(user=user).values("pk"),
        recommendation__in=recommendation_list(user=user).values("pk"),
    )
    if recommendation is not None:
        links = links.filter(recommendation=recommendation)
    if course is not None:
        links = links.filter(course=course)
    return links.select_related(
        "course", "course__owner", "recommendation", "recommendation__source", "created_by"
    ).order_by("-created_at", "-id")


def recommendation_coverage_list(
    *, user: User, recommendation_ids: list[int]
) -> dict[int, list[CoverageLink]]:
    """Coverage offered on each recommendation that the user may see, with what its page shows.

    Few recommendations have coverage offered, and building the query of what the user may
    see costs ~7 ms of CPU (its visibility rules), so it is built only if there is any.
    """
    if not prepared_rows("coverage_offered", CoverageLink, _offered_on, recommendation_ids):
        return {}
    links = (
        coverage_link_list(user=user)
        .filter(recommendation_id__in=recommendation_ids)
        .select_related(None)
        .select_related("course__owner")
        .only("note", "recommendation", "course__title", "course__owner__name")
    )
    coverage: dict[int, list[CoverageLink]] = {}
    for link in links:
        coverage.setdefault(link.recommendation_id, []).append(link)  # type: ignore[arg-type]
    return coverage


def _offered_on(recommendation_ids: Collection[int]) -> QuerySet[CoverageLink, Any]:
    """Whether any coverage is offered on the recommendations: one row or none, its SQL
    built once (core.prepared_rows; every recommendation page asks)."""
    return (
        CoverageLink.objects.filter(recommendation_id__in=recommendation_ids)
        .order_by()
        .values_list("pk")[:1]
    )


@dataclass(frozen=True)
class CourseCoverage:
    """A course's overall coverage at its owner's latest snapshot, for a report."""

    course: str
    owner: str
    taken_on: datetime.date
    required: int
    in_date: int
    target_percent: int

    @property
    def percent(self) -> int:
        return round(100 * self.in_date / self.required) if self.required else 0


def recommendation_course_coverage(
    *, recommendation_ids: list[int]
) -> dict[int, list[CourseCoverage]]:
    """For each recommendation, the coverage of the courses offered as evidence on it, as at
    each course owner's latest snapshot (the figure stored at import).

    Callers pass recommendations already scoped by the register's selectors.
    """
    links = (
        CoverageLink.objects.filter(recommendation_id__in=recommendation_ids)
        .select_related("course__owner")
        .order_by("course__title", "pk")
    )
    coverage: dict[int, list[CourseCoverage]] = {}
    latest: dict[int, Snapshot | None] = {}
    for link in links:
        course = link.course
        if course.owner_id not in latest:
            latest[course.owner_id] = snapshot_latest(organisation=course.owner)
        snapshot = latest[course.owner_id]
        figure = (
            CoverageFigure.objects.filter(snapshot=snapshot, course=course).first()
            if snapshot
            else None
        )
        if snapshot is None or figure is None:
            continue
        coverage.setdefault(link.recommendation_id, []).append(  # type: ignore[arg-type]
            CourseCoverage(
                course=course.title,
                owner=course.owner.name,
                taken_on=snapshot.taken_on,
                required=figure.required,
                in_date=figure.in_date,
                target_percent=course.target_percent,
            )
        )
    return coverage


def _links_with_targets() -> QuerySet[CoverageLink]:
    return CoverageLink.objects.select_related(
        "course",
        "course__owner",
        "recommendation",
        "recommendation__source",
        "agenda_item",
        "agenda_item__meeting",
        "created_by",
    )


def _visible_targets(user: User, links: list[CoverageLink]) -> list[CoverageLink]:
    """The links whose recommendation or meeting the user may see, in at most two queries.

    Each query runs only when there are links of its kind, so a course with no evidence costs
    nothing here.
    """
    recommendation_ids = {link.recommendation_id for link in links if link.recommendation_id}
    meeting_ids = {link.agenda_item.meeting_id for link in links if link.agenda_item}
    recommendations = (
        set(
            recommendation_list(user=user)
            .filter(pk__in=recommendation_ids)
            .values_list("pk", flat=True)
        )
        if recommendation_ids
        else set()
    )
    meetings = (
        set(
            meeting_selectors.meeting_list(user=user)
            .filter(pk__in=meeting_ids)
            .values_list("pk", flat=True)
        )
        if meeting_ids
        else set()
    )
    return [
        link
        for link in links
        if link.recommendation_id in recommendations
        or (link.agenda_item is not None and link.agenda_item.meeting_id in meetings)
    ]


# What the coverage page shows of each link: reading every column of five tables cost more
# than the rest of the page's queries together. The course is the page's own.
_EVIDENCE_FIELDS = (
    "created_at",
    "note",
    "recommendation__reference",
    "recommendation__source__title",
    "agenda_item__position",
    "agenda_item__title",
    "agenda_item__meeting__title",
    "agenda_item__meeting__starts_at",
    "created_by__full_name",
    "created_by__email",
)


def course_evidence_list(*, user: User, course: Course) -> list[CoverageLink]:
    """Return the course's coverage links, on recommendations and agenda items, newest first.

    Only links whose recommendation or meeting the user may see; the caller has checked the
    user may see the course. A fixed number of queries however many links.
    """
    links = list(
        CoverageLink.objects.filter(course=course)
        .select_related("recommendation__source", "agenda_item__meeting", "created_by")
        .only(*_EVIDENCE_FIELDS)
        .order_by("-created_at", "-id")
    )
    return _visible_targets(user, links)


def coverage_link_get_for_user(*, user: User, pk: int) -> CoverageLink:
    """Return the link if the user may see its coverage and its target; raise Http404 otherwise."""
    link = _links_with_targets().filter(pk=pk).first()
    if (
        link is None
        or not course_list(user=user).filter(pk=link.course_id).exists()
        or not _visible_targets(user, [link])
    ):
        raise Http404("No such coverage link")
    return link


def coverage_link_removable_ids(
    *, user: User, course: Course, links: list[CoverageLink]
) -> set[int]:
    """Return the IDs of those of the course's links the user may remove.

    Whoever may make a link may remove it: the rule of `linkable_recommendation_list` and
    `linkable_agenda_item_list`. One query for each kind of link present, none without links.
    """
    if not links or not can_link_coverage(user=user, course=course):
        return set()
    removable: set[int] = set()
    recommendation_ids = {link.recommendation_id for link in links if link.recommendation_id}
    if recommendation_ids:
        allowed = linkable_recommendation_list(user=user, course=course, unlinked=False)
        ids = set(allowed.filter(pk__in=recommendation_ids).values_list("pk", flat=True))
        removable |= {link.pk for link in links if link.recommendation_id in ids}
    item_ids = {link.agenda_item_id for link in links if link.agenda_item_id}
    if item_ids:
        allowed_items = linkable_agenda_item_list(user=user, course=course, unlinked=False)
        ids = set(allowed_items.filter(pk__in=item_ids).values_list("pk", flat=True))
        removable |= {link.pk for link in links if link.agenda_item_id in ids}
    return removable


def agenda_coverage_list(*, user: User, item_ids: list[int]) -> list[CoverageLink]:
    """Coverage offered on the agenda items, in item order, each with its latest overall figure.

    Only courses whose coverage the user may see: anyone else gets nothing. The caller has
    checked the user may see the items. One query, and a second only if there are links,
    however many: `latest_taken_on`, `latest_required` and `latest_in_date` come from the
    figure stored at the force's latest snapshot (None if there is none).
    """
    # Its SQL, four subqueries, is built once per process (core/prepared.py): most meetings
    # have no coverage offered, and building it cost more than running it (issue #12).
    links = prepared_list("agenda_coverage_list", CoverageLink, _agenda_coverage, item_ids)
    if not links:
        return []
    visible = set(
        course_list(user=user)
        .filter(pk__in={link.course_id for link in links})
        .values_list("pk", flat=True)
    )
    return [link for link in links if link.course_id in visible]


def _agenda_coverage(item_ids: Collection[int]) -> QuerySet[CoverageLink]:
    latest = Snapshot.objects.filter(organisation_id=OuterRef("course__owner_id")).order_by(
        "-taken_on", "-id"
    )
    figure = CoverageFigure.objects.filter(
        course_id=OuterRef("course_id"), snapshot_id=OuterRef("latest_snapshot_id")
    )
    return (
        CoverageLink.objects.filter(agenda_item_id__in=item_ids)
        .annotate(
            latest_snapshot_id=Subquery(latest.values("pk")[:1]),
            latest_taken_on=Subquery(latest.values("taken_on")[:1]),
            latest_required=Subquery(figure.values("required")[:1]),
            latest_in_date=Subquery(figure.values("in_date")[:1]),
        )
        .select_related("course", "course__owner", "created_by")
        .order_by("agenda_item_id", "course__title", "id")
    )
