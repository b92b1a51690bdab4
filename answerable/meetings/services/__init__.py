"""Every change to meetings: each service checks its rule, saves and audits atomically."""

from answerable.meetings.services.actions import meeting_action_close, meeting_action_raise
from answerable.meetings.services.agenda import (
    agenda_item_add,
    agenda_item_move,
    agenda_item_update,
    paper_publication_set,
    paper_upload,
    question_add,
    response_record,
)
from answerable.meetings.services.meetings import (
    ALLOWED_TRANSITIONS,
    attendee_add,
    meeting_create,
    meeting_status_change,
)
from answerable.meetings.services.verdicts import (
    item_verdict_assessments_confirm,
    item_verdict_record,
)

__all__ = [
    "ALLOWED_TRANSITIONS",
    "agenda_item_add",
    "agenda_item_move",
    "agenda_item_update",
    "attendee_add",
    "item_verdict_assessments_confirm",
    "item_verdict_record",
    "meeting_action_close",
    "meeting_action_raise",
    "meeting_create",
    "meeting_status_change",
    "paper_publication_set",
    "paper_upload",
    "question_add",
    "response_record",
]
