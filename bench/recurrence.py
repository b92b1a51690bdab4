"""Time recurrence across reports (issue #19) on the national data set: building every vector
and theme, and answering "similar to this one" (target ≤ 50 ms with the vectors stored).

In process, against the generated database; printed, never asserted. It writes the vectors
and themes into that database (derived data: `manage.py recurrence_index --rebuild` makes
the same).

    .venv/bin/python bench/recurrence.py [--database-url URL] [--queries 200]
        [--backend lexical|minilm] [--sample N] [--skip-build]

With `--backend minilm` (the `recurrence-model` extra installed) it times embedding every
recommendation with the model: the model's own time (`embedding.encode`) apart from storing.
`--sample N` embeds and stores only N recommendations picked at random, and stops there.
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import accounts_path, default_database_url, django_setup  # noqa: E402 - found through the sys.path line above


def _ms(seconds: list[float]) -> str:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return (
        f"p50 {statistics.median(ordered) * 1000:6.1f} ms, p95 {p95 * 1000:6.1f} ms, "
        f"max {ordered[-1] * 1000:6.1f} ms ({len(ordered)} calls)"
    )


_LOADED = {"seconds": 0.0}


def _load() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def _timed_encode(backend: str) -> list[float]:
    """Time each call of the model (after loading it once), printing progress as it goes."""
    from answerable.recurrence import embedding

    if backend == "lexical":
        return []
    started = time.perf_counter()
    embedding._model()
    _LOADED["seconds"] = time.perf_counter() - started
    import torch

    precision = "bfloat16" if embedding._bfloat16() else "float32"
    print(f"model: {precision}, {torch.get_num_threads()} threads, batches of {embedding.BATCH}")
    seconds: list[float] = []
    counted = [0]
    encode = embedding.encode

    def timed(texts: list[str]):  # noqa: ANN202 - bench script
        started = time.perf_counter()
        vectors = encode(texts)
        seconds.append(time.perf_counter() - started)
        counted[0] += len(texts)
        if len(seconds) % 5 == 0:
            print(
                f"  {counted[0]:,} embedded, {sum(seconds) / counted[0] * 1000:.1f} ms each "
                f"so far (load {_load()})",
                flush=True,
            )
        return vectors

    embedding.encode = timed
    return seconds


def _themes(accounts: dict, backend: str) -> None:
    """Count the themes as `manage.py recurrence_index` does, then time the themes page's
    reads (its first page of 20, as the view reads them) for three personas."""
    from django.core.paginator import Paginator
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from answerable.accounts.models import User
    from answerable.recurrence import selectors, services

    started = time.perf_counter()
    counted = services.themes_count(backend=backend)
    print(f"themes counted: {counted:,} across sources in {time.perf_counter() - started:.1f} s")
    for persona in ("scrutiny", "lead", "national"):
        user = User.objects.get(email=accounts["personas"][persona]["email"])
        seconds, queries = [], []
        for _ in range(7):
            user = User.objects.get(pk=user.pk)  # a new request: memberships read again
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                page = Paginator(selectors.theme_list(user=user), 20).get_page(1)
                shown = selectors.theme_details(user=user, rows=list(page.object_list))
                selectors.theme_counted_at()
                seconds.append(time.perf_counter() - started)
            queries.append(len(captured))
        print(
            f"recurring themes, first page, {persona}: {_ms(seconds)}; {len(shown)} shown of "
            f"{page.paginator.count:,}, {min(queries)}-{max(queries)} queries"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=default_database_url("national"))
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--skip-build", action="store_true", help="Use the vectors already stored.")
    parser.add_argument("--backend", choices=("lexical", "minilm"), default=None)
    parser.add_argument("--sample", type=int, default=0, help="Embed only this many, then stop.")
    parser.add_argument("--themes-only", action="store_true", help="Count and time the themes.")
    options = parser.parse_args()
    if options.backend:
        os.environ["ANSWERABLE_RECURRENCE_BACKEND"] = options.backend
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
    print(
        f"{time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} CPUs, load {_load()}; "
        f"{total:,} recommendations; backend {backend}"
    )

    accounts = json.loads(accounts_path(options.database_url).read_text())
    if options.themes_only:
        _themes(accounts, backend)
        return
    if not options.skip_build or options.sample:
        ids = list(Recommendation.objects.values_list("pk", flat=True))
        if options.sample:
            ids = sorted(random.Random(options.seed).sample(ids, min(options.sample, len(ids))))
        encoding = _timed_encode(backend)
        started = time.perf_counter()
        stored = services.vectors._store(ids, backend)
        stored_in = time.perf_counter() - started
        print(f"vectors computed and stored: {stored:,} in {stored_in:.1f} s")
        if encoding:
            encoded = sum(encoding)
            print(
                f"  of which the model: {encoded:.1f} s, {encoded / stored * 1000:.1f} ms a "
                f"recommendation, {len(encoding)} batches (model loaded first: "
                f"{_LOADED['seconds']:.1f} s, not counted); load {_load()}"
            )
        if options.sample:
            return
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

    _themes(accounts, backend)
    print(f"stored vectors: {RecommendationVector.objects.filter(backend=backend).count():,}")
    print(f"load {_load()}")


if __name__ == "__main__":
    main()
