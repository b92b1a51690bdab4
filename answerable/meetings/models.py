import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from answerable.core.models import BaseModel, VersionedModel
from answerable.organisations.models import Organisation
from answerable.recommendations.models import (
    Action,
    Assessment,
    MarkedFile,
    Recommendation,
    Theme,
)

ACTION_REVIEW_TITLE = "Review of action tracker"

# Papers carry the same handling markings as evidence; the register, beneath meetings, keeps
# the one list (and the fields and rule that go with it: MarkedFile).
Marking = MarkedFile.Marking


class AccountabilityMeeting(BaseModel):
    """A holding-to-account meeting, scrutiny panel or partnership board run by a PCC's office."""

    class Kind(models.TextChoices):
        HOLDING_TO_ACCOUNT = "holding_to_account", _("Holding to account")
        SCRUTINY_PANEL = "scrutiny_panel", _("Scrutiny panel")
        PARTNERSHIP_BOARD = "partnership_board", _("Partnership board")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        PAPERS_RECEIVED = "papers_received", _("Papers received")
        HELD = "held", _("Held")
        SUMMARY_PUBLISHED = "summary_published", _("Summary published")

    office = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="meetings")
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    starts_at = models.DateTimeField()
    venue = models.CharField(max_length=300, blank=True)
    online_url = models.URLField(max_length=500, blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="chaired_meetings",
    )
    chair_name = models.CharField(max_length=200, blank=True)
    is_public = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["office", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(chair__isnull=False) | ~models.Q(chair_name=""),
                name="meeting_has_chair",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({timezone.localtime(self.starts_at):%-d %B %Y})"

    def get_absolute_url(self) -> str:
        return reverse("meetings:meeting_detail", args=[self.pk])

    @property
    def local_starts_at(self) -> datetime.datetime:
        return timezone.localtime(self.starts_at)

    @property
    def chair_display(self) -> str:
        return self.chair_name or (str(self.chair) if self.chair_id else "")


class Attendee(BaseModel):
    """A person at a meeting, with their organisation and role there."""

    meeting = models.ForeignKey(
        AccountabilityMeeting, on_delete=models.CASCADE, related_name="attendees"
    )
    name = models.CharField(max_length=200)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["organisation"])]

    def __str__(self) -> str:
        return self.name


class AgendaItem(BaseModel, VersionedModel):
    """One item on a meeting's agenda, in order. Item 1 is always the action tracker review."""

    meeting = models.ForeignKey(
        AccountabilityMeeting, on_delete=models.CASCADE, related_name="items"
    )
    position = models.PositiveIntegerField()
    title = models.CharField(max_length=300)
    theme = models.ForeignKey(
        Theme, null=True, blank=True, on_delete=models.PROTECT, related_name="agenda_items"
    )
    description = models.TextField(blank=True)
    is_action_review = models.BooleanField(default=False)
    is_sensitive = models.BooleanField(
        default=False, help_text="Sensitive items never appear in anything published."
    )
    recommendations = models.ManyToManyField(
        Recommendation, blank=True, related_name="agenda_items"
    )
    actions = models.ManyToManyField(Action, blank=True, related_name="agenda_items")

    class Meta:
        ordering = ["meeting_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "position"], name="agenda_item_unique_position"
            ),
            models.UniqueConstraint(
                fields=["meeting"],
                condition=models.Q(is_action_review=True),
                name="agenda_item_one_action_review",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("meetings:meeting_detail", args=[self.meeting_id]) + f"#item-{self.pk}"


class Paper(MarkedFile):
    """A paper tabled for an agenda item: a content-checked file with its handling marking."""

    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="papers")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=300)
    file = models.FileField(upload_to="papers/%Y/%m/")
    file_kind = models.CharField(max_length=10)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)

    def __str__(self) -> str:
        return self.title


class Question(BaseModel):
    """A question on an item: prepared before the meeting or raised in it."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="questions")
    text = models.TextField()
    asked_by = models.CharField(max_length=200)
    addressed_to = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_prepared = models.BooleanField(default=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:80]


class Response(BaseModel):
    """The answer given to a question, and who gave it."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="responses")
    text = models.TextField()
    given_by_name = models.CharField(max_length=200)
    given_by_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_prepared = models.BooleanField(
        default=False, help_text="Written before the meeting rather than given in it."
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Response by {self.given_by_name}"


class ItemVerdict(BaseModel, VersionedModel):
    """The chair's conclusion on an item. Recording it again replaces it; the audit keeps both.

    An item with no verdict yet counts as version 0, so two first verdicts cannot both land.
    """

    class Verdict(models.TextChoices):
        ASSURED = "assured", _("Assured")
        PARTLY_ASSURED = "partly_assured", _("Partly assured")
        NOT_ASSURED = "not_assured", _("Not assured")
        FURTHER_INFORMATION = "further_information", _("Further information required")

    item = models.OneToOneField(AgendaItem, on_delete=models.CASCADE, related_name="verdict")
    verdict = models.CharField(max_length=20, choices=Verdict.choices)
    rationale = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    # The assessments the verdict was recorded as, so a recommendation's assurance can name
    # the meeting where it was given (issue #14).
    recorded_as = models.ManyToManyField(Assessment, blank=True, related_name="+")

    def __str__(self) -> str:
        return f"{self.get_verdict_display()} on {self.item}"


class MeetingAction(BaseModel):
    """Something a meeting asked an organisation to do, reviewed at later meetings until closed."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    meeting = models.ForeignKey(
        AccountabilityMeeting, on_delete=models.PROTECT, related_name="meeting_actions"
    )
    item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.PROTECT, related_name="meeting_actions"
    )
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_meeting_actions",
    )
    owner_name = models.CharField(max_length=200, blank=True)
    description = models.TextField()
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_note = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["owner", "status"]), models.Index(fields=["due_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="open") | ~models.Q(closed_note=""),
                name="meeting_action_closed_with_note",
            )
        ]

    def __str__(self) -> str:
        return f"Action {self.pk}: {self.description[:60]}"

    @property
    def reference(self) -> str:
        return f"MA{self.pk}"

    @property
    def owner_person(self) -> str:
        return self.owner_name or (str(self.owner_user) if self.owner_user_id else "")

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    def is_overdue_on(self, today: datetime.date) -> bool:
        return bool(self.is_open and self.due_on and self.due_on < today)

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_on(timezone.localdate())


class ReminderLog(models.Model):
    """One reminder about one item to one person on one day: the guard against repeats."""

    class ItemType(models.TextChoices):
        MEETING_ACTION = "meeting_action", _("Meeting action")
        REGISTER_ACTION = "register_action", _("Register action")
        # The daily digest of what someone follows: item_id is the recipient, and sent_at
        # the end of the period it covered, where the next digest starts (issue #17).
        FOLLOW_DIGEST = "follow_digest", _("Digest of followed changes")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    item_type = models.CharField(max_length=20, choices=ItemType.choices)
    item_id = models.PositiveBigIntegerField()
    sent_on = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "item_type", "item_id", "sent_on"],
                name="reminder_once_a_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.item_type} {self.item_id} to {self.recipient_id} on {self.sent_on}"
