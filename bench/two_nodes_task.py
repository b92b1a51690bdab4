"""two_nodes.py's background task: record that it ran, and in which worker process.

Its own module, so the workers (run from the repository's root) import it by the name it
was queued under, bench.two_nodes_task. One write of one short line to a file opened for
appending is atomic, so two workers appending at once cannot interleave their lines.
"""

import os
import time

from django_tasks import task


@task()
def record_run(marker: str, path: str, seconds: float = 0.0) -> int:
    time.sleep(seconds)
    line = f"{marker}\t{os.getpid()}\n".encode()
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(descriptor, line)
    finally:
        os.close(descriptor)
    return os.getpid()
