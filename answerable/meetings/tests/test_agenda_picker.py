"""The agenda item's picker: a long register narrowed by words, without JavaScript."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from answerable.core.testing import sign_in
from answerable.meetings import services
from answerable.meetings.models import AgendaItem
from answerable.recommendations.models import Action, Recommendation
from answerable.recommendations.picker import SHOWN_CHOICES
from answerable.recommendations.tests.factories import (
    ActionFactory,
    RecommendationFactory,
    SourceFactory,
)


def _ticks(page: str) -> int:
    return page.count('type="checkbox"')


def test_finding_words_narrows_the_register_and_a_tick_still_saves(
    client, scrutiny_officer, meeting, source, force
):
    training = RecommendationFactory(source=source, reference="T1", text="Train every officer.")
    for n in range(30):
        RecommendationFactory(source=source, reference=f"X{n}", text="Share referrals faster.")
    ActionFactory(recommendation=training, owner=force, description="Run the course")
    url = reverse("meetings:agenda_item_add", args=[meeting.pk])
    sign_in(client, scrutiny_officer)
    everything = client.get(url).content.decode()
    found = client.get(url, {"find": "training"}).content.decode()
    assert _ticks(everything) == 33  # 31 recommendations, the action and the sensitive box
    assert "T1" in found
    assert "X7 (" not in found  # as the picker labels it; a page's nonce may hold "X7"
    assert _ticks(found) == 3  # the sensitive box, the recommendation and its action
    assert 'value="training"' in found
    response = client.post(
        f"{url}?find=training",
        {"title": "Training", "recommendations": [training.pk]},
    )
    assert response.status_code == 302
    assert list(AgendaItem.objects.get(title="Training").recommendations.all()) == [training]


def test_what_the_item_already_considers_stays_listed(client, scrutiny_officer, meeting, source):
    kept = RecommendationFactory(source=source, reference="K1", text="Keep data on victims.")
    RecommendationFactory(source=source, reference="T1", text="Train every officer.")
    item = services.agenda_item_add(
        actor=scrutiny_officer, meeting=meeting, title="Data", recommendations=[kept]
    )
    sign_in(client, scrutiny_officer)
    page = client.get(
        reverse("meetings:agenda_item_update", args=[item.pk]), {"find": "training"}
    ).content.decode()
    assert "K1" in page
    assert "T1" in page


def test_a_long_register_lists_the_first_rows_and_keeps_every_tick(
    client, scrutiny_officer, meeting, source
):
    for n in range(SHOWN_CHOICES + 5):
        RecommendationFactory(source=source, reference=f"R{n:03}", text="Share referrals.")
    last = RecommendationFactory(source=source, reference="Z9", text="Train every officer.")
    item = services.agenda_item_add(
        actor=scrutiny_officer, meeting=meeting, title="Data", recommendations=[last]
    )
    url = reverse("meetings:agenda_item_update", args=[item.pk])
    sign_in(client, scrutiny_officer)
    page = client.get(url).content.decode()
    # The first rows in register order, the item's own link past them, and a word on the rest.
    assert _ticks(page) == SHOWN_CHOICES + 2  # and the sensitive box
    assert f"R{SHOWN_CHOICES - 1:03} (" in page
    assert f"R{SHOWN_CHOICES:03} (" not in page
    assert "Z9 (" in page
    assert f"More than {SHOWN_CHOICES} recommendations match" in page
    # A form sent back with an error still shows what was ticked beyond the first rows.
    beyond = Recommendation.objects.get(reference=f"R{SHOWN_CHOICES + 2:03}")
    refused = client.post(
        url,
        {
            "title": "",
            "recommendations": [last.pk, beyond.pk],
            "expected_version": item.version,
        },
    ).content.decode()
    assert "Enter the title of the item" in refused
    assert re.search(rf'<input[^>]*value="{beyond.pk}"[^>]*checked', refused)
    saved = client.post(
        url,
        {"title": "Data", "recommendations": [last.pk, beyond.pk], "expected_version": 1},
    )
    assert saved.status_code == 302
    assert set(AgendaItem.objects.get(pk=item.pk).recommendations.all()) == {last, beyond}


def _boxes(page: str, name: str) -> list[int]:
    return [int(pk) for pk in re.findall(rf'name="{name}" type="checkbox" value="(\d+)"', page)]


def test_the_first_rows_listed_are_the_registers_first_across_many_reports(
    client, scrutiny_officer, meeting, office, force
):
    """The reports are read a few at a time, in title order, not in the order they came."""
    sources = [SourceFactory(owner=office, title=f"Report {(n * 7) % 40:02}") for n in range(40)]
    for position in (2, 0, 1):
        for source in sources:
            recommendation = RecommendationFactory(source=source, position=position)
            ActionFactory(recommendation=recommendation, owner=force)
    sign_in(client, scrutiny_officer)
    page = client.get(reverse("meetings:agenda_item_add", args=[meeting.pk])).content.decode()
    recommendations = Recommendation.objects.order_by("source__title", "position", "id")
    actions = Action.objects.order_by(
        "recommendation__source__title", "recommendation__position", "id"
    )
    assert _boxes(page, "recommendations") == [r.pk for r in recommendations[:SHOWN_CHOICES]]
    assert _boxes(page, "actions") == [a.pk for a in actions[:SHOWN_CHOICES]]
    assert f"More than {SHOWN_CHOICES} recommendations match" in page
    assert f"More than {SHOWN_CHOICES} actions match" in page


def test_the_item_form_costs_the_same_queries_however_long_the_register(
    client, scrutiny_officer, meeting, office, force
):
    item = services.agenda_item_add(actor=scrutiny_officer, meeting=meeting, title="Data")
    url = reverse("meetings:agenda_item_update", args=[item.pk])
    sign_in(client, scrutiny_officer)
    counts = []
    for more in (2, SHOWN_CHOICES + 20):
        source = SourceFactory(owner=office)
        for _ in range(more):
            ActionFactory(recommendation=RecommendationFactory(source=source), owner=force)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
