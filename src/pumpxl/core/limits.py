"""XmR limit arithmetic, per phase: moving ranges, the central line and dispersion of each
phase's baseline window, natural process limits and the upper range limit, natural bounds.

For values x1..xn of one phase, the moving ranges are mR_i = |x_i - x_(i-1)| (none for the
phase's first point) and::

    CL   = mean of the baseline values            (or their median: centre="median")
    mR~  = mean of the baseline moving ranges     (or their median: dispersion="median")
    UNPL = CL + E2 * mR~,  LNPL = CL - E2 * mR~,  URL = D4 * mR~

A phase with trended limits (Wheeler, *Making Sense of Data*, ch. 12) has a central line
along a straight line fitted to its baseline values, and limits parallel to it at the same
distances; the moving ranges and the URL are as usual. ``trend="half-averages"`` (Wheeler's
way) draws the line through the averages of the first and second halves of the values, each
at the average time of its half (an odd middle value is left out); ``"least-squares"`` fits
it by least squares. A trended phase's ``central_line``, ``unpl`` and ``lnpl`` are the
line's values at the phase's last period, ``slope`` its change per period.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from pumpxl.core.errors import InputError
from pumpxl.core.inputs import XmrSettings
from pumpxl.core.kernels import BoolArray, FloatArray, IntArray
from pumpxl.core.present import plural

__all__ = [
    "CONSTANTS",
    "TRENDS",
    "SCREEN_FACTOR",
    "Phase",
    "clip_to_bounds",
    "compute_phases",
    "moving_ranges",
    "scale_phase",
    "usable",
]

#: (E2, D4) for each constants family and dispersion statistic.
CONSTANTS: dict[str, dict[str, tuple[float, float]]] = {
    "wheeler": {"mean": (2.66, 3.268), "median": (3.145, 3.865)},
    "sigma": {"mean": (3 / 1.128, 3.267), "median": (3 / 0.954, 3.865)},
}
#: Moving ranges of SCREEN_FACTOR x mean mR or more are dropped when screen_mr is on (Nelson
#: 1982, NHSRplotthedots and qicharts2 default).
SCREEN_FACTOR = 3.267
#: The ways a phase's central line may follow a trend (None: a flat central line).
TRENDS: tuple[str, ...] = ("half-averages", "least-squares")

@dataclass(frozen=True, slots=True)
class Phase:
    """One stretch of the chart with its own central line and limits.

    ``start``/``stop`` are 0-based, stop exclusive. ``unpl``/``lnpl`` are the limits as shown,
    clipped to natural bounds where they pass them (``unpl_is_bound``/``lnpl_is_bound``);
    ``mr_bar`` is the dispersion statistic used (average or median moving range). ``baseline``
    is the (start, stop) window the limits were computed from; ``n_values`` and
    ``n_moving_ranges`` count what went in. ``trial`` is true while fewer than ``firm_points``
    values went in.
    """

    start: int
    stop: int
    central_line: float
    mr_bar: float
    unpl: float
    lnpl: float
    url: float
    baseline: tuple[int, int]
    n_values: int
    n_moving_ranges: int
    trial: bool
    unpl_is_bound: bool = False
    lnpl_is_bound: bool = False
    slope: float = 0.0
    trend: str | None = None
    #: limits as they would be if recalculated at a step nobody has recorded yet
    #: (:meth:`XmrResult.with_phase`): shown as provisional, never as a recorded phase
    provisional: bool = False

    def line_at(self, i: npt.ArrayLike) -> FloatArray:
        """The central line at period index ``i`` (along the trend for a trended phase)."""
        return self.central_line + self.slope * (np.asarray(i, dtype=np.float64) - (self.stop - 1))

    @property
    def has_limits(self) -> bool:
        """False when the phase has too few values for limits (they are NaN)."""
        return not math.isnan(self.unpl)


def moving_ranges(
    x: FloatArray, pid: IntArray, observed: IntArray, missing: str
) -> tuple[FloatArray, IntArray | None]:
    """Moving ranges (NaN where undefined) and, when gaps are bridged, the index of each
    moving range's earlier point (otherwise it is always the point before)."""
    n = x.shape[0]
    mr = np.empty(n)
    mr[:1] = np.nan
    if missing == "bridge" and observed.shape[0] != n:
        mr[1:] = np.nan
        prev = np.full(n, -1, dtype=np.intp)
        a, b = observed[:-1], observed[1:]
        same = pid[a] == pid[b]
        mr[b[same]] = np.abs(x[b[same]] - x[a[same]])
        prev[b[same]] = a[same]
        return mr, prev
    np.abs(np.subtract(x[1:], x[:-1], out=mr[1:]), out=mr[1:])
    if pid[-1:].any():
        mr[1:][pid[1:] != pid[:-1]] = np.nan
    return mr, None


def usable(
    x: FloatArray, mr: FloatArray, prev: IntArray | None, excluded: BoolArray
) -> tuple[BoolArray, BoolArray]:
    """Which values and moving ranges may enter the limits: present, not excluded, and (for
    a moving range) not touching an excluded point."""
    use_x = ~np.isnan(x) & ~excluded
    use_mr = ~np.isnan(mr)
    if excluded.any():
        before = np.zeros_like(excluded)
        if prev is None:
            before[1:] = excluded[:-1]
        else:
            before = excluded[np.maximum(prev, 0)]
        use_mr &= ~excluded & ~before
    return use_x, use_mr


def _phase_stats(
    x: FloatArray,
    mr: FloatArray,
    masks: tuple[BoolArray, BoolArray] | None,
    prev: IntArray | None,
    lo: int,
    hi: int,
    s: XmrSettings,
) -> tuple[float, float, int, int]:
    """Central line, dispersion and the counts behind them for the window [lo, hi). The
    moving range at ``lo`` reaches back before the window, so it never counts."""
    if masks is None:
        vals, mrs = x[lo:hi], mr[lo + 1 : hi]
    else:
        use_x, use_mr = masks
        vals = x[lo:hi][use_x[lo:hi]]
        keep = use_mr[lo + 1 : hi]
        if prev is not None:
            keep = keep & (prev[lo + 1 : hi] >= lo)
        mrs = mr[lo + 1 : hi][keep]
    nv, nm = int(vals.shape[0]), int(mrs.shape[0])
    if nv == 0:
        return math.nan, math.nan, 0, nm
    cl = float(np.add.reduce(vals)) / nv if s.centre == "mean" else float(np.median(vals))
    if nm == 0:
        return cl, math.nan, nv, 0
    if s.screen_mr:
        mrs = mrs[mrs < SCREEN_FACTOR * (float(np.add.reduce(mrs)) / nm)]
        nm = int(mrs.shape[0])
        if nm == 0:
            return cl, math.nan, nv, 0
    if s.dispersion == "mean":
        disp = float(np.add.reduce(mrs)) / nm
    else:
        disp = float(np.median(mrs))
    return cl, disp, nv, nm


def fit_trend(
    x: FloatArray, masks: tuple[BoolArray, BoolArray] | None, lo: int, hi: int, kind: str
) -> tuple[float, float]:
    """(slope per period, level at index 0) of the line fitted to the usable values of the
    window [lo, hi) by half-averages or least squares."""
    v = x[lo:hi]
    keep = ~np.isnan(v) if masks is None else masks[0][lo:hi]
    whole = bool(keep.all())  # every value usable: times are lo .. hi - 1, no gathering
    t = None if whole else np.flatnonzero(keep).astype(np.float64) + lo
    if not whole:
        v = v[keep]
    m = int(v.shape[0])
    if kind == "half-averages":
        if m < 4:
            raise InputError(
                f"trended limits by half-averages need at least 4 values in the baseline, not "
                f"{m}",
                setting="trend",
            )
        h = m // 2  # an odd middle value belongs to neither half
        x1, x2 = float(v[:h].mean()), float(v[m - h :].mean())
        if t is None:
            t1, t2 = lo + (h - 1) / 2, lo + m - h + (h - 1) / 2
        else:
            t1, t2 = float(t[:h].mean()), float(t[m - h :].mean())
        slope = (x2 - x1) / (t2 - t1)
        return slope, x1 - slope * t1
    if m < 3:
        raise InputError(
            f"trended limits by least squares need at least 3 values in the baseline, not {m}",
            setting="trend",
        )
    if t is None:
        t = np.arange(lo, hi, dtype=np.float64)
    t_mean, v_mean = float(t.mean()), float(v.mean())
    tc = t - t_mean
    slope = float(np.dot(tc, v) / np.dot(tc, tc))  # sum(tc) = 0: v's mean drops out
    return slope, v_mean - slope * t_mean


def compute_phases(
    x: FloatArray,
    mr: FloatArray,
    masks: tuple[BoolArray, BoolArray] | None,
    prev: IntArray | None,
    starts: list[int],
    stops: list[int],
    windows: list[tuple[int, int]],
    s: XmrSettings,
    trends: list[str | None] | None = None,
) -> list[Phase]:
    e2, d4 = CONSTANTS[s.constants][s.dispersion]
    out = []
    for k, (start, stop) in enumerate(zip(starts, stops, strict=True)):
        lo, hi = windows[k]
        cl, disp, nv, nm = _phase_stats(x, mr, masks, prev, lo, hi, s)
        trend = trends[k] if trends else None
        slope = 0.0
        if trend is not None:
            slope, level = fit_trend(x, masks, lo, hi, trend)
            cl = level + slope * (stop - 1)  # the line at the phase's last period
        if k and nv < 2:
            raise InputError(
                f"the phase starting at index {start} holds {plural(nv, 'value')}; a phase "
                f"needs at least 2 values for limits",
                setting="phases",
            )
        out.append(
            Phase(
                start=start,
                stop=stop,
                central_line=cl,
                mr_bar=disp,
                unpl=cl + e2 * disp,
                lnpl=cl - e2 * disp,
                url=d4 * disp,
                baseline=(lo, hi),
                n_values=nv,
                n_moving_ranges=nm,
                trial=nv < s.firm_points,
                slope=slope,
                trend=trend,
            )
        )
    return out


def clip_to_bounds(p: Phase, s: XmrSettings) -> Phase:
    """Limits beyond a natural bound are shown at the bound. The rules keep the unclipped
    limits: halfway lines need the real width, and no valid value lies beyond a bound."""
    lb, ub = s.lower_bound, s.upper_bound
    lnpl_bound = lb is not None and p.lnpl < lb
    unpl_bound = ub is not None and p.unpl > ub
    if not (lnpl_bound or unpl_bound):
        return p
    return replace(
        p,
        lnpl=lb if lnpl_bound and lb is not None else p.lnpl,
        unpl=ub if unpl_bound and ub is not None else p.unpl,
        lnpl_is_bound=lnpl_bound,
        unpl_is_bound=unpl_bound,
    )


def scale_phase(p: Phase, scale: float) -> Phase:
    return replace(
        p,
        central_line=p.central_line * scale,
        mr_bar=p.mr_bar * scale,
        unpl=p.unpl * scale,
        lnpl=p.lnpl * scale,
        url=p.url * scale,
        slope=p.slope * scale,
    )
