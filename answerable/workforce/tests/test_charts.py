import re

import pytest

from answerable.workforce import charts
from answerable.workforce.models import ChartDrawing

pytestmark = pytest.mark.django_db


def _chart(chart_id: str = "chart-command") -> str:
    return _svg(
        charts.bar_chart(
            charts.ChartFigures(
                chart_id=chart_id,
                title="CSE awareness: per cent in date by command",
                description="Bar chart against a target of 90%. <CID> 50.0%.",
                labels=["CID", "Local Policing"],
                percents=[50.0, None],
                target=90,
            )
        )
    )


def _svg(chart: charts.Chart) -> str:
    [svg] = charts.drawn([chart])
    return svg


def test_charts_carry_a_title_and_description_for_assistive_technology():
    svg = _chart()
    assert svg.startswith("<svg ")
    assert 'role="img"' in svg
    assert 'aria-labelledby="chart-command-title chart-command-desc"' in svg
    assert (
        '<title id="chart-command-title">CSE awareness: per cent in date by command</title>' in svg
    )
    assert "&lt;CID&gt; 50.0%" in svg


def test_charts_need_no_inline_styles_so_the_csp_can_forbid_them():
    svg = _chart()
    assert "style=" not in svg
    assert "<style" not in svg
    assert 'fill="#1d70b8"' in svg or 'fill="#d4351c"' in svg


def test_two_charts_on_one_page_share_no_element_ids():
    ids = [re.findall(r'\bid="([^"]+)"', _chart(name)) for name in ("chart-a", "chart-b")]
    assert ids[0]
    assert not set(ids[0]) & set(ids[1])
    for svg, prefix in ((_chart("chart-a"), "chart-a"), (_chart("chart-b"), "chart-b")):
        for target in re.findall(r'href="#([^"]+)"|url\(#([^)]+)\)', svg):
            assert any(t.startswith(prefix) for t in target if t)


def test_the_trend_chart_draws_each_month():
    svg = _svg(
        charts.line_chart(
            charts.ChartFigures(
                chart_id="chart-trend",
                title="Trend",
                description="d",
                labels=["Jan 2025", "Feb 2025"],
                percents=[60.0, 70.0],
                target=90,
            )
        )
    )
    assert 'role="img"' in svg
    assert "style=" not in svg


def test_a_chart_is_drawn_once_then_read_back_as_drawn():
    first = _chart()
    assert ChartDrawing.objects.count() == 1
    kept = ChartDrawing.objects.get()
    kept.svg = kept.svg.replace("CSE awareness", "Read back")
    kept.save()
    assert "Read back" in _chart()  # not drawn again
    assert "Read back" not in first
