"""Write an import's rows the plainest way, to show what the database alone costs.

run.py times the register import of a generated CSV; this writes the same rows as that import
writes them (each new source and its `source.created` event, each row's recommendation and
action, and the one `import.completed` event) with no checks and no models: a row is a tuple
built from a template of the table's defaults, the ids are reserved first, and the rows go in
with one `executemany` a table on SQLite and one `COPY` a table on PostgreSQL. The tallies the
import keeps (a handful of upserts, not a row each) are left out, so the raw figure is the
floor the import is compared with (issue #12: within three times it). The caller rolls back.
"""

import datetime
import json
from collections.abc import Sequence
from typing import Any, cast

from django.db import connection, models
from django.utils import timezone


def _template(model: type[models.Model], now: datetime.datetime) -> tuple[list[str], list[Any]]:
    """The table's columns, id first, and each column's default as the driver takes it."""
    columns, values = [], []
    for field in model._meta.concrete_fields:
        field = cast(models.Field, field)
        columns.append(cast(str, field.column))
        if field.primary_key:
            values.append(None)
        elif isinstance(field, models.DateTimeField) and (field.auto_now or field.auto_now_add):
            values.append(field.get_db_prep_save(now, connection))
        else:
            default = field.get_default()
            if isinstance(field, models.JSONField):
                default = json.dumps(default)  # as text: both drivers take it for JSON
            elif not isinstance(default, str | int | bool | type(None)):
                default = field.get_db_prep_save(default, connection)
            values.append(default)
    return columns, values


class _Table:
    """One table's template row; `row` fills in the named columns."""

    def __init__(self, model: type[models.Model], now: datetime.datetime) -> None:
        self.name = cast(str, model._meta.db_table)
        self.columns, self.template = _template(model, now)
        self.index = {column: i for i, column in enumerate(self.columns)}
        self.rows: list[list[Any]] = []

    def row(self, **values: Any) -> list[Any]:
        row = list(self.template)
        for column, value in values.items():
            row[self.index[column]] = value
        self.rows.append(row)
        return row

    def ids(self, cursor: Any, count: int) -> list[int]:
        """`count` new ids for the table, as the database would give them."""
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [self.name, count],
            )
            return sorted(new_id for (new_id,) in cursor.fetchall())
        cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{self.name}"')  # noqa: S608 - our table
        (last,) = cursor.fetchone()
        return list(range(last + 1, last + 1 + count))

    def write(self, cursor: Any) -> None:
        quote = connection.ops.quote_name
        names = ", ".join(quote(column) for column in self.columns)
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {quote(self.name)} ({names}) FROM STDIN") as copy:
                for row in self.rows:
                    copy.write_row(row)
        else:
            places = ", ".join(["%s"] * len(self.columns))
            cursor.executemany(
                f"INSERT INTO {quote(self.name)} ({names}) VALUES ({places})",  # noqa: S608 - our table
                self.rows,
            )


def raw_import(
    *,
    rows: Sequence[Sequence[str]],
    office_id: int,
    actor_id: int,
    owner_ids: dict[str, int],
    source_type_id: int,
) -> int:
    """Write the sources, events, recommendations and actions of `rows` (source, reference,
    text, owner name, target date as dd/mm/yyyy); return how many file rows were written."""
    from answerable.audit.models import AuditEvent
    from answerable.recommendations.models import Action, Recommendation, Source

    now = timezone.now()
    sources, events = _Table(Source, now), _Table(AuditEvent, now)
    recommendations, actions = _Table(Recommendation, now), _Table(Action, now)
    dates: dict[str, Any] = {}
    target_on = Action._meta.get_field("target_on")
    with connection.cursor() as cursor:
        titles = list(dict.fromkeys(row[0] for row in rows))
        source_ids = dict(zip(titles, sources.ids(cursor, len(titles)), strict=True))
        for title, source_id in source_ids.items():
            sources.row(
                id=source_id, owner_id=office_id, title=title, kind="inspection",
                publisher="Not recorded", deadline_rule="none",
            )  # fmt: skip
        event_ids = events.ids(cursor, len(source_ids) + 1)
        occurred_at = AuditEvent._meta.get_field("occurred_at").get_db_prep_save(now, connection)
        for (title, source_id), event_id in zip(source_ids.items(), event_ids, strict=False):
            events.row(
                id=event_id, occurred_at=occurred_at, actor_id=actor_id, organisation_id=office_id,
                action="source.created", target_type_id=source_type_id,
                target_id=str(source_id), target_repr=title,
                changes=json.dumps({"title": [None, title], "kind": [None, "inspection"]}),
            )  # fmt: skip
        positions: dict[str, int] = {}
        for (title, reference, text, owner, target), recommendation_id, action_id in zip(
            rows,
            recommendations.ids(cursor, len(rows)),
            actions.ids(cursor, len(rows)),
            strict=True,
        ):
            source_id = source_ids[title]
            positions[title] = positions.get(title, 0) + 1
            if target not in dates:
                day, month, year = (int(part) for part in target.split("/"))
                dates[target] = target_on.get_db_prep_save(
                    datetime.date(year, month, day), connection
                )
            recommendations.row(
                id=recommendation_id, source_id=source_id, reference=reference, text=text,
                position=positions[title],
            )  # fmt: skip
            actions.row(
                id=action_id, recommendation_id=recommendation_id, source_id=source_id,
                owner_id=owner_ids[owner], description=text, target_on=dates[target],
            )  # fmt: skip
        events.row(
            id=event_ids[-1], occurred_at=occurred_at, actor_id=actor_id, organisation_id=office_id,
            action="import.completed", changes=json.dumps({"rows": [None, len(rows)]}),
        )  # fmt: skip
        for table in (sources, events, recommendations, actions):
            table.write(cursor)
    return len(rows)
