"""Every read of meetings, scoped to what the user's organisations and roles allow.

The rule: the office that runs a meeting (the PCC's office) sees all of it; a partner
organisation sees the meetings it attends, is asked questions at or owns an action from, and
only its own meeting actions on the action tracker. OFFICIAL-SENSITIVE papers are shown to the
office and to the organisation that tabled them.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, prefetch_related_objects
from django.http import Http404
from django.utils import timezone

from answerable.accounts.models import User
from answerable.meetings.models import (
    AccountabilityMeeting,
    AgendaItem,
    Attendee,
    ItemVerdict,
    Marking,
    MeetingAction,
    Paper,
    Question,
    Response,
)
from answerable.organisations.models import Membership
from answerable.organisations.selectors import access_for
from answerable.recommendations.models import Action, Recommendation
from answerable.recommendations.selectors import action_list, recommendation_list

Role = Membership.Role

# Only these verdicts can become an assessment of the linked recommendations.
VERDICT_TO_ASSESSMENT: dict[str, str] = {
    ItemVerdict.Verdict.ASSURED: "assured",
    ItemVerdict.Verdict.PARTLY_ASSURED: "partly_assured",
    ItemVerdict.Verdict.NOT_ASSURED: "not_assured",
}


# --- permissions -------------------------------------------------------------------------


def can_plan_meetings(*, user: User, office_id: int | None = None) -> bool:
    """Scrutiny officers plan and record their own office's meetings."""
    access = access_for(user)
    if office_id is None:
        return access.has_role(Role.SCRUTINY_OFFICER)
    return access.has_role(Role.SCRUTINY_OFFICER, office_id)


def meeting_attending_organisation_ids(*, meeting: AccountabilityMeeting) -> set[int]:
    """Return the organisations with someone attending the meeting."""
    return set(
        Attendee.objects.filter(meeting=meeting, organisation__isnull=False).values_list(
            "organisation_id", flat=True
        )
    )


def paper_upload_organisation_id(
    *, user: User, meeting: AccountabilityMeeting, attendees: list[Attendee] | None = None
) -> int | None:
    """The organisation a paper from this user is tabled for, or None if they cannot table one.

    The office's scrutiny officers table papers for the office; lead officers table them for an
    organisation that attends the meeting. A caller holding the meeting's `attendees` passes
    them rather than have them asked for again.
    """
    access = access_for(user)
    if access.has_role(Role.SCRUTINY_OFFICER, meeting.office_id):
        return meeting.office_id
    leads = access.organisations_with_role(Role.LEAD_OFFICER)
    if not leads:
        return None
    if attendees is None:
        attending_ids = meeting_attending_organisation_ids(meeting=meeting)
    else:
        attending_ids = {a.organisation_id for a in attendees if a.organisation_id is not None}
    attending = sorted(leads & attending_ids)
    return attending[0] if attending else None


def can_upload_paper(
    *, user: User, meeting: AccountabilityMeeting, attendees: list[Attendee] | None = None
) -> bool:
    """The office's scrutiny officers and attending organisations' lead officers table papers."""
    return paper_upload_organisation_id(user=user, meeting=meeting, attendees=attendees) is not None


def can_respond(*, user: User, question: Question) -> bool:
    """Scrutiny officers record answers given in the meeting; the addressee's leads prepare one."""
    access = access_for(user)
    if access.has_role(Role.SCRUTINY_OFFICER, question.item.meeting.office_id):
        return True
    return bool(
        question.addressed_to_id
        and access.has_role(Role.LEAD_OFFICER, question.addressed_to_id)
        and question.item.meeting.status
        in (AccountabilityMeeting.Status.PLANNED, AccountabilityMeeting.Status.PAPERS_RECEIVED)
    )


# --- meetings ----------------------------------------------------------------------------


def meeting_list(*, user: User) -> QuerySet[AccountabilityMeeting]:
    """Return meetings the user may see: their office's, or ones their organisation is part of."""
    organisations = access_for(user).organisation_ids
    attends = Attendee.objects.filter(meeting=OuterRef("pk"), organisation_id__in=organisations)
    owns_action = MeetingAction.objects.filter(meeting=OuterRef("pk"), owner_id__in=organisations)
    is_asked = Question.objects.filter(
        item__meeting=OuterRef("pk"), addressed_to_id__in=organisations
    )
    return AccountabilityMeeting.objects.filter(
        Q(office_id__in=organisations) | Exists(attends) | Exists(owns_action) | Exists(is_asked)
    ).select_related("office", "chair")


def meeting_get_for_user(*, user: User, pk: int) -> AccountabilityMeeting:
    """Return the meeting if the user may see it; raise Http404 otherwise.

    The office's own meetings, most of what is asked for, are told without building and
    running `meeting_list`'s subqueries for partners; a partner's access is asked as before.
    """
    try:
        meeting = AccountabilityMeeting.objects.select_related("office", "chair").get(pk=pk)
    except AccountabilityMeeting.DoesNotExist:
        raise Http404("No such meeting") from None
    if meeting.office_id in access_for(user).organisation_ids:
        return meeting
    if meeting_list(user=user).filter(pk=pk).exists():
        return meeting
    raise Http404("No such meeting")


def _item_scope(user: User, path: str = "") -> Q:
    """Agenda items the user may see on meetings they may see.

    A sensitive item (discussed in closed session, never published) is for the office that
    holds the meeting and the organisations questioned on it, not every partner attending.
    `path` applies the rule to the item of something else ("item__"), through its join.
    """
    organisations = access_for(user).organisation_ids
    questioned = Question.objects.filter(
        item=OuterRef(f"{path}pk"), addressed_to_id__in=organisations
    )
    return (
        Q(**{f"{path}is_sensitive": False})
        | Q(**{f"{path}meeting__office_id__in": organisations})
        | Q(Exists(questioned))
    )


def _visible_items(user: User) -> QuerySet[AgendaItem, Any]:
    return AgendaItem.objects.filter(_item_scope(user)).values("pk")


def forward_plan(
    *, user: User, past: bool = False, now: datetime.datetime | None = None
) -> QuerySet[AccountabilityMeeting]:
    """Upcoming meetings soonest first (or past ones, latest first), with their items' themes.

    Only items the user may see lend their themes: a sensitive item's theme once showed to
    partners not questioned on it (issue #11).
    """
    start_of_today = timezone.localtime(now or timezone.now()).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    meetings = meeting_list(user=user).prefetch_related(
        Prefetch(
            "items",
            queryset=AgendaItem.objects.filter(_item_scope(user))
            .select_related("theme")
            .order_by("position"),
        )
    )
    if past:
        return meetings.filter(starts_at__lt=start_of_today).order_by("-starts_at", "-id")
    return meetings.filter(starts_at__gte=start_of_today).order_by("starts_at", "id")


def agenda_item_get_for_user(*, user: User, pk: int) -> AgendaItem:
    """Return the agenda item if the user may see its meeting; raise Http404 otherwise."""
    try:
        return (
            AgendaItem.objects.select_related("meeting", "meeting__office", "theme")
            .filter(_item_scope(user))
            .get(pk=pk, meeting__in=meeting_list(user=user).values("pk"))
        )
    except AgendaItem.DoesNotExist:
        raise Http404("No such agenda item") from None


def evidence_agenda_item_list(*, user: User, organisation_id: int) -> QuerySet[AgendaItem]:
    """Return agenda items the user may put the organisation's evidence on, such as its training.

    The rule for tabling papers: a scrutiny officer on their own office's meetings, and a lead
    officer of the organisation on the meetings it attends. The action tracker review is left
    out: it reviews meeting actions only.
    """
    access = access_for(user)
    condition = Q(meeting__office_id__in=access.organisations_with_role(Role.SCRUTINY_OFFICER))
    if access.has_role(Role.LEAD_OFFICER, organisation_id):
        attends = Attendee.objects.filter(
            meeting=OuterRef("meeting_id"), organisation_id=organisation_id
        )
        condition |= Q(Exists(attends))
    return (
        AgendaItem.objects.filter(condition, is_action_review=False)
        .filter(meeting__in=meeting_list(user=user).values("pk"))
        .select_related("meeting")
    )


def question_get_for_user(*, user: User, pk: int) -> Question:
    """Return the question if the user may see its meeting; raise Http404 otherwise."""
    try:
        return Question.objects.select_related(
            "item", "item__meeting", "item__meeting__office", "addressed_to"
        ).get(
            pk=pk,
            item__meeting__in=meeting_list(user=user).values("pk"),
            item__in=_visible_items(user),
        )
    except Question.DoesNotExist:
        raise Http404("No such question") from None


def _paper_scope(user: User) -> Q:
    """Papers the user may see among those on meetings they may see."""
    access = access_for(user)
    return (
        Q(item__meeting__office_id__in=access.organisation_ids)
        | Q(marking=Marking.OFFICIAL)
        | Q(organisation_id__in=access.organisation_ids)
    )


def paper_get_for_user(*, user: User, pk: int) -> Paper:
    """Return the paper if the user may read it; raise Http404 otherwise."""
    try:
        return (
            Paper.objects.select_related("item", "item__meeting")
            .filter(_paper_scope(user), item__in=_visible_items(user))
            .get(pk=pk, item__meeting__in=meeting_list(user=user).values("pk"))
        )
    except Paper.DoesNotExist:
        raise Http404("No such paper") from None


def meeting_agenda(*, meeting: AccountabilityMeeting) -> list[AgendaItem]:
    """Return the meeting's items in order with everything recorded on them, in fixed queries.

    Everything, for publishing: the caller decides what may go out. The meeting page asks
    `meeting_agenda_for_user`.
    """
    return list(
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("theme", "verdict", "verdict__recorded_by")
        .prefetch_related(
            Prefetch(
                "recommendations",
                queryset=Recommendation.objects.select_related("source").order_by(
                    "source__title", "position", "id"
                ),
            ),
            Prefetch(
                "actions",
                queryset=Action.objects.select_related("recommendation", "owner").order_by("id"),
            ),
            Prefetch(
                "papers",
                queryset=Paper.objects.select_related("organisation").order_by("created_at", "id"),
            ),
            Prefetch(
                "questions",
                queryset=Question.objects.select_related("addressed_to").prefetch_related(
                    Prefetch(
                        "responses",
                        queryset=Response.objects.select_related("given_by_organisation"),
                    )
                ),
            ),
            Prefetch(
                "meeting_actions",
                queryset=MeetingAction.objects.select_related("owner", "owner_user").order_by("id"),
            ),
        )
        .order_by("position", "id")
    )


def meeting_agenda_for_user(*, meeting: AccountabilityMeeting, user: User) -> list[AgendaItem]:
    """The meeting page's agenda: the items the user may see, in order, in fixed queries.

    On each item, lists of what the page shows: `recommendation_list` (each with its
    `source_title`), `action_list` (register actions), `paper_list` (the papers the user may
    read) and `question_list`, each question with its `response_list`. The meeting actions
    raised on items come from `meeting_page_actions`. Only the columns the page shows are
    loaded, and lists rather than related managers are filled: the timestamps and managers
    nobody uses cost the most.
    """
    items: list[AgendaItem] = list(
        AgendaItem.objects.filter(_item_scope(user), meeting=meeting)
        .select_related("theme", "verdict")
        .only(
            "meeting",
            "position",
            "title",
            "theme__name",
            "description",
            "is_action_review",
            "is_sensitive",
            "verdict__verdict",
            "verdict__rationale",
        )
        .annotate(has_papers=Exists(Paper.objects.filter(item=OuterRef("pk"))))
        .prefetch_related(
            # Through the register's own visibility rules: a partner attending a meeting sees
            # only the recommendations and actions the register shows it (issue #11).
            Prefetch(
                "recommendations",
                queryset=recommendation_list(user=user)
                .select_related(None)
                .annotate(source_title=F("source__title"))
                .only("reference")
                .order_by("source__title", "position", "id"),
                to_attr="recommendation_list",
            ),
            Prefetch(
                "actions",
                queryset=action_list(user=user)
                .select_related(None)
                .select_related("recommendation", "owner")
                .only("description", "recommendation__reference", *_organisation_names("owner"))
                .order_by("id"),
                to_attr="action_list",
            ),
            Prefetch(
                "questions",
                queryset=Question.objects.select_related("addressed_to")
                .only(
                    "item", "text", "asked_by", "is_prepared", *_organisation_names("addressed_to")
                )
                .prefetch_related(
                    Prefetch(
                        "responses",
                        queryset=Response.objects.select_related("given_by_organisation").only(
                            "question",
                            "text",
                            "given_by_name",
                            "is_prepared",
                            *_organisation_names("given_by_organisation"),
                        ),
                        to_attr="response_list",
                    )
                ),
                to_attr="question_list",
            ),
        )
        .order_by("position", "id")
    )
    _add_papers(items, user)
    return items


def _add_papers(items: list[AgendaItem], user: User) -> None:
    """Fill each item's `paper_list` with the papers the user may read.

    Asked for only the items with a paper: until papers are tabled most items have none, and
    a query that finds nothing costs as much as any other.
    """
    with_papers = []
    for item in items:
        if item.has_papers:  # type: ignore[attr-defined]
            with_papers.append(item)
        else:
            item.paper_list = []  # type: ignore[attr-defined]
    prefetch_related_objects(
        with_papers,
        Prefetch(
            "papers",
            queryset=Paper.objects.filter(_paper_scope(user))
            .select_related("organisation")
            .only(
                "item",
                "title",
                "file_kind",
                "marking",
                "is_published",
                *_organisation_names("organisation"),
            )
            .order_by("created_at", "id"),
            to_attr="paper_list",
        ),
    )


def _organisation_names(relation: str) -> tuple[str, ...]:
    """The columns behind an organisation's `display_name`."""
    return (f"{relation}__name", f"{relation}__short_name")


def meeting_attendees(*, meeting: AccountabilityMeeting) -> QuerySet[Attendee]:
    """Return the meeting's attendees with their organisations."""
    return Attendee.objects.filter(meeting=meeting).select_related("organisation").order_by("id")


def action_review_list(
    *, meeting: AccountabilityMeeting, user: User | None = None
) -> QuerySet[MeetingAction]:
    """Open meeting actions from the office's earlier meetings: the 'Review of action tracker'.

    Computed live, so an action disappears from every review once it is closed. With a user,
    actions raised on items they may not see are left out, unless their organisation owns them.
    """
    actions = MeetingAction.objects.filter(_in_review(meeting))
    if user is not None:
        actions = actions.filter(_action_scope(user))
    return actions.select_related("meeting", "item", "owner", "owner_user").order_by("due_on", "id")


def _in_review(meeting: AccountabilityMeeting) -> Q:
    return Q(
        meeting__office_id=meeting.office_id,
        meeting__starts_at__lt=meeting.starts_at,
        status=MeetingAction.Status.OPEN,
    )


def meeting_actions_raised(
    *, meeting: AccountabilityMeeting, user: User | None = None
) -> QuerySet[MeetingAction]:
    """Return the actions raised at the meeting, in the order they were raised (scoped as above)."""
    actions = MeetingAction.objects.filter(meeting=meeting)
    if user is not None:
        actions = actions.filter(_action_scope(user))
    return actions.select_related("item", "owner", "owner_user").order_by("id")


def meeting_page_actions(
    *, meeting: AccountabilityMeeting, user: User
) -> tuple[list[MeetingAction], list[MeetingAction]]:
    """The meeting page's action review and the actions raised at the meeting, in one query.

    The actions `action_review_list` and `meeting_actions_raised` give the user, with only the
    columns the page shows, and the title of the meeting each was raised at as `meeting_title`
    rather than a meeting object: the review has dozens of rows.
    """
    actions = (
        MeetingAction.objects.filter(Q(meeting=meeting) | _in_review(meeting))
        .filter(_action_scope(user))
        .select_related("owner", "owner_user")
        .annotate(meeting_title=F("meeting__title"))
        .only(
            "meeting",
            "item",
            "owner_name",
            "description",
            "due_on",
            "status",
            "closed_note",
            *_organisation_names("owner"),
            "owner_user__full_name",
            "owner_user__email",
        )
        .order_by("due_on", "id")
    )
    review: list[MeetingAction] = []
    raised: list[MeetingAction] = []
    for action in actions:
        (raised if action.meeting_id == meeting.pk else review).append(action)
    raised.sort(key=lambda action: action.pk)
    return review, raised


@dataclass(frozen=True)
class MeetingPage:
    """What the meeting page shows about a meeting, as the viewer may see it."""

    items: list[AgendaItem]
    review: list[MeetingAction]
    raised: list[MeetingAction]
    raised_on_item: dict[int | None, list[MeetingAction]]
    attendees: list[Attendee]
    coverage: dict[int | None, list[Any]]


def meeting_page(*, meeting: AccountabilityMeeting, user: User) -> MeetingPage:
    """The meeting page's agenda, actions, attendees and linked coverage, as the user may
    see them."""
    # Imported here: workforce builds on meetings, so the meeting page reaches back lazily.
    from answerable.workforce.selectors import agenda_coverage_list

    coverage: dict[int | None, list[Any]] = {}
    for link in agenda_coverage_list(user=user, meeting_id=meeting.pk):
        coverage.setdefault(link.agenda_item_id, []).append(link)
    review, raised = meeting_page_actions(meeting=meeting, user=user)
    raised_on_item: dict[int | None, list[MeetingAction]] = {}
    for action in raised:
        raised_on_item.setdefault(action.item_id, []).append(action)
    return MeetingPage(
        items=meeting_agenda_for_user(meeting=meeting, user=user),
        review=review,
        raised=raised,
        raised_on_item=raised_on_item,
        attendees=list(meeting_attendees(meeting=meeting)),
        coverage=coverage,
    )


def _action_scope(user: User) -> Q:
    """Actions on no item or on an item the user may see, and their organisation's own.

    The item rule is applied through the action's item rather than a list of every item the
    user may see, which the database would build in full for each query.
    """
    return (
        Q(item__isnull=True)
        | _item_scope(user, "item__")
        | Q(owner_id__in=access_for(user).organisation_ids)
    )


# --- meeting actions ---------------------------------------------------------------------


def meeting_action_list(*, user: User, include_closed: bool = False) -> QuerySet[MeetingAction]:
    """Return meeting actions the user may see: all from their office's meetings, or their own."""
    organisations = access_for(user).organisation_ids
    actions = MeetingAction.objects.filter(
        Q(meeting__office_id__in=organisations) | Q(owner_id__in=organisations)
    ).select_related("meeting", "item", "owner", "owner_user")
    if not include_closed:
        actions = actions.filter(status=MeetingAction.Status.OPEN)
    return actions.order_by("due_on", "id")


def meeting_action_get_for_user(*, user: User, pk: int) -> MeetingAction:
    """Return the meeting action if the user may see it; raise Http404 otherwise."""
    try:
        return meeting_action_list(user=user, include_closed=True).get(pk=pk)
    except MeetingAction.DoesNotExist:
        raise Http404("No such meeting action") from None


# --- verdicts as assessments -------------------------------------------------------------


def verdict_assessment_offer(*, user: User, item: AgendaItem) -> QuerySet[Recommendation]:
    """Linked recommendations the user may assess with the item's verdict; none if it cannot be.

    "Further information required" is not an assurance decision, so it offers nothing.
    """
    verdict = getattr(item, "verdict", None)
    if verdict is None or verdict.verdict not in VERDICT_TO_ASSESSMENT:
        return Recommendation.objects.none()
    offices = access_for(user).organisations_with_role(Role.SCRUTINY_OFFICER)
    return (
        item.recommendations.filter(source__owner_id__in=offices, is_archived=False)
        .select_related("source")
        .order_by("source__title", "position", "id")
    )


# --- public ------------------------------------------------------------------------------


def public_meeting_list() -> QuerySet[AccountabilityMeeting]:
    """Meetings their office has made public, with only their non-sensitive items."""
    return (
        AccountabilityMeeting.objects.filter(is_public=True)
        .select_related("office", "chair")
        .prefetch_related(
            Prefetch(
                "items",
                queryset=AgendaItem.objects.filter(is_sensitive=False)
                .select_related("theme")
                .order_by("position", "id"),
            )
        )
        .order_by("starts_at", "id")
    )


def paper_get_public(*, pk: int) -> Paper:
    """Return a paper that may be read by anyone: published, OFFICIAL, on a non-sensitive item."""
    try:
        return Paper.objects.select_related("item").get(
            pk=pk, is_published=True, marking=Marking.OFFICIAL, item__is_sensitive=False
        )
    except Paper.DoesNotExist:
        raise Http404("No such paper") from None


# --- verdicts on recommendations --------------------------------------------------------


def recommendation_meeting_verdicts(
    *, recommendation_ids: list[int], include_sensitive: bool
) -> dict[int, ItemVerdict]:
    """The latest meeting verdict on each recommendation, with its item and meeting.

    Callers pass recommendations already scoped by the register's selectors. Only verdicts
    given at a meeting of the office whose register holds the recommendation count: another
    office's meeting is not this office's to report. Without `include_sensitive`, verdicts on
    sensitive items are left out, as in everything published.
    """
    verdicts = ItemVerdict.objects.filter(
        item__recommendations__in=recommendation_ids,
        item__meeting__office_id=F("item__recommendations__source__owner_id"),
    )
    if not include_sensitive:
        verdicts = verdicts.filter(item__is_sensitive=False)
    latest: dict[int, ItemVerdict] = {}
    rows = (
        verdicts.select_related("item__meeting")
        .annotate(recommendation_id=F("item__recommendations"))
        .order_by("item__meeting__starts_at", "pk")
    )
    for verdict in rows:
        latest[verdict.recommendation_id] = verdict
    return latest
