"""Anchor the audit chain outside the database: signed checkpoints of its head (ADR 0011).

Someone who can rewrite the database can rewrite the chain and recompute every hash after
their change, or delete its last events and move the head back. They cannot sign a checkpoint
without AUDIT_ANCHOR_KEY, which is kept out of the database, and a chain rewritten after a
checkpoint no longer holds that checkpoint's sequence with its hash.
"""

import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone


@dataclass(frozen=True)
class Checkpoint:
    """One line of the checkpoint file: the chain's head at a moment, and its signature."""

    sequence: int
    hash: str
    at: str
    signature: str
    line: int = 0

    @property
    def is_authentic(self) -> bool:
        expected = anchor_sign(sequence=self.sequence, hash=self.hash, at=self.at)
        return hmac.compare_digest(self.signature, expected)

    def as_json(self) -> str:
        return json.dumps(
            {"sequence": self.sequence, "hash": self.hash, "at": self.at, "hmac": self.signature},
            separators=(",", ":"),
        )


def anchor_sign(*, sequence: int, hash: str, at: str) -> str:
    """Return the HMAC-SHA256, keyed with AUDIT_ANCHOR_KEY, of a checkpoint's content."""
    message = json.dumps(
        {"sequence": sequence, "hash": hash, "at": at}, sort_keys=True, separators=(",", ":")
    )
    key = settings.AUDIT_ANCHOR_KEY.encode()
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def audit_checkpoint_list(*, path: Path | None = None) -> list[Checkpoint]:
    """Return every checkpoint in the file, oldest first; none if there is no file yet.

    A line that cannot be read comes back with no signature, so verifying reports it rather
    than skipping it: nobody but the checkpoint command writes this file.
    """
    path = path or settings.AUDIT_CHECKPOINT_PATH
    if not path.exists():
        return []
    checkpoints = []
    with path.open(encoding="utf-8") as lines:
        for number, text in enumerate(lines, start=1):
            if not text.strip():
                continue
            try:
                data = json.loads(text)
                checkpoint = Checkpoint(
                    int(data["sequence"]),
                    str(data["hash"]),
                    str(data["at"]),
                    str(data["hmac"]),
                    line=number,
                )
            except (ValueError, KeyError, TypeError):
                checkpoint = Checkpoint(0, "", "", "", line=number)
            checkpoints.append(checkpoint)
    return checkpoints


def audit_checkpoint_append(*, sequence: int, hash: str, path: Path | None = None) -> Checkpoint:
    """Sign the chain's head as it stands now and append it to the checkpoint file.

    The caller has verified the chain up to `sequence` first: signing a rewritten chain would
    vouch for the rewrite.
    """
    path = path or settings.AUDIT_CHECKPOINT_PATH
    at = timezone.now().isoformat()
    checkpoint = Checkpoint(sequence, hash, at, anchor_sign(sequence=sequence, hash=hash, at=at))
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    with os.fdopen(descriptor, "a", encoding="utf-8") as file:
        file.write(checkpoint.as_json() + "\n")
        file.flush()
        os.fsync(file.fileno())
    return checkpoint
