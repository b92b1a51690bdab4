"""What readiness checks: the database, the cache, the uploads' disk and the background worker.

Each check catches its own failure and says what it found; none writes anything that lasts.
"""

import os
import shutil
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connection
from django.utils import timezone

from answerable.imports.selectors import import_job_dead_worker_ids
from answerable.operations.metrics import oldest_ready_by_queue


@dataclass(frozen=True)
class Check:
    name: str
    is_ok: bool
    detail: str
    seconds: float = 0.0


def database_check() -> tuple[bool, str]:
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return True, connection.vendor


def cache_check() -> tuple[bool, str]:
    """Write, read back and delete a key of this check's own."""
    backend = caches["default"]
    key = f"operations:ready:{uuid.uuid4().hex}"
    backend.set(key, "ok", timeout=30)
    found = backend.get(key)
    backend.delete(key)
    if found != "ok":
        return False, f"{type(backend).__name__} gave back {found!r}"
    return True, type(backend).__name__


def uploads_disk_check() -> tuple[bool, str]:
    """Enough free space, and write access, where uploaded files are kept."""
    if not isinstance(default_storage, FileSystemStorage):
        return True, "uploads are not kept on this machine's disk"
    folder = Path(settings.MEDIA_ROOT)
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent  # not made yet: the first upload makes it here
    free_mb = shutil.disk_usage(folder).free // (1024 * 1024)
    if not os.access(folder, os.W_OK):
        return False, f"{folder} cannot be written"
    minimum = settings.ANSWERABLE_MIN_FREE_DISK_MB
    return free_mb >= minimum, f"{free_mb} MB free (at least {minimum} MB needed)"


def worker_check() -> tuple[bool, str]:
    """Fails when a task has waited longer than ANSWERABLE_WORKER_STALL_MINUTES for a worker,
    or when a running import's worker has died (`imports.heartbeat`).

    An idle worker is not asked anything: one that died with nothing to do is noticed once
    work has waited too long.
    """
    now = timezone.now()
    stall_after = settings.ANSWERABLE_WORKER_STALL_MINUTES * 60
    waits = {
        queue: int((now - since).total_seconds())
        for queue, since in oldest_ready_by_queue().items()
    }
    stalled = sorted(queue for queue, seconds in waits.items() if seconds > stall_after)
    dead = import_job_dead_worker_ids()
    problems = [f"queue {queue} has waited {waits[queue]} s" for queue in stalled]
    problems += [f"import {pk}'s worker has died" for pk in dead]
    if problems:
        return False, "; ".join(problems)
    longest = max(waits.values(), default=0)
    return True, f"longest wait {longest} s"


CHECKS: dict[str, Callable[[], tuple[bool, str]]] = {
    "database": database_check,
    "cache": cache_check,
    "uploads_disk": uploads_disk_check,
    "worker": worker_check,
}


def readiness() -> list[Check]:
    """Run every check; a failing database fails the worker check too, which reads it."""
    results = []
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            is_ok, detail = check()
        except Exception as error:  # noqa: BLE001 - any failure means "unavailable", never a 500
            is_ok, detail = False, f"{type(error).__name__}: {error}"[:300]
        results.append(Check(name, is_ok, detail, round(time.perf_counter() - started, 4)))
    return results
