from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet


class BaseModel(models.Model):
    """Timestamps every table carries."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class VersionedModel(models.Model):
    """A row people change through an edit form: `version` counts the saves of what the form
    shows, so a save drawn from an older version is refused rather than lost (issue #11).

    The column keeps its database default, so code that does not know it yet (a deploy in
    progress, a data migration's historical model) still inserts rows.
    """

    version = models.PositiveIntegerField(default=1, db_default=1, editable=False)

    class Meta:
        abstract = True


class EditConflict(ValidationError):
    """Someone else saved the row after the editor's form was drawn."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="edit_conflict")


Row = TypeVar("Row", bound=VersionedModel)


def locked_for_edit(rows: QuerySet[Row], *, pk: int, expected_version: int, message: str) -> Row:
    """The row as saved now, locked until the transaction ends.

    Raises EditConflict with `message` if the row is no longer at `expected_version`, the
    version the editor's form was drawn from. The caller adds 1 to `version` when it saves
    a change.
    """
    row = rows.select_for_update(of=("self",)).get(pk=pk)
    if row.version != expected_version:
        raise EditConflict(message)
    return row
