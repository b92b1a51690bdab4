"""Count a running import's rows so its status page can say how far it has got (issue #17).

The importer calls `import_progress().start(total=...)` once it has read its file and
`.advance(rows)` after each batch: both only change numbers in memory, so counting costs
nothing. While the job runs, a thread with its own database connection writes the latest
numbers to the job's ImportJobProgress row every PROGRESS_SECONDS, outside the import's
transaction, so the status page sees them before the import commits. On SQLite the import
holds the only write lock (as for the heartbeat), so there the thread writes them to a small
file beside the uploads instead (`progress_read` reads either), removed when the job ends.
"""

import contextvars
import json
import logging
import os
import threading
from pathlib import Path
from types import TracebackType

from django.conf import settings
from django.db import DatabaseError, connection

from answerable.imports.models import ImportJob, ImportJobProgress

PROGRESS_SECONDS = 2

logger = logging.getLogger(__name__)
_current: contextvars.ContextVar["ImportProgress | None"] = contextvars.ContextVar(
    "import_progress", default=None
)


class ImportProgress:
    """The rows of one job processed so far, and how many there are."""

    def __init__(self, job_id: int | None = None) -> None:
        self.job_id = job_id
        self.processed = 0
        self.total: int | None = None
        self.writes = 0
        self._written: tuple[int, int | None] = (0, None)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._token: contextvars.Token[ImportProgress | None] | None = None

    def start(self, *, total: int) -> None:
        self.total = total
        self.processed = 0

    def advance(self, rows: int) -> None:
        self.processed += rows

    def __enter__(self) -> "ImportProgress":
        self._token = _current.set(self)
        if self.job_id is not None:
            self._thread = threading.Thread(
                target=self._beat, daemon=True, name=f"import-progress-{self.job_id}"
            )
            self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=PROGRESS_SECONDS * 5)
        if self.job_id is not None:
            _side_file(self.job_id).unlink(missing_ok=True)
        if self._token is not None:
            _current.reset(self._token)

    def write(self) -> bool:
        """Save the numbers if they changed since the last save; return whether it saved.

        Only updates the row made when the job was queued: creating one would check the
        job's row, which the import holds locked.
        """
        numbers = (self.processed, self.total)
        if numbers == self._written or self.job_id is None:
            return False
        if connection.vendor == "sqlite":
            _side_file_write(self.job_id, numbers)
        else:
            ImportJobProgress.objects.filter(job_id=self.job_id).update(
                processed=numbers[0], total=numbers[1]
            )
        self._written = numbers
        self.writes += 1
        return True

    def finish(self) -> None:
        """Every row processed: save that in the import's own transaction."""
        self.total = self.processed = max(self.total or 0, self.processed)
        ImportJobProgress.objects.update_or_create(
            job_id=self.job_id, defaults={"processed": self.processed, "total": self.total}
        )
        self._written = (self.processed, self.total)

    def _beat(self) -> None:
        used = False
        try:
            while not self._stop.wait(PROGRESS_SECONDS):
                used = self.write() or used
        except DatabaseError:
            logger.warning("Import %s: could not record its progress", self.job_id)
        finally:
            if used:
                connection.close()  # this thread's own connection


def import_progress() -> ImportProgress:
    """The progress of the import running here; outside a job, one that nobody reads."""
    return _current.get() or ImportProgress()


def _side_file(job_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / "progress" / f"{job_id}.json"


def _side_file_write(job_id: int, numbers: tuple[int, int | None]) -> None:
    """Replace the file whole, so a reader never sees half of it."""
    path = _side_file(job_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps({"processed": numbers[0], "total": numbers[1]}))
    os.replace(partial, path)


def progress_read(*, job: ImportJob) -> tuple[int, int | None] | None:
    """Rows processed and the total, as far as the job has got; None before it counts."""
    path = _side_file(job.pk)
    try:
        numbers = json.loads(path.read_text())
        return int(numbers["processed"]), numbers["total"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    saved = ImportJobProgress.objects.filter(job=job).first()
    if saved is None or not (saved.total or saved.processed):
        return None
    return saved.processed, saved.total
