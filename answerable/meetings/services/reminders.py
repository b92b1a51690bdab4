"""The daily reminder: owners hear of actions due soon or overdue, offices of the long overdue.

Each owner organisation's lead officers get one digest of their meeting actions and register
actions due within DUE_SOON_DAYS or overdue. Each office's scrutiny officers get a list of those
overdue by more than ESCALATE_AFTER_DAYS. A ReminderLog row per (person, item, day) means a
second run on the same day sends nothing new.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from answerable.accounts.models import User
from answerable.audit.services import audit_record
from answerable.meetings.models import MeetingAction, ReminderLog
from answerable.organisations.models import Membership
from answerable.organisations.selectors import active_membership_list
from answerable.recommendations.selectors import action_due_list

DUE_SOON_DAYS = 14
ESCALATE_AFTER_DAYS = 28


@dataclass(frozen=True)
class ReminderItem:
    item_type: str
    item_id: int
    reference: str
    description: str
    owner_id: int
    owner_name: str
    office_id: int
    due_on: datetime.date
    path: str

    @property
    def key(self) -> tuple[str, int]:
        return (self.item_type, self.item_id)


@dataclass
class Letter:
    """What one person is told today: their organisations' due items and offices' escalations."""

    recipient: User
    due: list[ReminderItem] = field(default_factory=list)
    escalated: list[ReminderItem] = field(default_factory=list)

    @property
    def items(self) -> list[ReminderItem]:
        return self.due + self.escalated


@dataclass(frozen=True)
class ReminderRun:
    emails: int
    items: int


def reminder_items(*, today: datetime.date) -> list[ReminderItem]:
    """Every open meeting action and register action due within the window or overdue."""
    due_by = today + datetime.timedelta(days=DUE_SOON_DAYS)
    items: list[ReminderItem] = []
    meeting_actions = (
        MeetingAction.objects.filter(
            status=MeetingAction.Status.OPEN, due_on__isnull=False, due_on__lte=due_by
        )
        .select_related("meeting", "owner")
        .order_by("due_on", "id")
    )
    for action in meeting_actions:
        items.append(
            ReminderItem(
                item_type=ReminderLog.ItemType.MEETING_ACTION,
                item_id=action.pk,
                reference=f"{action.reference} (meeting action from {action.meeting.title})",
                description=action.description,
                owner_id=action.owner_id,
                owner_name=action.owner.name,
                office_id=action.meeting.office_id,
                due_on=action.due_on,  # type: ignore[arg-type]
                path=action.meeting.get_absolute_url() + f"#meeting-action-{action.pk}",
            )
        )
    for register_action in action_due_list(due_by=due_by):
        source = register_action.recommendation.source
        items.append(
            ReminderItem(
                item_type=ReminderLog.ItemType.REGISTER_ACTION,
                item_id=register_action.pk,
                reference=f"{register_action.recommendation.reference} ({source.title})",
                description=register_action.description,
                owner_id=register_action.owner_id,
                owner_name=register_action.owner.name,
                office_id=source.owner_id,
                due_on=register_action.target_on,  # type: ignore[arg-type]
                path=reverse("recommendations:action_detail", args=[register_action.pk]),
            )
        )
    return items


def _members(role: str, organisation_ids: set[int]) -> dict[int, list[User]]:
    found: dict[int, list[User]] = defaultdict(list)
    memberships = active_membership_list(role=role, organisation_ids=organisation_ids)
    for membership in memberships.order_by("user_id"):
        found[membership.organisation_id].append(membership.user)
    return found


def reminder_letters(*, today: datetime.date) -> list[Letter]:
    """Who is told what today, leaving out items each person was already told about today."""
    items = reminder_items(today=today)
    escalate_before = today - datetime.timedelta(days=ESCALATE_AFTER_DAYS)
    leads = _members(Membership.Role.LEAD_OFFICER, {i.owner_id for i in items})
    scrutiny = _members(
        Membership.Role.SCRUTINY_OFFICER,
        {i.office_id for i in items if i.due_on < escalate_before},
    )
    letters: dict[int, Letter] = {}
    already = set(
        ReminderLog.objects.filter(sent_on=today).values_list(
            "recipient_id", "item_type", "item_id"
        )
    )
    told: set[tuple[int, str, int]] = set()

    def add(user: User, item: ReminderItem, escalated: bool) -> None:
        key = (user.pk, *item.key)
        if key in already or key in told:
            return
        told.add(key)
        letter = letters.setdefault(user.pk, Letter(recipient=user))
        (letter.escalated if escalated else letter.due).append(item)

    for item in items:
        for user in leads.get(item.owner_id, []):
            add(user, item, escalated=False)
    for item in items:
        if item.due_on < escalate_before:
            for user in scrutiny.get(item.office_id, []):
                add(user, item, escalated=True)
    return [letters[pk] for pk in sorted(letters)]


def _line(item: ReminderItem, today: datetime.date, base_url: str) -> str:
    due = date_format(item.due_on, "j F Y")
    if item.due_on < today:
        days = (today - item.due_on).days
        when = f"was due {due}: overdue by {days} day{'s' if days != 1 else ''}"
    else:
        when = f"due {due}"
    return (
        f"- {item.reference}, owned by {item.owner_name}: {item.description}\n"
        f"  {when}\n  {base_url}{item.path}"
    )


def _body(letter: Letter, today: datetime.date, base_url: str) -> str:
    parts = [f"Dear {letter.recipient.full_name or letter.recipient.email},", ""]
    if letter.due:
        parts += [
            f"These actions owned by your organisation are due within {DUE_SOON_DAYS} days "
            "or overdue:",
            "",
            *(_line(item, today, base_url) for item in letter.due),
            "",
        ]
    if letter.escalated:
        parts += [
            f"These actions tracked by your office are overdue by more than "
            f"{ESCALATE_AFTER_DAYS} days:",
            "",
            *(_line(item, today, base_url) for item in letter.escalated),
            "",
        ]
    parts += ["This is an automatic daily reminder from Answerable."]
    return "\n".join(parts)


def reminders_send(*, today: datetime.date | None = None, base_url: str = "") -> ReminderRun:
    """Email today's reminders, once per person per item per day."""
    today = today or timezone.localdate()
    emails = items = 0
    for letter in reminder_letters(today=today):
        with transaction.atomic():
            ReminderLog.objects.bulk_create(
                ReminderLog(
                    recipient=letter.recipient,
                    item_type=item.item_type,
                    item_id=item.item_id,
                    sent_on=today,
                )
                for item in letter.items
            )
            audit_record(
                actor=None,
                action="reminder.sent",
                target=letter.recipient,
                changes={"items": [None, [f"{i.item_type}:{i.item_id}" for i in letter.items]]},
            )
            count = len(letter.items)
            subject = f"Answerable: {count} action{'s' if count != 1 else ''} due or overdue"
            # Sent inside the transaction: if sending fails, the log rows roll back and the
            # next run tries again.
            send_mail(
                subject,
                _body(letter, today, base_url.rstrip("/")),
                None,
                [letter.recipient.email],
            )
        emails += 1
        items += len(letter.items)
    return ReminderRun(emails=emails, items=items)
