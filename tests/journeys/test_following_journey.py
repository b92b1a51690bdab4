"""Following a recommendation and being told by email when it changes (issue #17).

A force's lead officer follows a recommendation from its page and sees it on "What you
follow"; the action under it moves; the daily command emails one digest, whose link opens
the changed action. Every page the journey visits is checked with axe-core.
"""

import re

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import Page, expect

from answerable.recommendations import services
from answerable.recommendations.models import Follow, Source
from tests.journeys.helpers import check_page, sign_in, visit_and_check

pytestmark = pytest.mark.browser


def test_follow_a_recommendation_and_receive_the_digest(
    page: Page, live_server, scrutiny_officer, force, force_lead, office, settings
):
    settings.ANSWERABLE_SITE_URL = live_server.url
    source = services.source_create(
        actor=scrutiny_officer,
        owner=office,
        title="Inspection of child exploitation",
        kind=Source.Kind.INSPECTION,
        publisher="HMICFRS",
    )
    recommendation = services.recommendation_create(
        actor=scrutiny_officer, source=source, reference="R2", text="Have a CSE problem profile."
    )
    action = services.action_create(
        actor=scrutiny_officer,
        recommendation=recommendation,
        owner=force,
        description="Produce the CSE problem profile.",
    )
    base = live_server.url
    sign_in(page, base, force_lead.email)

    visit_and_check(page, f"{base}{recommendation.get_absolute_url()}")
    page.get_by_role("button", name="Follow", exact=True).click()
    check_page(page)
    expect(page.locator("#follow-status")).to_contain_text("You are following this")
    expect(page.get_by_role("button", name="Stop following")).to_be_visible()

    page.get_by_role("link", name="What you follow").click()
    check_page(page)
    expect(page.locator("#following")).to_contain_text("R2 (Inspection of child exploitation)")

    assert Follow.objects.filter(user=force_lead, recommendation=recommendation).exists()
    services.update_post(
        actor=force_lead, action=action, narrative="Draft written", status="on_track"
    )
    call_command("send_reminders")

    [email] = [m for m in mail.outbox if m.to == [force_lead.email]]
    assert "1 change to what you follow" in email.subject
    assert "status changed from Not started to On track" in email.body
    assert "Draft written" not in email.body
    link = re.search(rf"{re.escape(base)}/register/actions/\d+/", email.body).group(0)
    visit_and_check(page, link)
    expect(page.locator("h1")).to_have_text("Action for Shire Police")
