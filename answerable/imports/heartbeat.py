"""Tell a running import's worker is alive, and notice when it is not (issue #11).

A worker killed mid-import (kill -9, out of memory, a restart) rolls the import back but
never records how it ended. The job names its worker ("host:pid") when it starts, and a
thread beside the import refreshes `heartbeat_at` every HEARTBEAT_SECONDS. A job is dead if
its worker's process is gone (checked on the worker's own host), or, on PostgreSQL, if its
heartbeat is older than DEAD_AFTER and no transaction holds its row (`import_job_run` holds
it while importing). SQLite runs on one machine, where the process check answers; there
the heartbeat cannot be written while the import holds the only write lock.
"""

import datetime
import logging
import os
import socket
import threading

from django.db import DatabaseError, connection
from django.utils import timezone

from answerable.imports.models import ImportJob

HEARTBEAT_SECONDS = 15
DEAD_AFTER = datetime.timedelta(seconds=60)

logger = logging.getLogger(__name__)


def this_worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, under another user
    return True


def worker_is_gone(job: ImportJob, *, now: datetime.datetime | None = None) -> bool:
    """Whether the running job's worker has died: its process is gone, or its heartbeat
    stopped (PostgreSQL only; the caller must also find the job's row unlocked)."""
    if job.status != ImportJob.Status.RUNNING or not job.worker:
        return False
    host, _, pid = job.worker.rpartition(":")
    if host == socket.gethostname() and pid.isdigit():
        return not _process_alive(int(pid))
    if connection.vendor != "postgresql" or job.heartbeat_at is None:
        return False
    return job.heartbeat_at < (now or timezone.now()) - DEAD_AFTER


class Heartbeat:
    """While open, refresh the job's heartbeat from a thread with its own connection."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, daemon=True, name=f"import-{job_id}")

    def __enter__(self) -> "Heartbeat":
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join(timeout=HEARTBEAT_SECONDS)

    def _beat(self) -> None:
        used = warned = False
        try:
            while not self._stop.wait(HEARTBEAT_SECONDS):
                used = True
                try:
                    ImportJob.objects.filter(
                        pk=self.job_id, status=ImportJob.Status.RUNNING
                    ).update(heartbeat_at=timezone.now())
                except DatabaseError:
                    # A busy database (SQLite's one write lock) refuses one beat, not the
                    # rest: try again next time, and say so once rather than every beat.
                    if not warned:
                        logger.warning("Import %s: could not record its heartbeat", self.job_id)
                        warned = True
        finally:
            if used:
                connection.close()  # this thread's own connection
