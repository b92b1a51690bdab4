"""How a web or task worker process collects garbage: less often, and never through what it
loaded at start.

A page that builds tens of thousands of objects (the national viewer's indicator theme page:
400 indicators, 48,000 model instances) set off Python's full collection every few requests,
and each full collection walked every object the process had loaded — Django, the apps, the
templates: over HTTP p50 51.7 ms, p95 212.8 ms on SQLite. Frozen after start-up and collected
less eagerly, the same page ran at p95 52.9 ms (`bench/run.py --only indicator_theme_national`,
bench/README.md, issue #12). Nothing a request makes is frozen, so its garbage is still
collected.

The task worker (`manage.py db_worker`, which runs the imports, ADR 0006) does the same when it
starts its first task. Before it did, `bench/run.py --only import --import-repeat 9` took
0.135–0.176 s an import of 1,000 rows, and 0.263 s in two runs of nine, when a full collection
walked the start-up objects; after, 0.136–0.160 s in every run (bench/README.md, 2026-12-07).
"""

import gc

from django_tasks_db import DatabaseBackend

# Python's defaults are (700, 10, 10): a request making 48,000 objects ran ~70 young
# collections and, every few requests, a full one.
THRESHOLDS = (10_000, 50, 100)


def collect_less_after_start() -> None:
    """Call once the application is loaded: what exists now lives as long as the process."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)


def collect_less_in_the_task_worker(sender: object, **kwargs: object) -> None:
    """On `task_started`: the first task a database-backed worker runs finds the application
    loaded. Tasks run at once in a request (the test settings' backend) change nothing.
    django-tasks-db's worker sends the backend itself; the immediate backend its class."""
    global _worker_frozen
    backend = sender if isinstance(sender, type) else type(sender)
    if _worker_frozen or not issubclass(backend, DatabaseBackend):
        return
    _worker_frozen = True
    collect_less_after_start()


_worker_frozen = False
