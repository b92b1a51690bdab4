"""Breakdowns on the public site: no small count, and nothing that gives one back by taking
the other categories from the total."""

import datetime
import itertools
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from answerable.indicators import agenda_links, links, meeting_snapshots, periods
from answerable.indicators.disclosure_breakdowns import breakdown_withheld, period_withheld
from answerable.indicators.models import Indicator, IndicatorCategoryValue, IndicatorValue
from answerable.indicators.tests.factories import (
    IndicatorFactory,
    breakdown_of,
    category_values,
    monthly_values,
)
from answerable.indicators.tests.test_public import _csv_rows, _detail, _json_rows
from answerable.meetings import services as meeting_services
from answerable.meetings.tests.factories import meeting_has_started, planned_meeting

D = Decimal
LATEST = datetime.date(2025, 4, 1)  # the 16th month from January 2024


def _withheld(figures, total, threshold=5):
    return period_withheld({n: D(v) for n, v in enumerate(figures)}, D(total), threshold)


@pytest.mark.parametrize(
    ("figures", "total", "expected"),
    [
        ([20, 30, 40], 90, (set(), set(), False)),
        # One small count: the next smallest goes too, or 90 - 30 - 40 would give it back.
        ([3, 30, 20], 53, ({0}, {2}, False)),
        # Two small counts whose sum (5) leaves each one more than one value: enough.
        ([2, 3, 30], 35, ({0, 1}, set(), False)),
        # Two zeros: their sum, 0, would give both back.
        ([0, 0, 30, 9], 39, ({0, 1}, {3}, False)),
        # Both at 4 (the most below 5): their sum, 8, gives both back.
        ([4, 4, 12, 30], 50, ({0, 1}, {2}, False)),
        # 0 and 5: with 5 the least "withheld" can be, the sum 5 gives both back, and there
        # is nothing left to withhold but the total.
        ([0, 5], 5, ({0}, {1}, True)),
    ],
)
def test_the_rule_withholds_enough_to_protect_each_small_count(figures, total, expected):
    assert _withheld(figures, total) == expected


def test_without_a_published_total_only_small_counts_are_withheld():
    assert period_withheld({1: D(3), 2: D(30)}, None, 5) == ({1}, set(), False)


@given(
    threshold=st.integers(min_value=2, max_value=6),
    figures=st.lists(st.integers(min_value=0, max_value=14), min_size=2, max_size=4),
)
@hypothesis_settings(max_examples=400, deadline=None)
def test_no_withheld_figure_can_be_worked_out_from_the_total_and_the_rest(threshold, figures):
    """Every whole-number answer consistent with what is published: each withheld figure
    must have at least two."""
    total = sum(figures)
    primary, secondary, total_withheld = _withheld(figures, total, threshold)
    if total < threshold or total_withheld:
        return  # the total is not published: the sum of the withheld figures is unknown
    hidden = sorted(primary | secondary)
    published = [v for n, v in enumerate(figures) if n not in hidden]
    ceiling = min(published, default=total)
    ranges = [range(threshold) if n in primary else range(threshold, ceiling + 1) for n in hidden]
    answers = [
        combo for combo in itertools.product(*ranges) if sum(combo) == total - sum(published)
    ]
    for place in range(len(hidden)):
        assert len({answer[place] for answer in answers}) >= 2, (figures, hidden)


def test_a_withheld_total_is_not_added_up_from_another_breakdown(force, office):
    indicator = IndicatorFactory.build(disclosure_threshold=5)
    withheld = breakdown_withheld(
        indicator=indicator,
        totals={LATEST: D(5)},
        breakdowns=[
            {1: {LATEST: D(0)}, 2: {LATEST: D(5)}},  # withholds the total (rule 3)
            {3: {LATEST: D(2)}, 4: {LATEST: D(3)}},
            {5: {LATEST: D(1)}, 6: {LATEST: D(0)}},
        ],
    )
    assert set(withheld.total) == {LATEST}
    assert all(LATEST in withheld.category(c) for c in (1, 2, 3, 4, 5, 6))
    percentage = IndicatorFactory.build(unit=Indicator.Unit.PERCENTAGE)
    nothing = breakdown_withheld(
        indicator=percentage, totals={LATEST: D(3)}, breakdowns=[{1: {LATEST: D(1)}}]
    )
    assert (nothing.total, nothing.categories) == ({}, {})


# --- the public page and the downloads ------------------------------------------------------


@pytest.fixture
def published(force, office):
    """Totals 60 and 64 for 16 months; by area, 10 + 30 + 20 and 14 + 30 + 20, but for the
    latest month, where Telford has 3, Shropshire 11 and Herefordshire 50 of 64."""
    indicator = IndicatorFactory(
        owner=force, office=office, name="Children missing", is_publishable=True
    )
    monthly_values(indicator, datetime.date(2024, 1, 1), [60, 64] * 8)
    areas = breakdown_of(indicator, ["Telford", "Shropshire", "Herefordshire"])
    telford, shropshire, herefordshire = areas.categories.order_by("position")
    category_values(telford, datetime.date(2024, 1, 1), [10, 14] * 7 + [10, 3])
    category_values(shropshire, datetime.date(2024, 1, 1), [30] * 15 + [11])
    category_values(herefordshire, datetime.date(2024, 1, 1), [20] * 15 + [50])
    return indicator


def _categories(indicator):
    return {c.name: c for c in indicator.breakdowns.get().categories.all()}


def test_a_small_category_count_and_the_figure_that_would_give_it_back_are_withheld(
    client, published
):
    page = _detail(client, published)
    table = page.split('id="breakdowns"')[1].split("</table>")[0]
    assert re.findall(r"cell--numeric\">([^<]*)<", table) == ["fewer than 5", "withheld", "50"]
    assert "the next smallest figures of that period are not published either" in page
    telford = _categories(published)["Telford"]
    chosen = _detail_of(client, published, telford)
    section = chosen.split('id="category"')[1]
    assert "Not judged: 1 of the figures are not published" in section
    assert 'id="category-figures"' in section
    figures = section.split('id="category-figures"')[1].split("</table>")[0]
    assert re.findall(r"cell--numeric\">([^<]*)<", figures)[:2] == ["fewer than 5", "10"]
    assert "Hollow circles: fewer than 5" in section
    shropshire = _detail_of(client, published, _categories(published)["Shropshire"])
    section = shropshire.split('id="category"')[1]
    svg = section.split('<svg class="app-xmr-chart"')[1].split("</svg>")[0]
    assert svg.count("<circle") == 15  # the withheld month is left out, not drawn
    # The total stays published and judged.
    assert "Common cause variation" in page.split('id="breakdowns"')[0]


def _detail_of(client, indicator, category):
    url = reverse("public_indicators:detail", args=[indicator.pk])
    response = client.get(f"{url}?category={category.pk}")
    assert response.status_code == 200
    return response.content.decode()


def test_the_downloads_carry_each_category_with_the_same_figures_withheld(client, published):
    for kind in ("csv", "json"):
        url = reverse("public_indicators:one_data", args=[published.pk, kind])
        rows = _csv_rows(client, url) if kind == "csv" else _json_rows(client, url)
        latest = {
            (row["breakdown"], row["category"]): (row["value"], row["value_text"])
            for row in rows
            if row["period_start"] == "2025-04-01"
        }
        assert latest == {
            ("", ""): ("64", "64"),
            ("Local policing area", "Telford"): (latest[("Local policing area", "Telford")][0],
                                                 "fewer than 5"),
            ("Local policing area", "Shropshire"): (latest[("Local policing area",
                                                            "Shropshire")][0], "withheld"),
            ("Local policing area", "Herefordshire"): ("50", "50"),
        }  # fmt: skip
        assert {latest[k][0] for k in latest if k[1] in ("Telford", "Shropshire")} <= {"", None}
        assert len(rows) == 16 * 4


@pytest.mark.parametrize(("telford", "shropshire"), [(0, 14), (4, 10), (2, 12)])
def test_nothing_public_depends_on_how_the_withheld_figures_split(
    client, published, telford, shropshire
):
    """The published total fixes only the withheld figures' sum: however it splits between
    them, every public output is the same, byte for byte."""
    categories = _categories(published)
    before = _outputs(client, published, categories)
    for name, value in (("Telford", telford), ("Shropshire", shropshire)):
        IndicatorCategoryValue.objects.filter(
            category=categories[name], period_start=LATEST
        ).update(value=value)
    assert _outputs(client, published, categories) == before
    assert IndicatorValue.objects.get(indicator=published, period_start=LATEST).value == 64


def _outputs(client, indicator, categories):
    pages = [_detail(client, indicator)] + [
        _detail_of(client, indicator, category) for category in categories.values()
    ]
    outputs = [re.sub(r'nonce="[^"]*"', "", page) for page in pages]
    for kind in ("csv", "json"):
        response = client.get(reverse("public_indicators:one_data", args=[indicator.pk, kind]))
        body = b"".join(response.streaming_content) if kind == "csv" else response.content
        outputs.append(re.sub(rb'"generated_at": "[^"]*"', b"", body))
    return outputs


# --- totals shown elsewhere in public: a meeting's fixed figures, a progress report ---------


@pytest.fixture
def total_gives_back(force, office):
    """Last month's total is 5, split 0 and 5: with 5 the least a "withheld" figure can be,
    the total would give both back (rule 3), so it is withheld wherever it is public."""
    last = periods.add_periods(
        periods.period_containing(timezone.localdate(), "monthly"), -1, "monthly"
    )
    first = periods.add_periods(last, -15, "monthly")
    indicator = IndicatorFactory(
        owner=force, office=office, name="Children missing", is_publishable=True
    )
    monthly_values(indicator, first, [20, 22] * 7 + [21, 5])
    north, south = breakdown_of(indicator, ["North", "South"]).categories.order_by("position")
    category_values(north, first, [10] * 15 + [0])
    category_values(south, first, [10, 12] * 7 + [11, 5])
    return indicator, periods.period_label(last, "monthly")


def test_a_withheld_total_is_withheld_in_a_progress_report_too(
    client, total_gives_back, recommendation, scrutiny_officer
):
    indicator, label = total_gives_back
    page = _detail(client, indicator)
    assert "withheld" in page.split('id="figures"')[1].split("</tr>")[1]
    links.indicator_link_create(
        actor=scrutiny_officer, indicator=indicator, recommendation=recommendation
    )
    [public] = links.recommendation_indicator_figures(
        recommendation_ids=[recommendation.pk], public=True
    )[recommendation.pk]
    assert public.startswith(f"Children missing: withheld in {label}. Not judged")
    [internal] = links.recommendation_indicator_figures(
        recommendation_ids=[recommendation.pk], public=False
    )[recommendation.pk]
    assert internal.startswith(f"Children missing: 5 in {label}.")


def test_a_withheld_total_is_withheld_in_a_meetings_published_figures(
    total_gives_back, office, scrutiny_officer
):
    indicator, label = total_gives_back
    meeting = planned_meeting(actor=scrutiny_officer, office=office, is_public=True)
    item = meeting_services.agenda_item_add(
        actor=scrutiny_officer, meeting=meeting, title="Missing children"
    )
    agenda_links.indicator_agenda_link_create(
        actor=scrutiny_officer, indicator=indicator, agenda_item=item
    )
    meeting_has_started(meeting)
    meeting_services.meeting_status_change(actor=scrutiny_officer, meeting=meeting, status="held")
    [figures] = meeting_snapshots.public_agenda_item_figures(item_ids=[item.pk])[item.pk]
    assert figures["latest_text"] == f"withheld in {label}"
    assert figures["rows"][0] == [label, "withheld"]
    assert figures["variation_text"].startswith("Not judged")
