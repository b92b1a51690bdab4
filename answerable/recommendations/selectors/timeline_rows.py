"""The rows behind a timeline, read in one query and handed back typed, one kind of row each.

Every kind of entry comes from one UNION ALL query in SQL: through the ORM, building and
compiling the same union cost ~5 ms of CPU a page (issue #5), and model instances were made
only to read a few columns. A union's branches share their columns, so each kind's values
travel in shared slots (`_SLOTS`); a slot a kind does not use is NULL, cast where PostgreSQL
could not otherwise match it to the other branches' type. On the way out each row is read
into its kind's NamedTuple by name, so no caller counts positions.
"""

import datetime
import functools
from typing import Any, NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.db import connections
from django.db.models import BooleanField, DateField, DateTimeField, Value

from answerable.accounts.models import User
from answerable.audit.models import AuditEvent
from answerable.core.statements import fixed_sql_cursor
from answerable.recommendations.models import (
    Action,
    Assessment,
    Evidence,
    Recommendation,
    TargetDateChange,
    Update,
)

# Audit events already shown as richer timeline entries of their own.
SHOWN_ELSEWHERE = frozenset(
    {"action.updated", "action.target_date_changed", "assessment.recorded", "assessment.reopened"}
)


class UpdateRow(NamedTuple):
    at: datetime.datetime
    pk: int
    name: str | None
    email: str
    narrative: str
    status_before: str
    status_after: str


class EvidenceRow(NamedTuple):
    """As an Evidence's own fields, so one is made from it by name."""

    created_at: datetime.datetime
    pk: int
    update_id: int
    title: str
    file: str
    file_kind: str
    marking: str
    link: str
    size: int | None
    is_published: bool


class AssessmentRow(NamedTuple):
    at: datetime.datetime
    pk: int
    name: str | None
    email: str
    rationale: str
    verdict: str


class TargetDateRow(NamedTuple):
    at: datetime.datetime
    pk: int
    name: str | None
    email: str
    reason: str
    previous_on: datetime.date | None
    new_on: datetime.date | None


class AuditRow(NamedTuple):
    at: datetime.datetime
    pk: int
    name: str | None
    email: str | None  # None: no actor, the system did it
    note: str
    action: str
    changes: Any  # what an edit changed: JSON text or, on PostgreSQL, already decoded


class TimelineRows(NamedTuple):
    """Each kind's rows in its own order: evidence and events by id, the rest by time."""

    update: list[UpdateRow]
    evidence: list[EvidenceRow]
    assessment: list[AssessmentRow]
    target_date: list[TargetDateRow]
    audit: list[AuditRow]


# The shared slots and their NULL for a kind that leaves one empty.
_SLOTS = {
    "at": "NULL",
    "pk": "CAST(NULL AS bigint)",
    "parent": "CAST(NULL AS bigint)",
    "name": "NULL",
    "email": "NULL",
    "text": "NULL",
    "code": "NULL",
    "code_b": "NULL",
    "code_c": "NULL",
    "link": "NULL",
    "day": "CAST(NULL AS date)",
    "day_b": "CAST(NULL AS date)",
    "size": "CAST(NULL AS bigint)",
    "flag": "CAST(NULL AS boolean)",
}
_SLOT_INDEX = {name: 1 + index for index, name in enumerate(_SLOTS)}  # after the kind
# Slots a driver may return raw (SQLite: dates and times as text, booleans as 0 or 1):
# converted as the ORM converts a field of the type.
_TYPED_SLOTS = {
    _SLOT_INDEX[name]: Value(None, output_field=field)
    for name, field in (
        ("at", DateTimeField()),
        ("day", DateField()),
        ("day_b", DateField()),
        ("flag", BooleanField()),
    )
}


class _Branch(NamedTuple):
    """One kind's part of the union: its row type, tables, condition, and for each of the
    row's fields the slot it travels in and the SQL that fills it."""

    row: type[Any]
    source: str
    where: str
    fields: dict[str, tuple[str, str]]

    def sql(self, kind: str) -> str:
        filled = dict(self.fields.values())
        select = ", ".join(filled.get(slot, null) for slot, null in _SLOTS.items())
        return f"SELECT '{kind}', {select} FROM {self.source} WHERE {self.where}"  # noqa: S608 - our own table and column names

    def read(self, row: tuple[Any, ...]) -> Any:
        return self.row._make(row[_SLOT_INDEX[slot]] for slot, _ in self.fields.values())


# Who: their full name, else their email.
_WHO = {"name": ("name", "u.full_name"), "email": ("email", "u.email")}


@functools.cache
def _branches(target: str, alias: str) -> dict[str, _Branch]:
    """The union's branches for an action's or a recommendation's (`target`) timeline."""
    table = {
        model: connections[alias].ops.quote_name(model._meta.db_table)
        for model in (User, Update, Evidence, Assessment, TargetDateChange, AuditEvent)
    }
    skipped = ", ".join(f"'{action}'" for action in sorted(SHOWN_ELSEWHERE))
    branches = {
        "assessment": _Branch(
            AssessmentRow,
            f"{table[Assessment]} t JOIN {table[User]} u ON u.id = t.assessed_by_id",
            f"t.{target}_id = %s",
            {
                "at": ("at", "t.created_at"),
                "pk": ("pk", "t.id"),
                **_WHO,
                "rationale": ("text", "t.rationale"),
                "verdict": ("code", "t.verdict"),
            },
        ),
        # Through the index on (target_type, target_id, sequence); by id, as events are written.
        "audit": _Branch(
            AuditRow,
            f"{table[AuditEvent]} t LEFT JOIN {table[User]} u ON u.id = t.actor_id",
            f"t.target_type_id = %s AND t.target_id = %s AND t.action NOT IN ({skipped})",
            {
                "at": ("at", "t.occurred_at"),
                "pk": ("pk", "t.id"),
                **_WHO,
                "note": ("text", "t.note"),
                "action": ("code", "t.action"),
                # As text, to match the other branches' column.
                "changes": ("link", "CAST(t.changes AS text)"),
            },
        ),
    }
    if target == "action":
        branches |= _action_branches(table)
    return branches


def _action_branches(table: dict[type[Any], str]) -> dict[str, _Branch]:
    return {
        "update": _Branch(
            UpdateRow,
            f"{table[Update]} t JOIN {table[User]} u ON u.id = t.author_id",
            "t.action_id = %s",
            {
                "at": ("at", "t.created_at"),
                "pk": ("pk", "t.id"),
                **_WHO,
                "narrative": ("text", "t.narrative"),
                "status_before": ("code", "t.status_before"),
                "status_after": ("code_b", "t.status_after"),
            },
        ),
        "evidence": _Branch(
            EvidenceRow,
            f"{table[Evidence]} t JOIN {table[Update]} p ON p.id = t.update_id",
            "p.action_id = %s",
            {
                "created_at": ("at", "t.created_at"),
                "pk": ("pk", "t.id"),
                "update_id": ("parent", "t.update_id"),
                "title": ("text", "t.title"),
                "file": ("code", "t.file"),
                "file_kind": ("code_b", "t.file_kind"),
                "marking": ("code_c", "t.marking"),
                "link": ("link", "t.link"),
                "size": ("size", "t.size"),
                "is_published": ("flag", "t.is_published"),
            },
        ),
        "target_date": _Branch(
            TargetDateRow,
            f"{table[TargetDateChange]} t JOIN {table[User]} u ON u.id = t.changed_by_id",
            "t.action_id = %s",
            {
                "at": ("at", "t.created_at"),
                "pk": ("pk", "t.id"),
                **_WHO,
                "reason": ("text", "t.reason"),
                "previous_on": ("day", "t.previous_on"),
                "new_on": ("day_b", "t.new_on"),
            },
        ),
    }


@functools.cache
def _timeline_sql(target: str, alias: str) -> str:
    branches = _branches(target, alias)
    return " UNION ALL ".join(branch.sql(kind) for kind, branch in branches.items())


def timeline_rows(target: str, obj: Action | Recommendation) -> TimelineRows:
    """The rows of an action's or a recommendation's (`target`) timeline, by kind."""
    alias = Update.objects.db
    connection = connections[alias]
    content_type = ContentType.objects.get_for_model(obj)  # cached after the first
    # In the branches' order: assessments, events (as audit_record writes the target), then
    # an action's updates, evidence and date changes.
    params: list[Any] = [obj.pk, content_type.pk, str(obj.pk)]
    if target == "action":
        params += [obj.pk] * 3
    # Prepared on PostgreSQL: planning the union took longer than running it (0.9 / 0.4 ms).
    with fixed_sql_cursor(alias) as cursor:
        cursor.execute(_timeline_sql(target, alias), params)
        rows = cursor.fetchall()
    converters = [
        (index, convert, expression)
        for index, expression in _TYPED_SLOTS.items()
        for convert in connection.ops.get_db_converters(expression)
        + expression.output_field.get_db_converters(connection)
    ]
    branches = _branches(target, alias)
    kinds: dict[str, list[Any]] = {kind: [] for kind in TimelineRows._fields}
    for row in rows:
        if converters:
            values = list(row)
            for index, convert, expression in converters:
                values[index] = convert(values[index], expression, connection)
            row = tuple(values)
        kinds[row[0]].append(branches[row[0]].read(row))
    for kind, kind_rows in kinds.items():
        if kind in ("evidence", "audit"):  # by id
            kind_rows.sort(key=lambda row: row.pk)
        else:  # by time, then id
            kind_rows.sort(key=lambda row: (row.at, row.pk))
    return TimelineRows(**kinds)
