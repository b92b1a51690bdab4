"""What happens to an action after it is planned: target date changes, progress updates with
their public narratives and evidence, and assurance assessments."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from answerable.core.models import BaseModel
from answerable.recommendations.models.marked_files import MarkedFile
from answerable.recommendations.models.register import Action, Recommendation
from answerable.recommendations.models.statuses import DeliveryStatus


class TargetDateChange(BaseModel):
    """A change to an action's target date, with its reason: the change-control record."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="date_changes")
    previous_on = models.DateField(null=True, blank=True)
    new_on = models.DateField(null=True, blank=True)
    reason = models.TextField()
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.action}: {self.previous_on} → {self.new_on}"


class Update(BaseModel):
    """An append-only progress entry on an action. Never edited once written."""

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="updates")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    narrative = models.TextField()
    status_before = models.CharField(max_length=25, choices=DeliveryStatus.choices)
    status_after = models.CharField(max_length=25, choices=DeliveryStatus.choices)

    class Meta:
        ordering = ["created_at", "id"]
        # The few updates that complete an action or reopen one: the forecast counts them.
        indexes = [
            models.Index(
                fields=["action", "created_at"],
                condition=models.Q(status_after="completed") | models.Q(status_before="completed"),
                name="update_status_moves",
            )
        ]

    def __str__(self) -> str:
        return f"Update on {self.action} at {self.created_at:%Y-%m-%d}"

    @property
    def changed_status(self) -> bool:
        return self.status_before != self.status_after


class PublicNarrative(BaseModel):
    """The text of an update the owner proposes for the public site, and the office's decision.

    The update itself stays internal and unchanged; only an approved narrative is ever shown
    publicly (issue #14).
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Waiting for review")
        APPROVED = "approved", _("Approved for the public site")
        REJECTED = "rejected", _("Not approved")

    update = models.OneToOneField(Update, on_delete=models.PROTECT, related_name="public_narrative")
    text = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_status_display()}: {self.text[:60]}"


class Evidence(MarkedFile):
    """A file or link supporting an update, with its handling marking."""

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="evidence")
    update = models.ForeignKey(
        Update, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence"
    )
    title = models.CharField(max_length=300)
    file = models.FileField(upload_to="evidence/%Y/%m/", blank=True)
    file_kind = models.CharField(max_length=10, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    link = models.URLField(max_length=500, blank=True)

    class Meta(MarkedFile.Meta):
        constraints = [
            models.CheckConstraint(
                condition=~(models.Q(file="") & models.Q(link="")), name="evidence_file_or_link"
            ),
            *MarkedFile.Meta.constraints,
        ]

    def __str__(self) -> str:
        return self.title


class Assessment(BaseModel):
    """An assurance decision on an action or a recommendation, by a scrutiny officer."""

    class Verdict(models.TextChoices):
        ASSURED = "assured", _("Assured")
        PARTLY_ASSURED = "partly_assured", _("Partly assured")
        NOT_ASSURED = "not_assured", _("Not assured")
        REOPENED = "reopened", _("Reopened")

    recommendation = models.ForeignKey(
        Recommendation, null=True, blank=True, on_delete=models.PROTECT, related_name="assessments"
    )
    action = models.ForeignKey(
        Action, null=True, blank=True, on_delete=models.PROTECT, related_name="assessments"
    )
    verdict = models.CharField(max_length=20, choices=Verdict.choices)
    rationale = models.TextField()
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(recommendation__isnull=False, action__isnull=True)
                    | models.Q(recommendation__isnull=True, action__isnull=False)
                ),
                name="assessment_one_target",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_verdict_display()} on {self.action or self.recommendation}"
