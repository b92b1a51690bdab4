from django.contrib import admin
from django.http import HttpRequest

from answerable.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is append-only."""

    list_display = ["sequence", "occurred_at", "actor", "action", "target_repr"]
    list_filter = ["action"]
    search_fields = ["target_repr", "note"]

    def has_add_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False
