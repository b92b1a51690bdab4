import datetime

from django.urls import reverse
from django.utils import timezone

from answerable.core.testing import post_forms_without_csrf, sign_in
from answerable.recommendations.tests.factories import (
    ActionFactory,
    RecommendationFactory,
    SourceFactory,
)


def test_every_register_page_renders_for_a_scrutiny_officer(
    client, scrutiny_officer, force_lead, force_action
):
    sign_in(client, scrutiny_officer)
    for name, args in [
        ("recommendations:dashboard", []),
        ("recommendations:source_list", []),
        ("recommendations:source_create", []),
        ("recommendations:source_detail", [force_action.recommendation.source.pk]),
        ("recommendations:recommendation_list", []),
        ("recommendations:recommendation_detail", [force_action.recommendation.pk]),
        ("recommendations:recommendation_create", [force_action.recommendation.source.pk]),
        ("recommendations:recommendation_assess", [force_action.recommendation.pk]),
        ("recommendations:recommendation_response", [force_action.recommendation.pk]),
        ("recommendations:action_create", [force_action.recommendation.pk]),
        ("recommendations:action_list", []),
        ("recommendations:action_detail", [force_action.pk]),
        ("recommendations:action_assess", [force_action.pk]),
        ("recommendations:action_target_date", [force_action.pk]),
        ("recommendations:assessment_queue", []),
        ("organisations:audit_trail", []),
    ]:
        r = client.get(reverse(name, args=args))
        assert r.status_code == 200, (name, r.status_code)
        assert post_forms_without_csrf(r.content.decode()) == 0, name
    sign_in(client, force_lead)
    r = client.get(reverse("recommendations:action_update", args=[force_action.pk]))
    assert r.status_code == 200
    r = client.post(
        reverse("recommendations:action_update", args=[force_action.pk]),
        {"narrative": "", "status": "on_track", "evidence_marking": "official"},
    )
    assert r.status_code == 200
    assert b"There is a problem" in r.content


def test_the_register_filters_by_a_visible_source_and_offers_only_visible_sources(
    client, office, force, force_lead, force_action
):
    other_source = SourceFactory(owner=office, title="Inspection of custody")
    other = ActionFactory(recommendation=RecommendationFactory(source=other_source), owner=force)
    hidden = SourceFactory(owner=office, title="Review the force has no action under")
    sign_in(client, force_lead)
    url = reverse("recommendations:recommendation_list")

    page = client.get(url, {"source": other_source.pk}).content.decode()
    assert f'<option value="{other_source.pk}" selected>Inspection of custody</option>' in page
    assert hidden.title not in page
    assert other.recommendation.get_absolute_url() in page
    assert force_action.recommendation.get_absolute_url() not in page

    # A source the user may not see is not a valid choice: nothing about it is shown.
    refused = client.get(url, {"source": hidden.pk}).content.decode()
    assert "Select a valid choice" in refused
    assert hidden.title not in refused


def test_an_empty_form_sent_is_answered_with_what_to_fill_in(
    client, scrutiny_officer, force_action
):
    """A POST with no fields is still a submission: the form says what is missing, rather than
    drawing itself again as if nothing had been sent."""
    sign_in(client, scrutiny_officer)
    for url in (
        reverse("recommendations:source_create"),
        reverse("recommendations:action_create", args=[force_action.recommendation_id]),
    ):
        page = client.post(url, {}).content.decode()
        assert "There is a problem" in page, url


def test_a_progress_update_over_the_limit_is_refused_with_the_limit_named(
    client, force_lead, force_action
):
    sign_in(client, force_lead)
    response = client.post(
        reverse("recommendations:action_update", args=[force_action.pk]),
        {"narrative": "a" * 10_005, "status": "on_track", "evidence_marking": "official"},
    )
    assert "Enter 10000 characters or fewer. You entered 10005" in response.content.decode()
    assert not force_action.updates.exists()


def test_the_action_list_due_in_the_next_30_days_runs_from_today_to_30_days_on(
    client, force_lead, recommendation, force
):
    today = timezone.localdate()
    for days in (-1, 0, 30, 31):
        ActionFactory(
            recommendation=recommendation,
            owner=force,
            description=f"Due on day {days}",
            target_on=today + datetime.timedelta(days=days),
        )
    ActionFactory(
        recommendation=recommendation,
        owner=force,
        description="Completed already",
        target_on=today,
        delivery_status="completed",
    )
    sign_in(client, force_lead)
    for _ in range(2):  # the second read runs the SQL the first built
        page = client.get(reverse("recommendations:action_list"), {"due": "30_days"})
        shown = {
            text
            for text in ("Due on day -1", "Due on day 0", "Due on day 30", "Due on day 31")
            + ("Completed already",)
            if f">{text}</span>" in page.content.decode()
        }
        assert shown == {"Due on day 0", "Due on day 30"}
