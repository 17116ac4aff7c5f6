"""XmR limit arithmetic, per phase: moving ranges, the central line and dispersion of each
phase's baseline window, natural process limits and the upper range limit, natural bounds.

For values x1..xn of one phase, the moving ranges are mR_i = |x_i - x_(i-1)| (none for the
phase's first point) and::

    CL   = mean of the baseline values            (or their median: centre="median")
    mR~  = mean of the baseline moving ranges     (or their median: dispersion="median")
    UNPL = CL + E2 * mR~,  LNPL = CL - E2 * mR~,  URL = D4 * mR~
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from pumpxl.core.errors import InputError
from pumpxl.core.inputs import XmrSettings
from pumpxl.core.kernels import BoolArray, FloatArray, IntArray

__all__ = [
    "CONSTANTS",
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


def compute_phases(
    x: FloatArray,
    mr: FloatArray,
    masks: tuple[BoolArray, BoolArray] | None,
    prev: IntArray | None,
    starts: list[int],
    stops: list[int],
    windows: list[tuple[int, int]],
    s: XmrSettings,
) -> list[Phase]:
    e2, d4 = CONSTANTS[s.constants][s.dispersion]
    out = []
    for k, (start, stop) in enumerate(zip(starts, stops, strict=True)):
        lo, hi = windows[k]
        cl, disp, nv, nm = _phase_stats(x, mr, masks, prev, lo, hi, s)
        if k and nv < 2:
            raise InputError(
                f"the phase starting at index {start} holds {nv} value(s); a phase needs at "
                f"least 2 values for limits",
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
    )
