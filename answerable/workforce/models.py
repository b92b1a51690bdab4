"""Workforce training: dated snapshots of a force's pseudonymised roster and completions.

Each import is a `Snapshot`: the roster and the completions as they stood on one date. Staff
and completion rows belong to their snapshot and are never edited, so they carry no timestamps
of their own (the snapshot has them) and only the indexes the coverage queries need: at
250,000 staff and 5,000,000 completions every extra index costs import time.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from answerable.core.models import BaseModel, VersionedModel
from answerable.organisations.models import Organisation


class WorkforceType(models.TextChoices):
    OFFICER = "officer", _("Police officer")
    STAFF = "staff", _("Police staff")
    PCSO = "pcso", _("PCSO")
    SPECIAL = "special", _("Special constable")
    VOLUNTEER = "volunteer", _("Police support volunteer")


class Snapshot(BaseModel):
    """A force's roster and training completions as they stood on one date."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="workforce_snapshots"
    )
    taken_on = models.DateField()
    roster_file_name = models.CharField(max_length=255)
    roster_sha256 = models.CharField(max_length=64)
    completions_file_name = models.CharField(max_length=255)
    completions_sha256 = models.CharField(max_length=64)
    staff_count = models.PositiveIntegerField(default=0)
    completion_count = models.PositiveIntegerField(default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-taken_on", "-id"]
        indexes = [models.Index(fields=["organisation", "taken_on"])]

    def __str__(self) -> str:
        return f"{self.organisation.display_name} workforce on {self.taken_on:%-d %B %Y}"


class StaffRecord(models.Model):
    """One pseudonymised member of the workforce in one snapshot. Holds no name or contact."""

    snapshot = models.ForeignKey(
        Snapshot, on_delete=models.CASCADE, related_name="staff", db_index=False
    )
    staff_id = models.CharField("staff ID", max_length=64)
    workforce_type = models.CharField(max_length=10, choices=WorkforceType.choices)
    rank_or_grade = models.CharField(max_length=100, blank=True)
    command = models.CharField(max_length=100, blank=True)
    location = models.CharField(max_length=100, blank=True)
    started_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            # Also the index for "this snapshot's staff" and for finding an ID in a snapshot.
            models.UniqueConstraint(fields=["snapshot", "staff_id"], name="staff_unique_id"),
            models.CheckConstraint(
                condition=models.Q(left_on__isnull=True)
                | models.Q(left_on__gte=models.F("started_on")),
                name="staff_left_after_start",
            ),
        ]
        indexes = [
            models.Index(
                fields=["snapshot", "workforce_type", "command"], name="staff_audience_idx"
            ),
            # The gap list's order: a page of it reads its rows in order and stops, rather
            # than sorting every required member of staff (issue #5).
            models.Index(fields=["snapshot", "command", "staff_id"], name="staff_gap_order_idx"),
        ]

    def __str__(self) -> str:
        return self.staff_id


class Course(BaseModel, VersionedModel):
    """A training course a force requires of some of its workforce, refreshed periodically."""

    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="courses")
    code = models.CharField(max_length=30)
    title = models.CharField(max_length=200)
    refresh_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="How long a completion stays in date when the file gives no expiry date.",
    )
    target_percent = models.PositiveSmallIntegerField(
        default=90, validators=[MaxValueValidator(100)]
    )
    is_archived = models.BooleanField(default=False)

    class Meta:
        ordering = ["title"]
        constraints = [models.UniqueConstraint(fields=["owner", "code"], name="course_unique_code")]

    def __str__(self) -> str:
        return f"{self.title} ({self.code})"

    def get_absolute_url(self) -> str:
        return reverse("workforce:course_coverage", args=[self.pk])


class CourseAudience(BaseModel):
    """Who must complete a course: a workforce type, in one command or (blank) every command."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="audiences")
    workforce_type = models.CharField(max_length=10, choices=WorkforceType.choices)
    command = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["workforce_type", "command"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "workforce_type", "command"], name="course_audience_unique"
            )
        ]

    def __str__(self) -> str:
        who = WorkforceType(self.workforce_type).label
        return f"{who} in {self.command}" if self.command else f"{who} in every command"


class Completion(models.Model):
    """One completion of a course by one member of staff, as the snapshot's file recorded it.

    Points at the snapshot's staff record rather than repeating the staff ID, so coverage
    joins on an integer; the pseudonymised ID is `staff_record.staff_id`.
    """

    # No foreign key constraints in the database: PostgreSQL checks each one with a query a
    # row, at commit, which was over a third of a 5,000,000-row import (issue #12). Only
    # `snapshot_import` writes completions, from the snapshot's own staff records and the
    # force's courses, and a snapshot never changes after; Django still cascades a deleted
    # snapshot and protects a course with completions.
    snapshot = models.ForeignKey(
        Snapshot,
        on_delete=models.CASCADE,
        related_name="completions",
        db_index=False,
        db_constraint=False,
    )
    staff_record = models.ForeignKey(
        StaffRecord,
        on_delete=models.CASCADE,
        related_name="completions",
        db_index=False,
        db_constraint=False,
    )
    course = models.ForeignKey(
        Course,
        on_delete=models.PROTECT,
        related_name="completions",
        db_index=False,
        db_constraint=False,
    )
    completed_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
    # The person's latest completion of the course in this snapshot: the one coverage judges.
    # Set as the import writes the rows (`importing.completions_check` finds it); rows made
    # otherwise are marked by `services.completions_mark_latest`. Snapshots never change after.
    is_latest = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "course", "staff_record", "completed_on"],
                name="completion_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(expires_on__isnull=True)
                | models.Q(expires_on__gte=models.F("completed_on")),
                name="completion_expires_after_completed",
            ),
        ]
        indexes = [
            # Every coverage query reads only latest completions of one course in one snapshot,
            # and needs just these columns from them.
            models.Index(
                fields=["snapshot", "course", "staff_record", "expires_on", "completed_on"],
                condition=models.Q(is_latest=True),
                name="completion_latest_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.course_id} completed {self.completed_on}"


class CoverageFigure(models.Model):
    """A course's overall coverage at one snapshot, counted once, for the trend by month.

    Written in the same transaction as the snapshot (or the course, for earlier snapshots);
    both are unchanging once written, so the figure never goes stale.
    """

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="figures")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="figures")
    required = models.PositiveIntegerField()
    in_date = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["course", "snapshot"], name="coverage_figure_unique")
        ]

    def __str__(self) -> str:
        return f"{self.course_id} at {self.snapshot_id}: {self.in_date} of {self.required}"


class CohortFigure(models.Model):
    """A course's required audience and those in date in one cohort at one snapshot.

    Counted once by `services.coverage_figures_record`, in the transaction that writes the
    snapshot (or changes the course), so the coverage page reads a few hundred rows rather
    than grouping every member of staff. Each dimension's cohorts add up to the "all" row,
    which is always written, even when no one is required: it marks the snapshot as counted.
    """

    class Dimension(models.TextChoices):
        ALL = "all", _("All required staff")
        WORKFORCE_TYPE = "workforce_type", _("Workforce type")
        RANK_OR_GRADE = "rank_or_grade", _("Rank or grade")
        COMMAND = "command", _("Command or department")
        SERVICE_BAND = "service_band", _("Length of service")

    snapshot = models.ForeignKey(
        Snapshot, on_delete=models.CASCADE, related_name="cohort_figures", db_index=False
    )
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="cohort_figures")
    dimension = models.CharField(max_length=20, choices=Dimension.choices)
    # The workforce type, rank, command or band key as grouped; blank is "Not recorded".
    cohort = models.CharField(max_length=100, blank=True)
    required = models.PositiveIntegerField()
    in_date = models.PositiveIntegerField()

    class Meta:
        constraints = [
            # Also the index the coverage page reads by: one snapshot's figures for one course.
            models.UniqueConstraint(
                fields=["snapshot", "course", "dimension", "cohort"], name="cohort_figure_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(in_date__lte=models.F("required")),
                name="cohort_figure_in_date_within_required",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.course_id} at {self.snapshot_id}, {self.dimension} {self.cohort!r}: "
            f"{self.in_date} of {self.required}"
        )


class CoverageLink(BaseModel):
    """A course's coverage offered as evidence: on a recommendation or on a meeting agenda item.

    Exactly one of the two is set. Links to agenda items are shown on the meeting page to those
    who may see the force's coverage, and never go into a published meeting summary.
    """

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="coverage_links")
    recommendation = models.ForeignKey(
        "recommendations.Recommendation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="workforce_coverage_links",
    )
    agenda_item = models.ForeignKey(
        "meetings.AgendaItem",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="workforce_coverage_links",
    )
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "recommendation"], name="coverage_link_unique"
            ),
            models.UniqueConstraint(
                fields=["course", "agenda_item"], name="coverage_link_unique_agenda_item"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(recommendation__isnull=False, agenda_item__isnull=True)
                    | models.Q(recommendation__isnull=True, agenda_item__isnull=False)
                ),
                name="coverage_link_one_target",
            ),
        ]

    def __str__(self) -> str:
        if self.agenda_item_id is not None:
            return f"{self.course} for agenda item {self.agenda_item}"
        assert self.recommendation is not None  # coverage_link_one_target
        return f"{self.course} for {self.recommendation.reference}"


class ChartDrawing(models.Model):
    """A coverage chart as drawn, found by the digest of everything drawn into it.

    Drawing takes matplotlib 50-200 ms a chart, so each is drawn once, when an import counts
    the figures it shows, and read back on every view (issue #12). The key names the figures,
    so a drawing is never stale: new figures draw a new chart under a new key.
    """

    key = models.CharField(max_length=64, unique=True)
    svg = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.key
