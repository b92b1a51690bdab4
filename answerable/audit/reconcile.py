"""Replay audited changes against the tables they describe: `audit_verify --data` (ADR 0011).

The chain shows that nobody changed the events; this shows whether the data still says what
the events say it was changed to. Audit sits beneath every app and cannot read their tables,
so each app that can explain its rows from its events registers a reconciler from its
AppConfig.ready(), and the command runs them all.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Unexplained:
    """A row whose current values no event explains, or an event whose row is not there."""

    table: str
    row: str
    reason: str

    def __str__(self) -> str:
        return f"{self.table} {self.row}: {self.reason}"


Reconciler = Callable[[], Iterable[Unexplained]]
_reconcilers: dict[str, Reconciler] = {}


def audit_reconciler_register(*, name: str, reconciler: Reconciler) -> None:
    """Add an app's reconciler; registering the same name again replaces it."""
    _reconcilers[name] = reconciler


def audit_data_reconcile() -> dict[str, list[Unexplained]]:
    """Run every registered reconciler and return what each found, by name."""
    return {name: list(reconciler()) for name, reconciler in sorted(_reconcilers.items())}
