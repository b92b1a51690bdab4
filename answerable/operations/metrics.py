"""Prometheus metrics: each request's latency by view, and the state of the work in the database.

Request metrics live in the process that served the request. Under gunicorn, set
PROMETHEUS_MULTIPROC_DIR so every worker writes them where the scraped one can read them
(docs/how-to/run-in-production.md). The background queue, imports and reminders are counted
from the database when scraped, so they hold across workers, machines and the scheduled
commands' short-lived processes alike; every web node reports the same figures for them.
"""

import datetime
import os
from collections.abc import Iterator

from django.db import DatabaseError
from django.db.models import Count, Min
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import REGISTRY, Collector

from answerable.imports.selectors import (
    import_job_status_counts,
    import_problem_counts,
    import_rows_written,
)
from answerable.meetings.selectors import reminders_sent_summary

REQUEST_SECONDS = Histogram(
    "answerable_http_request_duration_seconds",
    "Time from a request's arrival to its response, by the view that answered it.",
    ["view", "method"],
    buckets=(0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
RESPONSES = Counter(
    "answerable_http_responses",
    "Responses sent, by view, method and status code.",
    ["view", "method", "status"],
)


def request_observe(*, view: str, method: str, status: int, seconds: float) -> None:
    REQUEST_SECONDS.labels(view=view, method=method).observe(seconds)
    RESPONSES.labels(view=view, method=method, status=str(status)).inc()


class WorkCollector(Collector):
    """Counts read from the database at each scrape: queue depth and age, imports, reminders."""

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily(
            "answerable_database_up", "Whether the database answered this scrape's queries."
        )
        try:
            families = list(self._families(now=timezone.now()))
        except DatabaseError:
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from families

    def _families(self, *, now: datetime.datetime) -> Iterator[Metric]:
        tasks = GaugeMetricFamily(
            "answerable_tasks",
            "Background tasks in django-tasks-db's table, by queue and status.",
            labels=["queue", "status"],
        )
        by_status = DBTaskResult.objects.values_list("queue_name", "status").annotate(n=Count("id"))
        for queue, status, count in by_status.order_by():
            tasks.add_metric([queue, status], count)
        yield tasks

        age = GaugeMetricFamily(
            "answerable_task_queue_oldest_age_seconds",
            "How long the oldest task ready to run has waited for a worker (0 when none wait).",
            labels=["queue"],
        )
        for queue, since in oldest_ready_by_queue().items():
            age.add_metric([queue], max((now - since).total_seconds(), 0.0))
        yield age

        jobs = GaugeMetricFamily(
            "answerable_import_jobs", "Import jobs by kind and status.", labels=["kind", "status"]
        )
        for kind, status, count in import_job_status_counts():
            jobs.add_metric([kind, status], count)
        yield jobs

        rows = CounterMetricFamily(
            "answerable_import_rows",
            "Rows written by successful imports, by import kind and what the rows were.",
            labels=["kind", "item"],
        )
        for (kind, item), count in sorted(import_rows_written().items()):
            rows.add_metric([kind, item], count)
        yield rows

        problems = CounterMetricFamily(
            "answerable_import_problem_rows",
            "Problems found by failed imports (rows refused), by import kind.",
            labels=["kind"],
        )
        for kind, count in import_problem_counts():
            problems.add_metric([kind], count)
        yield problems

        reminders = reminders_sent_summary()
        sent = CounterMetricFamily(
            "answerable_reminders_sent",
            "Items people have been reminded of by `send_reminders`, one per person and day.",
        )
        sent.add_metric([], reminders.total)
        yield sent
        last = GaugeMetricFamily(
            "answerable_reminders_last_sent_timestamp_seconds",
            "When `send_reminders` last reminded anyone of anything (Unix time; 0 if never).",
        )
        last.add_metric([], reminders.last_at.timestamp() if reminders.last_at else 0)
        yield last


def oldest_ready_by_queue() -> dict[str, datetime.datetime]:
    """When each queue's longest-waiting ready task became ready to run."""
    ready = DBTaskResult.objects.ready().order_by()
    oldest: dict[str, datetime.datetime] = {}
    # A task queued to run at once has the largest date as its run_after; it has waited
    # since it was queued. A deferred one has waited since its run_after.
    at_once = ready.filter(run_after=get_date_max()).values_list("queue_name")
    deferred = ready.exclude(run_after=get_date_max()).values_list("queue_name")
    for queue, since in [
        *at_once.annotate(since=Min("enqueued_at")),
        *deferred.annotate(since=Min("run_after")),
    ]:
        oldest[queue] = min(since, oldest.get(queue, since))
    return oldest


_WORK = CollectorRegistry(auto_describe=False)
_WORK.register(WorkCollector())


def metrics_text() -> bytes:
    """Everything in Prometheus's text format: this process's (or every worker's) request
    metrics, then the database's counts."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        processes = CollectorRegistry()
        MultiProcessCollector(processes)
        served = generate_latest(processes)
    else:
        served = generate_latest(REGISTRY)
    return served + generate_latest(_WORK)
