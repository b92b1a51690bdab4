"""Time recurrence across reports (issue #19) on the national data set: building every vector
and theme, and answering "similar to this one" (target ≤ 50 ms with the vectors stored).

In process, against the generated database; printed, never asserted. It writes the vectors
and themes into that database (derived data: `manage.py recurrence_index --rebuild` makes
the same).

    .venv/bin/python bench/recurrence.py [--database-url URL] [--queries 200]
"""

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import accounts_path, default_database_url, django_setup  # noqa: E402


def _ms(seconds: list[float]) -> str:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return (
        f"p50 {statistics.median(ordered) * 1000:6.1f} ms, p95 {p95 * 1000:6.1f} ms, "
        f"max {ordered[-1] * 1000:6.1f} ms ({len(ordered)} calls)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=default_database_url("national"))
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--skip-build", action="store_true", help="Use the vectors already stored.")
    options = parser.parse_args()
    django_setup(options.database_url)

    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from answerable.accounts.models import User
    from answerable.recommendations.models import Recommendation
    from answerable.recommendations.selectors import recommendation_list
    from answerable.recurrence import index, selectors, services
    from answerable.recurrence.models import RecommendationVector

    call_command("migrate", verbosity=0)
    backend = selectors.active_backend()
    total = Recommendation.objects.count()
    print(f"{total:,} recommendations; backend {backend}")

    if not options.skip_build:
        started = time.perf_counter()
        ids = list(Recommendation.objects.values_list("pk", flat=True))
        stored = services.vectors._store(ids, backend)
        stored_in = time.perf_counter() - started
        print(f"vectors computed and stored: {stored:,} in {stored_in:.1f} s")
        index.forget()
        started = time.perf_counter()
        found = selectors.index_current(backend=backend)
        print(
            f"in-memory index, first load in a process: {time.perf_counter() - started:.2f} s "
            f"({len(found):,} rows)"
        )
        started = time.perf_counter()
        themes = services.themes_rebuild(backend=backend)
        print(f"themes placed: {themes:,} themes in {time.perf_counter() - started:.1f} s")
    else:
        index.forget()
        started = time.perf_counter()
        found = selectors.index_current(backend=backend)
        print(f"in-memory index, first load: {time.perf_counter() - started:.2f} s")

    accounts = json.loads(accounts_path(options.database_url).read_text())
    rng = random.Random(options.seed)
    for persona in ("scrutiny", "lead", "national"):
        user = User.objects.get(email=accounts["personas"][persona]["email"])
        visible = list(recommendation_list(user=user).values_list("pk", flat=True))
        sample = rng.sample(visible, min(options.queries, len(visible)))
        recommendations = {r.pk: r for r in recommendation_list(user=user).filter(pk__in=sample)}
        selectors.similar_list(user=user, recommendation=recommendations[sample[0]])  # warm
        seconds, found_counts, query_counts = [], [], []
        for pk in sample:
            user = User.objects.get(pk=user.pk)  # a new request: memberships read again
            reset_queries()
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                page = selectors.similar_list(user=user, recommendation=recommendations[pk])
                seconds.append(time.perf_counter() - started)
            found_counts.append(len(page.similar))
            query_counts.append(len(queries))
        print(
            f"similar to this one, {persona} ({len(visible):,} visible): {_ms(seconds)}; "
            f"{statistics.median(found_counts):.0f} found, "
            f"{min(query_counts)}-{max(query_counts)} queries"
        )

    # After one recommendation's text changes: its refresh, and the next page in a process
    # that must bring its index up to date.
    user = User.objects.get(email=accounts["personas"]["scrutiny"]["email"])
    one = recommendation_list(user=user).first()
    assert one is not None
    stale = index.cached(backend)  # what another worker still holds
    started = time.perf_counter()
    services.refresh_vectors(recommendation_ids=[one.pk], backend=backend)
    refreshed = time.perf_counter() - started
    if stale is not None:
        index.remember(stale)
    started = time.perf_counter()
    selectors.similar_list(user=user, recommendation=one)
    print(
        f"one text changed: refresh {refreshed * 1000:.0f} ms; the next similar page in "
        f"another process {(time.perf_counter() - started) * 1000:.0f} ms (index caught up)"
    )

    for persona in ("scrutiny", "national"):
        user = User.objects.get(email=accounts["personas"][persona]["email"])
        seconds = []
        for _ in range(3):
            user = User.objects.get(pk=user.pk)
            started = time.perf_counter()
            rows = list(selectors.theme_list(user=user)[:20])
            themes_shown = selectors.theme_details(user=user, rows=rows)
            seconds.append(time.perf_counter() - started)
        print(
            f"recurring themes, first page, {persona}: {statistics.median(seconds) * 1000:.0f} ms "
            f"({len(themes_shown)} themes shown, "
            f"{selectors.theme_list(user=user).count():,} in all)"
        )
    print(f"stored vectors: {RecommendationVector.objects.filter(backend=backend).count():,}")


if __name__ == "__main__":
    main()
