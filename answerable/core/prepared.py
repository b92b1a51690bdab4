"""Model reads whose SQL is built once per process, then run with each request's ids.

Django builds a query's SQL afresh on every request, and for a page's main object, read
through the visibility rule with its related rows, that took about 1 ms of Python for
0.2 ms of SQL (issue #12). Where a query depends on nothing but some integers (an id, a
user's organisations), its SQL is the same for every request with as many of them: it is
built once for each count, with stand-in ids, and run with the real ids in their place.
The rows become model instances as the ORM makes them (select_related included). Only the
SQL text and how to read its rows are kept, never a row (ADR 0010).
"""

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connections, router
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators
from django.http import Http404

from answerable.core.statements import fixed_sql_cursor

M = TypeVar("M", bound=Model)
Ids = int | Collection[int]

# Never an id (ids are positive); each stand-in is this minus its place among the arguments.
_STAND_IN = -987_654_321


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


_plans: dict[tuple[str, str, tuple[int, ...]], _Plan] = {}


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


def argument_sizes(args: tuple[Ids, ...]) -> tuple[int, ...]:
    """-1 for an id, the length of a collection: what a plan is kept by."""
    return tuple(-1 if isinstance(arg, int) else len(arg) for arg in args)


def stand_ins(sizes: tuple[int, ...]) -> list[Any]:
    """One stand-in per id: an int for an id, a frozenset for a collection."""
    found: list[Any] = []
    next_id = _STAND_IN
    for size in sizes:
        if size == -1:
            found.append(next_id)
            next_id -= 1
        else:
            found.append(frozenset(range(next_id, next_id - size, -1)))
            next_id -= size
    return found


def compiled_sql(compiler: Any, ins: list[Any], *, reader: str) -> CompiledSql:
    """The compiler's SQL, with the place of each stand-in id among its parameters; refused
    if an argument did not reach the SQL as a parameter (it would be built into the text)."""
    places: dict[int, tuple[int, int]] = {}
    for index, stand_in in enumerate(ins):
        for place, value in enumerate(
            [stand_in] if isinstance(stand_in, int) else sorted(stand_in)
        ):
            places[value] = (index, place)
    sql, params = compiler.as_sql()
    slots = tuple(places.get(p) if type(p) is int else None for p in params)
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


def converted_rows(compiled: CompiledSql, args: tuple[Ids, ...], database: str) -> list[Any]:
    """Run the SQL with the real ids in the stand-ins' places; each row's columns as lists,
    converted as Django converts them (a SQLite boolean comes back a bool)."""
    values = [sorted(arg) if not isinstance(arg, int) else [arg] for arg in args]
    params = [
        constant if slot is None else values[slot[0]][slot[1]]
        for slot, constant in zip(compiled.slots, compiled.constants, strict=True)
    ]
    connection = connections[database]
    with fixed_sql_cursor(database) as cursor:
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
