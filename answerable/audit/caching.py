"""Results kept until the data next changes (ADR 0007).

Every state change writes an audit event in its own transaction, so the audit chain's
sequence moves whenever anything a page counts could have changed. Keyed on it, a costly
read (the dashboard's counts, a list's total) is computed once per change in each process,
then served from the cache for one indexed read of the chain's head.
"""

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

from answerable.audit.selectors import audit_sequence

T = TypeVar("T")

# A bound on how long a result outlives a write that skipped the audit chain (a data fix
# in the shell, say); audited writes end it at once.
CACHE_SECONDS = 300
_MISSING = object()


def cached_until_next_change(parts: tuple[object, ...], compute: Callable[[], T]) -> T:
    """Return compute()'s result for these key parts, computed again after any audited write.

    `parts` must name everything else the result depends on: who is asking (their
    organisations and roles), the day, the query.
    """
    version = audit_sequence()  # read before computing: a later write only makes it miss
    digest = hashlib.sha256(repr((version, *parts)).encode()).hexdigest()
    key = f"until-change:{digest}"
    found = cache.get(key, _MISSING)
    if found is _MISSING:
        found = compute()
        cache.set(key, found, CACHE_SECONDS)
    return found  # type: ignore[return-value]
