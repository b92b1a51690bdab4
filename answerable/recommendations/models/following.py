"""What a person follows, for their daily digest."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from answerable.recommendations.models.register import Action, Recommendation, Source


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
