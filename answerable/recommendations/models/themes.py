"""The themes each office groups its recommendations by."""

from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse

from answerable.core.models import BaseModel, VersionedModel
from answerable.organisations.models import Organisation


class Theme(BaseModel, VersionedModel):
    """A subject an office groups its recommendations by (e.g. Training, Information sharing).

    Each office keeps its own list (issue #17): it renames and merges its themes, and a
    theme merged into another is archived with `merged_into` set, so a name that still
    arrives in an import or an edit lands on the theme it was merged into.
    """

    # Nullable while nodes running the previous release may still add themes without one
    # (expand, then contract: docs/STYLE.md §9); 0014 gave every existing theme its office.
    office = models.ForeignKey(
        Organisation, null=True, on_delete=models.PROTECT, related_name="themes"
    )
    name = models.CharField(max_length=100)
    is_archived = models.BooleanField(default=False)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_themes"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "office",
                Lower("name"),
                condition=models.Q(is_archived=False),
                name="theme_unique_live_name",
                violation_error_message="The office already has a theme with this name",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("recommendations:theme_detail", args=[self.pk])
