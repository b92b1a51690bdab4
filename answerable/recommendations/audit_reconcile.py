"""Explain the register's rows from the events its services wrote (`audit_verify --data`).

What each event records, and so what can be checked (services/register.py):
- `action.updated` on an action: the author (actor), the first 500 characters of the
  narrative (note), the status change when there was one (changes["delivery_status"]) and
  each evidence row as "TITLE (sha256 or link)" (changes["evidence"]).
- `assessment.recorded` and `assessment.reopened` on an action or a recommendation: the
  assessor (actor), the first 500 characters of the rationale (note) and the assurance
  status before and after (changes["assurance_status"]).
An update, an evidence row or an assessment no event names is reported, and so is an event
whose row is no longer there. Not recorded, so not checked: a narrative or rationale past its
first 500 characters, evidence's marking and publication, and an assessment's subject beyond
the event's target.
"""

from collections import defaultdict, deque
from collections.abc import Hashable, Iterable, Iterator
from typing import Any

from django.db.models import Model
from django.db.models.functions import Left

from answerable.audit.reconcile import Unexplained, audit_reconciler_register
from answerable.audit.selectors import audit_event_list_for_model
from answerable.recommendations.models import (
    Action,
    Assessment,
    AssuranceStatus,
    Evidence,
    Recommendation,
    Update,
)

NOTE_LENGTH = 500  # audit_record's callers keep the first 500 characters in the note
ASSESSED = ["assessment.recorded", "assessment.reopened"]


def _event_label(event: Any) -> str:
    place = event.sequence or f"not yet chained, id {event.pk}"
    return f"{place} ({event.action} on {event.target_repr})"


def _matched(
    expected: dict[str, dict[Hashable, deque[Any]]],
    rows: Iterable[tuple[str, Hashable, str]],
    *,
    table: str,
    recorded: str,
) -> Iterator[Unexplained]:
    """Pair each row with one unused event of its target holding the same key.

    `expected` maps a target id to its events by key; each row is (target id, key, pk).
    A row with no event left is reported, then every event no row used.
    """
    for target_id, key, pk in rows:
        events = expected.get(target_id, {}).get(key)
        if events:
            events.popleft()
        else:
            yield Unexplained(table, pk, f"no audit event records {recorded} as they are now")
    for by_key in expected.values():
        for events in by_key.values():
            for event in events:
                yield Unexplained(
                    "audit.AuditEvent",
                    _event_label(event),
                    f"no {table} row has {recorded} it records",
                )


def _events_by_target(
    model: type[Model], actions: list[str], key: Any
) -> dict[str, dict[Hashable, deque[Any]]]:
    grouped: dict[str, dict[Hashable, deque[Any]]] = defaultdict(lambda: defaultdict(deque))
    for event in audit_event_list_for_model(model=model, actions=actions).iterator():
        for one in key(event):
            grouped[event.target_id][one].append(event)
    return grouped


def _status_change(change: Any) -> tuple[str, str] | None:
    return (change[0], change[1]) if change else None


def updates_reconcile() -> Iterator[Unexplained]:
    """Every update's author, narrative and status change, against `action.updated`."""
    expected = _events_by_target(
        Action,
        ["action.updated"],
        lambda event: [
            (
                event.actor_id,
                event.note,
                _status_change(event.changes.get("delivery_status")),
            )
        ],
    )
    rows = (
        Update.objects.annotate(kept=Left("narrative", NOTE_LENGTH))
        .order_by("id")
        .values_list("pk", "action_id", "author_id", "kept", "status_before", "status_after")
    )
    yield from _matched(
        expected,
        (
            (
                str(action_id),
                (author_id, kept, (before, after) if before != after else None),
                str(pk),
            )
            for pk, action_id, author_id, kept, before, after in rows.iterator()
        ),
        table="recommendations.Update",
        recorded="the author, narrative and status change",
    )


def evidence_reconcile() -> Iterator[Unexplained]:
    """Every evidence row's title and file hash or link, against `action.updated`."""
    expected = _events_by_target(
        Action,
        ["action.updated"],
        lambda event: (event.changes.get("evidence") or [None, []])[1],
    )
    rows = Evidence.objects.order_by("id").values_list("pk", "action_id", "title", "sha256", "link")
    yield from _matched(
        expected,
        (
            (str(action_id), f"{title} ({sha256 or link})", str(pk))
            for pk, action_id, title, sha256, link in rows.iterator()
        ),
        table="recommendations.Evidence",
        recorded="the title and file hash or link",
    )


def _assessed(event: Any) -> list[tuple[Any, ...]]:
    change = event.changes.get("assurance_status") or [None, None]
    return [(event.actor_id, change[1], event.note)]


def assessments_reconcile() -> Iterator[Unexplained]:
    """Every assessment's assessor, verdict and rationale, and every action's and
    recommendation's assurance status, against the assessment events of its subject."""
    for model, field in ((Action, "action_id"), (Recommendation, "recommendation_id")):
        expected = _events_by_target(model, ASSESSED, _assessed)
        latest = {
            target_id: max((e for by_key in keyed.values() for e in by_key), key=lambda e: e.pk)
            for target_id, keyed in expected.items()
        }
        rows = (
            Assessment.objects.filter(**{f"{field}__isnull": False})
            .annotate(kept=Left("rationale", NOTE_LENGTH))
            .order_by("id")
            .values_list("pk", field, "assessed_by_id", "verdict", "kept")
        )
        yield from _matched(
            expected,
            (
                (str(subject_id), (assessor_id, verdict, kept), str(pk))
                for pk, subject_id, assessor_id, verdict, kept in rows.iterator()
            ),
            table="recommendations.Assessment",
            recorded="the assessor, verdict and rationale",
        )
        yield from _statuses_reconcile(model, latest)


def _statuses_reconcile(model: type[Model], latest: dict[str, Any]) -> Iterator[Unexplained]:
    """The subject's assurance status is the one its last assessment event set."""
    table = f"recommendations.{model.__name__}"
    for pk, status in model._default_manager.values_list("pk", "assurance_status").iterator():
        event = latest.get(str(pk))
        recorded = _assessed(event)[0][1] if event else AssuranceStatus.NOT_ASSESSED
        if status != recorded:
            yield Unexplained(
                table,
                str(pk),
                f"its assurance status is {status!r} but its assessment events leave it "
                f"{recorded!r}",
            )


def register() -> None:
    """Add the register's reconcilers to `audit_verify --data`."""
    audit_reconciler_register(name="recommendations.Update", reconciler=updates_reconcile)
    audit_reconciler_register(name="recommendations.Evidence", reconciler=evidence_reconcile)
    audit_reconciler_register(name="recommendations.Assessment", reconciler=assessments_reconcile)
