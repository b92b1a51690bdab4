"""Queries whose SQL is built once per process, then run with each request's organisations.

Django can spend longer building a query than the database spends running it: the lists'
count by assurance status took about 5 ms of Python for 2 ms of SQL (issue #12). Where a
query's SQL depends on nothing but the user's organisations (and some days, such as today),
its text is the same for every user with as many organisations, so it is built once for each
number of organisations, with stand-in ids and days, and run with the real ones in their
place. Only SQL text is kept, never a row (ADR 0010).
"""

import datetime
from collections.abc import Callable
from functools import partial
from typing import Any

from django.db import connections, router
from django.db.models import Model, QuerySet

from answerable.core.statements import fixed_sql_cursor

# Never an id (ids are positive), and no other parameter of these queries is negative.
_STAND_IN = -987_654_321
# Never a day the register holds; as many as a query may ask about.
_DAY_STAND_INS = tuple(datetime.date(1, 1, 1 + n) for n in range(4))
# Each parameter's slot: (True, n) the nth id, (False, n) the nth day, None a constant.
Slot = tuple[bool, int] | None
# As many organisations as someone who works for a few has (a force's lead officer, an
# office's scrutiny officer); more are a national viewer's, whose plans depend on which.
FEW_ORGANISATIONS = 4
_compiled: dict[tuple[str, str, int, int], tuple[str, tuple[Slot, ...], tuple[Any, ...]]] = {}


def rows_for_organisations(
    name: str,
    model: type[Model],
    organisations: frozenset[int],
    build: Callable[..., QuerySet[Any, Any]],
    *days: datetime.date,
) -> list[tuple[Any, ...]]:
    """The rows of `build(organisations, *days)`, a query that depends on nothing else, as
    plain tuples: fit only for columns the database returns as Python wants them (text,
    integers). `name` must be unique to `build`. The ids may be of anything the query alone
    depends on (the public home's sources)."""
    if not organisations:
        return [tuple(row) for row in build(organisations, *days)]
    database = router.db_for_read(model)
    adapt = connections[database].ops.adapt_datefield_value
    key = (name, database, len(organisations), len(days))
    if key not in _compiled:
        _compiled[key] = _compile(name, build, len(organisations), len(days), adapt)
    sql, slots, constants = _compiled[key]
    values = (sorted(organisations), [adapt(day) for day in days])
    params = [
        constant if slot is None else values[0 if slot[0] else 1][slot[1]]
        for slot, constant in zip(slots, constants, strict=True)
    ]
    # Prepared, one plan serves every run (core.statements). Where the best plan depends on
    # the values, the SQL is sent with them in place and planned for them: a day (what is
    # overdue, what falls due soon: the lead's dashboard totals took 1.7 ms, not 0.2, on a
    # plan kept for every day) or many organisations (a national viewer's ranking of
    # sources took 15 ms, not 11, on a plan made without knowing which).
    planned_each_time = days or len(organisations) > FEW_ORGANISATIONS
    cursor_for = (
        connections[database].cursor if planned_each_time else partial(fixed_sql_cursor, database)
    )
    with cursor_for() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _compile(
    name: str,
    build: Callable[..., QuerySet[Any, Any]],
    organisations: int,
    days: int,
    adapt: Callable[[datetime.date], Any],
) -> tuple[str, tuple[Slot, ...], tuple[Any, ...]]:
    """The query's SQL built with stand-ins, and where each id and day goes among its
    parameters; refused if one did not reach the SQL as a parameter (it would be built into
    the text, and every later request would run with the first one's)."""
    ids = [_STAND_IN - index for index in range(organisations)]
    stand_in_days = _DAY_STAND_INS[:days]
    sql, params = build(frozenset(ids), *stand_in_days).query.sql_with_params()
    adapted = [adapt(day) for day in stand_in_days]
    slots: list[Slot] = []
    for param in params:
        if type(param) is int:
            slots.append((True, _STAND_IN - param) if param in ids else None)
        else:
            slots.append((False, adapted.index(param)) if param in adapted else None)
    wanted = {(True, i) for i in range(organisations)} | {(False, i) for i in range(days)}
    if {slot for slot in slots if slot} != wanted:
        raise ValueError(f"{name}: an id or a day did not reach the SQL as a parameter")
    return sql, tuple(slots), tuple(params)
