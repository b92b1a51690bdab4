"""A report PDF's items kept for an office to review, correct and import, and where each
imported recommendation came from (issue #19)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from answerable.core.models import BaseModel, VersionedModel
from answerable.organisations.models import Organisation
from answerable.recommendations.models import Recommendation


class ExtractedReport(BaseModel):
    """One upload of a report PDF, with the text of each page to show items against."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="extracted_reports"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64)
    title = models.CharField(max_length=500)
    # {"<page number>": "<the page's lines, one a line>"}
    page_texts = models.JSONField(default=dict, blank=True)
    imported_at = models.DateTimeField(null=True, blank=True)
    source_title = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name


class ExtractedItem(BaseModel, VersionedModel):
    """An item as found in the report, then as the office corrected it."""

    report = models.ForeignKey(ExtractedReport, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()
    reference = models.CharField(_("reference"), max_length=50)
    finding_type = models.CharField(
        _("finding type"),
        max_length=30,
        choices=Recommendation.FindingType.choices,
        default=Recommendation.FindingType.RECOMMENDATION,
    )
    text = models.TextField(_("text"))
    page = models.PositiveIntegerField(null=True, blank=True)
    deadline_on = models.DateField(null=True, blank=True)
    owner_suggestion = models.CharField(max_length=500, blank=True)
    owner = models.CharField(_("owner"), max_length=500, blank=True)
    is_dropped = models.BooleanField(default=False)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.reference} ({self.report})"


class RecommendationOrigin(BaseModel):
    """The report PDF a recommendation was imported from, and its page there."""

    recommendation = models.OneToOneField(
        Recommendation, on_delete=models.CASCADE, related_name="origin"
    )
    report = models.ForeignKey(
        ExtractedReport, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64)
    page = models.PositiveIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.file_name}, page {self.page}"
