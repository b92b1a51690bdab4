"""Counts of actions and recommendations the services keep, so the dashboard need not count."""

from django.db import models

from answerable.organisations.models import Organisation
from answerable.recommendations.models.register import Source
from answerable.recommendations.models.statuses import AssuranceStatus, DeliveryStatus


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
        # The dashboard ranks every visible source by these three columns: read from the
        # index alone (a national viewer's ranking took twice as long through the table).
        indexes = [
            models.Index(
                fields=["source", "assurance_status", "total"], name="source_action_tally_ranked"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assurance_status}: {self.total}"


class PartnerSourceActionTally(models.Model):
    """How many live actions an organisation has under a source of another office, by
    assurance status: the dashboard's least assured sources a partner sees beyond its own
    offices' (as SourceActionTally), read from a few hundred rows rather than a force's
    3,000 actions and every source's title (issue #12)."""

    owner = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    office = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="+")
    assurance_status = models.CharField(max_length=20, choices=AssuranceStatus.choices)
    total = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "office", "source", "assurance_status"],
                name="partner_source_tally_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(total__gte=0), name="partner_source_tally_total"
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


class PartnerRecommendationTally(models.Model):
    """How many live recommendations under an office's sources an organisation other than the
    office has an action on (archived or not: the action still shows it the recommendation),
    by the recommendation's assurance status.

    What a partner sees beyond their own offices' sources, counted without reading their
    3,000 actions' recommendations one by one on every dashboard and list (issue #12). Kept
    by the services, like the other tallies: creating an action, assessing or archiving a
    recommendation (`recommendations.tallies.partners_recounted`).
    """

    owner = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    office = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    assurance_status = models.CharField(max_length=20, choices=AssuranceStatus.choices)
    total = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "office", "assurance_status"],
                name="partner_recommendation_tally_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(total__gte=0), name="partner_recommendation_tally_total"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assurance_status}: {self.total}"
