"""Insert many new rows at about the database's own speed.

`bulk_create` prepares every value of every instance through its field and builds the
statement value by value: for a 3,000-row register import that was 1.3 s of the 2.3 s the
import held SQLite's one writer (issue #11, High 2). Here the timestamps are taken once;
text, whole numbers and nulls go to the driver as they are; other values go through their
field's own `get_db_prep_save`, memoised (an import repeats the same few dates); and the rows
go in a statement a batch on SQLite, one `COPY` on PostgreSQL. The caller has checked the rows
and writes the audit event; the database still checks every constraint. `bulk_insert_rows`
writes plain rows the same way where no instance or id is needed back (indicator figures,
issue #16): one `executemany` on SQLite.
"""

import datetime
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django.db import connection, models
from django.db.models import DateField, DateTimeField, Field
from django.utils import timezone

# Values every field writes as they are (a date or a decimal needs its field's conversion).
PASSED_AS_IS = frozenset({str, int, bool, type(None)})
# Values that can be equal and yet written differently: Decimal("12") and Decimal("12.0").
KEYED_BY_TEXT = frozenset({Decimal, float})
# Rows a statement: well under SQLite's 32,766 variables for the widest table written.
BATCH = 500


def _stamped(field: Field) -> bool:
    return isinstance(field, DateField) and bool(field.auto_now or field.auto_now_add)


def _stamp(field: Field, now: datetime.datetime) -> datetime.date:
    return now if isinstance(field, DateTimeField) else now.date()


def _value_preparer(field: Field) -> Callable[[Any], Any]:
    """How one field's value is prepared for the driver, memoised."""
    cache: dict[Any, Any] = {}

    def prepared(value: Any) -> Any:
        kind = type(value)
        if kind in PASSED_AS_IS:
            return value
        # 12 and 12.0 are equal but not written the same: a number's key keeps its type and
        # text. Other values equal are written the same (and a date's text costs time).
        key = (kind, value, str(value)) if kind in KEYED_BY_TEXT else value
        try:
            return cache[key]
        except KeyError:
            cache[key] = result = field.get_db_prep_save(value, connection)
            return result
        except TypeError:  # unhashable, as a JSON field's dict: prepared each time
            return field.get_db_prep_save(value, connection)

    return prepared


def _prepare(field: Field, now: datetime.datetime) -> Callable[[models.Model], Any]:
    """How one field's value is read from an instance and prepared for the driver."""
    attname = cast(str, field.attname)
    if _stamped(field):
        stamp = field.get_db_prep_save(_stamp(field, now), connection)
        return lambda instance: stamp
    if field.has_db_default() and not field.has_default():
        raise TypeError(f"{field} has only a database default: give it a Python default too")
    prepare = _value_preparer(field)
    return lambda instance: prepare(getattr(instance, attname))


@dataclass(frozen=True)
class _Insert:
    """Where the rows go: the quoted table and columns, and how each column is prepared."""

    table: str
    pk_column: str
    columns: list[str]
    preparers: list[Callable[[models.Model], Any]]


def _batches(items: Sequence[models.Model]) -> Iterator[Sequence[models.Model]]:
    for start in range(0, len(items), BATCH):
        yield items[start : start + BATCH]


def bulk_insert(instances: Sequence[models.Model]) -> None:
    """Insert unsaved instances of one model, in order, and set each one's primary key.

    Every concrete field but an automatic primary key is written from the instance, so
    defaults must already be on it (a new instance has them); `auto_now` and `auto_now_add`
    timestamps are now, the same for all. Call it inside the transaction that checked them.
    """
    if not instances:
        return
    meta = instances[0]._meta
    fields = [
        cast(Field, field)
        for field in meta.concrete_fields
        if not (field.primary_key and isinstance(field, models.AutoField))
    ]
    now = timezone.now()
    preparers = [_prepare(field, now) for field in fields]
    stamps = [(field.attname, _stamp(field, now)) for field in fields if _stamped(field)]
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    pk_column = cast(str, cast(Field, meta.pk).column)
    columns = [quote(cast(str, field.column)) for field in fields]
    into = _Insert(table, pk_column, columns, preparers)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _copy(cursor, instances, into)
        else:
            _insert_returning(cursor, instances, into)
    for instance in instances:
        instance._state.adding = False
        instance._state.db = connection.alias
        for attname, stamp in stamps:
            setattr(instance, attname, stamp)


def _insert_returning(cursor: Any, instances: Sequence[models.Model], into: _Insert) -> None:
    """SQLite: a batch a statement, the new ids from `RETURNING` in the order given, as
    Django's own bulk_create relies on."""
    row = "(" + ", ".join(["%s"] * len(into.columns)) + ")"
    for batch in _batches(instances):
        cursor.execute(
            f"INSERT INTO {into.table} ({', '.join(into.columns)}) "  # noqa: S608 - our own names
            f"VALUES {', '.join([row] * len(batch))} "
            f"RETURNING {connection.ops.quote_name(into.pk_column)}",
            [prepare(instance) for instance in batch for prepare in into.preparers],
        )
        for instance, (new_id,) in zip(batch, cursor.fetchall(), strict=True):
            instance.pk = new_id


def _copy(cursor: Any, instances: Sequence[models.Model], into: _Insert) -> None:
    """PostgreSQL: the ids taken from the table's sequence first, then every row in one
    `COPY`. An INSERT of thousands of placeholders spent half its time in psycopg parsing
    them (0.44 s of 0.87 s for a 3,000-row import)."""
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
        [into.table, into.pk_column, len(instances)],
    )
    for instance, (new_id,) in zip(instances, sorted(cursor.fetchall()), strict=True):
        instance.pk = new_id
    names = ", ".join([connection.ops.quote_name(into.pk_column), *into.columns])
    rows = (
        (instance.pk, *[prepare(instance) for prepare in into.preparers]) for instance in instances
    )
    _copy_rows(cursor, into.table, names, rows)


def _copy_rows(cursor: Any, table: str, columns: str, rows: Iterable[Sequence[Any]]) -> None:
    # psycopg's own errors, raised inside COPY, reach callers as Django's (IntegrityError).
    with (
        connection.wrap_database_errors,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


# Columns whose values go to the driver as given, unconverted: text, whole numbers, yes/no and
# links by id. Calling a preparer for each of their values was most of the cost of a workforce
# import's 5,000,000 rows (issue #12); pass them str, int, bool or None.
AS_GIVEN_FIELDS = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.ForeignKey,
)


def _converted(row: Sequence[Any], converted: list[tuple[int, Callable[[Any], Any]]]) -> list[Any]:
    values = list(row)
    for index, prepare in converted:
        values[index] = prepare(values[index])
    return values


def bulk_insert_rows(
    model: type[models.Model],
    names: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    prepared: bool = False,
) -> int:
    """Insert plain rows, their values in the order of the fields `names`, as new rows of
    `model`; return how many. No instance or id comes back, and nothing is filled in: every
    value, timestamps too, is in the row (text, number and yes/no columns as str, int, bool or
    None: see AS_GIVEN_FIELDS). Call it inside the transaction that checked them.

    `prepared=True` says every value is already as the driver takes it (a date as
    `connection.ops.adapt_datefield_value` gives it, or as ISO text, which both databases
    read): nothing is converted."""
    fields = [cast(Field, model._meta.get_field(name)) for name in names]
    converted = [
        (index, _value_preparer(field))
        for index, field in enumerate(fields)
        if not prepared and not isinstance(field, AS_GIVEN_FIELDS)
    ]
    values = [_converted(row, converted) for row in rows] if converted else list(rows)
    if not values:
        return 0
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(cast(str, field.column)) for field in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _copy_rows(cursor, table, columns, values)
        else:
            places = ", ".join(["%s"] * len(fields))
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({places})",  # noqa: S608 - our names
                values,
            )
    return len(values)


@contextmanager
def bulk_copy_text(
    model: type[models.Model], names: Sequence[str]
) -> Iterator[Callable[[str], None]]:
    """PostgreSQL only: one `COPY` into `model`'s fields `names`, fed text in COPY's own
    format (a line a row, values apart by tabs, \\N for null) by the function yielded.

    For rows whose values need no escaping (whole numbers, ISO dates, t or f), built by the
    caller faster than a formatter that looks at each value (issue #12); the database reads
    the rows as they arrive, while the caller works out the next. Leaving the block by an
    exception abandons the copy, and the exception goes on."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    fields = [cast(Field, model._meta.get_field(name)) for name in names]
    columns = ", ".join(quote(cast(str, field.column)) for field in fields)
    with connection.cursor() as cursor, connection.wrap_database_errors:
        copying = cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN")
        copy = copying.__enter__()
        try:
            yield copy.write
        except BaseException:
            # The database is told only that the copy was abandoned: the reason can quote
            # the file's rows, and would be kept in the database's log.
            copying.__exit__(CopyAbandoned, CopyAbandoned(), None)
            raise
        copying.__exit__(None, None, None)


class CopyAbandoned(Exception):
    """What the database is told when a `bulk_copy_text` block ends in an exception."""
