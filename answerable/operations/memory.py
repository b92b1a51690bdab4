"""How a web process collects garbage: less often, and never through what it loaded at start.

A page that builds tens of thousands of objects (the national viewer's indicator theme page:
400 indicators, 48,000 model instances) set off Python's full collection every few requests,
and each full collection walked every object the process had loaded — Django, the apps, the
templates: over HTTP p50 51.7 ms, p95 212.8 ms on SQLite. Frozen after start-up and collected
less eagerly, the same page ran at p95 52.9 ms (`bench/run.py --only indicator_theme_national`,
bench/README.md, issue #12). Nothing a request makes is frozen, so its garbage is still
collected.
"""

import gc

# Python's defaults are (700, 10, 10): a request making 48,000 objects ran ~70 young
# collections and, every few requests, a full one.
THRESHOLDS = (10_000, 50, 100)


def collect_less_after_start() -> None:
    """Call once the application is loaded: what exists now lives as long as the process."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
