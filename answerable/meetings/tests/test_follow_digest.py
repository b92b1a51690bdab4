"""The daily digest of what people follow (issue #17)."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from answerable.audit.models import AuditEvent
from answerable.meetings.models import ReminderLog
from answerable.meetings.services.follow_digest import follow_digests_send
from answerable.organisations import services as organisation_services
from answerable.organisations.models import Membership
from answerable.organisations.tests.factories import member
from answerable.recommendations import services
from answerable.recommendations.models import Action, Evidence, Follow
from answerable.recommendations.tests.factories import ActionFactory, RecommendationFactory

BASE = "https://answerable.example.org"


def _follow(user, **target) -> Follow:
    """Follow, as from yesterday, so every change made in the test comes after it."""
    follow = services.follow_create(user=user, **target)
    Follow.objects.filter(pk=follow.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=1)
    )
    return follow


def _digests_to(user) -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if m.to == [user.email]]


@pytest.fixture
def followed(recommendation, force_action, council_action, force_lead, scrutiny_officer):
    _follow(force_lead, recommendation=recommendation)
    _follow(scrutiny_officer, recommendation=recommendation)
    return recommendation


def test_a_follower_gets_one_email_listing_what_changed_with_links(
    followed, force_action, force_lead, scrutiny_officer
):
    services.update_post(
        actor=force_lead, action=force_action, narrative="Secret plans", status="on_track"
    )
    services.action_target_date_change(
        actor=force_lead,
        action=force_action,
        new_on=datetime.date(2031, 5, 1),
        reason="Delay",
        expected_version=force_action.version,
    )
    services.update_post(
        actor=force_lead, action=force_action, narrative="Done", status="ready_for_assessment"
    )
    services.assessment_record(
        actor=scrutiny_officer, action=force_action, verdict="assured", rationale="Checked it"
    )

    run = follow_digests_send(base_url=BASE)

    [email] = _digests_to(force_lead)
    body = email.body
    assert "4 changes to what you follow" in email.subject
    assert "Progress update posted: status changed from Not started to On track" in body
    assert "Target date changed from" in body
    assert "1 May 2031" in body
    assert "Assessed as Assured" in body
    assert f"{BASE}/register/actions/{force_action.pk}/" in body
    assert f"{BASE}/register/following/" in body
    # Names what changed, never the free text written with it.
    for text in ("Secret plans", "Delay", "Checked it"):
        assert text not in body
    assert run.emails == 2  # the scrutiny officer follows it too
    assert AuditEvent.objects.filter(action="follow_digest.sent").count() == 2


def test_a_partner_is_told_only_of_what_it_may_see(
    followed, council_action, force_action, council_lead, force_lead
):
    services.update_post(
        actor=council_lead, action=council_action, narrative="Council work", status="off_track"
    )
    follow_digests_send(base_url=BASE)
    # The force sees only its own action under the recommendation: nothing of the council's.
    assert not _digests_to(force_lead)


def test_losing_access_stops_news_of_it(council, council_action, council_lead, recommendation):
    _follow(council_lead, action=council_action)
    _follow(council_lead, recommendation=recommendation)
    services.update_post(actor=council_lead, action=council_action, narrative="Went well")
    administrator = member(council, Membership.Role.ADMINISTRATOR)
    for membership in Membership.objects.filter(user=council_lead, organisation=council):
        organisation_services.membership_revoke(actor=administrator, membership=membership)

    run = follow_digests_send(base_url=BASE)

    assert run.emails == 0
    assert not _digests_to(council_lead)


def test_archiving_and_superseding_are_told(followed, scrutiny_officer, source, force_lead):
    later = RecommendationFactory(source=source, reference="R9")
    services.recommendation_supersede(
        actor=scrutiny_officer, recommendation=followed, superseded_by=later, reason="Replaced"
    )
    services.recommendation_archive(actor=scrutiny_officer, recommendation=followed, reason="Old")
    follow_digests_send(base_url=BASE)
    [email] = _digests_to(force_lead)
    assert "Superseded by a later recommendation" in email.body
    assert "Recommendation archived" in email.body
    assert f"{followed.reference} ({source.title})" in email.body


def test_following_a_source_covers_what_is_under_it(source, scrutiny_officer, force):
    _follow(scrutiny_officer, source=source)
    recommendation = services.recommendation_create(
        actor=scrutiny_officer, source=source, reference="N1", text="New one"
    )
    services.action_create(
        actor=scrutiny_officer, recommendation=recommendation, owner=force, description="Do it"
    )
    follow_digests_send(base_url=BASE)
    [email] = _digests_to(scrutiny_officer)
    assert "Recommendation added" in email.body
    assert "Action added" in email.body


def test_nothing_is_sent_when_nothing_changed(followed):
    run = follow_digests_send(base_url=BASE)
    assert run.emails == 0
    assert not mail.outbox
    assert not ReminderLog.objects.exists()


def test_no_change_is_told_twice_and_none_is_missed(followed, force_action, force_lead):
    services.update_post(actor=force_lead, action=force_action, narrative="First")
    today = timezone.localdate()
    assert follow_digests_send(today=today).emails == 2
    services.update_post(
        actor=force_lead, action=force_action, narrative="Second", status="on_track"
    )
    # Once a day: a second run the same day sends nothing, even with news.
    assert follow_digests_send(today=today).emails == 0
    tomorrow = today + datetime.timedelta(days=1)
    later = timezone.now() + datetime.timedelta(days=1)
    assert follow_digests_send(today=tomorrow, now=later).emails == 2
    first, second = _digests_to(force_lead)
    assert "Progress update posted" in first.body
    assert "status changed" not in first.body
    assert "status changed from Not started to On track" in second.body
    assert "Progress update posted\n" not in second.body  # the first update, already told
    assert follow_digests_send(today=tomorrow + datetime.timedelta(days=1), now=later).emails == 0


def test_a_failed_send_logs_nothing_so_the_next_run_tells_it(
    followed, force_action, force_lead, monkeypatch
):
    services.update_post(actor=force_lead, action=force_action, narrative="First")

    def broken(*args, **kwargs):
        raise ConnectionError("mail server down")

    monkeypatch.setattr("answerable.meetings.services.follow_digest.send_mail", broken)
    with pytest.raises(ConnectionError):
        follow_digests_send()
    assert not ReminderLog.objects.exists()
    monkeypatch.undo()
    assert follow_digests_send().emails == 2


def test_the_digest_reads_a_fixed_number_of_queries_however_much_changed(
    recommendation, force, force_lead
):
    actions = [ActionFactory(recommendation=recommendation, owner=force) for _ in range(6)]
    _follow(force_lead, recommendation=recommendation)
    for action in actions[:3]:
        _follow(force_lead, action=action)

    def queries_to_tell(changed, day: int) -> int:
        for action in changed:
            services.update_post(actor=force_lead, action=action, narrative="Went well")
            services.action_target_date_change(
                actor=force_lead,
                action=action,
                new_on=datetime.date(2031, 1, day),
                reason="Later",
                expected_version=Action.objects.get(pk=action.pk).version,
            )
        with CaptureQueriesContext(connection) as queries:
            run = follow_digests_send(
                today=timezone.localdate() + datetime.timedelta(days=day),
                now=timezone.now(),
            )
        assert run.changes == 2 * len(changed)
        return len(queries)

    queries_to_tell(actions[:1], day=1)  # the first digest also looks up when following began
    assert queries_to_tell(actions[:1], day=2) == queries_to_tell(actions, day=3) <= 12


def test_sensitive_evidence_never_reaches_the_email(followed, force_action, force_lead):
    services.update_post(
        actor=force_lead,
        action=force_action,
        narrative="See the report",
        evidence=[
            services.EvidenceInput(
                title="Covert source list",
                marking=Evidence.Marking.OFFICIAL_SENSITIVE,
                link="https://example.org/secret",
            )
        ],
    )
    follow_digests_send()
    [email] = _digests_to(force_lead)
    assert "Covert" not in email.body
    assert "example.org/secret" not in email.body


def test_the_daily_command_sends_the_digests(followed, force_action, force_lead, capsys, settings):
    settings.ANSWERABLE_SITE_URL = BASE
    services.update_post(actor=force_lead, action=force_action, narrative="Went well")
    call_command("send_reminders")
    assert "Sent 2 digest emails covering 2 followed changes" in capsys.readouterr().out
    assert BASE in _digests_to(force_lead)[0].body
