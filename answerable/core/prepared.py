"""Model reads whose SQL is built once per process, then run with each request's ids.

Django builds a query's SQL afresh on every request, and for a page's main object, read
through the visibility rule with its related rows, that took about 1 ms of Python for
0.2 ms of SQL (issue #12). Where a query depends on nothing but some integers (an id, a
user's organisations), its SQL is the same for every request with as many of them: it is
built once for each count, with stand-in ids, and run with the real ids in their place.
The rows become model instances as the ORM makes them (select_related included). Only the
SQL text and how to read its rows are kept, never a row (ADR 0010).

An argument may also be a text, a day or a time (a status a list is filtered by, the row a
page starts after), or None: the SQL is then built once for each kind of argument, with
stand-ins of each kind, None left as it is (`IS NULL` is other SQL than `= %s`).
"""

import datetime
from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

from django.db import connections, router
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators
from django.http import Http404

from answerable.core.statements import fixed_sql_cursor

M = TypeVar("M", bound=Model)
Ids = int | Collection[int]
# What else an argument may be (core.keyset's list reads): each kind is told by its type.
Value = Ids | str | datetime.date | None
# An argument's kind: -1 an id, the length of a collection of ids, or the name of its type.
Kind = int | str

# Never an id the register will reach, yet inside every integer column's range: Django
# drops a comparison the range decides (a page starting after `position` -1 lost it).
# Each stand-in is this minus its place among the arguments.
_STAND_IN = 2_000_000_000
# Never a text, day or time a list is filtered by or starts after.
_TEXT_STAND_IN = "\ufffcstand-in {}\ufffc"
_FIRST_DAY = datetime.date(1, 1, 1)
_FIRST_TIME = datetime.datetime(1, 1, 2, tzinfo=datetime.UTC)


@dataclass(frozen=True)
class CompiledSql:
    """A query's SQL, where each id goes among its parameters, and how its columns convert."""

    sql: str
    slots: tuple[tuple[int, int] | None, ...]  # (argument, place in it) or None for a constant
    constants: tuple[Any, ...]
    columns: int
    converters: tuple[tuple[int, tuple[Any, ...], Any], ...]


@dataclass(frozen=True)
class _Plan:
    compiled: CompiledSql
    init_list: tuple[str, ...]
    model_slice: slice
    populators: tuple[Any, ...]
    annotations: tuple[tuple[str, int], ...]


_plans: dict[tuple[str, str, tuple[Kind, ...]], _Plan] = {}


def prepared_list(
    name: str, model: type[M], build: Callable[..., QuerySet[M]], *args: Ids
) -> list[M]:
    """`list(build(*args))`, each argument an id or a collection of ids, with the SQL built
    once per `name`, database and size of each argument.

    `build` must return a query of `model` that depends on nothing but its arguments (no
    clock, no setting that changes, no `.prefetch_related`); `name` must be unique to it.
    """
    sizes = argument_sizes(args)
    if 0 in sizes:  # an empty IN () is no SQL at all: Django answers it without a query
        return list(build(*args))
    database = router.db_for_read(model)
    key = (name, database, sizes)
    plan = _plans.get(key)
    if plan is None:
        ins = stand_ins(sizes)
        plan = _plans[key] = _plan(build(*ins).using(database), database, ins)
    objects = []
    for row in converted_rows(plan.compiled, args, database):
        obj = model.from_db(database, plan.init_list, row[plan.model_slice])
        for populator in plan.populators:
            populator.populate(row, obj)
        for attribute, position in plan.annotations:
            setattr(obj, attribute, row[position])
        objects.append(obj)
    return objects


def prepared_get_or_404(
    name: str, model: type[M], build: Callable[..., QuerySet[M]], *args: Ids, missing: str
) -> M:
    """The one row `prepared_list` finds; Http404 saying `missing` when there is none."""
    found = prepared_list(name, model, build, *args)
    if not found:
        raise Http404(missing)
    return found[0]


def keep_as_prefetched(obj: Model, relation: str, rows: list[Any]) -> None:
    """Leave `rows` (read by `prepared_list`) on `obj` as `prefetch_related(relation)` would:
    `obj.<relation>.all()` gives them without a query, and a further filter or order still
    queries only `obj`'s rows."""
    queryset = getattr(obj, relation).get_queryset()
    # The attributes Django's own prefetch sets; the stubs leave them out.
    queryset._result_cache = rows
    queryset._prefetch_done = True
    cache = obj.__dict__.setdefault("_prefetched_objects_cache", {})
    cache[relation] = queryset


def argument_sizes(args: tuple[Value, ...]) -> tuple[Kind, ...]:
    """Each argument's `Kind`: what a plan is kept by."""
    return tuple(_kind(arg) for arg in args)


def _kind(arg: Value) -> Kind:
    if type(arg) is int:
        return -1
    if arg is None or isinstance(arg, str | datetime.date):
        return type(arg).__name__  # a datetime is a date too, but not of the same name
    if isinstance(arg, Collection) and all(type(pk) is int for pk in arg):
        return len(arg)
    raise TypeError(f"An id, ids, a text, a day or a time, not {arg!r}")


def stand_ins(sizes: tuple[Kind, ...]) -> list[Any]:
    """One stand-in per argument: an int for an id, a frozenset for a collection, a text,
    day or time never otherwise seen, None for None."""
    found: list[Any] = []
    next_id = _STAND_IN
    for place, size in enumerate(sizes):
        if size == -1:
            found.append(next_id)
            next_id -= 1
        elif isinstance(size, int):
            found.append(frozenset(range(next_id, next_id - size, -1)))
            next_id -= size
        else:
            found.append(_SCALAR_STAND_INS[size](place))
    return found


_SCALAR_STAND_INS: dict[str, Callable[[int], Any]] = {
    "str": _TEXT_STAND_IN.format,
    "date": lambda place: _FIRST_DAY + datetime.timedelta(days=place),
    "datetime": lambda place: _FIRST_TIME + datetime.timedelta(seconds=place),
    "NoneType": lambda place: None,
}


def _as_parameter(value: Any, connection: Any) -> Any:
    """A text, day or time as the ORM passes it among the SQL's parameters."""
    if isinstance(value, datetime.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, datetime.date):
        return connection.ops.adapt_datefield_value(value)
    return value


def _parameters(args: tuple[Value, ...], connection: Any) -> list[list[Any]]:
    """Each argument's values in its stand-ins' order."""
    values: list[list[Any]] = []
    for arg in args:
        if type(arg) is int:
            values.append([arg])
        elif arg is None:
            values.append([])
        elif isinstance(arg, str | datetime.date):
            values.append([_as_parameter(arg, connection)])
        else:
            values.append(sorted(arg))  # type: ignore[arg-type]
    return values


_PARAMETER_TYPES = (int, str, datetime.date, datetime.datetime)


def _plain(parameter: Any) -> Any:
    """The parameter as a stand-in is written, or None for one no stand-in can be: on
    PostgreSQL Django passes some integers typed (psycopg's Int4, an int)."""
    if type(parameter) in _PARAMETER_TYPES:
        return parameter
    if isinstance(parameter, int) and not isinstance(parameter, bool):
        return int(parameter)
    return None


def _typed_as(stand_in: Any, value: Any) -> Any:
    """The value typed as the ORM typed its stand-in (an Int4 stays an Int4)."""
    kind = type(stand_in)
    if kind in (int, bool) or not isinstance(stand_in, int):
        return value
    return kind(value)


def compiled_sql(compiler: Any, ins: list[Any], *, reader: str) -> CompiledSql:
    """The compiler's SQL, with the place of each stand-in id among its parameters; refused
    if an argument did not reach the SQL as a parameter (it would be built into the text)."""
    places: dict[Any, tuple[int, int]] = {}
    for index, values in enumerate(_parameters(tuple(ins), compiler.connection)):
        for place, value in enumerate(values):
            places[value] = (index, place)
    sql, params = compiler.as_sql()
    slots = tuple(places.get(_plain(p)) if _plain(p) is not None else None for p in params)
    if len({slot for slot in slots if slot is not None}) != len(places):
        raise ValueError(f"{reader}: an argument did not reach the SQL as a parameter")
    converters = compiler.get_converters(
        [column[0] for column in compiler.select[: compiler.col_count]]
    )
    return CompiledSql(
        sql=sql,
        slots=slots,
        constants=tuple(params),
        columns=compiler.col_count,
        converters=tuple(
            (position, tuple(found), expression)
            for position, (found, expression) in converters.items()
        ),
    )


def converted_rows(
    compiled: CompiledSql,
    args: tuple[Value, ...],
    database: str,
    *,
    planned_each_time: bool = False,
) -> list[Any]:
    """Run the SQL with the real ids in the stand-ins' places; each row's columns as lists,
    converted as Django converts them (a SQLite boolean comes back a bool).

    `planned_each_time` sends the SQL unprepared, for the database to plan it for these
    values (core.statements keeps one plan for every run of a prepared statement)."""
    connection = connections[database]
    values = _parameters(args, connection)
    params = [
        constant if slot is None else _typed_as(constant, values[slot[0]][slot[1]])
        for slot, constant in zip(compiled.slots, compiled.constants, strict=True)
    ]
    cursor_for = connection.cursor if planned_each_time else partial(fixed_sql_cursor, database)
    with cursor_for() as cursor:
        cursor.execute(compiled.sql, params)
        fetched = cursor.fetchall()
    rows = []
    for found in fetched:
        row = list(found[: compiled.columns])
        for position, converters, expression in compiled.converters:
            value = row[position]
            for converter in converters:
                value = converter(value, expression, connection)
            row[position] = value
        rows.append(row)
    return rows


def _plan(queryset: QuerySet[Any], database: str, ins: list[Any]) -> _Plan:
    # Private attributes the stubs leave out: a prefetch or a known related object would
    # be dropped silently, so such a query is refused.
    prefetches = queryset._prefetch_related_lookups  # type: ignore[attr-defined]
    if prefetches or queryset._known_related_objects:  # type: ignore[attr-defined]
        raise ValueError("prepared_list reads plain rows: prefetch after it instead")
    compiler = queryset.query.get_compiler(using=database)
    compiled = compiled_sql(compiler, ins, reader="prepared_list")
    klass_info = compiler.klass_info
    if klass_info is None:
        raise ValueError("prepared_list reads model instances, not values")
    select = compiler.select
    fields = klass_info["select_fields"]
    return _Plan(
        compiled=compiled,
        init_list=tuple(column[0].target.attname for column in select[fields[0] : fields[-1] + 1]),
        model_slice=slice(fields[0], fields[-1] + 1),
        # The stubs follow Django 6, which adds fetch_mode; Django 5.2 takes three arguments.
        populators=tuple(get_related_populators(klass_info, select, database)),  # type: ignore[call-arg]
        annotations=tuple(compiler.annotation_col_map.items()),
    )
