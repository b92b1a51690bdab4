"""The public calendar (iCalendar) of public meetings and the Atom feeds of published summaries
and of changes. Each body is the same for the same data, so its digest is its ETag (the
views answer repeat requests 304 Not Modified through core.conditional)."""

import datetime
from collections.abc import Callable, Iterable
from typing import Any

from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import ngettext
from icalendar import Calendar, Event

from answerable.meetings.models import AccountabilityMeeting
from answerable.publishing.models import Publication

# Meetings record only a start; calendars need an end, so assume the usual length.
ASSUMED_LENGTH = datetime.timedelta(hours=2)
# When a feed with no entries was last updated: never, so the earliest time there is.
NEVER_UPDATED = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


class AtomFeed(Atom1Feed):
    """Django's Atom feed, updated when its newest entry was, as Atom means; with no entries
    Django gives the time of the request, which would make every request's body new."""

    def latest_post_date(self) -> datetime.datetime:
        return super().latest_post_date() if self.items else NEVER_UPDATED


def meetings_calendar(
    *,
    meetings: Iterable[AccountabilityMeeting],
    summaries: dict[int, Publication],
    absolute: Callable[[str], str],
) -> bytes:
    """Public meetings as an iCalendar file; only non-sensitive item titles are listed.

    `meetings` must come with their non-sensitive items prefetched as `items`.
    """
    calendar = Calendar()
    calendar.add("prodid", "-//Answerable//Public meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Answerable: public accountability meetings")
    for meeting in meetings:
        event = Event()
        event.add("uid", f"meeting-{meeting.pk}@answerable")
        event.add("dtstamp", meeting.updated_at)
        event.add("dtstart", meeting.starts_at)
        event.add("dtend", meeting.starts_at + ASSUMED_LENGTH)
        event.add("summary", meeting.title)
        event.add("location", meeting.venue or meeting.online_url or "Online")
        lines = [
            f"{meeting.get_kind_display()} held by {meeting.office.name}.",
            f"Chair: {meeting.chair_display}.",
        ]
        if meeting.online_url:
            lines.append(f"Join online: {meeting.online_url}")
        titles = [item.title for item in meeting.items.all()]
        if titles:
            lines.append("Agenda:")
            lines += [f"{number}. {title}" for number, title in enumerate(titles, start=1)]
        summary = summaries.get(meeting.pk)
        if summary is not None:
            url = absolute(summary.get_absolute_url())
            lines.append(f"Published summary: {url}")
            event.add("url", url)
        elif meeting.online_url:
            event.add("url", meeting.online_url)
        event.add("description", "\n".join(lines))
        event.add("status", "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()


def _entry_html(content: dict[str, Any]) -> str:
    parts = [f"<p>{escape(content['meeting']['kind'])}, {escape(content['meeting']['when'])}</p>"]
    parts.append("<ul>")
    for item in content["items"]:
        verdict = f": {escape(item['verdict']['label'])}" if item["verdict"] else ""
        parts.append(f"<li>{item['number']}. {escape(item['title'])}{verdict}</li>")
    parts.append("</ul>")
    if count := len(content["actions"]):
        raised = ngettext("%(count)d action raised.", "%(count)d actions raised.", count)
        parts.append(f"<p>{raised % {'count': count}}</p>")
    return "".join(parts)


def summaries_atom(
    *, publications: Iterable[Publication], absolute: Callable[[str], str], feed_url: str
) -> str:
    """Published summaries as an Atom feed, newest first, built from their snapshots."""
    feed = AtomFeed(
        title="Answerable: published meeting summaries",
        link=absolute("/public/"),
        description="Summaries of accountability meetings, published after redaction review.",
        feed_url=feed_url,
        language="en-gb",
    )
    for publication in publications:
        link = absolute(publication.get_absolute_url())
        feed.add_item(
            title=publication.title,
            link=link,
            description=_entry_html(publication.content),
            unique_id=link,
            pubdate=publication.published_at,
            updateddate=publication.published_at,
            author_name=publication.content["meeting"]["office"],
        )
    return feed.writeString("utf-8")


def changes_atom(
    *,
    changes: Iterable[Any],
    title: str,
    absolute: Callable[[str], str],
    link: str,
    feed_url: str,
) -> str:
    """What changed on published recommendations, newest first (selectors' PublicChange)."""
    feed = AtomFeed(
        title=title,
        link=absolute(link),
        description="Progress, delivery status and assurance changes on published recommendations.",
        feed_url=feed_url,
        language="en-gb",
    )
    for change in changes:
        url = absolute(reverse("publishing:public_recommendation", args=[change.recommendation_id]))
        feed.add_item(
            title=change.title,
            link=url,
            description=f"<p>{escape(change.text)}</p><p>{escape(change.report)}</p>",
            unique_id=f"{url}#{change.key}",
            pubdate=change.at,
            updateddate=change.at,
        )
    return feed.writeString("utf-8")
