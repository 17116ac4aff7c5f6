"""One reading of an XmR chart, which every output tells the same way: decks, posters, the
calc workbook, ``pumpxl xmr`` and the Excel functions. :class:`~pumpxl.core.result.XmrResult`
holds the numbers; the :class:`Reading` says what they mean.

How the reading is decided:

* A **step** (:mod:`pumpxl.core.steps`) is a sustained shift of the current phase that is
  still in force and not recorded as a recalculation: one event, with its first period and
  the levels before and after. Runs on either side that the step's straddling limits produce
  are part of it, never a concern plus an improvement.
* **Provisional limits**: with a step, the chart is also read as if the limits were
  recalculated at its start (:meth:`XmrResult.with_phase`), once at least
  :data:`~pumpxl.core.steps.PROVISIONAL_MIN` values lie after it; "now", the signals after
  the step and assurance are judged against them. ``provisional=False`` turns this off.
* **Now** is the latest value: a special cause (improvement, concern, or "neither" for a
  measure with no better direction) when it belongs to a signal or to a step in force, else
  common cause. This is NHS Making Data Count's variation icon.
* **Current** signals are every signal of the current phase (since the last recalculation,
  or since the step with provisional limits).
* **Recent** signals are current ones that no longer include the latest value but ended within
  the last ``window`` values (default :data:`RECENT_POINTS`), so a run that finished last month
  is not hidden behind "common cause".
* A signal is **in force** while it includes the latest value; a long run also while the
  latest value lies on its side of the central line (and no later long run on the other).
  Otherwise it has **ended**. Every output says the same of each run.
* **Recalculate** advice names a step's first period; in a trended phase, the first period of
  a long run in force that does not start at a recorded recalculation.
* **Changes since the previous period** compare with the chart as it stood one value earlier
  (the same settings, one value fewer): new signals, signals that ended, a new phase, a new
  step.
* **Assurance** compares the target with the latest (or provisional) limits; none without a
  better direction, as Making Data Count.
* **Drift**: trended limits are suggested only for a flat phase without a step whose values a
  straight line explains better than two levels (:func:`~pumpxl.core.steps.drift_preferred`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Literal

import numpy as np

from pumpxl.core.detect import Signal
from pumpxl.core.errors import InputError
from pumpxl.core.limits import Phase
from pumpxl.core.periods import infer_frequency
from pumpxl.core.present import Numbers, numbers_for
from pumpxl.core.result import XmrResult
from pumpxl.core.steps import PROVISIONAL_MIN, Step, drift_slope, find_step, in_force, usable
from pumpxl.core.vocabulary import Assessment, Assurance, Direction, Frequency, Moved, assess

__all__ = [
    "RECENT_POINTS",
    "Reading",
    "Recalculated",
    "Variation",
    "assurance_of",
    "read",
]

#: How many of the latest values make "recent" (six months of a monthly measure, six weeks
#: of a weekly one).
RECENT_POINTS = 6

Variation = Literal[
    "no values", "too few values", "common cause", "improvement", "concern", "neither"
]  # fmt: skip


@dataclass(frozen=True)
class Recalculated:
    """A recorded recalculation of the limits: the first value of the new phase, why, and
    (filled in by :func:`read`) the central line before and after, which way it moved and
    what that means for the measure."""

    index: int
    reason: str = ""
    before: float = math.nan
    after: float = math.nan
    moved: Moved | None = None
    assessment: Assessment | None = None


@dataclass(frozen=True)
class Reading:
    """What an XmR chart says now, recently, and since the previous period."""

    now: Variation
    direction: Direction
    #: the chart to draw and tell: the recorded one, or with provisional limits from a step
    chart: XmrResult
    #: the chart with the recorded recalculations only
    recorded: XmrResult
    latest: tuple[Signal, ...]
    current: tuple[Signal, ...]
    recent: tuple[Signal, ...]
    #: every signal to draw and tell, in every phase (runs that are part of a step left out)
    shown: tuple[Signal, ...]
    window: int
    assurance: Assurance | None
    target: float | None
    recalculate_from: int | None
    recalculations: tuple[Recalculated, ...]
    latest_index: int | None
    step: Step | None = None
    frequency: Frequency | None = None
    phases: int = 0
    #: a flat phase drifting steadily: its half-averages slope (trended limits suggested)
    drift: float | None = None
    #: the recorded chart one value earlier, computed when a change since then is first asked
    earlier: Callable[[], XmrResult | None] = field(repr=False, compare=False, default=lambda: None)
    provisional_on: bool = True

    @property
    def no_variation(self) -> bool:
        """Whether every value of the latest phase is the same: limits of zero width, which
        are no limits (nothing drawn or judged against them; the outputs say so)."""
        last = self.chart.phases[-1] if self.chart.phases else None
        if last is None or not last.has_limits or last.mr_bar != 0 or last.slope:
            return False
        seen = self.chart.values[last.start : last.stop]
        seen = seen[~np.isnan(seen)]
        return bool(seen.shape[0]) and bool(np.all(seen == seen[0]))

    @cached_property
    def numbers(self) -> Numbers:
        """How every number this reading tells is written (:func:`~.present.numbers_for`)."""
        return numbers_for(self.recorded.values, self.recorded.mr_bar)

    @property
    def provisional(self) -> Phase | None:
        """The provisional phase (limits as if recalculated at the step), when shown."""
        last = self.chart.phases[-1] if self.chart.phases else None
        return last if last is not None and last.provisional else None

    def in_force(self, s: Signal) -> bool:
        """Whether signal ``s`` still holds at the latest value (see the module's
        description); a step's runs are in force with it."""
        if self.step is not None and s in self.step.signals:
            return s.moved == self.step.moved
        return in_force(s, self._side_now, self.shown, self.latest_index)

    def status(self, s: Signal) -> Literal["in force", "ended"]:
        return "in force" if self.in_force(s) else "ended"

    @cached_property
    def _side_now(self) -> int:
        return _side(self.chart, self.latest_index)

    @cached_property
    def _changes(self) -> tuple[tuple[Signal, ...], tuple[Signal, ...], bool, int | None, bool]:
        if self.latest_index is None:
            return (), (), False, None, False
        before = self.chart.previous() if self.provisional else self.earlier()
        if before is None:
            return (), (), False, None, False
        then = {_key(s) for s in before.signals}
        new = tuple(s for s in self.latest if _key(s) not in then)
        was = before.latest_index
        now_keys = {_key(s) for s in self.latest}
        last_phase = len(before.phases) - 1
        ended = tuple(
            s
            for s in before.signals
            if was is not None and was in s.points and _key(s) not in now_keys
            and s.phase == last_phase and (self.step is None or s.moved != self.step.moved)
        )  # fmt: skip
        recorded_before = self.earlier() if self.provisional else before
        new_step = self.step is not None and (
            recorded_before is None or _find(recorded_before) is None
        )
        new_phase = len(self.recorded.phases) > len(recorded_before.phases) if (
            recorded_before is not None
        ) else False  # fmt: skip
        return new, ended, new_phase, was, new_step

    @property
    def new(self) -> tuple[Signal, ...]:
        """Signals the latest value belongs to that the chart one value earlier did not show."""
        return self._changes[0]

    @property
    def ended(self) -> tuple[Signal, ...]:
        """Signals that held the previous value and no longer hold the latest."""
        return self._changes[1]

    @property
    def new_phase(self) -> bool:
        """The latest value started a new phase (a recalculation)."""
        return self._changes[2]

    @property
    def previous_index(self) -> int | None:
        """The index of the value before the latest (None with fewer than two)."""
        return self._changes[3]

    @property
    def new_step(self) -> bool:
        """The step was not there one value earlier (its run reached its length now)."""
        return self._changes[4]

    @property
    def special(self) -> tuple[Signal, ...]:
        """Signals that make the chart special cause now or recently."""
        return self.latest + self.recent

    def concerns(self) -> tuple[Signal, ...]:
        """Concern signals now or recently."""
        return tuple(s for s in self.special if s.assessment == "concern")

    def improvements(self) -> tuple[Signal, ...]:
        """Improvement signals now or recently."""
        return tuple(s for s in self.special if s.assessment == "improvement")

    @property
    def drift_assessment(self) -> Assessment | None:
        """What a steady drift means for the measure (None without one)."""
        if self.drift is None:
            return None
        return assess("up" if self.drift > 0 else "down", self.direction)

    @property
    def step_concern(self) -> bool:
        return self.step is not None and self.step.assessment == "concern"

    @property
    def level_change(self) -> Recalculated | None:
        """The recorded recalculation that started the current phase (its levels and
        meaning), or None."""
        if not self.recalculations or self.provisional is not None:
            return None
        last = self.recalculations[-1]
        phases = self.recorded.phases
        return last if phases and last.index == phases[-1].start else None

    @property
    def recent_from(self) -> int:
        """The first index of the recent window."""
        observed = self.recorded.observed
        return int(observed[max(0, len(observed) - self.window)]) if len(observed) else 0

    @property
    def needs_attention(self) -> bool:
        """A concern now or recently (a step down included), a target the process will
        consistently fail, or a new signal since the previous period that is not good news."""
        return bool(
            self.concerns() or self.step_concern or self.assurance == "consistently fail"
            or any(s.assessment == "neutral" for s in self.new)
        )  # fmt: skip

    @property
    def routine(self) -> bool:
        """No signal in the current phase at all, and no step."""
        return self.now == "common cause" and not self.current and self.step is None


def _now(
    latest: tuple[Signal, ...], step: Step | None, has_values: bool, has_limits: bool
) -> Variation:
    if not has_values:
        return "no values"
    if not has_limits:
        return "too few values"
    meanings: set[Assessment] = {s.assessment for s in latest}
    if step is not None:
        meanings.add(step.assessment)
    if "concern" in meanings:
        return "concern"
    if "improvement" in meanings:
        return "improvement"
    return "neither" if meanings else "common cause"


def _key(s: Signal) -> tuple[str, str, int]:
    return (s.rule, s.moved, s.first)


def _side(r: XmrResult, i: int | None) -> int:
    """+1 when value ``i`` lies above its central line, -1 below, 0 on it (or none)."""
    if i is None or not r.phases:
        return 0
    d = float(r.values[i] - r.per_point["central_line"][i])
    return 0 if math.isnan(d) or d == 0 else (1 if d > 0 else -1)


def assurance_of(r: XmrResult) -> Assurance | None:
    """Whether the latest phase will meet the target in force at the latest value:
    ``"consistently pass"`` (the target beyond the limits on the bad side),
    ``"consistently fail"`` (beyond them on the good side) or ``"hit and miss"`` (inside
    them). None without a target, limits or a better direction (as Making Data Count)."""
    t = r.latest_target
    if t is None or r.direction == "neutral" or not r.phases or not r.phases[-1].has_limits:
        return None
    hi, lo = r.unpl, r.lnpl
    if lo <= t <= hi:
        return "hit and miss"
    return "consistently fail" if (t > hi) == (r.direction == "up") else "consistently pass"


def _find(r: XmrResult) -> Step | None:
    """The step of chart ``r`` (see :mod:`pumpxl.core.steps`), or None."""
    i = r.latest_index
    if i is None or not r.phases or not r.phases[-1].has_limits or r.rules.long_run is None:
        return None
    phase = r.phases[-1]
    k = len(r.phases) - 1
    current = tuple(s for s in r.signals if s.phase == k)
    return find_step(
        r.values, usable(r, phase, i + 1), phase, current, _side(r, i), i,
        r.rules.long_run, r.direction,
    )  # fmt: skip


def read(
    r: XmrResult,
    *,
    recalculations: tuple[Recalculated, ...] = (),
    window: int = RECENT_POINTS,
    previous: XmrResult | None = None,
    provisional: bool = True,
    frequency: Frequency | None = None,
) -> Reading:
    """The reading of ``r``. ``recalculations`` carry the recorded reasons; ``previous`` is
    the chart one value earlier (computed with :meth:`XmrResult.previous` when not given);
    ``provisional`` shows limits from an unrecorded step; ``frequency`` names periods."""
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)) or window < 1:
        raise InputError(
            f"window must be a whole number of values, 1 or more, not {window!r}",
            setting="window",
        )
    i = r.latest_index
    if frequency is None and r.dates is not None and len(r.dates) > 1:
        frequency = infer_frequency(r.dates.to_numpy())
    has_limits = bool(r.phases) and r.phases[-1].has_limits
    step = _find(r) if has_limits else None
    chart = r
    if step is not None and provisional and step.n_after >= PROVISIONAL_MIN:
        chart = r.with_phase(step.start) or r
    phase = len(chart.phases) - 1
    absorbed = set(step.signals) if step is not None and chart is r else set()
    shown = tuple(s for s in chart.signals if s not in absorbed)
    current = tuple(s for s in shown if s.phase == phase) if i is not None else ()
    latest = tuple(s for s in current if i in s.points)
    observed = r.observed
    recent_from = int(observed[max(0, len(observed) - window)]) if len(observed) else 0
    recent = tuple(s for s in current if s not in latest and s.last >= recent_from)
    side_now = _side(chart, i)
    recalculate_from = step.start if step is not None else None
    last = r.phases[-1] if r.phases else None
    if step is None and i is not None and has_limits and last is not None and last.trend:
        starts = {p.start for p in r.phases}
        for s in current:
            if s.rule == "long_run" and s.first not in starts and in_force(s, side_now, current, i):
                recalculate_from = s.first
    if not recalculations:
        recalculations = tuple(Recalculated(p.start) for p in r.phases[1:])
    recalculations = tuple(_levels(r, rc) for rc in recalculations)
    return Reading(
        now=_now(latest, step, i is not None, has_limits),
        direction=r.direction,
        chart=chart,
        recorded=r,
        latest=latest,
        current=current,
        recent=recent,
        shown=shown,
        window=int(window),
        assurance=assurance_of(chart),
        target=r.latest_target,
        recalculate_from=recalculate_from,
        recalculations=recalculations,
        latest_index=i,
        step=step,
        frequency=frequency,
        phases=len(r.phases),
        drift=drift_slope(chart, current, side_now) if has_limits and step is None else None,
        earlier=(lambda: previous) if previous is not None else r.previous,
        provisional_on=provisional,
    )


def _levels(r: XmrResult, rc: Recalculated) -> Recalculated:
    """A recorded recalculation with the central line before and after it."""
    k = int(r.phase_index[rc.index]) if 0 <= rc.index < len(r) else 0
    if k < 1 or k >= len(r.phases):
        return rc
    before = float(r.phases[k - 1].line_at(rc.index - 1))
    after = float(r.phases[k].line_at(rc.index))
    if math.isnan(before) or math.isnan(after) or before == after:
        return replace(rc, before=before, after=after)
    moved: Moved = "up" if after > before else "down"
    return replace(
        rc, before=before, after=after, moved=moved, assessment=assess(moved, r.direction)
    )


