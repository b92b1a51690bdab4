"""What the recommendation and action pages show: their timelines, actions and links."""

import datetime
import html
import re
from unittest import mock

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from answerable.audit.services import audit_record
from answerable.core.testing import sign_in
from answerable.organisations.models import Membership
from answerable.organisations.tests.factories import member
from answerable.recommendations import services
from answerable.recommendations.models import (
    Assessment,
    DeliveryStatus,
    Evidence,
    TargetDateChange,
    Update,
)
from answerable.recommendations.tests.factories import (
    ActionFactory,
    RecommendationFactory,
    ThemeFactory,
)
from answerable.workforce.models import CoverageLink
from answerable.workforce.tests.factories import CourseFactory


def at(day: int, hour: int = 9, minute: int = 5) -> datetime.datetime:
    return datetime.datetime(2025, 1, day, hour, minute, 30, tzinfo=datetime.UTC)


def recorded_at(moment: datetime.datetime):
    """Events written inside this block carry `moment` (the database refuses to edit them)."""
    return mock.patch("answerable.audit.services.timezone", now=lambda: moment)


def timeline(client, url: str) -> list[tuple[str, str, str]]:
    """Each entry of the page's timeline: its title, who and when, and its text."""
    page = client.get(url).content.decode()
    items = re.findall(r'<li class="app-timeline__item">(.*?)\n      </li>', page, re.S)
    entries = []
    for item in items:
        title = re.search(r"<h3[^>]*>(.*?)</h3>", item).group(1)
        meta = re.search(r'<p class="app-timeline__meta">(.*?)</p>', item).group(1)
        body = re.search(r'<p class="govuk-body">(.*?)</p>', item)
        entries.append((html.unescape(title), html.unescape(meta), body and body.group(1) or ""))
    return entries


@pytest.fixture
def action(recommendation, force, scrutiny_officer):
    with recorded_at(at(1, 14, 0)):
        return services.action_create(
            actor=scrutiny_officer, recommendation=recommendation, owner=force, description="Train"
        )


def test_the_action_page_shows_its_timeline_newest_first_with_who_and_when(
    client, action, force, force_lead, scrutiny_officer
):
    nameless = member(force, Membership.Role.LEAD_OFFICER, full_name="", email="anon@example.org")
    services.update_post(actor=force_lead, action=action, narrative="Half <trained> & more")
    services.update_post(actor=nameless, action=action, narrative="Started", status="on_track")
    services.action_target_date_change(
        actor=force_lead,
        action=action,
        new_on=datetime.date(2026, 3, 1),
        reason="Trainer ill",
        expected_version=action.version,
    )
    services.assessment_record(
        actor=scrutiny_officer, action=action, verdict="not_assured", rationale="Too slow"
    )
    with recorded_at(at(9)), transaction.atomic():
        audit_record(actor=None, action="action.archived", target=action, note="Tidied")
    first, second = Update.objects.filter(action=action).order_by("id")
    Update.objects.filter(pk=first.pk).update(created_at=at(3))
    Update.objects.filter(pk=second.pk).update(created_at=at(7, 23, 59))
    TargetDateChange.objects.filter(action=action).update(created_at=at(7, 23, 59))
    Assessment.objects.filter(action=action).update(created_at=at(8))
    sign_in(client, force_lead)

    assert timeline(client, action.get_absolute_url()) == [
        ("Action archived", "System, 9 January 2025 at 09:05", "Tidied"),
        ("Assessment: Not assured", "Sam Scrutiny, 8 January 2025 at 09:05", "Too slow"),
        # At the same time: updates before date changes, as they were read.
        (
            "Status changed from Not started to On track",
            "anon@example.org, 7 January 2025 at 23:59",
            "Started",
        ),
        (
            "Target date changed from none to 1 March 2026",
            "Lee Lead, 7 January 2025 at 23:59",
            "Trainer ill",
        ),
        ("Progress update", "Lee Lead, 3 January 2025 at 09:05", "Half &lt;trained&gt; &amp; more"),
        ("Action created", "Sam Scrutiny, 1 January 2025 at 14:00", ""),
    ]


def test_the_action_timeline_lists_each_updates_evidence_and_no_other(
    client, action, force, force_lead
):
    services.update_post(actor=force_lead, action=action, narrative="With a plan")
    services.update_post(actor=force_lead, action=action, narrative="Nothing attached")
    other = ActionFactory(recommendation=action.recommendation, owner=force)
    services.update_post(actor=force_lead, action=other, narrative="Elsewhere")
    with_plan, _, elsewhere = Update.objects.order_by("id")
    for update, title, fields in [
        (
            with_plan,
            "Delivery plan",
            {"file": "evidence/2025/01/plan.pdf", "file_kind": "pdf", "size": 123456},
        ),
        (with_plan, "Minutes", {"link": "https://example.org/m?a=1&b=2", "marking": "official"}),
        (elsewhere, "Not this action's", {"link": "https://example.org/x"}),
    ]:
        Evidence.objects.create(
            action=update.action, update=update, title=title, uploaded_by=force_lead, **fields
        )
    Evidence.objects.filter(title="Delivery plan").update(is_published=True)
    Evidence.objects.filter(title="Minutes").update(marking="official_sensitive")
    sign_in(client, force_lead)

    page = client.get(action.get_absolute_url()).content.decode()
    plan = Evidence.objects.get(title="Delivery plan")
    download = reverse("recommendations:evidence_download", args=[plan.pk])
    items = [
        " ".join(html.unescape(re.sub(r"<[^>]+>", "", item)).split())
        for item in re.findall(r"<li>(.*?)</li>", page, re.S)
    ]
    assert items == [
        "Delivery plan (download) (PDF, 123.5 kB) – OFFICIAL, may be published",
        "Minutes – OFFICIAL-SENSITIVE",
    ]
    assert f'href="{download}"' in page
    assert 'href="https://example.org/m?a=1&amp;b=2" rel="noreferrer noopener"' in page
    assert "Not this action" not in page


def test_the_recommendation_page_shows_its_assessments_and_recorded_changes(
    client, recommendation, scrutiny_officer
):
    other = RecommendationFactory(source=recommendation.source, reference="R-other")
    with recorded_at(at(2)):
        services.recommendation_link_create(
            actor=scrutiny_officer,
            from_recommendation=recommendation,
            to_recommendation=other,
            kind="overlaps",
        )
        services.assessment_record(
            actor=scrutiny_officer,
            recommendation=recommendation,
            verdict="partly_assured",
            rationale="Some way to go",
        )
    Assessment.objects.update(created_at=at(4))
    sign_in(client, scrutiny_officer)
    url = recommendation.get_absolute_url()

    assert timeline(client, url) == [
        ("Assessment: Partly assured", "Sam Scrutiny, 4 January 2025 at 09:05", "Some way to go"),
        ("Linked to another recommendation", "Sam Scrutiny, 2 January 2025 at 09:05", ""),
    ]
    other_url = reverse("recommendations:recommendation_detail", args=[other.pk])
    assert f'Overlaps <a class="govuk-link" href="{other_url}">R-other</a>' in (
        client.get(url).content.decode()
    )


def test_the_recommendation_page_lists_the_actions_and_coverage_the_user_may_see(
    client, recommendation, force, council, force_lead, scrutiny_officer
):
    own = ActionFactory(recommendation=recommendation, owner=force, description="Ours")
    ActionFactory(recommendation=recommendation, owner=council, description="Theirs")
    course = CourseFactory(owner=force, code="CSE", title="CSE awareness")
    CoverageLink.objects.create(
        course=course, recommendation=recommendation, note="Most trained", created_by=force_lead
    )
    CoverageLink.objects.create(
        course=CourseFactory(owner=council, code="SAFE", title="Safeguarding"),
        recommendation=recommendation,
        note="The council's",
        created_by=scrutiny_officer,
    )
    sign_in(client, force_lead)

    page = client.get(recommendation.get_absolute_url()).content.decode()
    action_url = reverse("recommendations:action_detail", args=[own.pk])
    assert (
        f'<a class="govuk-link" href="{action_url}">{recommendation.reference}'
        f'<span class="govuk-visually-hidden"> action for {force.name}</span></a>'
    ) in page
    assert "Ours" in page
    assert "Theirs" not in page
    course_url = reverse("workforce:course_coverage", args=[course.pk])
    assert (
        f'<a class="govuk-link" href="{course_url}">CSE awareness ({force.name})</a>: Most trained'
    ) in page
    assert "Safeguarding" not in page


def _queries(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        page = client.get(url).content.decode()
    return len(captured), page


def test_the_detail_pages_read_as_many_queries_however_much_they_list(
    client, recommendation, action, force, force_lead, scrutiny_officer
):
    """More actions, links, themes, narratives and follows show on the pages without more
    queries."""
    sign_in(client, force_lead)
    rec_url, action_url = recommendation.get_absolute_url(), action.get_absolute_url()
    # A process's first view looks its content types up once (Django keeps them): a test run
    # first in its process counted that query too.
    _queries(client, rec_url)
    _queries(client, action_url)
    rec_before, _ = _queries(client, rec_url)
    action_before, _ = _queries(client, action_url)

    for n in range(3):
        ActionFactory(recommendation=recommendation, owner=force, description=f"More {n}")
        other = RecommendationFactory(source=recommendation.source, reference=f"R-other-{n}")
        services.recommendation_link_create(
            actor=scrutiny_officer,
            from_recommendation=recommendation,
            to_recommendation=other,
            kind="overlaps",
        )
        services.update_post(
            actor=force_lead, action=action, narrative=f"Step {n}", public_narrative=f"Public {n}"
        )
    services.follow_create(user=force_lead, recommendation=recommendation)
    services.follow_create(user=force_lead, action=action)
    themes = [ThemeFactory(name="Vetting"), ThemeFactory(name="Training")]
    recommendation.themes.add(*themes)

    rec_after, rec_page = _queries(client, rec_url)
    action_after, action_page = _queries(client, action_url)
    assert (rec_after, action_after) == (rec_before, action_before)
    assert "More 2" in rec_page
    assert "R-other-2" in rec_page
    assert "Stop following" in rec_page
    training, vetting = (
        reverse("recommendations:theme_detail", args=[theme.pk]) for theme in themes[::-1]
    )
    assert (
        f'<a class="govuk-link" href="{training}">Training</a>, '
        f'<a class="govuk-link" href="{vetting}">Vetting</a>'
    ) in rec_page
    assert "Public 2" in action_page
    assert "Proposed by Lee Lead" in action_page
    assert "Stop following" in action_page


def test_the_action_tables_tag_as_overdue_only_open_actions_past_their_target_day(
    client, recommendation, force, scrutiny_officer
):
    """The action list and a recommendation's page tag an open action whose target day has
    passed in London, and neither one due today nor one already completed."""
    today = timezone.localdate()
    for description, target_on, status in (
        ("Past and open", today - datetime.timedelta(days=1), DeliveryStatus.ON_TRACK),
        ("Due today", today, DeliveryStatus.ON_TRACK),
        ("Past and done", today - datetime.timedelta(days=3), DeliveryStatus.COMPLETED),
    ):
        ActionFactory(
            recommendation=recommendation,
            owner=force,
            description=description,
            target_on=target_on,
            delivery_status=status,
        )
    sign_in(client, scrutiny_officer)
    overdue = '<strong class="govuk-tag govuk-tag--red">Overdue</strong>'
    for url in (
        reverse("recommendations:action_list"),
        recommendation.get_absolute_url(),
    ):
        rows = re.findall(
            r'<tr class="govuk-table__row">(.*?)</tr>', client.get(url).content.decode(), re.S
        )
        tagged = {
            name: overdue in row
            for row in rows
            for name in ("Past and open", "Due today", "Past and done")
            if name in row
        }
        assert tagged == {"Past and open": True, "Due today": False, "Past and done": False}, url
