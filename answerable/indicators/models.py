"""Indicators: the figures behind victims, perpetrators, intelligence and partners (issue #16).

An indicator is defined by the PCC's office or with the organisation that owns its figures.
Its values are append-only: a value is never changed; a new value for the same period
`revises` it, with a reason, and the current value of a period is the one nothing revises.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from answerable.core.models import BaseModel, VersionedModel
from answerable.indicators.spc import Direction
from answerable.organisations.models import Organisation

# What a definition holds besides its owner, in the order an audit event lists changes.
DEFINITION_FIELDS = (
    "name",
    "definition",
    "counting_rules",
    "unit",
    "direction",
    "frequency",
    "theme",
    "source_system",
    "target_value",
    "target_on",
    "is_publishable",
    "disclosure_threshold",
)


class Indicator(BaseModel, VersionedModel):
    """A measure with a unit, a better direction, a frequency and, perhaps, a target."""

    class Unit(models.TextChoices):
        COUNT = "count", _("Count")
        PERCENTAGE = "percentage", _("Percentage")
        RATE_PER_10000_CHILDREN = "rate_per_10000_children", _("Rate per 10,000 children")
        DAYS = "days", _("Days")

    class Direction(models.TextChoices):
        HIGHER_IS_BETTER = Direction.HIGHER_IS_BETTER.value, _("Higher is better")
        LOWER_IS_BETTER = Direction.LOWER_IS_BETTER.value, _("Lower is better")

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")

    class Theme(models.TextChoices):
        INTELLIGENCE = "intelligence", _("Intelligence")
        VICTIMS = "victims", _("Victims")
        PERPETRATORS = "perpetrators", _("Perpetrators")
        PARTNERS = "partners", _("Partners")
        TRAINING = "training", _("Training")

    name = models.CharField(max_length=200)
    definition = models.TextField(help_text=_("What it measures, in plain English."))
    counting_rules = models.TextField(blank=True)
    unit = models.CharField(max_length=30, choices=Unit.choices)
    direction = models.CharField(max_length=10, choices=Direction.choices)
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    theme = models.CharField(max_length=20, choices=Theme.choices)
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="indicators")
    # The PCC's office whose area the owner is in (the owner itself, for an office's own).
    office = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="overseen_indicators",
        limit_choices_to={"kind": "pcc_office"},
    )
    source_system = models.CharField(max_length=200, blank=True)
    target_value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    target_on = models.DateField(null=True, blank=True)
    is_publishable = models.BooleanField(default=False)
    # Public outputs show "fewer than N" rather than a count below N.
    disclosure_threshold = models.PositiveSmallIntegerField(default=5)
    is_archived = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["theme", "name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="indicator_unique_name"),
            models.CheckConstraint(
                condition=models.Q(target_on__isnull=True) | models.Q(target_value__isnull=False),
                name="indicator_target_date_needs_value",
            ),
        ]
        indexes = [models.Index(fields=["office", "theme"], name="indicator_office_theme_idx")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("indicators:indicator_detail", args=[self.pk])


class Figure(models.Model):
    """A figure for one period, as entered; never changed once written: an indicator's own
    (`IndicatorValue`) or one of its categories' (`IndicatorCategoryValue`).

    `revises` points at the figure this one replaces, and `reason` says why. A figure is
    revised at most once (the link is one-to-one) and a period has one original, so each
    period has exactly one current figure: the one no other figure revises.
    """

    # The first day of the month or quarter the figure is for.
    period_start = models.DateField()
    value = models.DecimalField(max_digits=14, decimal_places=4)
    revises = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="revised_by"
    )
    reason = models.TextField(blank=True)
    # Anything the owner noted about the figure, such as a change in the source system.
    note = models.TextField(blank=True, default="")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["period_start", "created_at", "id"]


class IndicatorValue(Figure):
    """The indicator's own figure for a period: the total, where it is broken down."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")

    class Meta(Figure.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period_start"],
                condition=models.Q(revises__isnull=True),
                name="indicator_value_one_original",
            ),
            models.CheckConstraint(
                condition=models.Q(revises__isnull=True) | ~models.Q(reason=""),
                name="indicator_value_revision_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["indicator", "period_start"], name="indicator_value_period_idx")
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.period_start:%Y-%m}: {self.value}"


class IndicatorLink(BaseModel):
    """An indicator offered as outcome evidence on a recommendation (issue #16): "CSE
    referrals for recommendation 7". The office links its own indicators to its own register."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="links")
    recommendation = models.ForeignKey(
        "recommendations.Recommendation", on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "recommendation"], name="indicator_link_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator} → {self.recommendation_id}"


class IndicatorAgendaLink(BaseModel):
    """An indicator offered as evidence on a meeting agenda item (issue #16), with its figures
    as they stood at the meeting once they are fixed (indicators/meeting_snapshots.py): when
    the meeting is marked held, or when the link is made if it already was."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="agenda_links")
    agenda_item = models.ForeignKey(
        "meetings.AgendaItem", on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The figures, judgement and periods as at the meeting; empty until fixed.
    snapshot = models.JSONField(default=dict, blank=True)
    snapshot_taken_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "agenda_item"], name="indicator_agenda_link_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator} → agenda item {self.agenda_item_id}"


# --- breakdowns (issue #16): an indicator's figures split by, say, local policing area ------


class IndicatorBreakdown(BaseModel):
    """A way the indicator's figures are split, such as by local policing area.

    The indicator's own figures stay the total: entered as before, never added up from the
    categories, which need not cover every case (one with no area recorded counts only in
    the total), and which would mean nothing added up for a percentage or a rate.
    """

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="breakdowns")
    name = models.CharField(max_length=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["indicator", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "name"], name="indicator_breakdown_unique_name"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}: {self.name}"


class IndicatorCategory(models.Model):
    """One of a breakdown's categories, such as one local policing area."""

    breakdown = models.ForeignKey(
        IndicatorBreakdown, on_delete=models.PROTECT, related_name="categories"
    )
    name = models.CharField(max_length=100)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["breakdown", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["breakdown", "name"], name="indicator_category_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class IndicatorCategoryValue(Figure):
    """One category's figure for one period, kept and revised as the indicator's own are."""

    category = models.ForeignKey(IndicatorCategory, on_delete=models.PROTECT, related_name="values")

    class Meta(Figure.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["category", "period_start"],
                condition=models.Q(revises__isnull=True),
                name="indicator_category_value_one_original",
            ),
            models.CheckConstraint(
                condition=models.Q(revises__isnull=True) | ~models.Q(reason=""),
                name="indicator_category_value_revision_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["category", "period_start"], name="indicator_cat_value_period_idx")
        ]

    def __str__(self) -> str:
        return f"{self.category_id} {self.period_start:%Y-%m}: {self.value}"


# --- stored readings (issue #16): what a list shows of each indicator, kept by the services --


class StoredReading(models.Model):
    """A series' latest figure and its reading, stored whenever its figures or its
    indicator's definition change, so a list of hundreds of series reads one row for each
    rather than every figure of each (`summaries`)."""

    latest_period = models.DateField(null=True, blank=True)
    latest_value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    variation = models.CharField(max_length=20)  # an spc.Variation
    assurance = models.CharField(max_length=20)  # an spc.Assurance
    # The sparkline: its SVG polyline points, and what it shows in words.
    sparkline_points = models.TextField(blank=True)
    recent_count = models.PositiveSmallIntegerField(default=0)
    recent_first = models.DateField(null=True, blank=True)
    recent_low = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    recent_high = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.pk}: {self.variation}"


class IndicatorSummary(StoredReading):
    """An indicator's own reading, for the lists and theme pages."""

    indicator = models.OneToOneField(
        Indicator, on_delete=models.CASCADE, primary_key=True, related_name="summary"
    )


class IndicatorCategorySummary(StoredReading):
    """A category's reading, read without the total's target, for the indicator's page."""

    category = models.OneToOneField(
        IndicatorCategory, on_delete=models.CASCADE, primary_key=True, related_name="summary"
    )
