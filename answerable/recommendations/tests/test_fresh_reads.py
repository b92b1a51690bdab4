"""The dashboard, list totals and list rows show a change on the first view after it."""

import datetime
import html
import re

from django.urls import reverse

from answerable.core.testing import sign_in
from answerable.recommendations import services
from answerable.recommendations.models import DeliveryStatus
from answerable.recommendations.tests.factories import RecommendationFactory


def _count(client, element_id: str) -> int:
    page = client.get(reverse("recommendations:dashboard")).content.decode()
    return int(re.search(rf'id="{element_id}">(\d+)<', page).group(1))


def _status_rows(client) -> dict[str, int]:
    page = client.get(reverse("recommendations:dashboard")).content.decode()
    table = page[page.index('id="by-status"') : page.index('id="by-assurance"')]
    cells = re.findall(r"delivery_status=(\w+)\">[^<]+</a></td>\s*<td[^>]*>(\d+)</td>", table)
    return {status: int(count) for status, count in cells}


def test_the_dashboard_shows_a_change_as_soon_as_it_is_saved(client, force_action, force_lead):
    sign_in(client, force_lead)
    assert _status_rows(client) == {DeliveryStatus.NOT_STARTED: 1}
    services.update_post(
        actor=force_lead, action=force_action, narrative="Begun", status=DeliveryStatus.ON_TRACK
    )
    assert _status_rows(client) == {DeliveryStatus.ON_TRACK: 1}
    services.action_target_date_change(
        actor=force_lead,
        action=force_action,
        new_on=datetime.date(2000, 1, 1),
        reason="Agreed at the board",
        expected_version=force_action.version,
    )
    assert _count(client, "count-overdue") == 1


def test_people_in_other_organisations_never_get_each_others_dashboard(
    client, force_action, council_action, force_lead, council_lead, scrutiny_officer
):
    services.update_post(
        actor=council_lead, action=council_action, narrative="Late", status=DeliveryStatus.OFF_TRACK
    )
    sign_in(client, force_lead)
    assert _status_rows(client) == {DeliveryStatus.NOT_STARTED: 1}
    sign_in(client, council_lead)
    assert _status_rows(client) == {DeliveryStatus.OFF_TRACK: 1}
    sign_in(client, scrutiny_officer)
    assert _status_rows(client) == {DeliveryStatus.NOT_STARTED: 1, DeliveryStatus.OFF_TRACK: 1}


def test_a_list_total_counts_a_recommendation_as_soon_as_it_is_recorded(
    client, source, scrutiny_officer
):
    for position in range(51):
        RecommendationFactory(source=source, position=position)
    sign_in(client, scrutiny_officer)
    url = reverse("recommendations:recommendation_list")
    assert 'id="result-count">51 recommendations<' in client.get(url).content.decode()
    services.recommendation_create(
        actor=scrutiny_officer, source=source, reference="Added-1", text="Review the policy."
    )
    page = client.get(url).content.decode()
    assert 'id="result-count">52 recommendations<' in page
    next_page = html.unescape(re.search(r'href="([^"]+)" rel="next"', page).group(1))
    assert "2 of 2" in page
    assert "Added-1" in client.get(url + next_page).content.decode()  # the 52nd, by position


def test_a_list_page_shows_a_change_as_soon_as_it_is_saved(client, force_action, force_lead):
    sign_in(client, force_lead)
    url = reverse("recommendations:action_list")
    assert 'govuk-tag--grey">Not started<' in client.get(url).content.decode()
    services.update_post(
        actor=force_lead, action=force_action, narrative="Late", status=DeliveryStatus.OFF_TRACK
    )
    page = client.get(url).content.decode()
    assert 'govuk-tag--red">Off track<' in page
    assert 'govuk-tag--grey">Not started<' not in page
