"""`audited`, the one-line check that a service wrote its audit event, fails when it did not."""

import pytest
from django.db import transaction

from answerable.audit.services import audit_record
from answerable.audit.testing import audited


def _record(action, target=None):
    with transaction.atomic():
        return audit_record(actor=None, action=action, target=target)


def test_audited_returns_the_event_written_about_the_target(scrutiny_officer, force_lead):
    _record("user.password_set", force_lead)
    written = _record("user.password_set", scrutiny_officer)
    assert audited("user.password_set", target=scrutiny_officer) == written
    assert audited("user.password_set", times=2) == written


def test_audited_fails_when_no_such_event_or_another_number_was_written(scrutiny_officer):
    _record("user.password_set", scrutiny_officer)
    with pytest.raises(AssertionError, match="expected 1 user.created event"):
        audited("user.created")
    with pytest.raises(AssertionError, match="found 1"):
        audited("user.password_set", times=2)
