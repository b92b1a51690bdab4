from django.conf import settings
from django.db import models

from answerable.core.models import BaseModel
from answerable.organisations.models import Organisation
from answerable.recommendations.models import AssuranceStatus, Recommendation, Source


class Backend(models.TextChoices):
    """How a recommendation's text becomes something comparable (ADR 0014)."""

    LEXICAL = "lexical", "Words (TF-IDF)"
    MINILM = "minilm", "Sentence embeddings (all-MiniLM-L6-v2)"


class RecommendationVector(models.Model):
    """What the similarity search stores of one recommendation's text.

    Derived from the text and rebuilt at will (`manage.py recurrence_index --rebuild`), like
    the register's tallies, so it is written without audit events.
    """

    recommendation = models.OneToOneField(
        Recommendation,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="recurrence_vector",
    )
    backend = models.CharField(max_length=10, choices=Backend.choices)
    # The text this was computed from, to find the rows whose text has changed since.
    text_sha256 = models.CharField(max_length=64)
    # Stemmed term -> count, for both backends (the model's score blends the words in); the
    # weights depend on every row, so they are computed when the index is built in memory
    # (answerable.recurrence.index).
    terms = models.JSONField(default=dict, blank=True)
    # MiniLM: 384 float32 values, length 1.
    embedding = models.BinaryField(null=True, blank=True)
    # IndexState.revision when written: a process reloads only the rows newer than its copy.
    revision = models.PositiveBigIntegerField(db_index=True)
    # The recurring theme it belongs to: the id of the theme's earliest recommendation.
    cluster = models.BigIntegerField(null=True, blank=True, db_index=True)
    computed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.backend} vector of recommendation {self.recommendation_id}"


class IndexState(models.Model):
    """One row per backend: the revision every process compares its in-memory index with."""

    backend = models.CharField(max_length=10, choices=Backend.choices, unique=True)
    revision = models.PositiveBigIntegerField(default=0)
    built_at = models.DateTimeField(null=True, blank=True)
    # When the recurring themes were last counted (ThemeMember, ThemeCount).
    counted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.backend} index at revision {self.revision}"


class ThemeMember(models.Model):
    """A live recommendation in a recurring theme that spans two or more sources, as it stood
    when the themes were last counted (`services.themes_count`).

    Derived, like the vectors, and written again whole at each count, without audit events.
    The themes page reads these, and `ThemeCount`, instead of grouping the register.
    """

    recommendation = models.OneToOneField(
        Recommendation, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    backend = models.CharField(max_length=10, choices=Backend.choices)
    cluster = models.BigIntegerField()
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="+")
    published_on = models.DateField(null=True, blank=True)
    assurance_status = models.CharField(max_length=20, choices=AssuranceStatus.choices)
    # Assured, or every live action on it completed: what a later report should not raise.
    is_done = models.BooleanField(default=False)

    class Meta:
        # A viewer's own recommendations are looked up by id: SQLite then probes this index
        # for each instead of reading every member (0.2 s a query at national scale).
        indexes = [
            models.Index(fields=["backend", "recommendation"], name="recurrence_member_visible")
        ]

    def __str__(self) -> str:
        return f"recommendation {self.recommendation_id} in theme {self.cluster}"


class StatusCounts(models.Model):
    """How many recommendations are in each assurance status: one field a status, named as
    its value (`AssuranceStatus`)."""

    not_assessed = models.PositiveIntegerField(default=0)
    assured = models.PositiveIntegerField(default=0)
    partly_assured = models.PositiveIntegerField(default=0)
    not_assured = models.PositiveIntegerField(default=0)
    reopened = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class RecurringTheme(StatusCounts):
    """A recurring theme as a whole, added up when the themes are counted: what the themes
    page shows to a viewer who sees every source of it (every owner in `owners`)."""

    backend = models.CharField(max_length=10, choices=Backend.choices)
    cluster = models.BigIntegerField()
    # The organisations that own its sources: a viewer who sees all their sources whole
    # sees the theme as counted here.
    owners = models.JSONField(default=list)
    size = models.PositiveIntegerField()
    source_count = models.PositiveIntegerField()
    first_done_on = models.DateField(null=True, blank=True)
    last_on = models.DateField(null=True, blank=True)
    first_recommendation_id = models.BigIntegerField()
    # [[title, count], ...]: its sources with the most recommendations, as many as shown.
    largest_sources = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["backend", "cluster"], name="recurrence_theme_unique")
        ]

    def __str__(self) -> str:
        return f"theme {self.cluster}: {self.size} in {self.source_count} sources"


class ThemeCount(StatusCounts):
    """One source's part of a recurring theme, added up from its `ThemeMember` rows when the
    themes are counted: what the themes page shows of a source whose every recommendation
    the viewer sees."""

    backend = models.CharField(max_length=10, choices=Backend.choices)
    cluster = models.BigIntegerField()
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="+")
    published_on = models.DateField(null=True, blank=True)
    size = models.PositiveIntegerField()
    done = models.PositiveIntegerField(default=0)
    # Its lowest recommendation id: the theme's example is the lowest a viewer sees.
    first_recommendation_id = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["backend", "cluster", "source"], name="recurrence_theme_count_unique"
            )
        ]
        indexes = [models.Index(fields=["backend", "source"], name="recurrence_count_source")]

    def __str__(self) -> str:
        return f"theme {self.cluster} in source {self.source_id}: {self.size}"


class PairDecision(BaseModel):
    """An office's decision on a suggested pair: the same ask (confirmed) or not (dismissed).

    A pair is stored once, lower id first, for the office whose register it was decided in;
    a dismissed pair is never suggested to that office again.
    """

    class Decision(models.TextChoices):
        CONFIRMED = "confirmed", "Confirmed as the same ask"
        DISMISSED = "dismissed", "Dismissed"

    office = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    first = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="+")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["office", "first", "second"], name="recurrence_pair_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(first__lt=models.F("second")), name="recurrence_pair_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_id} and {self.second_id}: {self.decision}"
