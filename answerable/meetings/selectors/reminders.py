"""What `send_reminders` has sent, for the operations app's metrics."""

import datetime
from typing import NamedTuple

from django.db.models import Count, Max

from answerable.meetings.models import ReminderLog


class RemindersSent(NamedTuple):
    total: int
    last_at: datetime.datetime | None


def reminders_sent_summary() -> RemindersSent:
    """How many reminders have been sent, one per person, item and day, and when the last was."""
    sent = ReminderLog.objects.aggregate(total=Count("id"), last_at=Max("sent_at"))
    return RemindersSent(total=sent["total"], last_at=sent["last_at"])
