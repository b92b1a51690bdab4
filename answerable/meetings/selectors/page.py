"""A meeting's agenda with everything recorded on it, in a fixed number of queries however
long: in full for publishing, and on the meeting page with its actions and attendees as the
viewer may see them."""

from dataclasses import dataclass

from django.db.models import (
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    prefetch_related_objects,
)

from answerable.accounts.models import User
from answerable.meetings.models import (
    AccountabilityMeeting,
    AgendaItem,
    Attendee,
    MeetingAction,
    Paper,
    Question,
    Response,
)
from answerable.meetings.selectors.actions import in_review
from answerable.meetings.selectors.scope import action_scope, item_scope, paper_scope
from answerable.recommendations.selectors import action_list, recommendation_list
from answerable.recommendations.selectors.agenda_items import (
    agenda_action_list,
    agenda_recommendation_list,
)


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
                queryset=agenda_recommendation_list(),
            ),
            Prefetch(
                "actions",
                queryset=agenda_action_list(),
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
        AgendaItem.objects.filter(item_scope(user), meeting=meeting)
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
            queryset=Paper.objects.filter(paper_scope(user))
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


def meeting_page_actions(
    *, meeting: AccountabilityMeeting, user: User
) -> tuple[list[MeetingAction], list[MeetingAction]]:
    """The meeting page's action review and the actions raised at the meeting, in one query.

    The actions `action_review_list` and `meeting_actions_raised` give the user, with only the
    columns the page shows, and the title of the meeting each was raised at as `meeting_title`
    rather than a meeting object: the review has dozens of rows.
    """
    actions = (
        MeetingAction.objects.filter(Q(meeting=meeting) | in_review(meeting))
        .filter(action_scope(user))
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


def meeting_page(*, meeting: AccountabilityMeeting, user: User) -> MeetingPage:
    """The meeting page's agenda, actions and attendees, as the user may see them.

    What apps above meetings show under each item, such as training coverage, comes from
    their panels (core/panels.py).
    """
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
    )
