"""An action's or recommendation's history, newest first, in one read."""

import datetime
import functools
import json
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connections
from django.db.models import (
    BooleanField,
    DateField,
    DateTimeField,
    Value,
)

from answerable.accounts.models import User
from answerable.audit.models import AuditEvent
from answerable.core.jinja2 import govuk_date
from answerable.recommendations.models import (
    Action,
    Assessment,
    DeliveryStatus,
    Evidence,
    Recommendation,
    Source,
    TargetDateChange,
    Update,
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
        "j F Y \\a\\t H:i" without its per-call set-up (a tenth of a ms an entry)."""
        return f"{govuk_date(self.at)} at {self.at:%H:%M}"


def action_timeline(*, action: Action) -> list[TimelineEntry]:
    """Return the action's updates, assessments, date changes and other events, newest first."""
    kinds = _timeline_rows("action", action)
    evidence: dict[int, list[Evidence]] = {}
    for _, pk, update_id, _, _, title, file, kind, marking, link, _, _, size, published in kinds[
        "evidence"
    ]:
        evidence.setdefault(update_id, []).append(
            Evidence(
                pk=pk,
                update_id=update_id,
                title=title,
                file=file,
                file_kind=kind,
                marking=marking,
                link=link,
                size=size,
                is_published=published,
            )
        )
    entries: list[TimelineEntry] = []
    for at, pk, _, name, email, narrative, before, after, *_ in kinds["update"]:
        title = "Progress update"
        if before != after:
            title = (
                f"Status changed from {DeliveryStatus(before).label} "
                f"to {DeliveryStatus(after).label}"
            )
        entries.append(
            TimelineEntry(
                at, "update", title, name or email, narrative, tuple(evidence.get(pk, ()))
            )
        )
    entries += _assessment_entries(kinds["assessment"])
    for at, _, _, name, email, reason, _, _, _, _, previous_on, new_on, *_ in kinds["target_date"]:
        before = previous_on.strftime("%-d %B %Y") if previous_on else "none"
        after = new_on.strftime("%-d %B %Y") if new_on else "none"
        entries.append(
            TimelineEntry(
                at,
                "target_date",
                f"Target date changed from {before} to {after}",
                name or email,
                reason,
            )
        )
    entries += _audit_entries(kinds["audit"])
    return sorted(entries, key=lambda entry: entry.at, reverse=True)


def recommendation_timeline(*, recommendation: Recommendation) -> list[TimelineEntry]:
    """Return the recommendation's assessments and recorded changes, newest first."""
    kinds = _timeline_rows("recommendation", recommendation)
    entries = _assessment_entries(kinds["assessment"]) + _audit_entries(kinds["audit"])
    return sorted(entries, key=lambda entry: entry.at, reverse=True)


# Audit events already shown as richer timeline entries of their own.
_SHOWN_ELSEWHERE = frozenset(
    {"action.updated", "action.target_date_changed", "assessment.recorded", "assessment.reopened"}
)
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

# A timeline's entries of every kind come from one UNION ALL query, in SQL: through the
# ORM, building and compiling the same union cost ~5 ms of CPU a page (issue #5), and
# model instances were made only to read a few columns. Each branch returns a kind's rows
# as these columns; one the kind does not use is NULL, cast where PostgreSQL could not
# otherwise match it to the other branches' type. Only the timestamp shown is read.
_COLUMNS = {
    "at": "NULL",
    "key": "CAST(NULL AS bigint)",  # the order within a kind: the id, or an event's sequence
    "parent": "CAST(NULL AS bigint)",  # evidence: its update
    "name": "u.full_name",  # who: their full name, else their email; an event's no one: System
    "email": "u.email",
    "text": "NULL",  # narrative, rationale, reason, note; evidence: its title
    "code": "NULL",  # status before, verdict, audit action; evidence: file
    "code2": "NULL",  # status after; evidence: file kind
    "code3": "NULL",  # evidence: marking
    "link": "NULL",
    "day": "CAST(NULL AS date)",
    "day2": "CAST(NULL AS date)",
    "size": "CAST(NULL AS bigint)",
    "flag": "CAST(NULL AS boolean)",
}
# Columns a driver may return raw (SQLite: dates and times as text, booleans as 0 or 1), by
# their place in a row after the kind: converted as the ORM converts a field of the type.
_TYPED_COLUMNS = {
    1 + list(_COLUMNS).index(name): Value(None, output_field=field)
    for name, field in (
        ("at", DateTimeField()),
        ("day", DateField()),
        ("day2", DateField()),
        ("flag", BooleanField()),
    )
}


def _branch(kind: str, source: str, where: str, **columns: str) -> str:
    select = ", ".join(columns.get(name, null) for name, null in _COLUMNS.items())
    return f"SELECT '{kind}', {select} FROM {source} WHERE {where}"  # noqa: S608 - constants


@functools.cache
def _timeline_sql(target: str, alias: str) -> str:
    """The query of a timeline's rows: an action's or a recommendation's (`target`)."""
    table = {
        model: connections[alias].ops.quote_name(model._meta.db_table)
        for model in (User, Update, Evidence, Assessment, TargetDateChange, AuditEvent)
    }
    skipped = ", ".join(f"'{action}'" for action in sorted(_SHOWN_ELSEWHERE))
    branches = [
        _branch(
            "assessment",
            f"{table[Assessment]} t JOIN {table[User]} u ON u.id = t.assessed_by_id",
            f"t.{target}_id = %s",
            at="t.created_at",
            key="t.id",
            text="t.rationale",
            code="t.verdict",
        ),
        # Through the index on (target_type, target_id, sequence); by id, as events are written.
        _branch(
            "audit",
            f"{table[AuditEvent]} t LEFT JOIN {table[User]} u ON u.id = t.actor_id",
            f"t.target_type_id = %s AND t.target_id = %s AND t.action NOT IN ({skipped})",
            at="t.occurred_at",
            key="t.id",
            text="t.note",
            code="t.action",
            # What an edit changed, for its title; as text, to match the other branches.
            link="CAST(t.changes AS text)",
        ),
    ]
    if target == "action":
        branches += [
            _branch(
                "update",
                f"{table[Update]} t JOIN {table[User]} u ON u.id = t.author_id",
                "t.action_id = %s",
                at="t.created_at",
                key="t.id",
                text="t.narrative",
                code="t.status_before",
                code2="t.status_after",
            ),
            _branch(
                "evidence",
                f"{table[Evidence]} t JOIN {table[Update]} p ON p.id = t.update_id",
                "p.action_id = %s",
                at="t.created_at",
                key="t.id",
                parent="t.update_id",
                name="NULL",
                email="NULL",
                text="t.title",
                code="t.file",
                code2="t.file_kind",
                code3="t.marking",
                link="t.link",
                size="t.size",
                flag="t.is_published",
            ),
            _branch(
                "target_date",
                f"{table[TargetDateChange]} t JOIN {table[User]} u ON u.id = t.changed_by_id",
                "t.action_id = %s",
                at="t.created_at",
                key="t.id",
                text="t.reason",
                day="t.previous_on",
                day2="t.new_on",
            ),
        ]
    return " UNION ALL ".join(branches)


def _timeline_rows(target: str, obj: Action | Recommendation) -> dict[str, list[tuple[Any, ...]]]:
    """The timeline's rows without their kind, by kind, each kind in its own order (`key`)."""
    alias = Update.objects.db
    connection = connections[alias]
    content_type = ContentType.objects.get_for_model(obj)  # cached after the first
    params: list[Any] = [obj.pk, content_type.pk, str(obj.pk)]  # as audit_record writes the target
    if target == "action":
        params += [obj.pk] * 3
    with connection.cursor() as cursor:
        cursor.execute(_timeline_sql(target, alias), params)
        rows = cursor.fetchall()
    converters = [
        (index, convert, expression)
        for index, expression in _TYPED_COLUMNS.items()
        for convert in connection.ops.get_db_converters(expression)
        + expression.output_field.get_db_converters(connection)
    ]
    kinds: dict[str, list[tuple[Any, ...]]] = {
        "update": [],
        "evidence": [],
        "assessment": [],
        "target_date": [],
        "audit": [],
    }
    for row in rows:
        if converters:
            values = list(row)
            for index, convert, expression in converters:
                values[index] = convert(values[index], expression, connection)
            row = tuple(values)
        kinds[row[0]].append(row[1:])
    for kind, kind_rows in kinds.items():
        if kind in ("evidence", "audit"):  # by id
            kind_rows.sort(key=lambda row: row[1])
        else:  # by time, then id
            kind_rows.sort(key=lambda row: (row[0], row[1]))
    return kinds


def _assessment_entries(rows: list[tuple[Any, ...]]) -> list[TimelineEntry]:
    return [
        TimelineEntry(
            at,
            "assessment",
            f"Assessment: {_VERDICTS.get(verdict, verdict)}",
            name or email,
            rationale,
        )
        for at, _, _, name, email, rationale, verdict, *_ in rows
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


def _audit_entries(rows: list[tuple[Any, ...]]) -> list[TimelineEntry]:
    # No actor (a left join's NULLs): the system did it. Every user has an email.
    return [
        TimelineEntry(
            at,
            "audit",
            _audit_title(action, changes),
            "System" if email is None else name or email,
            note,
        )
        for at, _, _, name, email, note, action, _, _, changes, *_ in rows
    ]


def source_history(*, source: Source) -> list[TimelineEntry]:
    """Return what has been recorded about the source itself, newest first: its edits (with
    the fields changed and the reason), response, publication and archiving."""
    events = (
        AuditEvent.objects.filter(
            target_type=ContentType.objects.get_for_model(Source), target_id=str(source.pk)
        )
        .select_related("actor")
        .order_by("-id")
    )
    entries = []
    for event in events:
        title = _audit_title(event.action, event.changes)
        who = "System" if event.actor is None else event.actor.full_name or event.actor.email
        entries.append(TimelineEntry(event.occurred_at, "audit", title, who, event.note))
    return entries
