"""Stacked bar charts laid out for the SVG template and the Word pictures."""

from answerable.core.charts import Series, stacked_bar_chart

SERIES = [Series("done", "Done", "#00703c"), Series("open", "Open", "#1d70b8")]


def test_bars_share_one_scale_and_skip_what_has_no_count():
    chart = stacked_bar_chart(
        bars=[("Shire Police", {"done": 3, "open": 1}), ("Shire Council", {"open": 2})],
        series=SERIES,
    )
    police, council = chart.bars
    assert [(s.label, s.count) for s in police.segments] == [("Done", 3), ("Open", 1)]
    assert [(s.label, s.count) for s in council.segments] == [("Open", 2)]
    assert (police.total, council.total) == (4, 2)
    # Half the count, half the length: both bars are drawn on the largest one's scale.
    assert council.end_x - council.segments[0].x == (police.end_x - police.segments[0].x) / 2
    assert [key.label for key in chart.legend] == ["Done", "Open"]
    assert chart.height > max(key.y for key in chart.legend)


def test_labels_to_the_left_are_shortened_to_their_room():
    long_name = "Office of the Police and Crime Commissioner for Shire"
    chart = stacked_bar_chart(bars=[(long_name, {"done": 1})], series=SERIES, label_width=210)
    bar = chart.bars[0]
    assert chart.labels_left
    assert bar.title.endswith("…")
    assert len(bar.title) == 30
    assert bar.segments[0].x > 210  # the bar starts after the label's room


def test_nothing_to_chart_draws_no_chart():
    assert stacked_bar_chart(bars=[], series=SERIES) is None
