"""Import jobs: one row per uploaded file (or pair of files) queued for import.

The status page and the audit trail read this row, never the task backend's tables, so the
backend can change (or prune its results) without losing what happened to an import.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from answerable.core.models import BaseModel
from answerable.organisations.models import Organisation


class ImportJob(BaseModel):
    """An import queued by a person for an organisation, and what became of it."""

    class Kind(models.TextChoices):
        RECOMMENDATIONS = "recommendations", _("Recommendations")
        WORKFORCE = "workforce", _("Workforce snapshot")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="import_jobs"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="import_jobs"
    )
    # Each file: {"role", "name", "kind", "path", "sha256"}; a workforce import has two.
    files = models.JSONField(default=list)
    # What the import needs besides the files: the column mapping, a snapshot date.
    options = models.JSONField(default=dict, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    # The first problems found, each {"file", "row", "field", "message"}; error_count has all.
    errors = models.JSONField(default=list, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    task_id = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Which worker runs the job ("host:pid") and when it last said it was alive, so a job
    # whose worker died is failed within a minute, not left "running" (issue #11).
    worker = models.CharField(max_length=300, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        names = ", ".join(f["name"] for f in self.files)
        return f"{self.get_kind_display()} import {self.pk}: {names}"

    def get_absolute_url(self) -> str:
        # Each kind's app serves its own status page under its own namespace.
        return reverse(f"{self.kind}:import_status", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)


class ImportJobProgress(models.Model):
    """How many of a running import's rows it has processed, for its status page (issue #17).

    A row of its own, made when the job is queued: while importing, the job's row is locked
    by the import's transaction (`import_job_run`), and the progress is written beside it from
    another connection (`imports.progress`).
    """

    job = models.OneToOneField(
        ImportJob, primary_key=True, on_delete=models.CASCADE, related_name="progress"
    )
    processed = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Import {self.job_id}: {self.processed} of {self.total} rows"
