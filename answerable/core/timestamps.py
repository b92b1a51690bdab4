"""PostgreSQL's times parsed by psycopg's C loader, as Django's own loader cannot be.

Django's PostgreSQL backend registers its own `timestamptz` loader, a subclass of psycopg's
pure-Python one (the C one cannot be subclassed), so every time read from PostgreSQL was
parsed in Python (Django ticket #36960, psycopg issue #1273): a report's open data CSV reads
1,270 of them, 12 ms of its 84 under the profiler (issue #12). This loader hands each to the
C loader psycopg keeps in its own adapters, then labels it UTC as Django's loader does. Its
`timezone` is Django's, so Django's cursors keep it rather than registering theirs again
(`DatabaseWrapper.create_cursor` compares the two).
"""

import datetime
from typing import Any

import psycopg
from django.db.backends.base.base import BaseDatabaseWrapper
from psycopg.adapt import Loader
from psycopg.postgres import types
from psycopg.pq import Format

_TIMESTAMPTZ = types["timestamptz"].oid
# psycopg's own loader: the C one where psycopg's binary package is installed.
_PARSER = psycopg.adapters.get_loader(_TIMESTAMPTZ, Format.TEXT)


class UtcTimestampLoader(Loader):
    """A `timestamptz` in text, parsed by psycopg's loader and labelled UTC (the connection's
    time zone, which Django sets)."""

    timezone = datetime.UTC

    def __init__(self, oid: int, context: Any = None) -> None:
        super().__init__(oid, context)
        self._parse = _PARSER(oid, context).load  # type: ignore[misc]

    def load(self, data: Any) -> datetime.datetime:
        return self._parse(data).replace(tzinfo=self.timezone)


def use_fast_timestamps(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """On each new PostgreSQL connection whose times are UTC (USE_TZ, no database TIME_ZONE)."""
    if connection.vendor == "postgresql" and connection.timezone == datetime.UTC:
        connection.connection.adapters.register_loader("timestamptz", UtcTimestampLoader)
