"""XmR (process behaviour) charts: central lines, moving ranges, natural process limits,
phases, baselines and exclusions, in vectorised numpy.

For values x1..xn of one phase, the moving ranges are mR_i = |x_i - x_(i-1)| (none for the
phase's first point) and, with the default Wheeler constants::

    CL   = mean of the baseline values            (or their median: centre="median")
    mR~  = mean of the baseline moving ranges     (or their median: dispersion="median")
    UNPL = CL + E2 * mR~,  LNPL = CL - E2 * mR~,  URL = D4 * mR~

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
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from pumpxl.errors import InputError
from pumpxl.rules import Detection, RuleSet, Signal, _detect, resolve_rules

if TYPE_CHECKING:
    from pumpxl.rules import BoolArray, FloatArray, IntArray

__all__ = ["CONSTANTS", "SCREEN_FACTOR", "Phase", "XmrResult", "xmr"]

#: (E2, D4) for each constants family and dispersion statistic.
CONSTANTS: dict[str, dict[str, tuple[float, float]]] = {
    "wheeler": {"mean": (2.66, 3.268), "median": (3.145, 3.865)},
    "sigma": {"mean": (3 / 1.128, 3.267), "median": (3 / 0.954, 3.865)},
}
#: Moving ranges of SCREEN_FACTOR x mean mR or more are dropped when screen_mr is on (Nelson
#: 1982, NHSRplotthedots and qicharts2 default).
SCREEN_FACTOR = 3.267

Direction = Literal["up", "down", "neutral"]
Assurance = Literal["consistently pass", "consistently fail", "hit and miss"]
_DIRECTION_WORDS = {
    "up": "up",
    "higher": "up",
    "higher is better": "up",
    "increase": "up",
    "down": "down",
    "lower": "down",
    "lower is better": "down",
    "decrease": "down",
    "neutral": "neutral",
    "none": "neutral",
    "": "neutral",
}


def parse_direction(direction: str | None) -> Direction:
    """``"up"``/``"down"``/``"neutral"`` from the words people write ("higher is better")."""
    word = _DIRECTION_WORDS.get(str(direction or "").strip().lower())
    if word is None:
        raise InputError(
            f'direction must be "up" (higher is better), "down" (lower is better) or '
            f'"neutral", not {direction!r}',
            setting="direction",
        )
    return word  # type: ignore[return-value]


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


def _coerce_values(values: Any) -> FloatArray:
    """A 1-D float array with NaN for missing periods, or an InputError naming the first bad
    entries (text, booleans, infinities)."""
    if isinstance(values, (pd.Series, pd.Index)):
        values = values.to_numpy(dtype=object if values.dtype == object else None)
    from_python = isinstance(values, (list, tuple))
    arr = np.asarray(values) if not isinstance(values, np.ndarray) else values
    if from_python and arr.dtype.kind in "biu" and any(isinstance(v, bool) for v in values):
        arr = np.asarray(values, dtype=object)  # True/False are not measurements
    if arr.ndim == 2 and 1 in arr.shape:
        arr = arr.ravel()
    if arr.ndim != 1:
        raise InputError(
            f"values must be one-dimensional (one value per period), got shape {arr.shape}",
            setting="values",
        )
    if arr.dtype.kind in "iuf":
        x = arr.astype(np.float64, copy=False)
    else:
        items = list(values) if from_python and arr.ndim == 1 else arr.tolist()
        bad = [
            (i, v)
            for i, v in enumerate(items)
            if not (v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)))
            and not isinstance(v, np.number)
        ]
        if bad:
            shown = ", ".join(f"index {i}: {v!r}" for i, v in bad[:5])
            more = f" and {len(bad) - 5} more" if len(bad) > 5 else ""
            raise InputError(
                f"values must be numbers or blanks; not numbers at {shown}{more}",
                setting="values",
            )
        x = np.array([np.nan if v is None else v for v in items], dtype=np.float64)
    inf = np.flatnonzero(np.isinf(x))
    if inf.shape[0]:
        raise InputError(
            f"values must be finite; infinite at index {', '.join(map(str, inf[:5].tolist()))}",
            setting="values",
        )
    return x


def _coerce_dates(dates: Any, n: int) -> pd.DatetimeIndex:
    try:
        idx = pd.DatetimeIndex(
            pd.to_datetime(list(dates) if not hasattr(dates, "shape") else dates)
        )
    except (ValueError, TypeError) as exc:
        raise InputError(f"dates could not be read as dates: {exc}", setting="dates") from None
    if len(idx) != n:
        raise InputError(f"dates has {len(idx)} entries for {n} values", setting="dates")
    if idx.hasnans:
        at = int(np.flatnonzero(idx.isna())[0])
        raise InputError(f"dates has a blank at index {at}", setting="dates")
    if not idx.is_monotonic_increasing or not idx.is_unique:
        d = np.flatnonzero(np.diff(idx.asi8) <= 0)
        at = int(d[0]) + 1 if d.shape[0] else 0
        raise InputError(
            f"dates must be strictly increasing; index {at} ({idx[at].date()}) does not come "
            f"after the one before",
            setting="dates",
        )
    return idx


def _positions(
    spec: Any, n: int, dates: pd.DatetimeIndex | None, setting: str, *, on_or_after: bool
) -> list[int]:
    """Indices from a list of indices or dates (a date means the first period on or after it
    when ``on_or_after``, else exactly that period)."""
    if spec is None:
        return []
    items = [spec] if isinstance(spec, (int, str, np.integer, pd.Timestamp)) else list(spec)
    out: list[int] = []
    for item in items:
        if isinstance(item, (bool, np.bool_)):
            raise InputError(f"{setting}: {item!r} is neither an index nor a date", setting=setting)
        if isinstance(item, (int, np.integer)):
            i = int(item)
            if not 0 <= i < n:
                raise InputError(
                    f"{setting}: index {i} is out of range for {n} values (0 to {n - 1})",
                    setting=setting,
                )
            out.append(i)
            continue
        if dates is None:
            raise InputError(
                f"{setting}: {item!r} is a date, but no dates were given; pass dates= or use "
                f"0-based indices",
                setting=setting,
            )
        try:
            when = pd.Timestamp(item)
        except (ValueError, TypeError):
            raise InputError(
                f"{setting}: {item!r} is neither an index nor a date", setting=setting
            ) from None
        i = int(dates.searchsorted(when, side="left"))
        if i >= n or (not on_or_after and dates[i] != when):
            where = "after the last period" if i >= n else "not one of the dates"
            raise InputError(f"{setting}: {when.date()} is {where}", setting=setting)
        out.append(i)
    return out


@dataclass(frozen=True)
class _Settings:
    centre: str
    dispersion: str
    constants: str
    screen_mr: bool
    missing: str
    firm_points: int
    lower_bound: float | None
    upper_bound: float | None


class XmrResult:
    """An analysed XmR chart. Per-point arrays have one entry per input value.

    The latest phase's ``central_line``, ``mr_bar``, ``unpl``, ``lnpl`` and ``url`` are
    attributes of the result itself; every phase is in ``phases``.
    """

    def __init__(
        self,
        *,
        values: FloatArray,
        dates: pd.DatetimeIndex | None,
        moving_ranges: FloatArray,
        phase_index: IntArray,
        phases: tuple[Phase, ...],
        excluded: BoolArray,
        detection: Detection,
        observed: IntArray,
        rules: RuleSet,
        direction: Direction,
        target: FloatArray | None,
        settings: _Settings,
    ) -> None:
        self.values = values
        self.dates = dates
        self.moving_ranges = moving_ranges
        self.phase_index = phase_index
        self.phases = phases
        self.excluded = excluded
        self.rules = rules
        self.direction = direction
        self.target = target
        self.settings = settings
        self._detection = detection
        self._observed = observed
        last = phases[-1] if phases else None
        nan = float("nan")
        self.central_line: float = last.central_line if last else nan
        self.mr_bar: float = last.mr_bar if last else nan
        self.unpl: float = last.unpl if last else nan
        self.lnpl: float = last.lnpl if last else nan
        self.url: float = last.url if last else nan

    def __len__(self) -> int:
        return int(self.values.shape[0])

    def __repr__(self) -> str:
        return (
            f"<XmrResult n={len(self)} phases={len(self.phases)} CL={self.central_line:.6g} "
            f"limits=({self.lnpl:.6g}, {self.unpl:.6g}) signals={len(self._detection)}>"
        )

    @cached_property
    def signals(self) -> tuple[Signal, ...]:
        """Every signal, ordered by first point; each names its rule, points and direction."""
        return tuple(self._detection.signals(self._observed, self.phase_index, self.direction))

    @property
    def signal_count(self) -> int:
        """How many signals there are, without building them."""
        return len(self._detection)

    @cached_property
    def flags(self) -> dict[str, BoolArray]:
        """For each active rule, which points (all of them, missing ones False) it flags."""
        out = {}
        for rule in self.rules.active:
            col = np.zeros(len(self), dtype=bool)
            col[self._observed] = self._detection.flags(rule)
            out[rule] = col
        return out

    @cached_property
    def suggested_phases(self) -> tuple[int, ...]:
        """Where new phases would start: the first point of each long run that does not begin
        at its phase's start. Advice only; pass it back as ``phases=`` (with any phases
        already given) once the cause of the shift is known."""
        starts = {p.start for p in self.phases}
        return tuple(
            sorted(
                {s.first for s in self.signals if s.rule == "long_run" and s.first not in starts}
            )
        )

    @property
    def per_point(self) -> dict[str, FloatArray]:
        """Per-point central_line, unpl, lnpl and url (each phase's values repeated)."""
        return self._per_point

    @cached_property
    def _per_point(self) -> dict[str, FloatArray]:
        cols = {}
        for name in ("central_line", "unpl", "lnpl", "url"):
            per_phase = np.array([getattr(p, name) for p in self.phases], dtype=np.float64)
            cols[name] = per_phase[self.phase_index] if self.phases else np.full(0, np.nan)
        return cols

    @property
    def latest_index(self) -> int | None:
        """Index of the latest value that is not missing (None when there is none)."""
        return int(self._observed[-1]) if self._observed.shape[0] else None

    @cached_property
    def latest_target(self) -> float | None:
        """The target in force at the latest value (a trajectory's current step)."""
        i = self.latest_index
        if self.target is None or i is None:
            return None
        t = float(self.target[i])
        return None if math.isnan(t) else t

    @cached_property
    def assurance(self) -> Assurance | None:
        """Whether the latest phase will meet the target: ``"consistently pass"`` (target
        beyond the limits on the bad side), ``"consistently fail"`` (beyond them on the good
        side; with a neutral direction, any target outside the limits) or ``"hit and miss"``
        (inside the limits). None without a target or limits."""
        t = self.latest_target
        if t is None or not self.phases or not self.phases[-1].has_limits:
            return None
        hi, lo = self.unpl, self.lnpl
        if lo <= t <= hi:
            return "hit and miss"
        if self.direction == "neutral":
            return "consistently fail"
        good_side_above = self.direction == "up"
        if (t > hi) == good_side_above:
            return "consistently fail"
        return "consistently pass"

    @cached_property
    def latest_signals(self) -> tuple[Signal, ...]:
        """Signals that include the latest value."""
        i = self.latest_index
        return tuple(s for s in self.signals if i is not None and i in s.points)

    @cached_property
    def description(self) -> str:
        """A short plain-language account of the chart's state."""
        from pumpxl.narrative import describe

        return describe(self)

    @cached_property
    def status(self) -> str:
        """One line about the latest value: its signal(s), or that it is routine."""
        from pumpxl.narrative import status_line

        return status_line(self)

    def to_frame(self) -> pd.DataFrame:
        """One row per point: value, moving_range, phase, central_line, unpl, lnpl, url,
        excluded, a boolean column per active rule, and ``signal`` (the rules that flag the
        point, comma-separated). Indexed by date when dates were given."""
        n = len(self)
        data: dict[str, Any] = {
            "value": self.values,
            "moving_range": self.moving_ranges,
            "phase": self.phase_index,
        }
        data.update(self._per_point)
        data["excluded"] = self.excluded
        labels = np.full(n, "", dtype=object)
        for rule in self.rules.active:
            col = self.flags[rule]
            data[rule] = col
            labels = np.where(col, np.where(labels == "", rule, labels + ", " + rule), labels)
        data["signal"] = labels
        index = (
            pd.Index(self.dates, name="date")
            if self.dates is not None
            else pd.RangeIndex(n, name="point")
        )
        return pd.DataFrame(data, index=index)


def _phase_stats(
    x: FloatArray,
    mr: FloatArray,
    masks: tuple[BoolArray, BoolArray] | None,
    prev: IntArray | None,
    lo: int,
    hi: int,
    s: _Settings,
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


def _check_choice(name: str, value: Any, choices: Sequence[str]) -> str:
    if value not in choices:
        allowed = ", ".join(f'"{c}"' for c in choices)
        raise InputError(f"{name} must be one of {allowed}, not {value!r}", setting=name)
    return str(value)


def _optional_float(name: str, value: Any) -> float | None:
    if value is None:
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be a number, not {value!r}", setting=name) from None
    if math.isnan(f):
        return None
    if math.isinf(f):
        raise InputError(f"{name} must be finite, not {value!r}", setting=name)
    return f


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
    firm_points: int = 20,
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

    Examples
    --------
    Wheeler's peak flow rates (Making Sense of Data, fig 9.9):

    >>> r = xmr([120, 140, 100, 150, 260, 150, 100, 120, 300, 300, 275, 300, 140, 170, 150,
    ...          150, 190, 180])
    >>> round(r.central_line, 1), round(r.mr_bar, 1), round(r.unpl, 1), round(r.url, 1)
    (183.1, 52.4, 322.3, 171.1)
    """
    x = _coerce_values(values)
    n = int(x.shape[0])
    s = _Settings(
        centre=_check_choice("centre", centre, ("mean", "median")),
        dispersion=_check_choice("dispersion", dispersion, ("mean", "median")),
        constants=_check_choice("constants", constants, ("wheeler", "sigma")),
        screen_mr=bool(screen_mr),
        missing=_check_choice("missing", missing, ("break", "bridge")),
        firm_points=int(firm_points),
        lower_bound=_optional_float("lower_bound", lower_bound),
        upper_bound=_optional_float("upper_bound", upper_bound),
    )
    if s.lower_bound is not None and s.upper_bound is not None and s.lower_bound >= s.upper_bound:
        raise InputError(
            f"lower_bound ({s.lower_bound:g}) must be below upper_bound ({s.upper_bound:g})",
            setting="lower_bound",
        )
    rule_set = resolve_rules(rules)
    improvement = parse_direction(direction)
    idx_dates = _coerce_dates(dates, n) if dates is not None else None
    _check_bounds(x, s)

    starts = sorted({0, *_positions(phases, n, idx_dates, "phases", on_or_after=True)})
    pid = np.zeros(n, dtype=np.intp)
    if len(starts) > 1:
        pid[starts[1:]] = 1
        np.cumsum(pid, out=pid)
    missing_mask = np.isnan(x)
    complete = not missing_mask.any()
    observed = np.arange(n) if complete else (~missing_mask).nonzero()[0]
    excluded = np.zeros(n, dtype=bool)
    dropped = _positions(exclude, n, idx_dates, "exclude", on_or_after=False)
    if dropped:
        excluded[dropped] = True
    stops = [*starts[1:], n]
    windows = _baseline_windows(baseline, starts, stops, observed, n, idx_dates)
    tgt = _coerce_target(target, n)

    with np.errstate(over="ignore", invalid="ignore"):
        mr, prev = _moving_ranges(x, pid, observed, s.missing)
        masks = None if complete and not dropped else _usable(x, mr, prev, excluded)
        phase_list = _compute_phases(x, mr, masks, prev, starts, stops, windows, s)
        if any(
            not (math.isfinite(p.central_line) and math.isfinite(p.url))
            for p in phase_list
            if p.n_values and p.n_moving_ranges
        ):
            # Overflow with huge magnitudes: rescale by a power of two (exact), scale back.
            scale = 2.0 ** math.floor(math.log2(float(np.nanmax(np.abs(x)))))
            small_mr, _ = _moving_ranges(x / scale, pid, observed, s.missing)
            scaled = _compute_phases(x / scale, small_mr, masks, prev, starts, stops, windows, s)
            phase_list = [_scale_phase(p, scale) for p in scaled]

        multi = len(phase_list) > 1
        xo = x if complete else x[observed]
        mro = mr if complete else mr[observed]
        if multi:
            ph = pid[observed]
            per = np.array(
                [
                    (p.central_line, p.unpl - p.central_line, p.central_line - p.lnpl, p.url)
                    for p in phase_list
                ]
            )[ph]
            detection = _detect(
                xo, per[:, 0], per[:, 1], per[:, 2], ph, True, mro, per[:, 3], rule_set
            )
        else:
            p0 = phase_list[0] if phase_list else None
            cl0 = p0.central_line if p0 else 0.0
            detection = _detect(
                xo,
                cl0,
                p0.unpl - cl0 if p0 else 0.0,
                cl0 - p0.lnpl if p0 else 0.0,
                pid if complete else pid[observed],
                False,
                mro,
                p0.url if p0 else 0.0,
                rule_set,
            )
    if s.lower_bound is not None or s.upper_bound is not None:
        phase_list = [_clip_to_bounds(p, s) for p in phase_list]
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
        direction=improvement,
        target=tgt,
        settings=s,
    )


def _check_bounds(x: FloatArray, s: _Settings) -> None:
    checks = []
    if s.lower_bound is not None:
        checks.append((s.lower_bound, "lower", x < s.lower_bound))
    if s.upper_bound is not None:
        checks.append((s.upper_bound, "upper", x > s.upper_bound))
    for bound, name, beyond in checks:
        bad = beyond.nonzero()[0]
        if bad.shape[0]:
            shown = ", ".join(f"index {i}: {x[i]:g}" for i in bad[:5].tolist())
            raise InputError(
                f"values beyond the natural {name} bound {bound:g} at {shown}",
                setting=f"{name}_bound",
            )


def _moving_ranges(
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


def _usable(
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


def _baseline_windows(
    baseline: Any,
    starts: list[int],
    stops: list[int],
    observed: IntArray,
    n: int,
    dates: pd.DatetimeIndex | None,
) -> list[tuple[int, int]]:
    """The (lo, hi) window each phase's limits come from."""
    windows = list(zip(starts, stops, strict=True))
    if baseline is None:
        return windows
    if isinstance(baseline, (int, np.integer)) and not isinstance(baseline, bool):
        count = int(baseline)
        if count < 2:
            raise InputError(
                f"baseline must hold at least 2 values, not {count}", setting="baseline"
            )
        out = []
        for lo, hi in windows:
            inside = observed[(observed >= lo) & (observed < hi)]
            end = int(inside[count - 1]) + 1 if inside.shape[0] >= count else hi
            out.append((lo, end))
        return out
    if isinstance(baseline, (tuple, list)) and len(baseline) == 2:
        a, b = baseline
        if isinstance(a, (int, np.integer)) and isinstance(b, (int, np.integer)):
            lo, hi = int(a), int(b)
            if not 0 <= lo < hi <= n:
                raise InputError(
                    f"baseline ({lo}, {hi}) must satisfy 0 <= start < stop <= {n}",
                    setting="baseline",
                )
        else:
            lo = _positions([a], n, dates, "baseline", on_or_after=True)[0]
            hi = _positions([b], n, dates, "baseline", on_or_after=True)[0]
            hi = hi + 1 if dates is not None and dates[hi] <= pd.Timestamp(b) else hi
            if hi <= lo:
                raise InputError(f"baseline {a} to {b} holds no period", setting="baseline")
        for k, (plo, phi) in enumerate(windows):
            if plo <= lo < phi:
                if hi > phi:
                    raise InputError(
                        f"baseline ({lo}, {hi}) crosses the phase boundary at index {phi}; a "
                        f"baseline must lie inside one phase",
                        setting="baseline",
                    )
                windows[k] = (lo, hi)
        return windows
    raise InputError(
        f"baseline must be a number of values or a (start, stop) pair, not {baseline!r}",
        setting="baseline",
    )


def _coerce_target(target: Any, n: int) -> FloatArray | None:
    if target is None:
        return None
    if np.ndim(target) == 0:
        t = _optional_float("target", target)
        return None if t is None else np.full(n, t)
    try:
        arr = np.asarray(
            [np.nan if v is None else v for v in np.asarray(target, dtype=object).ravel()],
            dtype=np.float64,
        )
    except (TypeError, ValueError):
        raise InputError(
            "target must be a number or one number per period", setting="target"
        ) from None
    if arr.shape[0] != n:
        raise InputError(f"target has {arr.shape[0]} entries for {n} values", setting="target")
    return arr


def _compute_phases(
    x: FloatArray,
    mr: FloatArray,
    masks: tuple[BoolArray, BoolArray] | None,
    prev: IntArray | None,
    starts: list[int],
    stops: list[int],
    windows: list[tuple[int, int]],
    s: _Settings,
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


def _clip_to_bounds(p: Phase, s: _Settings) -> Phase:
    """Limits beyond a natural bound are shown at the bound. The rules keep the unclipped
    limits: halfway lines need the real width, and no valid value lies beyond a bound."""
    from dataclasses import replace

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


def _scale_phase(p: Phase, scale: float) -> Phase:
    from dataclasses import replace

    return replace(
        p,
        central_line=p.central_line * scale,
        mr_bar=p.mr_bar * scale,
        unpl=p.unpl * scale,
        lnpl=p.lnpl * scale,
        url=p.url * scale,
    )
