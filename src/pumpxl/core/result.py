"""The analysed XmR chart that :func:`pumpxl.xmr` returns."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from pumpxl.core.detect import Detection, Signal
from pumpxl.core.inputs import XmrSettings
from pumpxl.core.kernels import BoolArray, FloatArray, IntArray
from pumpxl.core.limits import CONSTANTS, Phase
from pumpxl.core.rules import RuleSet
from pumpxl.core.vocabulary import Direction

__all__ = ["XmrResult"]


class XmrResult:
    """An analysed XmR chart. Per-point arrays have one entry per input value.

    The latest phase's ``central_line``, ``mr_bar``, ``unpl``, ``lnpl`` and ``url`` are
    attributes of the result itself; every phase is in ``phases``. The result holds the
    numbers; what they say (state now, signals in force or ended, steps, assurance, advice,
    words) is the chart's :class:`~pumpxl.core.interpret.Reading` (``pumpxl.read(r)``).
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
        settings: XmrSettings,
        rerun: Callable[[int, int | None], XmrResult | None] | None = None,
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
        self._rerun = rerun
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
    def observed(self) -> IntArray:
        """Indices of the values that are not missing, in time order."""
        return self._observed

    def previous(self) -> XmrResult | None:
        """The chart as it stood one value earlier: the same settings, up to the value before
        the latest (recalculations that start later left out). None with fewer than two
        values, or when that chart cannot be computed."""
        if self._rerun is None or self._observed.shape[0] < 2:
            return None
        return self._rerun(int(self._observed[-2]) + 1, None)

    def with_phase(self, start: int) -> XmrResult | None:
        """The chart as it would be with the limits recalculated from index ``start`` as well:
        the same settings, its last phase marked ``provisional``. None when that phase
        cannot be computed (too few values) or ``start`` is not inside the latest phase."""
        if self._rerun is None or not self.phases:
            return None
        if not self.phases[-1].start < start < len(self):
            return None
        return self._rerun(len(self), start)

    def mark_provisional(self) -> None:
        """Mark the latest phase as provisional (limits from a step nobody has recorded)."""
        if self.phases:
            self.phases = (*self.phases[:-1], replace(self.phases[-1], provisional=True))

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
        if any(p.slope for p in self.phases):  # trended phases: the lines along the trend
            slope = np.array([p.slope for p in self.phases])[self.phase_index]
            last = np.array([p.stop - 1 for p in self.phases])[self.phase_index]
            shift = slope * (np.arange(self.phase_index.shape[0]) - last)
            s = self.settings
            line = cols["central_line"] = cols["central_line"] + shift
            # limits parallel to the line, each clipped where it passes a natural bound (one
            # at a bound at the phase's end may leave it elsewhere)
            width = np.array([_width(p, s) for p in self.phases])[self.phase_index]
            cols["unpl"], cols["lnpl"] = line + width, line - width
            if s.upper_bound is not None:
                cols["unpl"] = np.minimum(cols["unpl"], s.upper_bound)
            if s.lower_bound is not None:
                cols["lnpl"] = np.maximum(cols["lnpl"], s.lower_bound)
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


def _width(p: Phase, s: XmrSettings) -> float:
    """The distance from the central line to each natural process limit (unclipped)."""
    return CONSTANTS[s.constants][s.dispersion][0] * p.mr_bar
