"""XmR (process behaviour) charts: central lines, moving ranges, natural process limits,
phases, baselines and exclusions, in vectorised numpy.

The formulas are in :mod:`pumpxl.core.limits`; with the default Wheeler constants:

====================== ============= ============= ========================================
constants              E2 (mean mR)  D4 (mean mR)  E2 / D4 (median mR)
====================== ============= ============= ========================================
``"wheeler"`` (default) 2.66          3.268         3.145 / 3.865   (Wheeler, Xmrit, NHS R)
``"sigma"``            3 / 1.128     3.267         3 / 0.954 / 3.865  (qicharts2, PowerBI-SPC)
====================== ============= ============= ========================================

Mean +/- 3 standard deviations is *not* an XmR chart and is not offered.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from pumpxl.core.detect import Limits, detect
from pumpxl.core.errors import InputError
from pumpxl.core.inputs import (
    DEFAULT_FIRM_POINTS,
    XmrSettings,
    baseline_windows,
    check_bounds,
    check_choice,
    coerce_dates,
    coerce_target,
    coerce_values,
    optional_float,
    positions,
)
from pumpxl.core.kernels import FloatArray, IntArray
from pumpxl.core.limits import (
    TRENDS,
    Phase,
    clip_to_bounds,
    compute_phases,
    moving_ranges,
    scale_phase,
    usable,
)
from pumpxl.core.present import date_label, plural
from pumpxl.core.result import XmrResult
from pumpxl.core.rules import RuleSet, resolve_rules
from pumpxl.core.vocabulary import parse_direction

__all__ = ["xmr"]


def xmr(
    values: npt.ArrayLike | Sequence[float | None],
    *,
    dates: Sequence[Any] | pd.DatetimeIndex | None = None,
    centre: Literal["mean", "median"] = "mean",
    dispersion: Literal["mean", "median"] = "mean",
    constants: Literal["wheeler", "sigma"] = "wheeler",
    phases: Sequence[int | str | pd.Timestamp] | None = None,
    baseline: int | tuple[Any, Any] | None = None,
    exclude: Sequence[int | str | pd.Timestamp] | None = None,
    screen_mr: bool = False,
    lower_bound: float | None = None,
    upper_bound: float | None = None,
    missing: Literal["break", "bridge"] = "break",
    rules: str | RuleSet | Mapping[str, Any] | None = "pump",
    direction: str = "neutral",
    target: float | npt.ArrayLike | None = None,
    firm_points: int = DEFAULT_FIRM_POINTS,
    trend: str | Sequence[str | None] | None = None,
) -> XmrResult:
    """Analyse one measure as an XmR chart.

    Parameters
    ----------
    values
        One number per period in time order; None or NaN for a missing period.
    dates
        Optional period dates (strictly increasing), so that ``phases``, ``baseline`` and
        ``exclude`` may name dates and ``to_frame()`` is indexed by date.
    centre, dispersion
        ``"mean"`` (default) or ``"median"`` for the central line and for the moving-range
        statistic (average or median moving range).
    constants
        ``"wheeler"`` (default: 2.66 / 3.268, and 3.145 / 3.865 for the median moving range)
        or ``"sigma"`` (3 / 1.128 and 3.267, as qicharts2 and PowerBI-SPC).
    phases
        Recalculation points: the index (or date: the first period on or after it) where each
        new phase starts. Each phase has its own central line, moving ranges and limits.
    baseline
        Limits from a window, extended forward unchanged: an int N uses the first N values of
        every phase (fewer if the phase has fewer so far); a pair ``(start, stop)`` of indices
        (stop exclusive) or of dates (both inclusive) uses that window for the phase that
        holds it.
    exclude
        Indices or dates of known special causes, left out of the central line and of the
        moving ranges they touch, but still plotted and judged.
    screen_mr
        Drop moving ranges of 3.267 x their mean or more and recompute (default False).
    lower_bound, upper_bound
        Natural bounds (0 for a count, 100 for a percentage): a limit beyond one is clipped
        to it and marked as a boundary. A value beyond a bound is an error.
    missing
        ``"break"`` (default): a missing period breaks both adjacent moving ranges.
        ``"bridge"``: the moving range spans the gap, from the last value before it.
    rules
        A preset (``"pump"`` default, ``"wheeler"``, ``"nhs"``, ``"anhoej"``), a
        :class:`~pumpxl.rules.RuleSet` or a mapping (see :mod:`pumpxl.rules`).
    direction
        ``"up"`` (higher is better), ``"down"`` (lower is better) or ``"neutral"``: makes each
        signal an improvement, a concern or neutral.
    target
        A number, or one per period (a trajectory); gives ``assurance`` for the latest phase.
    firm_points
        Limits from fewer values than this (default 20) are trial limits.
    trend
        Trended limits (Wheeler): ``"half-averages"`` or ``"least-squares"`` puts the central
        line along a straight line fitted to the phase's baseline values and the limits
        parallel to it; None (default) keeps them flat. One value applies to every phase; a
        sequence gives one per phase (None for a flat phase). Run rules then count sides of
        the trended central line.

    Examples
    --------
    Wheeler's peak flow rates (Making Sense of Data, fig 9.9):

    >>> r = xmr([120, 140, 100, 150, 260, 150, 100, 120, 300, 300, 275, 300, 140, 170, 150,
    ...          150, 190, 180])
    >>> round(r.central_line, 1), round(r.mr_bar, 1), round(r.unpl, 1), round(r.url, 1)
    (183.1, 52.4, 322.3, 171.1)
    """
    x = coerce_values(values)
    n = int(x.shape[0])
    s = XmrSettings(
        centre=check_choice("centre", centre, ("mean", "median")),
        dispersion=check_choice("dispersion", dispersion, ("mean", "median")),
        constants=check_choice("constants", constants, ("wheeler", "sigma")),
        screen_mr=bool(screen_mr),
        missing=check_choice("missing", missing, ("break", "bridge")),
        firm_points=int(firm_points),
        lower_bound=optional_float("lower_bound", lower_bound),
        upper_bound=optional_float("upper_bound", upper_bound),
    )
    if s.lower_bound is not None and s.upper_bound is not None and s.lower_bound >= s.upper_bound:
        raise InputError(
            f"lower_bound ({s.lower_bound:g}) must be below upper_bound ({s.upper_bound:g})",
            setting="lower_bound",
        )
    rule_set = resolve_rules(rules)
    better = parse_direction(direction)
    idx_dates = coerce_dates(dates, n) if dates is not None else None
    check_bounds(x, s)

    starts = sorted({0, *positions(phases, n, idx_dates, "phases", on_or_after=True)})
    pid = np.zeros(n, dtype=np.intp)
    if len(starts) > 1:
        pid[starts[1:]] = 1
        np.cumsum(pid, out=pid)
    missing_mask = np.isnan(x)
    complete = not missing_mask.any()
    observed = np.arange(n) if complete else (~missing_mask).nonzero()[0]
    excluded = np.zeros(n, dtype=bool)
    dropped = positions(exclude, n, idx_dates, "exclude", on_or_after=False)
    if dropped:
        excluded[dropped] = True
    stops = [*starts[1:], n]
    windows = baseline_windows(baseline, starts, stops, observed, n, idx_dates)
    tgt = coerce_target(target, n)
    trends = _trends(trend, len(starts))
    if s.centre == "median" and any(trends):
        raise InputError(
            "trended limits follow the values' half-averages (or least squares): use the mean "
            "central line with them, not the median",
            setting="trend",
        )

    with np.errstate(over="ignore", invalid="ignore"):
        mr, prev = moving_ranges(x, pid, observed, s.missing)
        masks = None if complete and not dropped else usable(x, mr, prev, excluded)
        try:
            phase_list = compute_phases(x, mr, masks, prev, starts, stops, windows, s, trends)
        except InputError as exc:  # name the period rather than the index, where there are dates
            if idx_dates is None or exc.setting != "phases":
                raise
            k = next(k for k in starts if f"index {k} " in exc.reason)
            raise InputError(
                exc.reason.replace(f"index {k} ", f"{date_label(idx_dates[k])} "), setting="phases"
            ) from None
        if any(
            not (math.isfinite(p.central_line) and math.isfinite(p.url))
            for p in phase_list
            if p.n_values and p.n_moving_ranges
        ):
            # Overflow with huge magnitudes: rescale by a power of two (exact), scale back.
            scale = 2.0 ** math.floor(math.log2(float(np.nanmax(np.abs(x)))))
            small_mr, _ = moving_ranges(x / scale, pid, observed, s.missing)
            scaled = compute_phases(
                x / scale, small_mr, masks, prev, starts, stops, windows, s, trends
            )
            phase_list = [scale_phase(p, scale) for p in scaled]
        _check_finite(phase_list, x)

        xo = x if complete else x[observed]
        detection = detect(
            xo,
            _limits(phase_list, pid[observed], observed),
            rule_set,
            pid=pid if complete else pid[observed],
            multi=len(phase_list) > 1,
            moving_ranges=mr if complete else mr[observed],
        )
    if s.lower_bound is not None or s.upper_bound is not None:
        phase_list = [clip_to_bounds(p, s) for p in phase_list]
    def rerun(k: int, extra: int | None) -> XmrResult | None:
        """The chart of the first ``k`` values (recalculations that start later left out),
        with a provisional phase from ``extra`` when given."""
        kept = [s for s in starts[1:] if s < k]
        kept_trends = trends[: len(kept) + 1]
        if extra is not None:
            kept_trends = [*kept_trends, kept_trends[-1]]
        while True:
            try:
                out = xmr(
                    x[:k],
                    dates=None if idx_dates is None else idx_dates[:k],
                    centre=s.centre,
                    dispersion=s.dispersion,
                    constants=s.constants,
                    phases=[*kept, *([extra] if extra is not None else [])] or None,
                    baseline=baseline if isinstance(baseline, (int, np.integer)) else None,
                    exclude=[e for e in dropped if e < k] or None,
                    screen_mr=s.screen_mr,
                    lower_bound=s.lower_bound,
                    upper_bound=s.upper_bound,
                    missing=s.missing,
                    rules=rule_set,
                    direction=better,
                    target=None if tgt is None else tgt[:k],
                    firm_points=s.firm_points,
                    trend=kept_trends,
                )
            except InputError:
                if not kept or extra is not None:  # the earlier chart cannot be had
                    return None
                kept.pop()  # a recalculation whose phase has too few values so far
                kept_trends = kept_trends[:-1]
                continue
            if extra is not None:
                out.mark_provisional()
            return out

    return XmrResult(
        values=x,
        dates=idx_dates,
        moving_ranges=mr,
        phase_index=pid,
        phases=tuple(phase_list),
        excluded=excluded,
        detection=detection,
        observed=observed,
        rules=rule_set,
        direction=better,
        target=tgt,
        settings=s,
        rerun=rerun,
    )


def _check_finite(phases: Sequence[Phase], x: FloatArray) -> None:
    """Refuse values whose limits lie beyond the largest number a float holds (about
    1.8E+308): the chart could not be drawn or told, only shown as infinities."""
    for k, p in enumerate(phases):
        if not p.n_values or not p.n_moving_ranges:
            continue
        if not all(math.isfinite(v) for v in (p.central_line, p.unpl, p.lnpl, p.url)):
            far = float(np.nanmax(np.abs(x[p.start : p.stop])))
            where = f" in phase {k + 1}" if len(phases) > 1 else ""
            raise InputError(
                f"values{where}: they reach {far:.3E} and vary so much that their limits lie "
                "beyond the largest number a computer holds (about 1.8E+308); write them in a "
                "larger unit (divide them by a power of ten)",
                setting="values",
            )


def _trends(trend: str | Sequence[str | None] | None, phases: int) -> list[str | None]:
    """One trend (or None) per phase, checked."""
    if trend is None or isinstance(trend, str):
        out: list[str | None] = [trend] * phases
    else:
        out = list(trend)
        if len(out) != phases:
            raise InputError(
                f"trend gives {plural(len(out), 'value')} for {plural(phases, 'phase')}; give "
                "one per phase or one for all",
                setting="trend",
            )
    for t in out:
        if t is not None and t not in TRENDS:
            raise InputError(
                f'trend must be "half-averages", "least-squares" or None, not {t!r}',
                setting="trend",
            )
    return out


def _limits(phases: Sequence[Phase], pid: IntArray, idx: IntArray) -> Limits:
    """The (unclipped) limits the rules judge each observed point against: one value for a
    single flat phase, else one per point (along the line for trended phases)."""
    trended = any(p.slope for p in phases)
    if len(phases) <= 1 and not trended:
        p = phases[0] if phases else None
        cl = p.central_line if p else 0.0
        return Limits(cl, p.unpl - cl if p else 0.0, cl - p.lnpl if p else 0.0, p.url if p else 0.0)
    if len(phases) == 1:  # one trended phase: only the central line varies
        p = phases[0]
        line: FloatArray = np.multiply(idx, p.slope, dtype=np.float64)
        line += p.central_line - p.slope * (p.stop - 1)
        far = max(abs(float(line[0])), abs(float(line[-1]))) if line.shape[0] else 0.0
        return Limits(line, p.unpl - p.central_line, p.central_line - p.lnpl, p.url,
                      ROUNDING * far)  # fmt: skip
    per = np.array(
        [(p.central_line, p.unpl - p.central_line, p.central_line - p.lnpl, p.url) for p in phases]
    )[pid]
    if not trended:
        return Limits(per[:, 0], per[:, 1], per[:, 2], per[:, 3])
    slope = np.array([p.slope for p in phases])[pid]
    last = np.array([p.stop - 1 for p in phases])[pid]
    cl = per[:, 0] + slope * (idx - last)
    far = float(np.nanmax(np.abs(cl))) if cl.shape[0] else 0.0
    return Limits(cl, per[:, 1], per[:, 2], per[:, 3], ROUNDING * far)


#: How far, relative to its size, a value may sit from a computed line by rounding alone.
ROUNDING = 64 * float(np.finfo(np.float64).eps)
