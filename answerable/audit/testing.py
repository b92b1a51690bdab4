"""A test helper: the audit event a service call wrote (docs/STYLE.md §3: every service test
asserts the event). Kept here rather than in core.testing, which sits beneath audit."""

from django.contrib.contenttypes.models import ContentType
from django.db import models

from answerable.audit.models import AuditEvent


def audited(action: str, *, target: models.Model | None = None, times: int = 1) -> AuditEvent:
    """The latest `action` event (about `target`, when given), after checking that exactly
    `times` such events were written: `assert audited("action.created", target=a).actor == u`."""
    events = AuditEvent.objects.filter(action=action)
    about = ""
    if target is not None:
        events = events.filter(
            target_type=ContentType.objects.get_for_model(target), target_id=str(target.pk)
        )
        about = f" about {target!r}"
    found = list(events.order_by("pk"))
    assert len(found) == times, f"expected {times} {action} event(s){about}, found {len(found)}"
    return found[-1]
