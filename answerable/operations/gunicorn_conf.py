"""gunicorn's settings in production (docs/how-to/run-in-production.md):

    gunicorn -c python:answerable.operations.gunicorn_conf config.wsgi

Override any of them without editing this file, e.g. GUNICORN_CMD_ARGS="--workers 5".
"""

import multiprocessing
import os
from pathlib import Path
from typing import Any

bind = "127.0.0.1:8000"  # the TLS proxy in front connects here; nothing else should
# Pages wait on the database more than on the processor: the usual two a core, plus one.
workers = 2 * multiprocessing.cpu_count() + 1
# The slowest pages (a national register's export, a progress report's PDF) take seconds;
# a request still running after a minute is stuck, and its worker is restarted.
timeout = 60
graceful_timeout = 30
keepalive = 5  # the proxy reuses its connections
# Chart drawing and PDF building grow a worker's memory; start a fresh one now and then.
max_requests = 1000
max_requests_jitter = 100
# No access log: it would write every path and query string. RequestObservationMiddleware
# logs each request by the view that answered, with its id.
accesslog = None
errorlog = "-"


def on_starting(server: Any) -> None:
    """Start with an empty PROMETHEUS_MULTIPROC_DIR: old workers' files would be counted."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        for stale in Path(folder).glob("*.db"):
            stale.unlink()


def child_exit(server: Any, worker: Any) -> None:
    """Let a finished worker's request counts stay, but not its live gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
