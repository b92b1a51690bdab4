"""Every read of meetings, scoped to what the user's organisations and roles allow.

`scope` holds the visibility rule and the permissions; the other modules read through it:
`items` (agenda items, questions, papers), `page` (a meeting's agenda, and the meeting
page), `actions` (meeting actions and the action tracker), `verdicts` (verdicts as
assessments of the register), `public` (what anyone may read, and what publishing checks)
and `reminders` (what has been sent). Other apps import from here.
"""

from answerable.meetings.selectors.actions import (
    action_review_list,
    meeting_action_get_for_user,
    meeting_action_list,
    meeting_actions_raised,
)
from answerable.meetings.selectors.items import (
    agenda_item_get_for_user,
    evidence_agenda_item_list,
    forward_plan,
    paper_get_for_user,
    question_get_for_user,
)
from answerable.meetings.selectors.page import (
    MeetingPage,
    meeting_agenda,
    meeting_agenda_for_user,
    meeting_attendees,
    meeting_page,
    meeting_page_actions,
)
from answerable.meetings.selectors.public import (
    agenda_item_titles_sensitive,
    paper_get_public,
    paper_titles_unpublishable,
    public_agenda_item_recommendation_ids,
    public_agenda_items_considering,
    public_meeting_list,
)
from answerable.meetings.selectors.reminders import RemindersSent, reminders_sent_summary
from answerable.meetings.selectors.scope import (
    can_plan_meetings,
    can_respond,
    can_upload_paper,
    meeting_attending_organisation_ids,
    meeting_get_for_user,
    meeting_list,
    paper_upload_organisation_id,
)
from answerable.meetings.selectors.verdicts import (
    VERDICT_TO_ASSESSMENT,
    recommendation_meeting_verdicts,
    verdict_assessment_offer,
)

__all__ = [
    "VERDICT_TO_ASSESSMENT",
    "MeetingPage",
    "RemindersSent",
    "action_review_list",
    "agenda_item_get_for_user",
    "agenda_item_titles_sensitive",
    "can_plan_meetings",
    "can_respond",
    "can_upload_paper",
    "evidence_agenda_item_list",
    "forward_plan",
    "meeting_action_get_for_user",
    "meeting_action_list",
    "meeting_actions_raised",
    "meeting_agenda",
    "meeting_agenda_for_user",
    "meeting_attendees",
    "meeting_attending_organisation_ids",
    "meeting_get_for_user",
    "meeting_list",
    "meeting_page",
    "meeting_page_actions",
    "paper_get_for_user",
    "paper_get_public",
    "paper_titles_unpublishable",
    "paper_upload_organisation_id",
    "public_agenda_item_recommendation_ids",
    "public_agenda_items_considering",
    "public_meeting_list",
    "question_get_for_user",
    "recommendation_meeting_verdicts",
    "reminders_sent_summary",
    "verdict_assessment_offer",
]
