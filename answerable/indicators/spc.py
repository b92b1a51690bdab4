"""XmR charts read the NHS England "Making Data Count" way: limits, rules and judgements.

Pure Python, no Django: a series of values in period order goes in, the mean, the moving
ranges, the process limits, the special-cause signals on each point and the variation and
assurance judgements come out (ADR 0012). Arithmetic is done in exact fractions, so a point
exactly on the mean or a limit is on it, never a rounding error either side.

The rules and their lengths are the constants below, documented in ADR 0012:

- a single point outside the process limits (mean ± 2.66 × the average moving range);
- a run of `RUN_LENGTH` points in a row all above, or all below, the mean; a point exactly
  on the mean breaks the run;
- a trend of `TREND_LENGTH` points in a row each higher (or each lower) than the one before;
  a point equal to its neighbour breaks the trend;
- two out of three points in a row beyond two sigma (two thirds of the way from the mean to
  a limit) on the same side of the mean.

A missing period is skipped, not counted as zero: the points either side of the gap are
neighbours for the moving range, the runs and the trends.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Protocol, TypeVar

# 3 / d2, where d2 = 1.128 is the bias constant for ranges of two points: the factor
# Making Data Count publishes, rounded as it rounds it.
LIMIT_FACTOR = Fraction(266, 100)
# Two sigma: two thirds of the way from the mean to a limit.
NEAR_LIMIT_FACTOR = LIMIT_FACTOR * 2 / 3
RUN_LENGTH = 7
TREND_LENGTH = 7
NEAR_LIMIT_COUNT, NEAR_LIMIT_WINDOW = 2, 3
# Fewer points than this give limits too unsteady to judge by: "not enough data".
MINIMUM_POINTS = 15

Number = Decimal | Fraction | int | float


class Direction(StrEnum):
    HIGHER_IS_BETTER = "higher"
    LOWER_IS_BETTER = "lower"


class Rule(StrEnum):
    OUTSIDE_LIMITS = "outside_limits"
    RUN = "run"
    TREND = "trend"
    NEAR_LIMITS = "near_limits"


class Side(StrEnum):
    HIGH = "high"
    LOW = "low"


class PointType(StrEnum):
    COMMON_CAUSE = "common_cause"
    IMPROVING = "improving"
    CONCERNING = "concerning"


class Variation(StrEnum):
    NOT_ENOUGH_DATA = "not_enough_data"
    COMMON_CAUSE = "common_cause"
    IMPROVING = "improving"
    CONCERNING = "concerning"


class Assurance(StrEnum):
    NOT_ENOUGH_DATA = "not_enough_data"
    NO_TARGET = "no_target"
    PASSING = "passing"
    FAILING = "failing"
    HIT_AND_MISS = "hit_and_miss"


@dataclass(frozen=True)
class Point:
    """One recorded value: its place in the input, and what the rules found in it.

    The value is held as a whole number over the reading's `scale` and made a fraction only
    when asked for: a page reads a dozen series of 120 (issue #16)."""

    index: int
    whole: int
    scale: int
    moving_whole: int | None  # from the previous recorded point; None for the first
    signals: dict[Rule, Side]
    point_type: PointType

    @property
    def value(self) -> Fraction:
        return Fraction(self.whole, self.scale)

    @property
    def moving_range(self) -> Fraction | None:
        return None if self.moving_whole is None else Fraction(self.moving_whole, self.scale)


@dataclass(frozen=True)
class Limits:
    mean: Fraction
    average_moving_range: Fraction
    upper: Fraction
    lower: Fraction
    upper_near: Fraction  # two sigma
    lower_near: Fraction


# What the rules compare: fractions, or the same scaled to integers (`_scaled`).
Scalar = TypeVar("Scalar", Fraction, int)
Scalar_co = TypeVar("Scalar_co", Fraction, int, covariant=True)


class Bounds(Protocol[Scalar_co]):
    """What the rules compare points with: `Limits`, or `ScaledBounds`."""

    @property
    def mean(self) -> Scalar_co: ...

    @property
    def upper(self) -> Scalar_co: ...

    @property
    def lower(self) -> Scalar_co: ...

    @property
    def upper_near(self) -> Scalar_co: ...

    @property
    def lower_near(self) -> Scalar_co: ...


@dataclass(frozen=True)
class ScaledBounds:
    """Limits multiplied by one integer, so that points scaled by it compare as integers."""

    mean: int
    upper: int
    lower: int
    upper_near: int
    lower_near: int


@dataclass(frozen=True)
class Reading:
    """An XmR chart of a series, with its judgements. `limits` is None below the minimum."""

    points: list[Point]
    limits: Limits | None
    variation: Variation
    assurance: Assurance
    direction: Direction
    target: Fraction | None

    @property
    def enough_data(self) -> bool:
        return self.limits is not None


def _whole(ratios: Sequence[tuple[int, int]]) -> tuple[list[int], int]:
    """Values given as (numerator, denominator) pairs, as integers over their least common
    denominator, and that denominator.

    Integers compare exactly, as fractions do, and about ten times faster: a list of
    indicators reads hundreds of series (issue #16)."""
    scale = math.lcm(*(denominator for _numerator, denominator in ratios)) if ratios else 1
    return [numerator * (scale // denominator) for numerator, denominator in ratios], scale


def _limits_of_whole(whole: list[int], scale: int) -> Limits:
    mean = Fraction(sum(whole), len(whole) * scale)
    moved = sum(abs(b - a) for a, b in zip(whole, whole[1:], strict=False))
    average = Fraction(moved, (len(whole) - 1) * scale)
    return Limits(
        mean=mean,
        average_moving_range=average,
        upper=mean + LIMIT_FACTOR * average,
        lower=mean - LIMIT_FACTOR * average,
        upper_near=mean + NEAR_LIMIT_FACTOR * average,
        lower_near=mean - NEAR_LIMIT_FACTOR * average,
    )


def limits_for(values: Sequence[Fraction]) -> Limits:
    """The mean, the average moving range and the process limits of at least two values."""
    return _limits_of_whole(*_whole([(v.numerator, v.denominator) for v in values]))


def _scaled(whole: list[int], scale: int, limits: Limits) -> tuple[list[int], ScaledBounds]:
    """The whole values and the limits multiplied by one more integer, so that every rule
    compares integers only."""
    thresholds = [
        limits.mean * scale,
        limits.upper * scale,
        limits.lower * scale,
        limits.upper_near * scale,
        limits.lower_near * scale,
    ]
    factor = math.lcm(*(threshold.denominator for threshold in thresholds))
    bounds = ScaledBounds(*(t.numerator * (factor // t.denominator) for t in thresholds))
    return [value * factor for value in whole], bounds


def outside_limit_points(values: Sequence[Scalar], limits: Bounds[Scalar]) -> dict[int, Side]:
    """Points beyond a limit; a point exactly on a limit is inside."""
    found = {}
    for i, value in enumerate(values):
        if value > limits.upper:
            found[i] = Side.HIGH
        elif value < limits.lower:
            found[i] = Side.LOW
    return found


def _marked_stretches(sides: list[Side | None], length: int) -> dict[int, Side]:
    """Every position in a stretch of at least `length` equal, non-None sides in a row."""
    found: dict[int, Side] = {}
    start = 0
    for i in range(len(sides) + 1):
        if i == len(sides) or sides[i] != sides[start]:
            side = sides[start] if start < len(sides) else None
            if side is not None and i - start >= length:
                found.update(dict.fromkeys(range(start, i), side))
            start = i
    return found


def run_points(values: Sequence[Scalar], mean: Scalar, length: int = RUN_LENGTH) -> dict[int, Side]:
    """Points in a run of `length` or more on one side of the mean; the mean itself breaks it."""
    sides = [Side.HIGH if v > mean else Side.LOW if v < mean else None for v in values]
    return _marked_stretches(sides, length)


def trend_points(values: Sequence[Scalar], length: int = TREND_LENGTH) -> dict[int, Side]:
    """Points in `length` or more in a row each above (or below) the one before.

    A trend of n points is n - 1 steps the same way; a step of zero breaks it.
    """
    steps: list[Side | None] = [
        Side.HIGH if b > a else Side.LOW if b < a else None
        for a, b in zip(values, values[1:], strict=False)
    ]
    found: dict[int, Side] = {}
    for step_index, side in _marked_stretches(steps, length - 1).items():
        # Step i joins points i and i + 1: both are in the trend.
        found[step_index] = side
        found[step_index + 1] = side
    return found


def near_limit_points(values: Sequence[Scalar], limits: Bounds[Scalar]) -> dict[int, Side]:
    """Points beyond two sigma where two of three in a row are beyond it on the same side.

    Only the points beyond two sigma are marked; the third point of the window may be
    anywhere. A point outside the limits is beyond two sigma too.
    """
    near: list[Side | None] = [
        Side.HIGH if v > limits.upper_near else Side.LOW if v < limits.lower_near else None
        for v in values
    ]
    found: dict[int, Side] = {}
    least_empty = NEAR_LIMIT_WINDOW - NEAR_LIMIT_COUNT
    for start in range(len(values) - NEAR_LIMIT_WINDOW + 1):
        window = near[start : start + NEAR_LIMIT_WINDOW]
        if window.count(None) > least_empty:
            continue
        for side in (Side.HIGH, Side.LOW):
            if window.count(side) >= NEAR_LIMIT_COUNT:
                found.update((i, side) for i, s in enumerate(window, start) if s == side)
    return found


def point_type_for(signals: dict[Rule, Side], direction: Direction) -> PointType:
    """Improving or concerning by the direction; a point signalling both ways is concerning."""
    if not signals:
        return PointType.COMMON_CAUSE
    good = Side.HIGH if direction == Direction.HIGHER_IS_BETTER else Side.LOW
    if all(side == good for side in signals.values()):
        return PointType.IMPROVING
    return PointType.CONCERNING


def assurance_for(limits: Limits, target: Fraction | None, direction: Direction) -> Assurance:
    """Where the target sits against the limits: beyond the poor limit, it is met every time.

    A target exactly on a limit counts as met there, since a value equal to the target meets
    it: higher is better and the target equals the lower limit is "passing".
    """
    if target is None:
        return Assurance.NO_TARGET
    if direction == Direction.HIGHER_IS_BETTER:
        if target <= limits.lower:
            return Assurance.PASSING
        if target > limits.upper:
            return Assurance.FAILING
    else:
        if target >= limits.upper:
            return Assurance.PASSING
        if target < limits.lower:
            return Assurance.FAILING
    return Assurance.HIT_AND_MISS


def _fraction(value: Number) -> Fraction:
    return value if isinstance(value, Fraction) else Fraction(value)


def _ratio(value: Number) -> tuple[int, int]:
    """(numerator, denominator) of a value, exactly, without making a Fraction."""
    if isinstance(value, int):
        return value, 1
    if isinstance(value, Fraction):
        return value.numerator, value.denominator
    return value.as_integer_ratio()


def analyse(
    values: Sequence[Number | None],
    *,
    direction: Direction | str,
    target: Number | None = None,
) -> Reading:
    """Read a series in period order, where None is a period with no value.

    With fewer than `MINIMUM_POINTS` values there are no limits, no signals and both
    judgements are "not enough data". The variation judgement reads the latest point:
    improving or concerning if any rule marks it, common cause otherwise.
    """
    direction = Direction(direction)
    goal = None if target is None else _fraction(target)
    indexes = [i for i, v in enumerate(values) if v is not None]
    whole, scale = _whole([_ratio(v) for v in values if v is not None])
    moved: list[int | None] = [
        None,
        *(abs(b - a) for a, b in zip(whole, whole[1:], strict=False)),
    ]
    if len(whole) < MINIMUM_POINTS:
        points = [
            Point(i, whole[n], scale, moved[n], {}, PointType.COMMON_CAUSE)
            for n, i in enumerate(indexes)
        ]
        return Reading(
            points, None, Variation.NOT_ENOUGH_DATA, Assurance.NOT_ENOUGH_DATA, direction, goal
        )

    limits = _limits_of_whole(whole, scale)
    compared, bounds = _scaled(whole, scale, limits)
    by_rule = {
        Rule.OUTSIDE_LIMITS: outside_limit_points(compared, bounds),
        Rule.RUN: run_points(compared, bounds.mean),
        Rule.TREND: trend_points(whole),
        Rule.NEAR_LIMITS: near_limit_points(compared, bounds),
    }
    marked = set().union(*by_rule.values())
    points = []
    for n, i in enumerate(indexes):
        if n not in marked:  # most points: nothing to look up
            points.append(Point(i, whole[n], scale, moved[n], {}, PointType.COMMON_CAUSE))
            continue
        signals = {rule: found[n] for rule, found in by_rule.items() if n in found}
        points.append(
            Point(i, whole[n], scale, moved[n], signals, point_type_for(signals, direction))
        )
    latest = points[-1].point_type
    variation = (
        Variation.COMMON_CAUSE if latest == PointType.COMMON_CAUSE else Variation(latest.value)
    )
    return Reading(
        points, limits, variation, assurance_for(limits, goal, direction), direction, goal
    )
