from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from answerable.core.models import BaseModel
from answerable.organisations.models import Organisation
from answerable.recommendations.models import Source


class ProgressReport(BaseModel):
    """A progress report the office owes by a date: live while a draft, frozen once approved.

    On approval the content and both documents are stored with their SHA-256 and never built
    again, so what was approved is what anyone downloads later (issue #15).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")

    class Audience(models.TextChoices):
        INTERNAL = "internal", _("Internal")
        PUBLIC = "public", _("Public")

    office = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=300)
    due_on = models.DateField()
    sources = models.ManyToManyField(Source, related_name="+")
    # Set to report only on one organisation's actions across the sources.
    owner = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    period_from = models.DateField()
    period_to = models.DateField()
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.INTERNAL)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    content = models.JSONField(default=dict, blank=True)
    docx = models.FileField(upload_to="reports/%Y/", blank=True)
    docx_sha256 = models.CharField(max_length=64, blank=True)
    pdf = models.FileField(upload_to="reports/%Y/", blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-due_on", "-id"]
        indexes = [models.Index(fields=["office", "due_on"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="approved")
                | models.Q(approved_at__isnull=False, approved_by__isnull=False),
                name="progress_report_approved_has_approver",
            ),
            models.CheckConstraint(
                condition=models.Q(period_to__gte=models.F("period_from")),
                name="progress_report_period_forwards",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("reports:report_detail", args=[self.pk])

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED
