"""Queries whose SQL is built once per process, then run with each request's organisations.

Django can spend longer building a query than the database spends running it: the lists'
count by assurance status took about 5 ms of Python for 2 ms of SQL (issue #12). Where a
query's SQL depends on nothing but the user's organisations, its text is the same for every
user with as many organisations, so it is built once for each number of organisations, with
stand-in ids, and run with the real ids in their place. Only SQL text is kept, never a row
(ADR 0010).
"""

from collections.abc import Callable
from typing import Any

from django.db import router
from django.db.models import Model, QuerySet

from answerable.core.statements import fixed_sql_cursor

# Never an id (ids are positive), and no other parameter of these queries is negative.
_STAND_IN = -987_654_321
_compiled: dict[tuple[str, str, int], tuple[str, tuple[int | None, ...], tuple[Any, ...]]] = {}


def rows_for_organisations(
    name: str,
    model: type[Model],
    organisations: frozenset[int],
    build: Callable[[frozenset[int]], QuerySet[Any, Any]],
) -> list[tuple[Any, ...]]:
    """The rows of `build(organisations)`, a query that depends on nothing else, as plain
    tuples: fit only for columns the database returns as Python wants them (text, integers).
    `name` must be unique to `build`."""
    if not organisations:
        return [tuple(row) for row in build(organisations)]
    database = router.db_for_read(model)
    key = (name, database, len(organisations))
    if key not in _compiled:
        stand_ins = [_STAND_IN - index for index in range(len(organisations))]
        sql, params = build(frozenset(stand_ins)).query.sql_with_params()
        slots = tuple(
            _STAND_IN - param if type(param) is int and param in stand_ins else None
            for param in params
        )
        _compiled[key] = (sql, slots, tuple(params))
    sql, slots, constants = _compiled[key]
    ids = sorted(organisations)
    values = [
        constant if slot is None else ids[slot]
        for slot, constant in zip(slots, constants, strict=True)
    ]
    with fixed_sql_cursor(database) as cursor:
        cursor.execute(sql, values)
        return cursor.fetchall()
