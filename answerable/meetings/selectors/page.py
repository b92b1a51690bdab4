"""A meeting's agenda with everything recorded on it, in a fixed number of queries however
long: in full for publishing, and on the meeting page with its actions and attendees as the
viewer may see them."""

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    prefetch_related_objects,
)

from answerable.accounts.models import User
from answerable.core.prepared import prepared_list
from answerable.core.prepared_rows import prepared_rows
from answerable.meetings.models import (
    AccountabilityMeeting,
    AgendaItem,
    Attendee,
    MeetingAction,
    Paper,
    Question,
    Response,
)
from answerable.meetings.selectors.actions import in_review_before
from answerable.meetings.selectors.scope import actions_seen_by, items_seen_by, paper_scope
from answerable.organisations.models import Organisation
from answerable.organisations.selectors import access_for
from answerable.recommendations.models import Action, Recommendation
from answerable.recommendations.selectors.agenda_items import (
    agenda_action_list,
    agenda_recommendation_list,
)
from answerable.recommendations.selectors.register import (
    live_actions_seen_by,
    live_recommendations_seen_by,
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


@dataclass(frozen=True, slots=True)
class AgendaRecommendation:
    """A recommendation as an agenda item lists it."""

    pk: int
    reference: str
    source_title: str


@dataclass(frozen=True, slots=True)
class AgendaAction:
    """A register action as an agenda item lists it."""

    pk: int
    description: str
    recommendation_reference: str
    owner: Organisation


@dataclass(frozen=True, slots=True)
class AgendaResponse:
    """A response to a question on an agenda item."""

    pk: int
    text: str
    given_by_name: str
    is_prepared: bool
    given_by_organisation: Organisation | None


@dataclass(frozen=True, slots=True)
class AgendaQuestion:
    """A question on an agenda item, with its responses in the order they were given."""

    pk: int
    text: str
    asked_by: str
    is_prepared: bool
    addressed_to_id: int | None
    addressed_to: Organisation | None
    response_list: list[AgendaResponse]


def meeting_agenda_for_user(*, meeting: AccountabilityMeeting, user: User) -> list[AgendaItem]:
    """The meeting page's agenda: the items the user may see, in order, in fixed queries.

    On each item, lists of what the page shows: `recommendation_list`, `action_list`,
    `paper_list` (the papers the user may read) and `question_list`, each question with its
    `response_list`. The meeting actions raised on items come from `meeting_page_actions`.
    Only the columns the page shows are read, as rows rather than model instances, and a
    question comes with its responses in one query: building the queries and the instances
    cost more than the database's work (issue #12).
    """
    organisations = access_for(user).organisation_ids
    items = prepared_list(
        "meeting_agenda_for_user", AgendaItem, _agenda_items, meeting.pk, organisations
    )
    by_pk: dict[int, Any] = {}
    for item in items:
        item.recommendation_list = []  # type: ignore[attr-defined]
        item.action_list = []  # type: ignore[attr-defined]
        item.question_list = []  # type: ignore[attr-defined]
        by_pk[item.pk] = item
    if by_pk:
        _add_register_rows(by_pk, organisations)
        _add_questions(by_pk)
    _add_papers(items, user)
    return items


def _agenda_items(meeting_id: int, organisations: frozenset[int]) -> QuerySet[AgendaItem]:
    return (
        AgendaItem.objects.filter(items_seen_by(organisations), meeting_id=meeting_id)
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
        .order_by("position", "id")
    )


def _add_register_rows(by_pk: dict[int, Any], organisations: frozenset[int]) -> None:
    """Fill the items' recommendations and register actions, through the register's own
    visibility rules: a partner attending a meeting sees only the recommendations and
    actions the register shows it (issue #11). The rules are those of `recommendation_list`
    and `action_list`, given the organisations, so the SQL is built once (core.prepared_rows).
    """
    recommendations = prepared_rows(
        "meeting_agenda_recommendations",
        Recommendation,
        _agenda_recommendations,
        list(by_pk),
        organisations,
    )
    for item_id, pk, reference, source_title in recommendations:
        by_pk[item_id].recommendation_list.append(
            AgendaRecommendation(pk=pk, reference=reference, source_title=source_title)
        )
    actions = prepared_rows(
        "meeting_agenda_actions", Action, _agenda_actions, list(by_pk), organisations
    )
    owners: dict[int, Organisation] = {}
    for item_id, pk, description, reference, *owner in actions:
        by_pk[item_id].action_list.append(
            AgendaAction(
                pk=pk,
                description=description,
                recommendation_reference=reference,
                owner=_organisation(owners, *owner),  # type: ignore[arg-type]  # an action has an owner
            )
        )


def _agenda_recommendations(
    item_ids: Collection[int], organisations: frozenset[int]
) -> QuerySet[Recommendation, tuple[Any, ...]]:
    """`recommendation_list`'s recommendations on the items, as rows."""
    return (
        live_recommendations_seen_by(organisations)
        .filter(agenda_items__in=item_ids)
        .order_by("source__title", "position", "id")
        .values_list("agenda_items", "pk", "reference", "source__title")
    )


def _agenda_actions(
    item_ids: Collection[int], organisations: frozenset[int]
) -> QuerySet[Action, tuple[Any, ...]]:
    """`action_list`'s actions on the items, as rows."""
    return (
        live_actions_seen_by(organisations)
        .filter(agenda_items__in=item_ids)
        .order_by("id")
        .values_list(
            "agenda_items",
            "pk",
            "description",
            "recommendation__reference",
            "owner_id",
            *_organisation_names("owner"),
        )
    )


def _add_questions(by_pk: dict[int, Any]) -> None:
    """Fill the items' questions, each with its responses, in one query."""
    rows = prepared_rows("meeting_agenda_questions", Question, _questions, list(by_pk))
    questions: dict[int, AgendaQuestion] = {}
    organisations: dict[int, Organisation] = {}
    for row in rows:
        question = questions.get(row[1])
        if question is None:
            question = questions[row[1]] = AgendaQuestion(
                pk=row[1],
                text=row[2],
                asked_by=row[3],
                is_prepared=row[4],
                addressed_to_id=row[5],
                addressed_to=_organisation(organisations, *row[5:8]),
                response_list=[],
            )
            by_pk[row[0]].question_list.append(question)
        if row[8] is not None:  # a question not yet answered has no response row
            question.response_list.append(
                AgendaResponse(
                    pk=row[8],
                    text=row[9],
                    given_by_name=row[10],
                    is_prepared=row[11],
                    given_by_organisation=_organisation(organisations, *row[12:15]),
                )
            )


def _questions(item_ids: Collection[int]) -> QuerySet[Question, tuple[Any, ...]]:
    return (
        Question.objects.filter(item__in=item_ids)
        .order_by("created_at", "id", "responses__created_at", "responses__id")
        .values_list(
            "item_id",
            "pk",
            "text",
            "asked_by",
            "is_prepared",
            "addressed_to_id",
            *_organisation_names("addressed_to"),
            "responses__pk",
            "responses__text",
            "responses__given_by_name",
            "responses__is_prepared",
            "responses__given_by_organisation_id",
            *_organisation_names("responses__given_by_organisation"),
        )
    )


_ORGANISATION_FIELDS = ["id", "name", "short_name"]


def _organisation(
    found: dict[int, Organisation], pk: int | None, name: str, short_name: str
) -> Organisation | None:
    """An organisation from the columns behind its `display_name`, or None for no id.

    One instance per organisation among those `found` by the caller, built as the ORM builds
    one from a row: from keywords, Django looks up every field's default (40 times a page).
    """
    if pk is None:
        return None
    organisation = found.get(pk)
    if organisation is None:
        organisation = found[pk] = Organisation.from_db(
            None, _ORGANISATION_FIELDS, (pk, name, short_name)
        )
    return organisation


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
    if not with_papers:
        return
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
    return _attendees(meeting.pk)


def _attendees(meeting_id: int) -> QuerySet[Attendee]:
    return (
        Attendee.objects.filter(meeting_id=meeting_id).select_related("organisation").order_by("id")
    )


def meeting_page_actions(
    *, meeting: AccountabilityMeeting, user: User
) -> tuple[list[MeetingAction], list[MeetingAction]]:
    """The meeting page's action review and the actions raised at the meeting, in one query.

    The actions `action_review_list` and `meeting_actions_raised` give the user, with only the
    columns the page shows, and the title of the meeting each was raised at as `meeting_title`
    rather than a meeting object: the review has dozens of rows. The SQL is built once
    (core.prepared), the meeting's start read in it.
    """
    actions = prepared_list(
        "meeting_page_actions",
        MeetingAction,
        _page_actions,
        meeting.pk,
        meeting.office_id,
        access_for(user).organisation_ids,
    )
    review: list[MeetingAction] = []
    raised: list[MeetingAction] = []
    for action in actions:
        (raised if action.meeting_id == meeting.pk else review).append(action)
    raised.sort(key=lambda action: action.pk)
    return review, raised


def _page_actions(
    meeting_id: int, office_id: int, organisations: frozenset[int]
) -> QuerySet[MeetingAction]:
    starts_at = Subquery(
        AccountabilityMeeting.objects.filter(pk=meeting_id).order_by().values("starts_at")
    )
    return (
        # The office's meetings up to this one (`office_id` is its office), then the rule:
        # the database starts from the office's meetings rather than every meeting action
        # (SQLite 0.85 → 0.2 ms, PostgreSQL 2.8 → 0.7 ms on the national data set).
        MeetingAction.objects.filter(
            meeting__office_id=office_id, meeting__starts_at__lte=starts_at
        )
        .filter(Q(meeting_id=meeting_id) | in_review_before(office_id, starts_at))
        .filter(actions_seen_by(organisations))
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
        attendees=prepared_list("meeting_attendees", Attendee, _attendees, meeting.pk),
    )
