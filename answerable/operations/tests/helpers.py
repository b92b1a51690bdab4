"""Make the outside world fail for a test: the database or the cache on a closed port."""

import socket
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections


def closed_port() -> int:
    """A loopback port nothing listens on: bound for a moment to find it, then released."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def database_unreachable() -> Iterator[None]:
    """Point Django's default connection, in this thread, at a database that is not there.

    The test's own connection (and its transaction) is set aside untouched and put back.
    """
    original = connections["default"]
    settings = dict(original.settings_dict)
    if original.vendor == "sqlite":
        settings["NAME"] = "/nonexistent-folder/answerable.sqlite3"
    else:
        settings.update(HOST="127.0.0.1", PORT=closed_port())
    broken = type(original)(settings, alias="default")
    connections["default"] = broken
    try:
        yield
    finally:
        connections["default"] = original
        broken.close()


def redis_on_closed_port() -> dict[str, dict[str, object]]:
    """CACHES naming a Redis server that is not there."""
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
