"""Steps: a sustained shift of level, read as one event.

When a process changes level (a change worked, or something broke) and the limits are
computed across both levels, the central line lies between them: the values before the step
form a run on one side, the values after a run on the other. That is one step, not a concern
plus an improvement (Wheeler: compute limits separately for each period of stable behaviour;
PuMP: recalculate from the first point of a sustained shift once its cause is understood).

A step is found in the current (flat) phase when all of these hold:

1. a long run (by the rule set) is **in force**: the latest value lies on its side of the
   central line, and no later long run lies on the other side; it does not start at a
   recorded recalculation;
2. a **two-level fit explains the phase better than a straight line**: with ``n`` values,
   ``SSE`` the squared residuals of the best single split into two levels (3 parameters: two
   means and the split) and of the least-squares line (2 parameters), the step is preferred
   when ``n ln(SSE_step / n) + 3 ln n < n ln(SSE_line / n) + 2 ln n`` (the Bayesian
   information criterion). Otherwise the run is a steady drift seen through flat limits, and
   trended limits may suit it (:func:`drift_preferred`).

The step **starts** at the run's first value, or up to one run length before it (or half a
run length after it), where a two-level split fits the phase better (the smallest sum of
absolute deviations from each side's median, so that one outlier does not move it: a value
before the run that already sits at the new level, or one at the old level that joined the
run); its **levels** are the means of the phase's
values before and from the start (the central lines it would have if recalculated there).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import median

import numpy as np

from pumpxl.core.detect import Signal
from pumpxl.core.kernels import FloatArray, IntArray
from pumpxl.core.limits import Phase, fit_trend
from pumpxl.core.result import XmrResult
from pumpxl.core.vocabulary import Assessment, Direction, Moved, assess

__all__ = [
    "Step", "drift_preferred", "drift_slope", "find_step", "in_force", "level_fits", "usable"
]  # fmt: skip

#: Rules whose signals are runs (a shift seen against the central line or the limits'
#: halfway lines): the ones a step's straddling limits produce.
RUN_RULES = ("long_run", "short_run", "two_of_three", "runs_anhoej")
#: The fewest values a provisional phase needs before its limits are shown (Wheeler: limits
#: are useful from about five or six values, solid by about 20).
PROVISIONAL_MIN = 6


@dataclass(frozen=True)
class Step:
    """A sustained shift of level in the current phase, not yet recorded as a recalculation:
    its first period (``start``, an index), the level before and after (means of the phase's
    values), which way it ``moved``, what that means for the measure, and the signals it
    stands for (the run that shows it, and runs on the other side that end where it begins:
    the same event seen through limits that straddle both levels)."""

    start: int
    before: float
    after: float
    moved: Moved
    assessment: Assessment
    signals: tuple[Signal, ...]
    #: how many values the phase holds from the step on
    n_after: int
    #: the step as one signal (rule "step"): its points are the values from its start on
    signal: Signal | None = None


def _sse_line(t: FloatArray, y: FloatArray) -> float:
    tc = t - t.mean()
    denom = float(np.dot(tc, tc))
    slope = float(np.dot(tc, y - y.mean())) / denom if denom else 0.0
    resid = y - y.mean() - slope * tc
    return float(np.dot(resid, resid))


def _split_sse(y: FloatArray) -> FloatArray:
    """For each split k (1..n-1: values [0, k) and [k, n)), the squared residuals of two
    levels; vectorised with cumulative sums."""
    n = y.shape[0]
    c1, c2 = np.cumsum(y), np.cumsum(y * y)
    k = np.arange(1, n, dtype=np.float64)
    left = c2[:-1] - c1[:-1] ** 2 / k
    rest1, rest2 = c1[-1] - c1[:-1], c2[-1] - c2[:-1]
    right = rest2 - rest1**2 / (n - k)
    out: FloatArray = np.maximum(left + right, 0.0)
    return out


def level_fits(t: FloatArray, y: FloatArray) -> tuple[float, float] | None:
    """(BIC of the best two-level fit, BIC of the least-squares line) for values ``y`` at
    times ``t``; None with fewer than 6 values (too few to tell a step from a drift)."""
    n = int(y.shape[0])
    if n < 6:
        return None
    scale = float(np.abs(y).max()) or 1.0
    y = y / scale  # exact enough, and safe from overflow at any magnitude
    sse_step = float(_split_sse(y)[1:-1].min())  # at least 2 values a side
    sse_line = _sse_line(t.astype(np.float64), y)
    floor = 1e-12 * max(float(np.dot(y - y.mean(), y - y.mean())), 1e-300)

    def bic(sse: float, k: int) -> float:
        return n * math.log(max(sse, floor) / n) + k * math.log(n)

    return bic(sse_step, 3), bic(sse_line, 2)


def drift_preferred(t: FloatArray, y: FloatArray) -> bool:
    """Whether a straight line explains the values better than a step does (see the
    module's description)."""
    fits = level_fits(t, y)
    return fits is not None and fits[1] <= fits[0]


def in_force(s: Signal, side_now: int, later: tuple[Signal, ...], latest: int | None) -> bool:
    """Whether signal ``s`` still holds at the latest value: it includes it; or, for a long
    run, the latest value (``side_now``: +1 above the central line, -1 below, 0 on it) lies on
    the run's side and no later long run lies on the other side."""
    if latest is not None and latest in s.points:
        return True
    if s.rule != "long_run" or side_now == 0:
        return False
    if (side_now > 0) != (s.moved == "up"):
        return False
    return not any(
        o.rule == "long_run" and o.moved != s.moved and o.first > s.last for o in later
    )


def find_step(
    values: FloatArray,
    usable: IntArray,
    phase: Phase,
    current: tuple[Signal, ...],
    side_now: int,
    latest: int,
    run_length: int,
    direction: Direction,
) -> Step | None:
    """The step in the current ``phase`` (see the module's description), or None.
    ``usable`` are the indices of the phase's values that count (observed, not excluded),
    ``current`` the phase's signals, ``run_length`` the long-run rule's length."""
    if phase.trend is not None:
        return None
    runs = [
        s for s in current
        if s.rule == "long_run" and s.first != phase.start
        and in_force(s, side_now, current, latest)
    ]  # fmt: skip
    if not runs:
        return None
    run = max(runs, key=lambda s: s.first)
    t = usable.astype(np.float64)
    y = values[usable]
    fits = level_fits(t, y)
    if fits is None or fits[1] <= fits[0]:
        return None  # a drift explains the values at least as well: not a step
    # the start: the run's first value, or up to a run's length earlier (or half that later)
    # where two levels fit the phase better
    k_run = int(np.searchsorted(usable, run.first))
    n = int(y.shape[0])
    lo, hi = max(2, k_run - run_length), min(n - 2, k_run + run_length // 2)
    if lo > hi:
        return None
    # absolute deviations from each side's median: one outlier does not move the start
    # (statistics.median: np.median's value, the middle one or the mean of the middle two,
    # without its overhead on a few dozen values, asked some twenty times per chart)
    listed = y.tolist()
    costs = {k: float(np.abs(y[:k] - median(listed[:k])).sum()
                      + np.abs(y[k:] - median(listed[k:])).sum())
             for k in range(lo, hi + 1)}  # fmt: skip
    best = min(costs, key=lambda k: (costs[k], abs(k - k_run)))  # ties: nearest the run's
    start = int(usable[best])
    before, after = float(y[:best].mean()), float(y[best:].mean())
    moved: Moved = "up" if after > before else "down"
    if moved != run.moved:
        return None
    # the old level seen through straddling limits: runs on the other side before the start,
    # back to the last long run on the step's own side (an earlier, separate shift)
    earlier = [s.last for s in current if s.rule == "long_run" and s.moved == run.moved
               and s.last < start]  # fmt: skip
    since = max(earlier, default=-1)
    absorbed = tuple(
        s for s in current
        if s.rule in RUN_RULES
        and ((s.moved == run.moved and s.last >= start)
             or (s.moved != run.moved and since < s.first and s.last < start))
    )  # fmt: skip
    assessment = assess(moved, direction)
    return Step(
        start=start,
        before=before,
        after=after,
        moved=moved,
        assessment=assessment,
        signals=absorbed,
        n_after=int(y.shape[0] - best),
        signal=Signal(
            "step", tuple(int(i) for i in usable[best:]), moved, run.phase, assessment,
            f"a sustained shift from about {before:.4g} to about {after:.4g}",
        ),
    )


def usable(r: XmrResult, phase: Phase, stop: int) -> IntArray:
    """Indices of the phase's values up to ``stop`` that count: observed, not excluded."""
    idx = r.observed[(r.observed >= phase.start) & (r.observed < stop)]
    out: IntArray = idx[~r.excluded[idx]]
    return out


DRIFT_POINTS = 12  # values a flat phase needs before a steady drift is worth naming


def drift_slope(r: XmrResult, current: tuple[Signal, ...], side_now: int) -> float | None:
    """The slope of the latest flat phase's half-averages line when a straight line explains
    its values better than two levels do, and either a long run is in force or, across the
    phase, the line moves by more than the distance to a limit: limits that flat flag the
    drift itself, and trended limits may suit the measure better."""
    p = r.phases[-1]
    if p.trend is not None or p.n_values < DRIFT_POINTS or not p.mr_bar > 0:
        return None
    i = r.latest_index
    idx = usable(r, p, (i if i is not None else p.stop - 1) + 1)
    if not drift_preferred(idx.astype(np.float64), r.values[idx]):
        return None
    slope, _ = fit_trend(r.values, None, p.start, p.stop, "half-averages")
    distance = p.unpl - p.central_line if not p.unpl_is_bound else p.central_line - p.lnpl
    running = any(
        s.rule == "long_run" and in_force(s, side_now, current, i) for s in current
    )  # fmt: skip
    return slope if running or abs(slope) * (p.stop - 1 - p.start) > distance else None
