"""Value rows whose SQL is built once per process, then run with each request's ids.

`core.prepared` for reads of `values_list` rows rather than model instances: where a query
depends on nothing but some integers, its SQL is built once for each count of them, with
stand-in ids, and run with the real ids in their place. Each column is converted as Django
converts it (a SQLite boolean comes back a bool). Only SQL text is kept, never a row
(ADR 0010).
"""

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from django.db import connections, router
from django.db.models import Model, QuerySet

Ids = int | Collection[int]

# Never an id (ids are positive); each stand-in is this minus its place among the arguments.
_STAND_IN = -876_543_219


@dataclass(frozen=True)
class _Plan:
    sql: str
    slots: tuple[tuple[int, int] | None, ...]  # (argument, place in it) or None for a constant
    constants: tuple[Any, ...]
    columns: int
    converters: tuple[tuple[int, tuple[Any, ...], Any], ...]


_plans: dict[tuple[str, str, tuple[int, ...]], _Plan] = {}


def prepared_rows(
    name: str, model: type[Model], build: Callable[..., QuerySet[Any, Any]], *args: Ids
) -> list[tuple[Any, ...]]:
    """`list(build(*args))` for a `values_list` query (not flat, not named), each argument
    an id or a collection of ids, with the SQL built once per `name`, database and size of
    each argument.

    `build` must return a query of `model` that depends on nothing but its arguments;
    `name` must be unique to it.
    """
    sizes = tuple(-1 if isinstance(arg, int) else len(arg) for arg in args)
    if 0 in sizes:  # an empty IN () is no SQL at all: Django answers it without a query
        return [tuple(row) for row in build(*args)]
    database = router.db_for_read(model)
    key = (name, database, sizes)
    plan = _plans.get(key)
    if plan is None:
        stand_ins = _stand_ins(sizes)
        plan = _plans[key] = _plan(build(*stand_ins).using(database), database, stand_ins)
    values = [sorted(arg) if not isinstance(arg, int) else [arg] for arg in args]
    params = [
        constant if slot is None else values[slot[0]][slot[1]]
        for slot, constant in zip(plan.slots, plan.constants, strict=True)
    ]
    connection = connections[database]
    with connection.cursor() as cursor:
        cursor.execute(plan.sql, params)
        fetched = cursor.fetchall()
    if not plan.converters:
        return [tuple(row[: plan.columns]) for row in fetched]
    rows = []
    for found in fetched:
        row = list(found[: plan.columns])
        for position, converters, expression in plan.converters:
            value = row[position]
            for converter in converters:
                value = converter(value, expression, connection)
            row[position] = value
        rows.append(tuple(row))
    return rows


def _stand_ins(sizes: tuple[int, ...]) -> list[Any]:
    """One stand-in per id: an int for an id, a frozenset for a collection."""
    stand_ins: list[Any] = []
    next_id = _STAND_IN
    for size in sizes:
        if size == -1:
            stand_ins.append(next_id)
            next_id -= 1
        else:
            stand_ins.append(frozenset(range(next_id, next_id - size, -1)))
            next_id -= size
    return stand_ins


def _plan(queryset: QuerySet[Any, Any], database: str, stand_ins: list[Any]) -> _Plan:
    query = queryset.query
    if queryset._fields is None or query.annotation_select or query.extra_select:  # type: ignore[attr-defined]
        # Annotations may come back in another order than asked for: not handled here.
        raise ValueError("prepared_rows reads the fields of a values_list query")
    places: dict[int, tuple[int, int]] = {}
    for index, stand_in in enumerate(stand_ins):
        for place, value in enumerate(
            [stand_in] if isinstance(stand_in, int) else sorted(stand_in)
        ):
            places[value] = (index, place)
    compiler = query.get_compiler(using=database)
    sql, params = compiler.as_sql()
    slots = tuple(places.get(p) if type(p) is int else None for p in params)
    if len({slot for slot in slots if slot is not None}) != len(places):
        raise ValueError("prepared_rows: an argument did not reach the SQL as a parameter")
    converters = compiler.get_converters(
        [column[0] for column in compiler.select[: compiler.col_count]]
    )
    return _Plan(
        sql=sql,
        slots=slots,
        constants=tuple(params),
        columns=compiler.col_count,
        converters=tuple(
            (position, tuple(found), expression)
            for position, (found, expression) in converters.items()
        ),
    )
