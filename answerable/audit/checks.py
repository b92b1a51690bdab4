"""Deployment checks for the audit trail's anchor (ADR 0011)."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register

MINIMUM_KEY_LENGTH = 32


@register(Tags.security, deploy=True)
def audit_anchor_key_check(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """Warn while checkpoints are signed with the development key or a short one."""
    key = settings.AUDIT_ANCHOR_KEY
    if key.startswith("dev-only") or len(key) < MINIMUM_KEY_LENGTH:
        return [
            Warning(
                "AUDIT_ANCHOR_KEY is the development key or shorter than "
                f"{MINIMUM_KEY_LENGTH} characters, so anyone could sign audit checkpoints.",
                hint=(
                    "Set AUDIT_ANCHOR_KEY to 50 or more random characters, kept out of the "
                    "database and its backups (docs/adr/0011-audit-chain-anchored.md)."
                ),
                id="audit.W001",
            )
        ]
    return []
