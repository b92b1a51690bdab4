"""gunicorn's settings in production (docs/how-to/run-in-production.md):

    gunicorn -c config/gunicorn.conf.py config.wsgi

Override any of them without editing this file, with GUNICORN_BIND and GUNICORN_WORKERS or
gunicorn's own GUNICORN_CMD_ARGS (e.g. GUNICORN_CMD_ARGS="--workers 5").
"""

import multiprocessing
import os
from pathlib import Path
from typing import Any

# The TLS proxy in front connects here; nothing else should.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Pages wait on the database more than on the processor: the usual two a core, plus one.
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1))
# Longer than any page or upload takes (a national export, a progress report's PDF); imports
# run in the worker process, never in a request (ADR 0006), and no request waits on an
# import's transaction (ADR 0009). A request still running after a minute is stuck.
timeout = 60
graceful_timeout = 30
# Closes idle keep-alive connections behind a load balancer before it does.
keepalive = 5
# Chart drawing and PDF building grow a worker's memory: restart each now and then (with
# jitter, so they do not all restart at once).
max_requests = 1000
max_requests_jitter = 100
# No access log: it would write every path and query string. RequestObservationMiddleware
# logs each request by the view that answered, with its id (ADR 0015).
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
