"""Turning what callers pass to :func:`pumpxl.xmr` into checked arrays and positions: values,
dates, phase starts, exclusions, baselines, targets and settings. Every problem is an
:class:`~pumpxl.core.errors.InputError` naming the setting at fault."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import numpy as np
import pandas as pd

from pumpxl.core.errors import InputError
from pumpxl.core.kernels import FloatArray, IntArray

T = TypeVar("T", bound=str)

__all__ = [
    "DEFAULT_FIRM_POINTS",
    "XmrSettings",
    "baseline_windows",
    "check_bounds",
    "check_choice",
    "coerce_dates",
    "coerce_target",
    "coerce_values",
    "optional_float",
    "positions",
]


#: Limits from fewer values than this are trial limits (about 12-20 values make them firm).
DEFAULT_FIRM_POINTS = 20


@dataclass(frozen=True)
class XmrSettings:
    """The conventions an XmR chart was computed with (see :func:`pumpxl.xmr`)."""

    centre: Literal["mean", "median"]
    dispersion: Literal["mean", "median"]
    constants: Literal["wheeler", "sigma"]
    screen_mr: bool
    missing: Literal["break", "bridge"]
    firm_points: int
    lower_bound: float | None
    upper_bound: float | None


def coerce_values(values: Any) -> FloatArray:
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


def coerce_dates(dates: Any, n: int) -> pd.DatetimeIndex:
    try:
        if isinstance(dates, pd.DatetimeIndex) and dates.tz is None:
            idx = dates  # already dates: nothing to parse (analyse passes these)
        else:
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


def positions(
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


def check_bounds(x: FloatArray, s: XmrSettings) -> None:
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


def baseline_windows(
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
            lo = positions([a], n, dates, "baseline", on_or_after=True)[0]
            hi = positions([b], n, dates, "baseline", on_or_after=True)[0]
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


def coerce_target(target: Any, n: int) -> FloatArray | None:
    if target is None:
        return None
    if np.ndim(target) == 0:
        t = optional_float("target", target)
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


def check_choice(name: str, value: Any, choices: Sequence[T]) -> T:
    """``value`` if it is one of ``choices``, else an InputError listing them."""
    if value in choices:
        return value  # type: ignore[no-any-return]
    allowed = ", ".join(f'"{c}"' for c in choices)
    raise InputError(f"{name} must be one of {allowed}, not {value!r}", setting=name)


def optional_float(name: str, value: Any) -> float | None:
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
