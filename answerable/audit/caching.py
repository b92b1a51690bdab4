"""Results kept until the data next changes (ADR 0007).

Every state change writes an audit event in its own transaction, so the audit chain's
sequence moves whenever anything a page counts could have changed. Keyed on it, a costly
read (the dashboard's counts, a list's total) is computed once per change in each process,
then served from the cache for one indexed read of the chain's head.
"""

import hashlib
from collections.abc import Callable
from contextvars import ContextVar
from typing import TypeVar

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from answerable.audit.selectors import audit_sequence

T = TypeVar("T")

# A bound on how long a result outlives a write that skipped the audit chain (a data fix
# in the shell, say); audited writes end it at once.
CACHE_SECONDS = 300
_MISSING = object()

# The sequence as read in the current request, so a page with several cached parts reads the
# chain's head once. audit_record forgets it, so a read after a write sees the write.
_request_sequence: ContextVar[dict[str, tuple[int, int]] | None] = ContextVar(
    "request_sequence", default=None
)


class RequestSequenceMiddleware:
    """Give each request its own memo of the audit sequence (see cached_until_next_change)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _request_sequence.set({})
        try:
            return self.get_response(request)
        finally:
            _request_sequence.reset(token)


def sequence_forget() -> None:
    """Forget the request's sequence: called on every audited write."""
    memo = _request_sequence.get()
    if memo is not None:
        memo.clear()


def _current_sequence() -> tuple[int, int]:
    memo = _request_sequence.get()
    if memo is None:  # outside a request: a command or a task
        return audit_sequence()
    if "sequence" not in memo:
        memo["sequence"] = audit_sequence()
    return memo["sequence"]


def cached_until_next_change(parts: tuple[object, ...], compute: Callable[[], T]) -> T:
    """Return compute()'s result for these key parts, computed again after any audited write.

    `parts` must name everything else the result depends on: who is asking (their
    organisations and roles), the day, the query.
    """
    version = _current_sequence()  # read before computing: a later write only makes it miss
    digest = hashlib.sha256(repr((version, *parts)).encode()).hexdigest()
    key = f"until-change:{digest}"
    found = cache.get(key, _MISSING)
    if found is _MISSING:
        found = compute()
        cache.set(key, found, CACHE_SECONDS)
    return found
