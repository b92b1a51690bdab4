"""The delivery and assurance statuses that actions, recommendations and their tallies share."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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
