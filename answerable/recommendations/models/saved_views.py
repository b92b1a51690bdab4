"""Filtered lists people save under a name."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from answerable.core.models import BaseModel
from answerable.organisations.models import Organisation


class SavedView(BaseModel):
    """A filtered list someone saved under a name: for themselves, or shared with everyone in
    their organisation (issue #17). Only the list's own filter parameters are kept."""

    class ListKind(models.TextChoices):
        RECOMMENDATIONS = "recommendations", _("Recommendations")
        ACTIONS = "actions", _("Actions")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="saved_views"
    )
    list_kind = models.CharField(max_length=20, choices=ListKind.choices)
    name = models.CharField(max_length=100)
    query = models.CharField(max_length=1000, blank=True)
    is_shared = models.BooleanField(default=False)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["organisation", "list_kind"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        page = "recommendation" if self.list_kind == self.ListKind.RECOMMENDATIONS else "action"
        return reverse(f"recommendations:{page}_list") + (f"?{self.query}" if self.query else "")
