"""The table a person uploaded earlier in their session, between the steps of an import.

Shared by the register's import and the indicators' (which sits above it): the session keeps
only where the checked upload was stored, so each step reads the file again.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest

from answerable.imports.services import import_upload_delete, import_upload_read, is_import_upload
from answerable.recommendations.tables import Table, read_table


def pending_table(request: HttpRequest, key: str) -> tuple[dict[str, Any], Table] | None:
    """The file uploaded earlier in this session, read again, or None if it has gone."""
    pending = request.session.get(key)
    if not pending or not is_import_upload(pending.get("path", "")):
        return None
    try:
        content = import_upload_read(path=pending["path"])
        table = read_table(content, kind=pending["kind"], name=pending["name"])
    except (OSError, ValidationError):
        return None
    return pending, table


def pending_forget(request: HttpRequest, key: str) -> None:
    """Drop the upload from the session and delete its stored file."""
    pending = request.session.pop(key, None)
    if pending:
        import_upload_delete(path=str(pending.get("path", "")))
