"""Meeting pages: thin views over the meetings selectors and services."""

from answerable.meetings.views.items import (
    agenda_item_add,
    agenda_item_move,
    agenda_item_update,
    item_verdict_record,
    meeting_action_raise,
    paper_download,
    paper_publication,
    paper_upload,
    question_add,
    response_record,
    verdict_assessments,
)
from answerable.meetings.views.meetings import (
    action_tracker,
    attendee_add,
    forward_plan,
    meeting_action_close,
    meeting_create,
    meeting_detail,
    meeting_status,
)

__all__ = [
    "action_tracker",
    "agenda_item_add",
    "agenda_item_move",
    "agenda_item_update",
    "attendee_add",
    "forward_plan",
    "item_verdict_record",
    "meeting_action_close",
    "meeting_action_raise",
    "meeting_create",
    "meeting_detail",
    "meeting_status",
    "paper_download",
    "paper_publication",
    "paper_upload",
    "question_add",
    "response_record",
    "verdict_assessments",
]
