"""An action's or recommendation's history, newest first, in one read."""

import datetime
import json
from dataclasses import dataclass
from typing import Any

from answerable.audit.selectors import audit_event_list_for_target
from answerable.core.jinja2 import govuk_date
from answerable.recommendations.models import (
    Action,
    Assessment,
    DeliveryStatus,
    Evidence,
    Recommendation,
    Source,
)
from answerable.recommendations.selectors.timeline_rows import (
    AssessmentRow,
    AuditRow,
    timeline_rows,
)

# --- timelines -------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime.datetime
    kind: str
    title: str
    who: str
    body: str = ""
    evidence: tuple[Evidence, ...] = ()

    @property
    def when(self) -> str:
        """The time as the timeline shows it, `8 December 2023 at 14:05`: date_format's
        "j F Y \\a\\t H:i" without its per-call set-up (a tenth of a ms an entry), nor
        strftime's."""
        at = self.at
        return f"{govuk_date(at)} at {at.hour:02d}:{at.minute:02d}"


def action_timeline(*, action: Action) -> list[TimelineEntry]:
    """Return the action's updates, assessments, date changes and other events, newest first."""
    rows = timeline_rows("action", action)
    evidence: dict[int, list[Evidence]] = {}
    for item in rows.evidence:
        evidence.setdefault(item.update_id, []).append(Evidence(**item._asdict()))
    entries: list[TimelineEntry] = []
    # Each label translated once, not twice for every change of status.
    labels = {value: str(label) for value, label in DeliveryStatus.choices}
    for update in rows.update:
        title = "Progress update"
        if update.status_before != update.status_after:
            title = (
                f"Status changed from {labels[update.status_before]} "
                f"to {labels[update.status_after]}"
            )
        entries.append(
            TimelineEntry(
                update.at,
                "update",
                title,
                update.name or update.email,
                update.narrative,
                tuple(evidence.get(update.pk, ())),
            )
        )
    entries += _assessment_entries(rows.assessment)
    for change in rows.target_date:
        before = change.previous_on.strftime("%-d %B %Y") if change.previous_on else "none"
        after = change.new_on.strftime("%-d %B %Y") if change.new_on else "none"
        entries.append(
            TimelineEntry(
                change.at,
                "target_date",
                f"Target date changed from {before} to {after}",
                change.name or change.email,
                change.reason,
            )
        )
    entries += _audit_entries(rows.audit)
    return sorted(entries, key=lambda entry: entry.at, reverse=True)


def recommendation_timeline(*, recommendation: Recommendation) -> list[TimelineEntry]:
    """Return the recommendation's assessments and recorded changes, newest first."""
    rows = timeline_rows("recommendation", recommendation)
    entries = _assessment_entries(rows.assessment) + _audit_entries(rows.audit)
    return sorted(entries, key=lambda entry: entry.at, reverse=True)


_AUDIT_TITLES = {
    "action.created": "Action created",
    "action.lead_assigned": "Lead assigned",
    "action.archived": "Action archived",
    "action.restored": "Action restored",
    "recommendation.created": "Recommendation recorded",
    "recommendation.response_recorded": "Response recorded",
    "recommendation.linked": "Linked to another recommendation",
    "recommendation.updated": "Details changed",
    "recommendation.archived": "Recommendation archived",
    "recommendation.restored": "Recommendation restored",
    "recommendation.superseded": "Superseded by a later recommendation",
    "recommendation.supersedes": "Supersedes an earlier recommendation",
    "source.created": "Source added",
    "source.updated": "Details changed",
    "source.response_recorded": "Statutory response recorded",
    "source.archived": "Source archived",
    "source.restored": "Source restored",
    "source.published": "Published on the public site",
    "source.publication_requested": "Asked to publish on the public site",
    "source.withdrawn": "Taken off the public site",
}
# The fields an edit's history entry names, as the page labels them.
_FIELD_LABELS = {
    "reference": "reference",
    "text": "text",
    "finding_type": "finding type",
    "addressees": "addressees",
    "themes": "themes",
    "deadline_on": "deadline",
    "title": "title",
    "kind": "type",
    "publisher": "publisher",
    "published_on": "publication date",
    "url": "web address",
    "deadline_rule": "statutory deadline",
}
_VERDICTS = dict(Assessment.Verdict.choices)


def _assessment_entries(rows: list[AssessmentRow]) -> list[TimelineEntry]:
    return [
        TimelineEntry(
            row.at,
            "assessment",
            f"Assessment: {_VERDICTS.get(row.verdict, row.verdict)}",
            row.name or row.email,
            row.rationale,
        )
        for row in rows
    ]


def _audit_title(action: str, changes: Any) -> str:
    """The entry's title; an edit's names the fields it changed."""
    title = _AUDIT_TITLES.get(action, action)
    if action.endswith(".updated") and changes:
        changed = json.loads(changes) if isinstance(changes, str) else changes
        # In the form's order: PostgreSQL's jsonb gives keys back shortest first.
        labels = [label for name, label in _FIELD_LABELS.items() if name in changed]
        if labels:
            title = f"{title}: {', '.join(labels)}"
    return title


def _audit_entries(rows: list[AuditRow]) -> list[TimelineEntry]:
    # No actor (a left join's NULLs): the system did it. Every user has an email.
    return [
        TimelineEntry(
            row.at,
            "audit",
            _audit_title(row.action, row.changes),
            "System" if row.email is None else row.name or row.email,
            row.note,
        )
        for row in rows
    ]


def source_history(*, source: Source) -> list[TimelineEntry]:
    """Return what has been recorded about the source itself, newest first: its edits (with
    the fields changed and the reason), response, publication and archiving."""
    entries = []
    for event in audit_event_list_for_target(target=source):
        title = _audit_title(event.action, event.changes)
        who = "System" if event.actor is None else event.actor.full_name or event.actor.email
        entries.append(TimelineEntry(event.occurred_at, "audit", title, who, event.note))
    return entries
