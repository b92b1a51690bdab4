from collections.abc import Collection
from typing import Any, Self, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init


class QuickLoadingModel(models.Model):
    """Rows become instances without Django's general constructor.

    `Model.__init__` takes arguments, defaults and related objects for any caller, and a
    list page makes 100-150 instances from its rows (an action, its recommendation and its
    owner a row): made as here, the same instances, the action list runs 6.8% fewer Python
    calls (`bench/profile_page.py`, issue #12). A model
    with receivers of `pre_init` or `post_init` (an image's dimensions) is made as Django
    makes it.
    """

    class Meta:
        abstract = True

    @classmethod
    def from_db(
        cls, db: str | None, field_names: Collection[str], values: Collection[Any], **kwargs: Any
    ) -> Self:
        # Django's reads hand the names and values of the columns selected, in one order.
        # Anything more (Django 6's fetch_mode) is left to Django.
        if kwargs or pre_init.has_listeners(cls) or post_init.has_listeners(cls):
            return super().from_db(db, field_names, values, **kwargs)
        new = cls.__new__(cls)
        state = new._state = ModelState()
        state.adding = False
        state.db = db
        # As setattr would: a field left out stays deferred, read when first asked for.
        new.__dict__.update(zip(field_names, values, strict=True))
        return new


class BaseModel(QuickLoadingModel):
    """Timestamps every table carries."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class VersionedModel(QuickLoadingModel):
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
