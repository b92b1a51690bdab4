"""Each page's SQL, recorded in this process with Django's test client, and its raw SQL time.

The raw SQL time is the median time to replay the page's statements with a plain cursor: what
the database alone costs, against which run.py holds the page (issue #12).
"""

import re
import statistics
import time
from typing import TYPE_CHECKING, Any

from loopback import HOST
from pages import PUBLIC, Page

if TYPE_CHECKING:
    from django.test import Client

RAW_REPLAYS = 7  # replays of a page's recorded SQL; the median is its raw SQL time


class QueryRecorder:
    """A database execute wrapper that keeps each statement with its parameters, and its time."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, Any, bool]] = []
        self.seconds = 0.0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.statements.append((sql, params, many))


# The replay runs in one transaction of its own that it rolls back, so the page's own
# transaction control is left out (a nested BEGIN would fail) and any write it made is undone.
TRANSACTION_CONTROL = re.compile(r"\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b", re.IGNORECASE)


def replay_ms(statements: list[tuple[str, Any, bool]]) -> float:
    """Median time to run the statements again with a plain cursor, fetching every row."""
    from django.db import connection, transaction

    statements = [s for s in statements if not TRANSACTION_CONTROL.match(s[0])]
    times = []
    for _ in range(RAW_REPLAYS):
        with transaction.atomic():
            started = time.perf_counter()
            with connection.cursor() as cursor:
                for sql, params, many in statements:
                    if many:
                        cursor.executemany(sql, params)
                    else:
                        cursor.execute(sql, params)
                    if cursor.description is not None:
                        cursor.fetchall()
            times.append((time.perf_counter() - started) * 1000)
            transaction.set_rollback(True)
    return round(statistics.median(times), 2)


def signed_in_clients(accounts: dict[str, Any]) -> dict[str, "Client"]:
    """A test client for each persona, signed in (and past two-factor where they have it)."""
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from answerable.accounts.models import User

    clients: dict[str, Client] = {}
    for name, persona in accounts["personas"].items():
        user = User.objects.get(email=persona["email"])
        client = Client(SERVER_NAME=HOST)
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is not None:
            # What django_otp.login() stores once the code is accepted.
            session = client.session
            session["otp_device_id"] = device.persistent_id
            session.save()
        clients[name] = client
    clients[PUBLIC] = Client(SERVER_NAME=HOST)  # the public site's visitor, not signed in
    return clients


def count_queries(pages: list[Page], accounts: dict) -> None:  # type: ignore[type-arg]
    """Record each page's SQL with the test client against the same database, and replay it."""
    from django.db import connection

    clients = signed_in_clients(accounts)
    for page in pages:
        if page.skipped:
            continue
        client = clients[page.persona]
        response = client.get(page.path)  # fills per-process caches, as a warm worker has
        if response.status_code != 200:
            raise RuntimeError(f"{page.path} gave {response.status_code} in the test client")
        recorder = QueryRecorder()
        with connection.execute_wrapper(recorder):
            client.get(page.path)
        page.queries = len(recorder.statements)
        page.sql_ms = round(recorder.seconds * 1000, 1)
        page.raw_sql_ms = replay_ms(recorder.statements)
