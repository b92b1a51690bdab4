from django.conf import settings
from django.db import models

from answerable.core.models import BaseModel
from answerable.organisations.models import Organisation
from answerable.recommendations.models import Recommendation


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
    # Lexical: stemmed term -> count; the weights depend on every row, so they are computed
    # when the index is built in memory (answerable.recurrence.index).
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

    def __str__(self) -> str:
        return f"{self.backend} index at revision {self.revision}"


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
