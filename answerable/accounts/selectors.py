"""Reads about accounts themselves."""

from django.db import connection
from django_otp import device_classes

from answerable.accounts.models import User


def user_has_confirmed_device(user: User) -> bool:
    """Whether the user has a confirmed two-factor device of any kind, in one query.

    django_otp.user_has_device asks each device table in turn: two queries on every page
    for everyone without a device (issue #5). Written as SQL because building the same
    query through the ORM cost more than both of those queries.
    """
    tables = [model._meta.db_table for model in device_classes()]
    union = " UNION ALL ".join(
        f"SELECT 1 FROM {table} WHERE user_id = %s AND confirmed"  # noqa: S608 - model tables
        for table in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT EXISTS({union})", [user.pk] * len(tables))  # noqa: S608
        return bool(cursor.fetchone()[0])
