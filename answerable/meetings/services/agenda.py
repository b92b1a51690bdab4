"""The agenda and what is recorded on it: items, papers, questions, responses, verdicts."""

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from answerable.accounts.models import User
from answerable.audit.services import audit_record
from answerable.core.files import EVIDENCE_KINDS, CheckedFile
from answerable.core.models import locked_for_edit
from answerable.meetings.models import (
    AccountabilityMeeting,
    AgendaItem,
    Marking,
    Paper,
    Question,
    Response,
)
from answerable.meetings.selectors import (
    can_plan_meetings,
    can_respond,
    paper_upload_organisation_id,
)
from answerable.meetings.services._common import require, require_planner
from answerable.organisations.models import Organisation
from answerable.organisations.selectors import organisation_get
from answerable.recommendations import selectors as register_selectors
from answerable.recommendations import services as register_services
from answerable.recommendations.models import Action, Recommendation, Theme

Status = AccountabilityMeeting.Status


def _checked_links(
    *, actor: User, recommendations: Sequence[Recommendation], actions: Sequence[Action]
) -> tuple[list[Recommendation], list[Action]]:
    """Refuse links to register entries the actor cannot see."""
    rec_ids = {r.pk for r in recommendations}
    action_ids = {a.pk for a in actions}
    visible_recs = list(register_selectors.recommendation_list(user=actor).filter(pk__in=rec_ids))
    if len(visible_recs) != len(rec_ids):
        raise ValidationError({"recommendations": "Select recommendations from your register"})
    visible_actions = list(register_selectors.action_list(user=actor).filter(pk__in=action_ids))
    if len(visible_actions) != len(action_ids):
        raise ValidationError({"actions": "Select actions from your register"})
    return visible_recs, visible_actions


def _theme(actor: User, meeting: AccountabilityMeeting, name: str) -> Theme | None:
    """The meeting's office's theme of that name, added to its list if new (issue #17)."""
    if not name.strip():
        return None
    [theme] = register_services.theme_get_or_create(
        actor=actor, office=meeting.office, names=[name]
    )
    return theme


def _item_changes(item: AgendaItem) -> dict[str, object]:
    return {
        "title": item.title,
        "theme": item.theme.name if item.theme else None,
        "description": item.description,
        "is_sensitive": item.is_sensitive,
        "recommendations": sorted(r.reference for r in item.recommendations.all()),
        "actions": sorted(a.pk for a in item.actions.all()),
    }


@transaction.atomic
def agenda_item_add(
    *,
    actor: User,
    meeting: AccountabilityMeeting,
    title: str,
    theme: str = "",
    description: str = "",
    is_sensitive: bool = False,
    recommendations: Sequence[Recommendation] = (),
    actions: Sequence[Action] = (),
) -> AgendaItem:
    """Add an item at the end of the agenda, linked to recommendations and actions."""
    require_planner(actor, meeting)
    meeting = AccountabilityMeeting.objects.select_for_update().get(pk=meeting.pk)
    if not title.strip():
        raise ValidationError({"title": _("Enter the title of the agenda item")})
    recs, acts = _checked_links(actor=actor, recommendations=recommendations, actions=actions)
    last = meeting.items.aggregate(last=Max("position"))["last"] or 0
    item = AgendaItem(
        meeting=meeting,
        position=last + 1,
        title=title.strip(),
        theme=_theme(actor, meeting, theme),
        description=description.strip(),
        is_sensitive=is_sensitive,
    )
    item.full_clean()
    item.save()
    item.recommendations.set(recs)
    item.actions.set(acts)
    audit_record(
        actor=actor,
        action="agenda_item.added",
        target=item,
        organisation=meeting.office,
        changes={key: [None, value] for key, value in _item_changes(item).items()},
    )
    return item


# The fields are agenda_item_add's again, kept apart: each service's keyword arguments are its API.
@transaction.atomic
def agenda_item_update(
    *,
    actor: User,
    item: AgendaItem,
    expected_version: int,
    title: str,
    theme: str = "",
    description: str = "",
    is_sensitive: bool = False,
    recommendations: Sequence[Recommendation] = (),
    actions: Sequence[Action] = (),
) -> AgendaItem:
    """Change an item's wording, links or sensitivity. The action tracker review is fixed.

    `expected_version` is the version the editor's form was drawn from: if someone else
    saved the item since, nothing is saved and the editor is asked to make their change again.
    """
    require_planner(actor, item.meeting)
    if item.is_action_review:
        raise ValidationError(
            _("The review of the action tracker is generated and cannot be edited")
        )
    if not title.strip():
        raise ValidationError({"title": _("Enter the title of the agenda item")})
    recs, acts = _checked_links(actor=actor, recommendations=recommendations, actions=actions)
    item = locked_for_edit(
        AgendaItem.objects.select_related("meeting__office", "theme"),
        pk=item.pk,
        expected_version=expected_version,
        message=_(
            "Someone else changed this agenda item while you were editing it. "
            "Check their changes below and make yours again."
        ),
    )
    before = _item_changes(item)
    item.title = title.strip()
    item.theme = _theme(actor, item.meeting, theme)
    item.description = description.strip()
    item.is_sensitive = is_sensitive
    item.version += 1
    item.full_clean()
    item.save()
    item.recommendations.set(recs)
    item.actions.set(acts)
    after = _item_changes(item)
    audit_record(
        actor=actor,
        action="agenda_item.updated",
        target=item,
        organisation=item.meeting.office,
        changes={k: [before[k], after[k]] for k in after if before[k] != after[k]},
    )
    return item


@transaction.atomic
def agenda_item_move(*, actor: User, item: AgendaItem, direction: str) -> AgendaItem:
    """Swap the item with the one above or below it. The action tracker review stays first."""
    require_planner(actor, item.meeting)
    if direction not in ("up", "down"):
        raise ValidationError({"direction": "Choose up or down"})
    # Lock the meeting so two moves on one agenda take turns.
    AccountabilityMeeting.objects.select_for_update().get(pk=item.meeting_id)
    item = AgendaItem.objects.get(pk=item.pk)
    if item.is_action_review:
        raise ValidationError(_("The review of the action tracker is always the first item"))
    siblings = AgendaItem.objects.filter(meeting_id=item.meeting_id)
    if direction == "up":
        other = siblings.filter(position__lt=item.position).order_by("-position").first()
    else:
        other = siblings.filter(position__gt=item.position).order_by("position").first()
    if other is None or other.is_action_review:
        raise ValidationError(
            (
                _("%(title)s is already at the top")
                if direction == "up"
                else _("%(title)s is already at the bottom")
            )
            % {"title": item.title}
        )
    previous, target = item.position, other.position
    # Position 0 is never used, so it is free to hold one item during the swap.
    AgendaItem.objects.filter(pk=item.pk).update(position=0)
    AgendaItem.objects.filter(pk=other.pk).update(position=previous)
    AgendaItem.objects.filter(pk=item.pk).update(position=target)
    item.position = target
    audit_record(
        actor=actor,
        action="agenda_item.moved",
        target=item,
        organisation=item.meeting.office,
        changes={"position": [previous, target]},
    )
    return item


@transaction.atomic
def paper_upload(
    *,
    actor: User,
    item: AgendaItem,
    title: str,
    file: CheckedFile,
    marking: str = Marking.OFFICIAL,
    is_published: bool = False,
) -> Paper:
    """Table a paper for an item. Files are content-checked and stored under their SHA-256."""
    organisation_id = paper_upload_organisation_id(user=actor, meeting=item.meeting)
    if organisation_id is None:
        raise PermissionDenied("You cannot table papers for this meeting")
    if file.kind not in EVIDENCE_KINDS:
        raise ValidationError({"file": "The paper must be a PDF, Word, Excel, PNG or JPEG file"})
    if marking not in Marking.values:
        raise ValidationError({"marking": "Select the handling marking"})
    if marking == Marking.OFFICIAL_SENSITIVE and is_published:
        raise ValidationError({"is_published": "OFFICIAL-SENSITIVE papers cannot be published"})
    paper = Paper(
        item=item,
        organisation_id=organisation_id,
        title=title.strip() or file.name,
        file_kind=file.kind,
        size=file.size,
        sha256=file.sha256,
        marking=marking,
        is_published=is_published,
        uploaded_by=actor,
    )
    paper.file.save(f"{file.sha256}.{file.kind}", ContentFile(file.content), save=False)
    paper.full_clean()
    paper.save()
    audit_record(
        actor=actor,
        action="paper.uploaded",
        target=paper,
        organisation=organisation_get(pk=organisation_id),
        changes={
            "title": [None, paper.title],
            "sha256": [None, paper.sha256],
            "marking": [None, marking],
            "is_published": [None, is_published],
            "item": [None, item.pk],
        },
    )
    return paper


@transaction.atomic
def paper_publication_set(*, actor: User, paper: Paper, is_published: bool) -> Paper:
    """Mark a paper for publication with the meeting's summary, or withhold it.

    The office's planners decide, usually while reviewing the summary; a summary drafted
    before the change must be redrafted (publishing refuses a withheld paper it still holds).
    """
    require_planner(actor, paper.item.meeting)
    if is_published and paper.marking == Marking.OFFICIAL_SENSITIVE:
        raise ValidationError(_("OFFICIAL-SENSITIVE papers cannot be published"))
    paper = Paper.objects.select_for_update().get(pk=paper.pk)
    if paper.is_published == is_published:
        return paper
    paper.is_published = is_published
    paper.save(update_fields=["is_published", "updated_at"])
    audit_record(
        actor=actor,
        action="paper.publication_changed",
        target=paper,
        organisation=paper.item.meeting.office,
        changes={"is_published": [not is_published, is_published]},
    )
    return paper


@transaction.atomic
def question_add(
    *,
    actor: User,
    item: AgendaItem,
    text: str,
    asked_by: str,
    addressed_to: Organisation | None = None,
    is_prepared: bool = True,
) -> Question:
    """Record a question on an item, prepared before the meeting or raised in it."""
    require_planner(actor, item.meeting)
    if not text.strip():
        raise ValidationError({"text": "Enter the question"})
    if not asked_by.strip():
        raise ValidationError({"asked_by": "Enter who asked the question"})
    question = Question(
        item=item,
        text=text.strip(),
        asked_by=asked_by.strip(),
        addressed_to=addressed_to,
        is_prepared=is_prepared,
    )
    question.full_clean()
    question.save()
    audit_record(
        actor=actor,
        action="question.added",
        target=question,
        organisation=item.meeting.office,
        changes={
            "text": [None, question.text],
            "asked_by": [None, question.asked_by],
            "addressed_to": [None, addressed_to.name if addressed_to else None],
            "is_prepared": [None, is_prepared],
        },
    )
    return question


@transaction.atomic
def response_record(
    *,
    actor: User,
    question: Question,
    text: str,
    given_by_name: str,
    given_by_organisation: Organisation | None = None,
) -> Response:
    """Record an answer: given in the meeting (scrutiny officer) or prepared by the addressee.

    A lead officer's response is always for their own organisation and only before the meeting.
    """
    require(can_respond(user=actor, question=question), "You cannot answer this question")
    if not text.strip():
        raise ValidationError({"text": "Enter the response"})
    if not given_by_name.strip():
        raise ValidationError({"given_by_name": "Enter who gave the response"})
    office_id = question.item.meeting.office_id
    is_prepared = not can_plan_meetings(user=actor, office_id=office_id)
    if is_prepared:
        given_by_organisation = question.addressed_to
    # Made, checked, saved and audited as question_add does; the fields and changes differ.
    response = Response(
        question=question,
        text=text.strip(),
        given_by_name=given_by_name.strip(),
        given_by_organisation=given_by_organisation,
        is_prepared=is_prepared,
        recorded_by=actor,
    )
    response.full_clean()
    response.save()
    audit_record(
        actor=actor,
        action="response.recorded",
        target=question,
        organisation=given_by_organisation or question.item.meeting.office,
        changes={
            "text": [None, response.text],
            "given_by": [None, response.given_by_name],
            "given_by_organisation": [
                None,
                given_by_organisation.name if given_by_organisation else None,
            ],
            "is_prepared": [None, is_prepared],
        },
    )
    return response
