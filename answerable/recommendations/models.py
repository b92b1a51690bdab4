import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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


class DeliveryStatus(models.TextChoices):
    """What the owner reports about an action."""

    NOT_STARTED = "not_started", _("Not started")
    ON_TRACK = "on_track", _("On track")
    OFF_TRACK = "off_track", _("Off track")
    READY_FOR_ASSESSMENT = "ready_for_assessment", _("Ready for assessment")
    COMPLETED = "completed", _("Completed")
    UNABLE_TO_IMPLEMENT = "unable_to_implement", _("Unable to implement")


# Statuses of an action still being worked on: the only ones that can be overdue.
OPEN_STATUSES = [
    DeliveryStatus.NOT_STARTED,
    DeliveryStatus.ON_TRACK,
    DeliveryStatus.OFF_TRACK,
    DeliveryStatus.READY_FOR_ASSESSMENT,
]


class AssuranceStatus(models.TextChoices):
    """What the scrutiny officer or independent chair decided; only assessments set it."""

    NOT_ASSESSED = "not_assessed", _("Not assessed")
    ASSURED = "assured", _("Assured")
    PARTLY_ASSURED = "partly_assured", _("Partly assured")
    NOT_ASSURED = "not_assured", _("Not assured")
    REOPENED = "reopened", _("Reopened")


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
        indexes = [models.Index(fields=["assurance_status"])]

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
            # "Sources this organisation has actions under", read from the index alone.
            models.Index(fields=["owner", "source"], name="action_owner_source"),
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

    @property
    def is_overdue(self) -> bool:
        return bool(
            self.target_on
            and self.is_open
            and not self.is_superseded
            and self.target_on < timezone.localdate()
        )


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


class Evidence(BaseModel):
    """A file or link supporting an update, with its handling marking."""

    class Marking(models.TextChoices):
        """Government Security Classification handling markings, on evidence and papers."""

        OFFICIAL = "official", "OFFICIAL"
        OFFICIAL_SENSITIVE = "official_sensitive", "OFFICIAL-SENSITIVE"

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
    marking = models.CharField(max_length=20, choices=Marking.choices, default=Marking.OFFICIAL)
    is_published = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~(models.Q(file="") & models.Q(link="")), name="evidence_file_or_link"
            ),
            # OFFICIAL-SENSITIVE material never reaches the public.
            models.CheckConstraint(
                condition=~(models.Q(marking="official_sensitive") & models.Q(is_published=True)),
                name="evidence_sensitive_never_published",
            ),
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


class ActionTally(models.Model):
    """How many live actions an owner has under an office's sources, by delivery and
    assurance status.

    Kept by the services in the transaction that changes an action (`recommendations.tallies`).
    An action is visible to its office and its owner, so what someone may see is exactly the
    tallies of their offices and their organisations: a few hundred rows for a national
    viewer, where counting the actions read 75,000 (issue #12).
    """

    office = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    owner = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    delivery_status = models.CharField(max_length=25, choices=DeliveryStatus.choices)
    assurance_status = models.CharField(max_length=20, choices=AssuranceStatus.choices)
    total = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["office", "owner", "delivery_status", "assurance_status"],
                name="action_tally_unique",
            ),
            models.CheckConstraint(condition=models.Q(total__gte=0), name="action_tally_total"),
        ]
        indexes = [models.Index(fields=["owner"], name="action_tally_owner")]

    def __str__(self) -> str:
        return f"{self.delivery_status}, {self.assurance_status}: {self.total}"


class OpenActionTally(models.Model):
    """How many open actions with a target date an owner has under an office's sources, by
    the month of that date (as ActionTally). Everything due before this month is overdue, so
    the dashboard counts only this month's actions one by one."""

    office = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    owner = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    target_month = models.DateField(help_text="The first day of the target date's month.")
    total = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["office", "owner", "target_month"], name="open_action_tally_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(total__gte=0), name="open_action_tally_total"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target_month:%B %Y}: {self.total}"


class SourceActionTally(models.Model):
    """How many live actions a source has, by assurance status: the dashboard's least
    assured sources, for the office that owns them (as ActionTally)."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="+")
    assurance_status = models.CharField(max_length=20, choices=AssuranceStatus.choices)
    total = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "assurance_status"], name="source_action_tally_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(total__gte=0), name="source_action_tally_total"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assurance_status}: {self.total}"


class RecommendationTally(models.Model):
    """How many live recommendations an office's sources have, by assurance status (as
    ActionTally)."""

    office = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    assurance_status = models.CharField(max_length=20, choices=AssuranceStatus.choices)
    total = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["office", "assurance_status"], name="recommendation_tally_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(total__gte=0), name="recommendation_tally_total"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assurance_status}: {self.total}"


class Follow(models.Model):
    """A person following one source, recommendation or action: they get a daily digest of
    what changed on it (and, for a source or recommendation, on what sits under it) that
    they may still see (issue #17)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    recommendation = models.ForeignKey(
        Recommendation, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    action = models.ForeignKey(
        Action, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(source__isnull=False, recommendation__isnull=True, action__isnull=True)
                    | models.Q(
                        source__isnull=True, recommendation__isnull=False, action__isnull=True
                    )
                    | models.Q(
                        source__isnull=True, recommendation__isnull=True, action__isnull=False
                    )
                ),
                name="follow_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "source"],
                condition=models.Q(source__isnull=False),
                name="follow_source_once",
            ),
            models.UniqueConstraint(
                fields=["user", "recommendation"],
                condition=models.Q(recommendation__isnull=False),
                name="follow_recommendation_once",
            ),
            models.UniqueConstraint(
                fields=["user", "action"],
                condition=models.Q(action__isnull=False),
                name="follow_action_once",
            ),
        ]

    def __str__(self) -> str:
        target = self.source_id or self.recommendation_id or self.action_id
        return f"Follow {self.kind} {target} by {self.user_id}"

    @property
    def kind(self) -> str:
        if self.source_id:
            return "source"
        return "recommendation" if self.recommendation_id else "action"


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
