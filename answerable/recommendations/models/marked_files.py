"""What a file with a handling marking carries, on the register's evidence and meetings' papers."""

from django.conf import settings
from django.db import models

from answerable.core.models import BaseModel


class MarkedFile(BaseModel):
    """A file or link someone uploaded, with its handling marking and whether it is public."""

    class Marking(models.TextChoices):
        """Government Security Classification handling markings, on evidence and papers."""

        OFFICIAL = "official", "OFFICIAL"
        OFFICIAL_SENSITIVE = "official_sensitive", "OFFICIAL-SENSITIVE"

    marking = models.CharField(max_length=20, choices=Marking.choices, default=Marking.OFFICIAL)
    is_published = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]
        constraints = [
            # OFFICIAL-SENSITIVE material never reaches the public.
            models.CheckConstraint(
                condition=~(models.Q(marking="official_sensitive") & models.Q(is_published=True)),
                name="%(class)s_sensitive_never_published",
            ),
        ]
