"""Value rows whose SQL is built once per process, then run with each request's ids.

`core.prepared` for reads of `values_list` rows rather than model instances: where a query
depends on nothing but some integers, its SQL is built once for each count of them, with
stand-in ids, and run with the real ids in their place. Each column is converted as Django
converts it (a SQLite boolean comes back a bool). Only SQL text is kept, never a row
(ADR 0010).
"""

from collections.abc import Callable
from typing import Any

from django.db import router
from django.db.models import Model, QuerySet

from answerable.core.prepared import (
    CompiledSql,
    Kind,
    Value,
    argument_sizes,
    compiled_sql,
    converted_rows,
    stand_ins,
)

_plans: dict[tuple[str, str, tuple[Kind, ...]], CompiledSql] = {}


def prepared_rows(
    name: str,
    model: type[Model],
    build: Callable[..., QuerySet[Any, Any]],
    *args: Value,
    planned_each_time: bool = False,
) -> list[tuple[Any, ...]]:
    """`list(build(*args))` for a `values_list` query (not flat, not named; annotations after
    the fields), each argument an id or a collection of ids (or a text, day, time or None:
    core.prepared), with the SQL built once per `name`, database and kind of each argument.

    `build` must return a query of `model` that depends on nothing but its arguments;
    `name` must be unique to it (and say whatever else shapes the query). A query whose
    best plan depends on its values is `planned_each_time` (core.prepared.converted_rows).
    """
    sizes = argument_sizes(args)
    if 0 in sizes:  # an empty IN () is no SQL at all: Django answers it without a query
        return [tuple(row) for row in build(*args)]
    database = router.db_for_read(model)
    key = (name, database, sizes)
    plan = _plans.get(key)
    if plan is None:
        ins = stand_ins(sizes)
        plan = _plans[key] = _plan(build(*ins).using(database), database, ins)
    rows = converted_rows(plan, args, database, planned_each_time=planned_each_time)
    return [tuple(row) for row in rows]


def _plan(queryset: QuerySet[Any, Any], database: str, ins: list[Any]) -> CompiledSql:
    query = queryset.query
    selected = [*query.extra_select, *query.values_select, *query.annotation_select]
    if queryset._fields is None or list(queryset._fields) != selected:  # type: ignore[attr-defined]
        # Django puts a row's columns back in the order asked for; these rows are not put
        # back, so the SQL must select them in that order (annotations last).
        raise ValueError("prepared_rows reads a values_list query's columns in SQL's order")
    return compiled_sql(query.get_compiler(using=database), ins, reader="prepared_rows")
