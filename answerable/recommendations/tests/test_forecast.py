"""The completion forecast, on histories whose answer can be worked out by hand."""

import datetime

from answerable.recommendations.forecast import History, Outcome, forecast

AS_OF = datetime.date(2026, 6, 15)
STARTED = datetime.date(2025, 1, 10)


def _months(first: datetime.date, count: int) -> list[datetime.date]:
    index = first.year * 12 + first.month - 1
    return [datetime.date((index + i) // 12, (index + i) % 12 + 1, 1) for i in range(count)]


def _steady(per_month: int) -> dict[datetime.date, int]:
    """`per_month` completions in each of the 12 whole months before June 2026."""
    return dict.fromkeys(_months(datetime.date(2025, 6, 1), 12), per_month)


def _history(**fields: object) -> History:
    values: dict[str, object] = {
        "as_of": AS_OF,
        "started_on": STARTED,
        "completions": _steady(10),
        "open_targets": {None: 30},
        "slips": {},
    }
    values.update(fields)
    return History(**values)  # type: ignore[arg-type]


def test_a_steady_rate_finishes_when_the_rate_says():
    """30 open at 10 a month: July, August and September, so the end of September."""
    result = forecast(_history())
    assert result.outcome == Outcome.FORECAST
    assert result.monthly_rate == 10
    assert result.p50 == result.p80 == result.p95 == datetime.date(2026, 9, 30)


def test_items_wait_for_their_target_month():
    """20 targeted at August, 10 a month: 10 in August and 10 in September."""
    result = forecast(_history(open_targets={datetime.date(2026, 8, 1): 20}, slips={0: 40}))
    assert result.p50 == result.p95 == datetime.date(2026, 9, 30)


def test_slipping_target_dates_push_the_forecast_later():
    """Every target date before moved three months, so August's items are expected in November."""
    slipped = forecast(_history(open_targets={datetime.date(2026, 8, 1): 20}, slips={91: 40}))
    assert slipped.slipped_share == 1
    assert slipped.median_slip_days == 91
    assert slipped.p50 == slipped.p95 == datetime.date(2026, 12, 31)


def test_half_the_targets_slipping_spreads_the_band():
    result = forecast(_history(open_targets={datetime.date(2026, 8, 1): 20}, slips={0: 20, 91: 20}))
    assert datetime.date(2026, 9, 30) <= result.p50 <= result.p80 <= result.p95  # type: ignore[operator]
    assert result.p95 == datetime.date(2026, 12, 31)
    assert result.slipped_share == 0.5


def test_an_uneven_rate_gives_a_band_and_the_same_band_every_time():
    uneven = dict(zip(_months(datetime.date(2025, 6, 1), 12), [0, 20] * 6, strict=True))
    first = forecast(_history(completions=uneven))
    again = forecast(_history(completions=uneven))
    assert first == again
    assert first.p50 is not None
    assert first.p95 is not None
    assert first.p50 < first.p95
    # Never sooner than two months (20 at most a month), never later than the horizon.
    assert first.p50 >= datetime.date(2026, 8, 31)


def test_a_pace_that_varies_widens_the_band_and_a_steady_one_does_not():
    """Each run's pace wanders by a random factor, the more the months vary (ADR 0018): the
    backtest's band held the real count at 65% of month-ends without it, 82% with it."""
    uneven = dict(zip(_months(datetime.date(2025, 6, 1), 12), [5, 25] * 6, strict=True))
    narrow = forecast(_history(completions=uneven), spread=0)
    wide = forecast(_history(completions=uneven))
    assert narrow.p50 is not None
    assert narrow.p95 is not None
    assert wide.p50 is not None
    assert wide.p95 is not None
    assert (wide.p95 - wide.p50) > (narrow.p95 - narrow.p50)
    steady = _history(completions=dict.fromkeys(_months(datetime.date(2025, 6, 1), 12), 10))
    assert forecast(steady) == forecast(steady, spread=0)


def test_too_little_history_is_said_not_guessed():
    short = forecast(_history(started_on=datetime.date(2026, 2, 1)))
    assert short.outcome == Outcome.TOO_LITTLE_HISTORY
    assert short.p50 is None
    few = forecast(_history(completions={datetime.date(2026, 5, 1): 9}))
    assert few.outcome == Outcome.TOO_LITTLE_HISTORY
    assert few.completed_count == 9


def test_no_completions_in_the_last_year_cannot_be_forecast():
    old = forecast(
        _history(started_on=datetime.date(2020, 1, 1), completions={datetime.date(2022, 3, 1): 40})
    )
    assert old.outcome == Outcome.NO_RECENT_COMPLETIONS
    assert old.completed_count == 40


def test_nothing_open_needs_no_forecast():
    assert forecast(_history(open_targets={})).outcome == Outcome.NOTHING_OPEN


def test_completions_after_the_forecast_date_are_not_history():
    """A replay at a past date must not see what happened later."""
    later = _steady(10) | {datetime.date(2026, 7, 1): 500}
    assert forecast(_history(completions=later)).completed_count == 120


def test_the_band_counts_what_is_done_each_month_ahead():
    """30 open at 10 a month: 10 done by July, 20 by August, all 30 by September."""
    band = forecast(_history()).band
    assert band == (
        (datetime.date(2026, 7, 31), 10, 10, 10),
        (datetime.date(2026, 8, 31), 20, 20, 20),
        (datetime.date(2026, 9, 30), 30, 30, 30),
    )


def test_a_pace_that_changed_counts_recent_months_more_and_runs_differ_in_pace():
    """Six idle months, then six of 30 a month, and 30 open: one busy month finishes them.

    A month's chance halves every 6 months back, so a busy month is drawn with chance 2/3
    (the last six weigh twice the six before). Each run first draws its own 12 months, so
    the chance it has not finished after m months is E[(J/12)^m] with J ~ Binomial(12, 1/3)
    idle months: 1/3 after one month, 13% after two, 5.6% after three, 2.6% after four.
    So P50 is July, P80 August (with every month alike it would be September) and P95
    October (drawing every month from the record alone, September). Without the pace's
    wander, which the next test covers, so the chances stay countable by hand.
    """
    months = _months(datetime.date(2025, 6, 1), 12)
    changed = dict(zip(months, [0] * 6 + [30] * 6, strict=True))
    result = forecast(_history(completions=changed), spread=0)
    assert result.monthly_rate == 15  # the plain average, as the page states it
    assert result.p50 == datetime.date(2026, 7, 31)
    assert result.p80 == datetime.date(2026, 8, 31)
    assert result.p95 == datetime.date(2026, 10, 31)
