"""Times read from PostgreSQL are parsed by psycopg's own loader, and are the same instants."""

import datetime

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections
from psycopg.postgres import types
from psycopg.pq import Format

from answerable.core.timestamps import UtcTimestampLoader
from answerable.organisations.models import Organisation

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="Django's own time loader is PostgreSQL's"
)


def timestamp_loader(adapted) -> type:  # type: ignore[no-untyped-def]
    return adapted.adapters.get_loader(types["timestamptz"].oid, Format.TEXT)


def test_every_new_connection_parses_times_with_psycopgs_loader(db):
    fresh = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        fresh.ensure_connection()
        assert timestamp_loader(fresh.connection) is UtcTimestampLoader
        # Django's cursors keep it: their time zone is the loader's.
        with fresh.cursor() as cursor:
            cursor.execute("SELECT %s::timestamptz", ["2026-07-02 00:30:00+01"])
            assert timestamp_loader(cursor.cursor) is UtcTimestampLoader
            (value,) = cursor.fetchone()
        assert value == datetime.datetime(2026, 7, 1, 23, 30, tzinfo=datetime.UTC)
    finally:
        fresh.close()


def test_times_read_back_are_the_instants_written_in_utc(db):
    summer_midnight = datetime.datetime(
        2026, 7, 2, 0, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=1))
    )
    organisation = Organisation.objects.create(name="Timekeeping Council")
    Organisation.objects.filter(pk=organisation.pk).update(updated_at=summer_midnight)
    read = Organisation.objects.values_list("updated_at", flat=True).get(pk=organisation.pk)
    assert read == summer_midnight
    assert read.tzinfo is datetime.UTC
    assert (read.hour, read.minute) == (23, 30)
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::timestamptz", ["2026-01-15 09:00:00.123456-05"])
        (value,) = cursor.fetchone()
    assert value == datetime.datetime(2026, 1, 15, 14, 0, 0, 123456, tzinfo=datetime.UTC)
