"""The register itself: sources, their recommendations, the links between those, and actions."""

import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from answerable.core.models import BaseModel, VersionedModel
from answerable.organisations.models import Organisation
from answerable.recommendations.models.statuses import (
    OPEN_STATUSES,
    AssuranceStatus,
    DeliveryStatus,
)
from answerable.recommendations.models.themes import Theme


class Source(BaseModel, VersionedModel):
    """A published report that makes recommendations: inquiry, inspection, review, audit."""

    class Kind(models.TextChoices):
        INQUIRY = "inquiry", _("Inquiry")
        INSPECTION = "inspection", _("Inspection")
        REVIEW = "review", _("Review")
        AUDIT = "audit", _("Audit")
        CORONER = "coroner", _("Coroner's report")

    class DeadlineRule(models.TextChoices):
        NONE = "none", _("No statutory deadline")
        S55 = "s55", _("PCC comments within 56 days (s55 Police Act 1996)")
        IICSA = "iicsa", _("Response with a timetable within 6 months (IICSA)")
        PFD = "pfd", _("Response within 56 days (coroner's Prevention of Future Deaths)")

    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="sources")
    title = models.CharField(max_length=500)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    publisher = models.CharField(max_length=200)
    published_on = models.DateField(null=True, blank=True)
    url = models.URLField(max_length=500, blank=True)
    deadline_rule = models.CharField(
        max_length=10, choices=DeadlineRule.choices, default=DeadlineRule.NONE
    )
    responded_on = models.DateField(
        null=True, blank=True, help_text="When the statutory response or comments were published."
    )
    # The statutory response itself: where it is published and, as evidence, a copy of it.
    response_url = models.URLField(max_length=500, blank=True)
    response_document = models.FileField(upload_to="responses/%Y/", blank=True)
    response_document_sha256 = models.CharField(max_length=64, blank=True)
    document = models.FileField(upload_to="sources/%Y/", blank=True)
    document_sha256 = models.CharField(max_length=64, blank=True)
    is_archived = models.BooleanField(default=False)
    # When it was archived: what was archived with it carries the same time, so restoring it
    # restores those and not what had been archived on its own before (issue #17).
    archived_at = models.DateTimeField(null=True, blank=True)
    # Set when the office publishes the source to the public site, cleared when it withdraws
    # it: until then nothing of the source is public (issue #14).
    public_since = models.DateTimeField(null=True, blank=True)
    # Where the office requires a second approver, the first officer's request to publish,
    # which another scrutiny officer carries out (issue #14).
    publish_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    publish_requested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-published_on", "title"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "title"], name="source_unique_title")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("recommendations:source_detail", args=[self.pk])

    @property
    def response_due_on(self) -> datetime.date | None:
        """The statutory date by which a response is due, from the deadline rule."""
        if not self.published_on:
            return None
        if self.deadline_rule in (self.DeadlineRule.S55, self.DeadlineRule.PFD):
            return self.published_on + datetime.timedelta(days=56)
        if self.deadline_rule == self.DeadlineRule.IICSA:
            return self.published_on + relativedelta(months=6)
        return None


class Recommendation(BaseModel, VersionedModel):
    """A recommendation, cause of concern or area for improvement, as published."""

    class FindingType(models.TextChoices):
        RECOMMENDATION = "recommendation", _("Recommendation")
        CAUSE_OF_CONCERN = "cause_of_concern", _("Cause of concern")
        AREA_FOR_IMPROVEMENT = "area_for_improvement", _("Area for improvement")

    class Response(models.TextChoices):
        AWAITED = "", _("Awaited")
        ACCEPTED = "accepted", _("Accepted")
        ACCEPTED_IN_PRINCIPLE = "accepted_in_principle", _("Accepted in principle")
        PARTIALLY_ACCEPTED = "partially_accepted", _("Partially accepted")
        NOT_ACCEPTED = "not_accepted", _("Not accepted")

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="recommendations")
    reference = models.CharField(max_length=50)
    text = models.TextField()
    finding_type = models.CharField(
        max_length=25, choices=FindingType.choices, default=FindingType.RECOMMENDATION
    )
    addressees = models.CharField(max_length=500, blank=True)
    themes = models.ManyToManyField(Theme, blank=True, related_name="recommendations")
    response = models.CharField(max_length=25, choices=Response.choices, blank=True, default="")
    response_text = models.TextField(blank=True)
    responded_on = models.DateField(null=True, blank=True)
    deadline_on = models.DateField(
        null=True, blank=True, help_text="A deadline written in the text, such as 'By 31 December'."
    )
    assurance_status = models.CharField(
        max_length=20, choices=AssuranceStatus.choices, default=AssuranceStatus.NOT_ASSESSED
    )
    position = models.PositiveIntegerField(default=0)
    is_archived = models.BooleanField(default=False)
    archived_at = models.DateTimeField(null=True, blank=True)
    # A later recommendation that replaces this one: its actions' clocks stop (issue #17).
    superseded_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_recommendations",
    )
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["source_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "reference"], name="recommendation_unique_reference"
            )
        ]
        indexes = [
            models.Index(fields=["assurance_status"]),
            # "These recommendations by id, with their source and assurance" read from the index
            # alone on PostgreSQL, whose table rows are wide (text and the search document): a
            # partner office's tally of recommendations under other offices' sources looks up
            # thousands by id (issue #12). SQLite ignores `include`; its rows are keyed by id.
            models.Index(
                fields=["id"],
                include=["source", "assurance_status", "is_archived"],
                name="recommendation_id_cover",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.text[:80]}"

    def get_absolute_url(self) -> str:
        return reverse("recommendations:recommendation_detail", args=[self.pk])

    @property
    def is_superseded(self) -> bool:
        return self.superseded_by_id is not None


class RecommendationLink(BaseModel):
    """A relation between two recommendations: one overlaps or supersedes another."""

    class Kind(models.TextChoices):
        OVERLAPS = "overlaps", _("Overlaps")
        SUPERSEDES = "supersedes", _("Supersedes")

    from_recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="links_out"
    )
    to_recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="links_in"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["from_recommendation", "to_recommendation", "kind"],
                name="recommendation_link_unique",
            ),
            models.CheckConstraint(
                condition=~models.Q(from_recommendation=models.F("to_recommendation")),
                name="recommendation_link_not_self",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.from_recommendation.reference} {self.kind} {self.to_recommendation.reference}"
        )


class Action(BaseModel, VersionedModel):
    """One agency's share of a recommendation, reported on by that agency.

    `version` counts changes to its plan (lead and target date), which people make on forms;
    progress updates are appended and leave it alone.
    """

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.PROTECT, related_name="actions"
    )
    # The recommendation's source, copied by the services that create actions (a
    # recommendation never moves between sources), so visibility ("actions under the
    # office's sources") and the dashboard's counts by source read the actions alone,
    # without a join (issue #5).
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="actions", editable=False
    )
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="actions")
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_actions",
    )
    description = models.TextField()
    target_on = models.DateField(null=True, blank=True)
    delivery_status = models.CharField(
        max_length=25, choices=DeliveryStatus.choices, default=DeliveryStatus.NOT_STARTED
    )
    unable_reason = models.TextField(blank=True)
    assurance_status = models.CharField(
        max_length=20, choices=AssuranceStatus.choices, default=AssuranceStatus.NOT_ASSESSED
    )
    ready_at = models.DateTimeField(null=True, blank=True)
    assessed_at = models.DateTimeField(null=True, blank=True)
    last_update_at = models.DateTimeField(null=True, blank=True)
    is_archived = models.BooleanField(default=False)
    archived_at = models.DateTimeField(null=True, blank=True)
    # Copied from the recommendation when it is superseded: the action's target date no longer
    # runs, so it is never overdue or due (as `source`, read without a join).
    is_superseded = models.BooleanField(default=False, db_default=False)

    class Meta:
        ordering = ["recommendation_id", "id"]
        indexes = [
            models.Index(fields=["owner", "delivery_status"]),
            models.Index(fields=["target_on"]),
            # Cover "recommendations with this organisation's actions" (what a partner sees)
            # and "recommendations with an action in this status" (the register's filter),
            # so neither reads the actions table itself (issue #5).
            models.Index(fields=["owner", "recommendation"], name="action_owner_recommendation"),
            models.Index(
                fields=["delivery_status", "recommendation"], name="action_status_recommendation"
            ),
            # "Sources this organisation has actions under", and the dashboard's count of its
            # actions by source and assurance, read from the index alone. The count names the
            # id: SQLite's indexes carry it anyway, PostgreSQL's only when included (issue #12).
            models.Index(
                fields=["owner", "source", "is_archived", "assurance_status"],
                include=["id"],
                name="action_owner_source",
            ),
            # Open actions by target date, with what decides who sees them: the dashboard's
            # overdue and due-soon counts read this small index alone (issue #12). SQLite
            # reads the columns of the index's condition from the index, not the table.
            models.Index(
                fields=["target_on", "source", "owner", "delivery_status", "is_archived"],
                condition=models.Q(
                    is_archived=False, is_superseded=False, delivery_status__in=OPEN_STATUSES
                ),
                name="action_open_target",
            ),
            # The same open actions in the dashboard's order (date, then id), so its ten most
            # overdue stop after ten rows instead of sorting every visible action: 33 ms to
            # 0.3 ms for a national viewer on SQLite, once ANALYZE has counted it (issue #12).
            models.Index(
                fields=["target_on", "id", "source", "owner"],
                condition=models.Q(
                    is_archived=False, is_superseded=False, delivery_status__in=OPEN_STATUSES
                ),
                name="action_open_target_id",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recommendation.reference} – {self.owner.display_name}"

    def get_absolute_url(self) -> str:
        return reverse("recommendations:action_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.delivery_status not in (
            DeliveryStatus.COMPLETED,
            DeliveryStatus.UNABLE_TO_IMPLEMENT,
        )

    def is_overdue_on(self, today: datetime.date) -> bool:
        """Open, not superseded, and its target date before `today`: for a list or an export
        that asks of many actions with the day looked up once."""
        return bool(
            self.target_on and self.is_open and not self.is_superseded and self.target_on < today
        )

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_on(timezone.localdate())
