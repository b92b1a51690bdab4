"""Indicators as evidence on meeting agenda items: linking them, and fixing their figures for
the meeting (issue #16; what is fixed, and when, is in meeting_snapshots.py).

The office's scrutiny officers, who run its meetings, link its indicators to the agenda items
of its meetings. Each step is audited.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from answerable.accounts.models import User
from answerable.audit.services import audit_record
from answerable.core.prepared import prepared_list
from answerable.indicators import selectors
from answerable.indicators.meeting_snapshots import latest_text, meeting_day, snapshot_build
from answerable.indicators.models import Indicator, IndicatorAgendaLink
from answerable.meetings.models import AccountabilityMeeting, AgendaItem
from answerable.meetings.selectors import can_plan_meetings, evidence_agenda_item_list
from answerable.meetings.selectors_agenda import agenda_item_list
from answerable.meetings.services.locking import meeting_lock

# The form offers the items of upcoming meetings and of those held in the last year.
RECENT_MEETING_DAYS = 365
HELD = (AccountabilityMeeting.Status.HELD, AccountabilityMeeting.Status.SUMMARY_PUBLISHED)


def can_link_to_meetings(*, user: User, indicator: Indicator) -> bool:
    """The office's scrutiny officers, who run its meetings, link its indicators to them."""
    return can_plan_meetings(user=user, office_id=indicator.office_id)


def linkable_agenda_item_list(
    *, user: User, indicator: Indicator, since: datetime.datetime | None = None
) -> QuerySet[AgendaItem]:
    """The agenda items of the indicator's office's meetings the user may link it to, not yet
    linked, in meeting order; with `since`, only meetings starting then or later."""
    if not can_link_to_meetings(user=user, indicator=indicator):
        return AgendaItem.objects.none()
    items = (
        evidence_agenda_item_list(user=user, organisation_id=indicator.owner_id)
        .filter(meeting__office_id=indicator.office_id)
        .exclude(
            pk__in=IndicatorAgendaLink.objects.filter(indicator=indicator).values("agenda_item_id")
        )
    )
    if since is not None:
        items = items.filter(meeting__starts_at__gte=since)
    return items.order_by("meeting__starts_at", "meeting_id", "position", "id")


def recent_meetings_since() -> datetime.datetime:
    """The start of the day RECENT_MEETING_DAYS ago."""
    start_of_today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return start_of_today - datetime.timedelta(days=RECENT_MEETING_DAYS)


def indicator_agenda_link_list(*, user: User, indicator: Indicator) -> list[IndicatorAgendaLink]:
    """The agenda items the indicator (already read for the user) is evidence on that the
    user may see, latest meeting first: one query for an indicator on no agenda, as most
    are, and a second asking the meetings' rule about only the items it is on (issue #12:
    the rule over every meeting cost 3 ms on a page that showed none)."""
    links = prepared_list("indicator_agenda_links", IndicatorAgendaLink, _links_of, indicator.pk)
    if not links:
        return []
    visible = set(
        agenda_item_list(user=user)
        .filter(pk__in=[link.agenda_item_id for link in links])
        .values_list("pk", flat=True)
    )
    return [link for link in links if link.agenda_item_id in visible]


def _links_of(indicator_id: int) -> QuerySet[IndicatorAgendaLink]:
    return (
        IndicatorAgendaLink.objects.filter(indicator_id=indicator_id)
        .select_related("agenda_item__meeting")
        .order_by("-agenda_item__meeting__starts_at", "agenda_item__position", "pk")
    )


def _item_words(item: AgendaItem) -> str:
    return f"{item.meeting.title}, item {item.position}: {item.title}"


def _snapshot_take(*, actor: User, link: IndicatorAgendaLink, note: str) -> IndicatorAgendaLink:
    before = latest_text(link.snapshot)
    now = timezone.now()
    link.snapshot = snapshot_build(
        indicator=link.indicator,
        series=selectors.indicator_current_series_map(indicator_ids=[link.indicator_id]).get(
            link.indicator_id, []
        ),
        meeting_on=meeting_day(link.agenda_item.meeting),
        taken_at=now,
    )
    link.snapshot_taken_at = now
    link.save(update_fields=["snapshot", "snapshot_taken_at", "updated_at"])
    audit_record(
        actor=actor,
        action="indicator_agenda_link.snapshot_taken",
        target=link,
        organisation=link.indicator.office,
        changes={
            "agenda_item": [None, _item_words(link.agenda_item)],
            "latest": [before or None, latest_text(link.snapshot) or None],
            "figures": [None, len(link.snapshot["values"])],
        },
        note=note,
    )
    return link


@transaction.atomic
def indicator_agenda_link_create(
    *, actor: User, indicator: Indicator, agenda_item: AgendaItem, note: str = ""
) -> IndicatorAgendaLink:
    """Offer the indicator as evidence on an agenda item of one of its office's meetings.

    If the meeting is already held, its figures are fixed for the meeting at once.
    """
    if not can_link_to_meetings(user=actor, indicator=indicator):
        raise PermissionDenied(_("Only the office's scrutiny officers link its indicators"))
    if indicator.is_archived:
        raise ValidationError(_("This indicator is archived: it cannot be linked"))
    if (
        not linkable_agenda_item_list(user=actor, indicator=indicator)
        .filter(pk=agenda_item.pk)
        .exists()
    ):
        raise ValidationError(
            {"agenda_item": _("Select an agenda item of your office's meetings not yet linked")}
        )
    # Locked as marking it held locks it, so the link is made either before the figures are
    # fixed for the meeting, and fixed with the rest, or after, and fixed here.
    meeting = meeting_lock(pk=agenda_item.meeting_id)
    link = IndicatorAgendaLink(
        indicator=indicator, agenda_item=agenda_item, note=note.strip(), created_by=actor
    )
    link.full_clean()
    link.save()
    audit_record(
        actor=actor,
        action="indicator_agenda_link.created",
        target=link,
        organisation=indicator.office,
        changes={"agenda_item": [None, _item_words(agenda_item)]},
        note=link.note,
    )
    if meeting.status in HELD:
        _snapshot_take(actor=actor, link=link, note=_("Linked after the meeting was held"))
    return link


@transaction.atomic
def indicator_agenda_link_snapshot_take(
    *, actor: User, link: IndicatorAgendaLink
) -> IndicatorAgendaLink:
    """Fix the linked figures for the meeting again, from the figures as they stand now for
    the periods that had ended by the meeting's date; only once the meeting is held."""
    if not can_link_to_meetings(user=actor, indicator=link.indicator):
        raise PermissionDenied(_("Only the office's scrutiny officers fix these figures"))
    link = (
        IndicatorAgendaLink.objects.select_for_update(of=("self",))
        .select_related("indicator__office", "agenda_item__meeting")
        .get(pk=link.pk)
    )
    if link.agenda_item.meeting.status not in HELD:
        raise ValidationError(_("The figures are fixed once the meeting is held"))
    return _snapshot_take(actor=actor, link=link, note=_("Fixed again by the office"))


def meeting_held_snapshots_take(*, actor: User, meeting: AccountabilityMeeting) -> int:
    """Fix the figures of every indicator linked to the meeting's agenda that are not yet
    fixed: the meetings app calls this when the meeting is marked held, in its transaction.
    Returns how many were fixed."""
    if not can_plan_meetings(user=actor, office_id=meeting.office_id):
        raise PermissionDenied(_("Only the office's scrutiny officers fix these figures"))
    links = list(
        IndicatorAgendaLink.objects.select_for_update(of=("self",))
        .filter(agenda_item__meeting=meeting, snapshot_taken_at__isnull=True)
        .select_related("indicator__office", "agenda_item__meeting")
        .order_by("pk")
    )
    for link in links:
        _snapshot_take(actor=actor, link=link, note=_("Fixed as the meeting was marked held"))
    return len(links)


def indicator_agenda_link_get_for_user(*, user: User, pk: int) -> IndicatorAgendaLink:
    """The link, if the user may see its indicator; raise Http404 otherwise."""
    return get_object_or_404(
        IndicatorAgendaLink.objects.select_related("indicator__office", "agenda_item__meeting"),
        pk=pk,
        indicator__in=selectors.indicator_list(user=user, archived=None).values("pk"),
    )
