"""The daily digest of what people follow: one email each, of what changed since the last.

Sent by `send_reminders` beside the action reminders, through the same log: a ReminderLog
row per person per day (item type FOLLOW_DIGEST, item id the person) means a second run on
the same day sends nothing, and its `sent_at` is where the next digest's period starts, so
no change is told twice or missed. Nothing is sent, or logged, when nothing changed. What
is told, and to whom, comes from the register's selectors (`followed_changes`), which
leave out what the person may no longer see.
"""

import datetime
from dataclasses import dataclass

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from answerable.accounts.models import User
from answerable.audit.services import audit_record
from answerable.meetings.models import ReminderLog
from answerable.recommendations.selectors import (
    ChangedItem,
    follow_first_at,
    followed_changes,
    follower_list,
)

DIGEST = ReminderLog.ItemType.FOLLOW_DIGEST


@dataclass(frozen=True)
class DigestRun:
    emails: int
    changes: int


def _body(user: User, items: list[ChangedItem], base_url: str) -> str:
    parts = [
        _("Dear %(name)s,") % {"name": user.full_name or user.email},
        "",
        _("This changed since your last digest on what you follow:"),
        "",
    ]
    for item in items:
        parts.append(f"{item.label}")
        parts += [f"- {change}" for change in item.changes]
        parts += [f"  {base_url}{item.url}", ""]
    parts += [
        _("To stop following something, use the Stop following button on its page or at %(url)s")
        % {"url": base_url + reverse("recommendations:following_list")},
        "",
        _("This is an automatic daily digest from Answerable."),
    ]
    return "\n".join(parts)


def follow_digests_send(
    *, today: datetime.date | None = None, base_url: str = "", now: datetime.datetime | None = None
) -> DigestRun:
    """Email each follower, once a day, what changed on what they follow and may see."""
    until = now or timezone.now()
    today = today or timezone.localdate(until)
    base_url = base_url.rstrip("/")
    sent_today = set(
        ReminderLog.objects.filter(item_type=DIGEST, sent_on=today).values_list(
            "recipient_id", flat=True
        )
    )
    last_sent = dict(
        ReminderLog.objects.filter(item_type=DIGEST)
        .values("recipient_id")
        .annotate(last=Max("sent_at"))
        .values_list("recipient_id", "last")
    )
    emails = changes = 0
    for user in follower_list():
        if user.pk in sent_today:
            continue
        since = last_sent.get(user.pk) or follow_first_at(user=user)
        if since is None:
            continue
        items = followed_changes(user=user, since=since, until=until)
        if not items:
            continue
        count = sum(len(item.changes) for item in items)
        with transaction.atomic():
            # The unique (recipient, type, item, day) row: a run racing this one fails here,
            # before sending, and its transaction rolls back.
            ReminderLog.objects.create(
                recipient=user, item_type=DIGEST, item_id=user.pk, sent_on=today, sent_at=until
            )
            audit_record(
                actor=None,
                action="follow_digest.sent",
                target=user,
                changes={"changes": [None, count], "period_end": [None, until.isoformat()]},
            )
            subject = ngettext(
                "Answerable: %(count)d change to what you follow",
                "Answerable: %(count)d changes to what you follow",
                count,
            ) % {"count": count}
            # Sent inside the transaction: if sending fails, the log row rolls back and the
            # next run tries again, covering the same period.
            send_mail(subject, _body(user, items, base_url), None, [user.email])
        emails += 1
        changes += count
    return DigestRun(emails=emails, changes=changes)
