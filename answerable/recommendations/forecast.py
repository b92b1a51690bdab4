"""When will every open item in a scope be done? A forecast from the scope's own record.

The method, in the words the page uses: each open item is expected in the month of its
target date, moved by a slip drawn from how far this scope's target dates have moved
before (an item with no target date, or one already past, is expected now). Each run
takes a pace of its own: it draws 12 months from the scope's last 12, recent months more
often (a month's chance halves every 6 months back), slows or speeds them all by one random
factor (the more the scope's months vary, the more), and each month completes as many of the
expected items as one of those months did (ADR 0018). Repeating that 2,000 times gives
the dates by which half (P50), four in five (P80) and 19 in 20 (P95) of the runs had
finished. The runs are seeded, so the same record always gives the same forecast.

With fewer than 6 months of history or 10 completions the forecast says so instead of
guessing. The module is pure: the selectors read the record, this only counts.
"""

import calendar
import datetime
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum

import numpy as np

MIN_HISTORY_MONTHS = 6
MIN_COMPLETIONS = 10
WINDOW_MONTHS = 12
# A month's chance of being drawn halves every this many months back, so a pace that has
# changed counts for more than one long past (ADR 0018). 0 draws every month alike.
HALF_LIFE_MONTHS = 6
# A run's pace is scaled by exp(N(0, s)), s = PACE_SPREAD x the window's coefficient of
# variation: a pace wanders more than one year shows, the more so the more its months vary,
# and a steady one not at all. In the backtest the P10-P90 band held the real count at 65% of
# month-ends without it, 72% with 0.3, 79% with 0.5, 82% with 0.6, 85% with 0.7 (ADR 0018).
PACE_SPREAD = 0.6
TRIALS = 2_000
HORIZON_MONTHS = 240
DAYS_PER_MONTH = 365.25 / 12
SEED = 2026
PERCENTILES = (50, 80, 95)
BAND_MONTHS = 60


class Outcome(StrEnum):
    FORECAST = "forecast"
    NOTHING_OPEN = "nothing_open"
    TOO_LITTLE_HISTORY = "too_little_history"
    NO_RECENT_COMPLETIONS = "no_recent_completions"


@dataclass(frozen=True)
class History:
    """What the record says about a scope, as of a date.

    `completions` counts completions by month (keyed by the month's first day);
    `open_targets` counts open items by target month (None for no target date);
    `slips` counts items with a target date by how many days it has moved in all.
    """

    as_of: datetime.date
    started_on: datetime.date | None
    completions: Mapping[datetime.date, int]
    open_targets: Mapping[datetime.date | None, int]
    slips: Mapping[int, int]


@dataclass(frozen=True)
class Forecast:
    outcome: Outcome
    open_count: int
    completed_count: int
    history_months: int
    monthly_rate: float = 0.0
    slipped_share: float = 0.0
    median_slip_days: int = 0
    # None where fewer than that share of runs finished within the horizon (20 years).
    p50: datetime.date | None = None
    p80: datetime.date | None = None
    p95: datetime.date | None = None
    # The burn-up's forecast band: for each month ahead (its last day), how many of the open
    # items 10%, 50% and 90% of the runs had done by then.
    band: tuple[tuple[datetime.date, int, int, int], ...] = ()

    @property
    def is_forecast(self) -> bool:
        return self.outcome == Outcome.FORECAST


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def months_between(earlier: datetime.date, later: datetime.date) -> int:
    """Whole calendar months from `earlier`'s month to `later`'s (negative if later is earlier)."""
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def month_end(day: datetime.date, months_ahead: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months_ahead
    year, month = divmod(index, 12)
    return datetime.date(year, month + 1, calendar.monthrange(year, month + 1)[1])


def forecast(
    history: History, *, trials: int = TRIALS, seed: int = SEED, spread: float = PACE_SPREAD
) -> Forecast:
    """Forecast the month the scope's last open item is done, as P50, P80 and P95 dates.

    `spread` is how far a run's pace wanders, as a multiple of the window's variation
    (`PACE_SPREAD`; 0 for none)."""
    open_count = sum(history.open_targets.values())
    completed = sum(n for month, n in history.completions.items() if month <= history.as_of)
    started = history.started_on or history.as_of
    history_months = max(0, months_between(started, history.as_of))
    facts = Forecast(Outcome.NOTHING_OPEN, open_count, completed, history_months)
    if open_count == 0:
        return facts
    if history_months < MIN_HISTORY_MONTHS or completed < MIN_COMPLETIONS:
        return replace(facts, outcome=Outcome.TOO_LITTLE_HISTORY)
    window = _monthly_throughput(history, min(WINDOW_MONTHS, history_months))
    slips_days, slip_weights = _slip_distribution(history.slips)
    slipped = int(slip_weights[slips_days != 0].sum())
    facts = replace(
        facts,
        monthly_rate=float(window.mean()),
        slipped_share=slipped / int(slip_weights.sum()),
        median_slip_days=_weighted_median(slips_days, slip_weights),
    )
    if not window.any():
        return replace(facts, outcome=Outcome.NO_RECENT_COMPLETIONS)
    rng = np.random.default_rng(seed)
    ready = _ready_by_month(history, slips_days, slip_weights, trials, rng)
    capacity = _capacity(window, trials, rng, spread=spread)
    finished, done = _finish_months(ready, capacity, open_count)
    months = np.percentile(finished, PERCENTILES, method="inverted_cdf").astype(int)
    dates = [month_end(history.as_of, int(m)) if m <= HORIZON_MONTHS else None for m in months]
    shown = min(int(months[-1]), BAND_MONTHS)
    low, middle, high = np.percentile(done[:, 1 : shown + 1], (10, 50, 90), axis=0).astype(int)
    band = tuple(
        (month_end(history.as_of, m + 1), int(low[m]), int(middle[m]), int(high[m]))
        for m in range(shown)
    )
    return replace(
        facts, outcome=Outcome.FORECAST, p50=dates[0], p80=dates[1], p95=dates[2], band=band
    )


def _monthly_throughput(history: History, months: int) -> np.ndarray:
    """Completions in each of the last `months` whole months before the forecast's month."""
    counts = np.zeros(months, dtype=np.int64)
    for month, n in history.completions.items():
        back = months_between(month, history.as_of)
        if 1 <= back <= months:
            counts[back - 1] += n
    return counts


def _capacity(
    window: np.ndarray, trials: int, rng: np.random.Generator, *, spread: float
) -> np.ndarray:
    """How many items each run can complete in each month ahead.

    Each run first draws a history of its own, as many months as the window, then its months
    from that: so runs differ in their pace as well as month to month, as the record's pace
    is itself uncertain. Drawing every month from the window alone made the band too narrow:
    over a year or two the draws average out to the window's mean.
    """
    own = rng.choice(window, size=(trials, len(window)), p=_recency_weights(window))
    picks = rng.integers(0, len(window), size=(trials, HORIZON_MONTHS + 1))
    months = np.take_along_axis(own, picks, axis=1)
    # Then the run's whole pace slower or faster, rounded at random so no item is lost on
    # average: 2.4 a month is 2 or 3.
    sigma = spread * float(window.std() / window.mean())  # the caller has completions
    scaled = months * np.exp(rng.normal(0.0, sigma, size=(trials, 1)))
    return np.floor(scaled + rng.random(scaled.shape)).astype(np.int64)


def _recency_weights(window: np.ndarray) -> np.ndarray | None:
    """Each month's chance of being drawn, the last whole month first (None: all alike)."""
    if not HALF_LIFE_MONTHS:
        return None
    weights = 0.5 ** (np.arange(len(window)) / HALF_LIFE_MONTHS)
    return weights / weights.sum()


def _slip_distribution(slips: Mapping[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Slips in days with how many items moved that far; no record means no slip."""
    if not slips or sum(slips.values()) == 0:
        return np.zeros(1, dtype=np.int64), np.ones(1, dtype=np.int64)
    days = np.array(sorted(slips), dtype=np.int64)
    return days, np.array([slips[d] for d in days], dtype=np.int64)


def _weighted_median(values: np.ndarray, weights: np.ndarray) -> int:
    cumulative = np.cumsum(weights)
    return int(values[np.searchsorted(cumulative, cumulative[-1] / 2)])


def _ready_by_month(
    history: History,
    slips_days: np.ndarray,
    slip_weights: np.ndarray,
    trials: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """How many items each run expects in each month ahead (column 0 is unused)."""
    ready = np.zeros((trials, HORIZON_MONTHS + 2), dtype=np.int64)
    # Slips count in whole months, so items that moved by 30 or 31 days draw the same slip.
    slip_months, binned = np.unique(
        np.rint(slips_days / DAYS_PER_MONTH).astype(np.int64), return_inverse=True
    )
    chances = np.bincount(binned, weights=slip_weights) / slip_weights.sum()
    for target, count in history.open_targets.items():
        if count <= 0:
            continue
        if target is None:
            ready[:, 1] += count
            continue
        ahead = months_between(history.as_of, target)
        # Slips that land in the same month ahead (all of them, for a target long past) are
        # one: drawing fewer outcomes took the whole register's simulation from 270 ms to 140.
        months = np.clip(ahead + slip_months, 1, HORIZON_MONTHS + 1)
        landing, which = np.unique(months, return_inverse=True)
        if len(landing) == 1:
            ready[:, landing[0]] += count
            continue
        # Each of the `count` items draws its own slip, so each run splits them across slips.
        drawn = rng.multinomial(count, np.bincount(which, weights=chances), size=trials)
        ready[:, landing] += drawn
    return ready


def _finish_months(
    ready: np.ndarray, capacity: np.ndarray, open_count: int
) -> tuple[np.ndarray, np.ndarray]:
    """The month each run completes its last item (past the horizon if it never does), and
    how many items each run has done by the end of each month."""
    trials = ready.shape[0]
    waiting = np.zeros(trials, dtype=np.int64)
    remaining = np.full(trials, open_count, dtype=np.int64)
    finished = np.full(trials, HORIZON_MONTHS + 1, dtype=np.int64)
    done = np.full((trials, HORIZON_MONTHS + 1), open_count, dtype=np.int64)
    done[:, 0] = 0
    for month in range(1, HORIZON_MONTHS + 1):
        waiting += ready[:, month]
        completed = np.minimum(waiting, capacity[:, month])
        waiting -= completed
        remaining -= completed
        done[:, month] = open_count - remaining
        finished[(remaining == 0) & (finished > HORIZON_MONTHS)] = month
        if (remaining == 0).all():
            break
    return finished, done
