"""The XmR maths against limits worked out by hand, and each rule at its edges."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from answerable.indicators.spc import (
    MINIMUM_POINTS,
    RUN_LENGTH,
    TREND_LENGTH,
    Assurance,
    Direction,
    Limits,
    PointType,
    Rule,
    Side,
    Variation,
    analyse,
    limits_for,
    near_limit_points,
    outside_limit_points,
    point_type_for,
    run_points,
    trend_points,
)

HIGHER = Direction.HIGHER_IS_BETTER
LOWER = Direction.LOWER_IS_BETTER
# 16 points alternating 10 and 12: mean 11, every moving range 2, so the limits are
# 11 ± 2.66 × 2 = 5.68 and 16.32, and two sigma is 11 ± 3.5466…
STEADY = [10, 12] * 8


def _fractions(values):
    return [Fraction(v) for v in values]


def _limits(mean, upper, upper_near):
    """Symmetrical limits around `mean`, for trying one rule on a handful of points."""
    return Limits(
        mean=Fraction(mean),
        average_moving_range=Fraction(0),
        upper=Fraction(upper),
        lower=Fraction(2 * mean - upper),
        upper_near=Fraction(upper_near),
        lower_near=Fraction(2 * mean - upper_near),
    )


# --- limits ----------------------------------------------------------------------------


def test_limits_match_a_hand_worked_example():
    """15 points summing to 180 (mean 12); 14 moving ranges summing to 32 (average 16/7);
    2.66 × 16/7 = 6.08, so the limits are 5.92 and 18.08."""
    values = [10, 14, 12, 12, 16, 10, 12, 14, 12, 10, 14, 12, 12, 10, 10]
    reading = analyse(values, direction=HIGHER)
    limits = reading.limits
    assert limits is not None
    assert limits.mean == 12
    assert limits.average_moving_range == Fraction(16, 7)
    assert limits.upper == Fraction("18.08")
    assert limits.lower == Fraction("5.92")
    assert float(limits.upper_near) == pytest.approx(12 + 6.08 * 2 / 3)
    assert [p.moving_range for p in reading.points] == [
        None,
        4,
        2,
        0,
        4,
        6,
        2,
        2,
        2,
        2,
        4,
        2,
        0,
        2,
        0,
    ]


def test_a_steady_series_has_common_cause_variation_only():
    reading = analyse(STEADY, direction=HIGHER)
    assert reading.limits is not None
    assert (reading.limits.lower, reading.limits.upper) == (Fraction("5.68"), Fraction("16.32"))
    assert all(p.point_type == PointType.COMMON_CAUSE for p in reading.points)
    assert reading.variation == Variation.COMMON_CAUSE


def test_decimals_are_read_exactly_so_a_point_on_the_mean_is_on_it():
    """0.1, 0.2 and 0.3 average 0.2 exactly; in floating point the mean is 0.19999…, and the
    0.2 in the middle of the 0.3s would extend their run to seven above the mean."""
    values = [Decimal(v) for v in ["0.3"] * 4 + ["0.2"] + ["0.3"] * 3 + ["0.1"] * 7]
    reading = analyse(values, direction=HIGHER)
    assert reading.limits is not None
    assert reading.limits.mean == Fraction(1, 5)
    in_runs = [p.index for p in reading.points if Rule.RUN in p.signals]
    assert in_runs == list(range(8, 15))


# --- too few points, missing periods --------------------------------------------------------


def test_fewer_than_the_minimum_is_not_enough_data():
    reading = analyse(STEADY[: MINIMUM_POINTS - 1], direction=HIGHER, target=11)
    assert reading.limits is None
    assert not reading.enough_data
    assert reading.variation == Variation.NOT_ENOUGH_DATA
    assert reading.assurance == Assurance.NOT_ENOUGH_DATA
    assert len(reading.points) == MINIMUM_POINTS - 1
    assert all(not p.signals for p in reading.points)


def test_the_minimum_is_enough():
    assert analyse(STEADY[:MINIMUM_POINTS], direction=HIGHER).enough_data


def test_missing_periods_are_skipped_not_counted_as_zero():
    values = [10, None, 14, *STEADY[: MINIMUM_POINTS - 2]]
    reading = analyse(values, direction=HIGHER)
    assert reading.enough_data
    assert [p.index for p in reading.points][:3] == [0, 2, 3]
    # The range spans the gap: 10 to 14, not 10 to 0 to 14.
    assert reading.points[1].moving_range == 4
    assert reading.limits is not None
    assert reading.limits.lower > 0


def test_missing_periods_do_not_count_towards_the_minimum():
    values = [None] * 5 + STEADY[: MINIMUM_POINTS - 1]
    assert analyse(values, direction=HIGHER).variation == Variation.NOT_ENOUGH_DATA


# --- a point outside the limits ----------------------------------------------------------


def test_a_point_on_a_limit_is_inside_and_one_beyond_it_is_outside():
    limits = _limits(0, 3, 2)
    found = outside_limit_points(_fractions([3, Fraction("3.01"), -3, Fraction("-3.01")]), limits)
    assert found == {1: Side.HIGH, 3: Side.LOW}


# --- runs ----------------------------------------------------------------------------------


def test_a_run_of_exactly_the_threshold_is_marked():
    assert RUN_LENGTH == 7
    assert run_points(_fractions([1] * 7), Fraction(0)) == dict.fromkeys(range(7), Side.HIGH)
    assert run_points(_fractions([-1] * 7), Fraction(0)) == dict.fromkeys(range(7), Side.LOW)


def test_a_run_one_short_of_the_threshold_is_not_marked():
    assert run_points(_fractions([1] * 6 + [-1] + [1] * 6), Fraction(0)) == {}


def test_a_point_on_the_mean_breaks_a_run():
    assert run_points(_fractions([1, 1, 1, 0, 1, 1, 1, 1]), Fraction(0)) == {}


def test_a_run_longer_than_the_threshold_is_marked_throughout():
    found = run_points(_fractions([-1] + [2] * 9 + [-1]), Fraction(0))
    assert found == dict.fromkeys(range(1, 10), Side.HIGH)


# --- trends --------------------------------------------------------------------------------


def test_a_trend_of_exactly_the_threshold_is_marked():
    assert TREND_LENGTH == 7
    assert trend_points(_fractions(range(7))) == dict.fromkeys(range(7), Side.HIGH)
    assert trend_points(_fractions(range(7, 0, -1))) == dict.fromkeys(range(7), Side.LOW)


def test_a_trend_one_short_of_the_threshold_is_not_marked():
    assert trend_points(_fractions([5, 1, 2, 3, 4, 5, 6, 0])) == {}


def test_equal_neighbours_break_a_trend():
    assert trend_points(_fractions([1, 2, 3, 4, 4, 5, 6, 7])) == {}


def test_a_trend_that_turns_is_marked_only_where_it_is_long_enough():
    values = [*range(1, 9), 5]  # eight rising, then a fall
    assert trend_points(_fractions(values)) == dict.fromkeys(range(8), Side.HIGH)


# --- two of three near a limit -----------------------------------------------------------


def test_two_of_three_beyond_two_sigma_on_one_side_are_marked():
    limits = _limits(0, 3, 2)
    values = _fractions([Fraction(5, 2), 0, Fraction(5, 2), 0, 0])
    assert near_limit_points(values, limits) == {0: Side.HIGH, 2: Side.HIGH}


def test_points_exactly_at_two_sigma_are_not_near_a_limit():
    limits = _limits(0, 3, 2)
    assert near_limit_points(_fractions([2, 2, 0, -2, -2]), limits) == {}


def test_two_near_points_on_opposite_sides_are_not_marked():
    limits = _limits(0, 3, 2)
    values = _fractions([Fraction(5, 2), Fraction(-5, 2), 0, Fraction(5, 2)])
    assert near_limit_points(values, limits) == {}


def test_two_near_points_more_than_three_apart_are_not_marked():
    limits = _limits(0, 3, 2)
    values = _fractions([Fraction(-5, 2), 0, 0, Fraction(-5, 2)])
    assert near_limit_points(values, limits) == {}


def test_a_point_outside_the_limits_counts_as_near_a_limit():
    limits = _limits(0, 3, 2)
    values = _fractions([4, 1, Fraction(5, 2)])
    assert near_limit_points(values, limits) == {0: Side.HIGH, 2: Side.HIGH}


# --- judgements ----------------------------------------------------------------------------


def _shifted(after):
    """Eight steady points around 10, then seven at `after`: the latest are in a run."""
    return [9, 11] * 4 + [after] * 7


@pytest.mark.parametrize(
    ("after", "direction", "variation"),
    [
        (13, HIGHER, Variation.IMPROVING),
        (13, LOWER, Variation.CONCERNING),
        (7, HIGHER, Variation.CONCERNING),
        (7, LOWER, Variation.IMPROVING),
    ],
)
def test_the_variation_judgement_reads_the_latest_point_by_direction(after, direction, variation):
    reading = analyse(_shifted(after), direction=direction)
    assert Rule.RUN in reading.points[-1].signals
    assert reading.variation == variation


def test_an_earlier_signal_does_not_make_the_latest_point_special():
    values = [9, 11] * 4 + [30] + [8, 12] * 3
    reading = analyse(values, direction=HIGHER)
    assert Rule.OUTSIDE_LIMITS in reading.points[8].signals
    assert reading.points[8].point_type == PointType.IMPROVING
    assert reading.variation == Variation.COMMON_CAUSE


def test_a_point_signalling_both_ways_is_concerning():
    signals = {Rule.RUN: Side.HIGH, Rule.TREND: Side.LOW}
    assert point_type_for(signals, HIGHER) == PointType.CONCERNING
    assert point_type_for(signals, LOWER) == PointType.CONCERNING
    assert point_type_for({Rule.TREND: Side.LOW}, LOWER) == PointType.IMPROVING
    assert point_type_for({}, LOWER) == PointType.COMMON_CAUSE


@pytest.mark.parametrize(
    ("direction", "target", "assurance"),
    [
        (HIGHER, None, Assurance.NO_TARGET),
        (HIGHER, "5", Assurance.PASSING),
        (HIGHER, "5.68", Assurance.PASSING),  # on the lower limit: the worst case meets it
        (HIGHER, "11", Assurance.HIT_AND_MISS),
        (HIGHER, "16.32", Assurance.HIT_AND_MISS),  # on the upper limit: met at best
        (HIGHER, "17", Assurance.FAILING),
        (LOWER, "17", Assurance.PASSING),
        (LOWER, "16.32", Assurance.PASSING),
        (LOWER, "11", Assurance.HIT_AND_MISS),
        (LOWER, "5.68", Assurance.HIT_AND_MISS),
        (LOWER, "5", Assurance.FAILING),
    ],
)
def test_the_assurance_judgement_places_the_target_against_the_limits(direction, target, assurance):
    reading = analyse(
        STEADY, direction=direction, target=None if target is None else Decimal(target)
    )
    assert reading.assurance == assurance


def test_limits_for_needs_only_the_values():
    limits = limits_for(_fractions([1, 3]))
    assert (limits.mean, limits.average_moving_range) == (2, 2)


# --- exact arithmetic ----------------------------------------------------------------------

# Figures as the model holds them (4 decimal places), bunched so that points land on the mean,
# a limit or two sigma often.
FIGURES = st.decimals(min_value=-50, max_value=50, places=4) | st.sampled_from(
    [Decimal(0), Decimal("0.5"), Decimal(1), Decimal("1.0001"), Decimal(2)]
)


@given(st.lists(FIGURES | st.none(), min_size=MINIMUM_POINTS, max_size=40))
@hypothesis_settings(max_examples=300, deadline=None)
def test_the_reading_marks_exactly_what_the_rules_find_over_fractions(values):
    """`analyse` compares whole numbers for speed; it must agree with the rules applied to the
    exact fractions, points on the mean or a limit included."""
    reading = analyse(values, direction=HIGHER)
    series = [Fraction(v) for v in values if v is not None]
    if len(series) < MINIMUM_POINTS:
        assert reading.limits is None
        return
    mean = sum(series, Fraction(0)) / len(series)
    moved = sum((abs(b - a) for a, b in zip(series, series[1:], strict=False)), Fraction(0))
    average = moved / (len(series) - 1)
    limits = Limits(mean, average, mean + Fraction("2.66") * average,
                    mean - Fraction("2.66") * average, mean + Fraction("2.66") * 2 / 3 * average,
                    mean - Fraction("2.66") * 2 / 3 * average)  # fmt: skip
    assert reading.limits == limits == limits_for(series)
    expected: dict[int, dict[Rule, Side]] = {}
    for rule, found in [
        (Rule.OUTSIDE_LIMITS, outside_limit_points(series, limits)),
        (Rule.RUN, run_points(series, limits.mean)),
        (Rule.TREND, trend_points(series)),
        (Rule.NEAR_LIMITS, near_limit_points(series, limits)),
    ]:
        for n, side in found.items():
            expected.setdefault(n, {})[rule] = side
    assert [point.signals for point in reading.points] == [
        expected.get(n, {}) for n in range(len(series))
    ]
    assert [point.value for point in reading.points] == series
