"""Write many indicator values at once, at about the database's own speed (issue #16).

`bulk_create` spent most of an import building a model instance per figure and preparing
each field of each one. Here the rows go to `core.bulk_insert.bulk_insert_rows`: each value
through its field's own `get_db_prep_save`, memoised (a file repeats the same few indicators,
periods and figures), then to the driver in one go: `COPY ... FROM STDIN` on PostgreSQL,
`executemany` of one INSERT on SQLite. The caller checks the rows and writes the audit event;
the database still checks every constraint.
"""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from answerable.core.bulk_insert import bulk_insert_rows
from answerable.indicators.models import IndicatorCategoryValue, IndicatorValue

# The columns written, in order; the id is the database's. A category's figures have the same
# columns with `category` first (CATEGORY_COLUMNS).
COLUMNS = (
    "indicator",
    "period_start",
    "value",
    "revises",
    "reason",
    "note",
    "entered_by",
    "created_at",
)
CATEGORY_COLUMNS = ("category", *COLUMNS[1:])
Row = tuple[int, datetime.date, Decimal, int | None, str, str, int, datetime.datetime]


def indicator_values_insert(rows: Iterable[Row]) -> int:
    """Insert the rows (in COLUMNS order) as new IndicatorValues; return how many.

    Call it inside the transaction that checked them: nothing here checks permission,
    periods or revisions, and no model instance (so no pk) comes back."""
    return bulk_insert_rows(IndicatorValue, COLUMNS, rows)


def category_values_insert(rows: Iterable[Row]) -> int:
    """Insert the rows (in CATEGORY_COLUMNS order) as new IndicatorCategoryValues, as
    `indicator_values_insert` does; return how many."""
    return bulk_insert_rows(IndicatorCategoryValue, CATEGORY_COLUMNS, rows)
