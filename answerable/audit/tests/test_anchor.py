"""Signed checkpoints anchor the audit chain outside the database (ADR 0011)."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from answerable.audit.anchor import audit_checkpoint_list
from answerable.audit.checks import audit_anchor_key_check
from answerable.audit.models import AuditChainHead
from answerable.audit.tests.tampering import drop_guards, record, sql


def test_a_checkpoint_signs_the_chains_head_as_one_json_line(db, settings, capsys):
    record(3)
    call_command("audit_checkpoint")
    head = AuditChainHead.objects.get()
    [line] = settings.AUDIT_CHECKPOINT_PATH.read_text().splitlines()
    assert json.loads(line).keys() == {"sequence", "hash", "at", "hmac"}
    [checkpoint] = audit_checkpoint_list()
    assert (checkpoint.sequence, checkpoint.hash) == (3, head.last_hash)
    assert checkpoint.is_authentic
    assert line in capsys.readouterr().out  # a second copy in the scheduler's log
    record(1)
    call_command("audit_checkpoint")
    call_command("audit_verify")
    assert "Audit chain intact: 4 events, 2 signed checkpoints" in capsys.readouterr().out


def test_checkpoints_signed_with_another_key_are_not_trusted(db, settings):
    record(2)
    call_command("audit_checkpoint")
    settings.AUDIT_ANCHOR_KEY = "a-different-key-of-more-than-32-characters"
    with pytest.raises(CommandError, match="line 1 of the checkpoint file is not signed"):
        call_command("audit_verify")


def test_an_unreadable_checkpoint_line_is_reported(db, settings):
    record(1)
    call_command("audit_checkpoint")
    with settings.AUDIT_CHECKPOINT_PATH.open("a") as file:
        file.write("not json\n")
    with pytest.raises(CommandError, match="line 2 of the checkpoint file is not signed"):
        call_command("audit_verify")


def test_a_broken_chain_is_not_signed(db, settings):
    record(2)
    drop_guards()
    sql("UPDATE audit_auditevent SET note = 'rewritten' WHERE sequence = 2")
    with pytest.raises(CommandError, match="Not signed: the audit chain is broken at event 2"):
        call_command("audit_checkpoint")
    assert not settings.AUDIT_CHECKPOINT_PATH.exists()


def test_an_empty_chain_is_not_signed(db, settings, capsys):
    call_command("audit_checkpoint")
    assert "nothing to sign yet" in capsys.readouterr().out
    assert not settings.AUDIT_CHECKPOINT_PATH.exists()


def test_audit_verify_says_when_there_are_no_checkpoints(db, capsys):
    record(1)
    call_command("audit_verify")
    assert "No checkpoints in" in capsys.readouterr().out


def test_the_deployment_check_warns_about_the_development_or_a_short_key(settings):
    settings.AUDIT_ANCHOR_KEY = "dev-only-audit-anchor-key"
    assert [w.id for w in audit_anchor_key_check(None)] == ["audit.W001"]
    settings.AUDIT_ANCHOR_KEY = "short"
    assert [w.id for w in audit_anchor_key_check(None)] == ["audit.W001"]
    settings.AUDIT_ANCHOR_KEY = "k" * 50
    assert audit_anchor_key_check(None) == []
