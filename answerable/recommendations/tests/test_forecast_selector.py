"""The forecast and burn-up read from a scope's real history."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from answerable.core.testing import sign_in
from answerable.organisations.models import Membership, Organisation
from answerable.organisations.tests.factories import OrganisationFactory, member
from answerable.recommendations import services
from answerable.recommendations.burnup import burnup_chart
from answerable.recommendations.forecast import Outcome
from answerable.recommendations.models import Action, DeliveryStatus, TargetDateChange, Update
from answerable.recommendations.selectors import action_list, recommendation_list
from answerable.recommendations.selectors.forecast import BurnupPoint, completion_forecast
from answerable.recommendations.tests.factories import ActionFactory, RecommendationFactory

TODAY = timezone.localdate()


def _months_ago(months: int, day: int = 10) -> datetime.datetime:
    index = TODAY.year * 12 + TODAY.month - 1 - months
    return datetime.datetime(index // 12, index % 12 + 1, day, 12, 0, tzinfo=datetime.UTC)


def _complete(action: Action, actor: object, at: datetime.datetime) -> None:
    """Complete the action through the service, then date it in the past."""
    update = services.update_post(
        actor=actor, action=action, narrative="Done.", status=DeliveryStatus.COMPLETED
    )
    Update.objects.filter(pk=update.pk).update(created_at=at)


@pytest.fixture
def history(source, force, force_lead):
    """26 force actions made 13 months ago; 2 completed in each of the last 12 months."""
    actions = []
    for _ in range(26):
        action = ActionFactory(recommendation=RecommendationFactory(source=source), owner=force)
        actions.append(action)
    Action.objects.filter(pk__in=[a.pk for a in actions]).update(created_at=_months_ago(13))
    for index, action in enumerate(actions[:24]):
        _complete(action, force_lead, _months_ago(12 - index // 2))
    return actions


def _scope(user, source):
    return {
        "actions": action_list(user=user).filter(source=source),
        "recommendations": recommendation_list(user=user).filter(source=source),
    }


def test_the_forecast_reads_the_scopes_rate(history, source, scrutiny_officer):
    """Two open, two a month: both done by the end of next month."""
    result = completion_forecast(**_scope(scrutiny_officer, source))
    assert result.delivery.outcome == Outcome.FORECAST
    assert result.delivery.open_count == 2
    assert result.delivery.completed_count == 24
    assert result.delivery.p95 is not None
    assert (result.delivery.p95.year, result.delivery.p95.month) == (
        (TODAY + datetime.timedelta(days=32)).year,
        (TODAY + datetime.timedelta(days=32)).month,
    )
    assert result.burnup[-1].total == 26
    assert result.burnup[-1].done == 24


def test_unable_to_implement_is_left_out_and_counted(history, source, scrutiny_officer, force_lead):
    services.update_post(
        actor=force_lead,
        action=history[-1],
        narrative="Needs a change in the law.",
        status=DeliveryStatus.UNABLE_TO_IMPLEMENT,
        unable_reason="Needs national legislation",
    )
    result = completion_forecast(**_scope(scrutiny_officer, source))
    assert result.unable_count == 1
    assert result.delivery.open_count == 1


def test_a_new_scope_has_too_little_history(source, force, scrutiny_officer):
    ActionFactory(recommendation=RecommendationFactory(source=source), owner=force)
    result = completion_forecast(**_scope(scrutiny_officer, source))
    assert result.delivery.outcome == Outcome.TOO_LITTLE_HISTORY
    assert result.assurance.outcome == Outcome.TOO_LITTLE_HISTORY


def test_a_replay_sees_the_record_as_it_stood(history, source, scrutiny_officer, force_lead):
    """Six months ago: 14 done, 12 open, and the target as it was before a later change."""
    open_action = history[-1]
    services.action_target_date_change(
        actor=scrutiny_officer,
        action=open_action,
        new_on=TODAY + datetime.timedelta(days=400),
        reason="Waiting for the new system",
        expected_version=open_action.version,
    )
    then = _months_ago(6, day=20).date()
    result = completion_forecast(**_scope(scrutiny_officer, source), as_of=then)
    assert result.delivery.completed_count == 14
    assert result.delivery.open_count == 12
    now = completion_forecast(**_scope(scrutiny_officer, source))
    assert now.delivery.open_count == 2
    assert TargetDateChange.objects.count() == 1


def test_partners_forecast_only_what_they_see(history, source, council, council_lead):
    ActionFactory(recommendation=history[0].recommendation, owner=council)
    result = completion_forecast(**_scope(council_lead, source))
    assert result.delivery.open_count == 1
    assert result.delivery.completed_count == 0


def test_the_forecast_page_answers_with_dates_a_chart_and_its_table(
    client, history, source, scrutiny_officer
):

    sign_in(client, scrutiny_officer)
    page = client.get(reverse("recommendations:source_forecast", args=[source.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "All 2 open actions delivered: in 4 runs out of 5, by" in html
    assert 'role="img"' in html
    assert html.count("(forecast)") >= 1
    assert "2.0 actions delivered a month on average" in html
    detail = client.get(reverse("recommendations:source_detail", args=[source.pk]))
    assert reverse("recommendations:source_forecast", args=[source.pk]) in detail.content.decode()


def test_another_areas_forecast_is_not_found(client, history, source):
    stranger = member(
        OrganisationFactory(kind=Organisation.Kind.PCC_OFFICE), Membership.Role.SCRUTINY_OFFICER
    )
    sign_in(client, stranger)
    page = client.get(reverse("recommendations:source_forecast", args=[source.pk]))
    assert page.status_code == 404


def test_the_dashboard_leads_to_the_forecast_of_everything_the_user_sees(
    client, history, force_lead
):
    sign_in(client, force_lead)
    dashboard = client.get(reverse("recommendations:dashboard")).content.decode()
    url = reverse("recommendations:organisation_forecast")
    assert url in dashboard
    page = client.get(url).content.decode()
    assert "All 2 open actions delivered: in 4 runs out of 5, by" in page
    assert 'id="burnup-table"' in page


def test_the_burn_up_names_months_in_the_pages_language():
    """Welsh offices will switch the language; the chart's months must follow it."""
    points = [BurnupPoint(month=datetime.date(2026, 12, 1), total=3, done=1)]
    english = burnup_chart(points, []).x_ticks[0][1]
    with translation.override("cy"):
        welsh = burnup_chart(points, []).x_ticks[0][1]
    assert english == "Dec 2026"
    assert welsh != english
    assert welsh.endswith("2026")
