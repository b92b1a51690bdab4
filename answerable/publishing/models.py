import hashlib
import json

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from answerable.core.models import BaseModel
from answerable.meetings.models import AccountabilityMeeting


class Publication(BaseModel):
    """A meeting's public summary: a snapshot drafted from the record, reviewed, then published.

    `content` is the structured snapshot the scrutiny officer reviews; `html` is rendered from it
    at publish time. Neither is ever rebuilt once published, so the public sees what was approved.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In redaction review")
        PUBLISHED = "published", _("Published")

    meeting = models.OneToOneField(
        AccountabilityMeeting, on_delete=models.PROTECT, related_name="publication"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    title = models.CharField(max_length=400)
    content = models.JSONField(default=dict)
    html = models.TextField(blank=True)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["status", "published_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="published") | models.Q(published_at__isnull=False),
                name="publication_published_has_date",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("publishing:summary_detail", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def content_digest(self) -> str:
        """Names the snapshot a reviewer saw, so publishing can refuse one redrafted since."""
        encoded = json.dumps(self.content, sort_keys=True, separators=(",", ":"), default=str)
        return hashlib.sha256(encoded.encode()).hexdigest()
