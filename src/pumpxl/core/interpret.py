"""One reading of an XmR chart, which every output tells the same way: decks, posters, the
calc workbook, ``pumpxl xmr`` and the Excel functions.

How the reading is decided:

* **Now** is the latest value: a special cause (improvement, concern, or "neither" for a
  measure with no better direction) when the latest value belongs to a signal, else common
  cause. This is NHS Making Data Count's variation icon.
* **Current** signals are every signal of the current phase (since the last recalculation).
* **Recent** signals are current ones that no longer include the latest value but ended within
  the last ``window`` values (default :data:`RECENT_POINTS`), so a run that finished last month
  is not hidden behind "common cause".
* **Recalculate** advice is given only for a sustained shift (a long run) of the current phase
  that does not start at a recorded recalculation and is still in force: the latest value lies
  on the run's side of the central line.
* **Changes since the previous period** compare with the chart as it stood one value earlier
  (the same settings, one value fewer): new signals (ones the latest value belongs to that the
  earlier chart did not show), signals that ended, a new phase.
* **Assurance** compares the target with the latest phase's limits (see
  :attr:`XmrResult.assurance`); no assurance without a better direction, as Making Data Count.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Literal

from pumpxl.core.detect import Signal
from pumpxl.core.limits import fit_trend
from pumpxl.core.vocabulary import Assessment, Assurance, Direction

if TYPE_CHECKING:  # for annotations only: XmrResult itself uses this module
    from pumpxl.core.result import XmrResult

__all__ = [
    "RECENT_POINTS",
    "Reading",
    "Recalculated",
    "Variation",
    "mdc_assurance",
    "mdc_variation",
    "read",
]

#: How many of the latest values make "recent" (six months of a monthly measure, six weeks
#: of a weekly one).
RECENT_POINTS = 6

Variation = Literal[
    "no values", "too few values", "common cause", "improvement", "concern", "neither"
]  # fmt: skip
#: NHS Making Data Count's order for the one variation icon: the first pattern wins.
MDC_ORDER = (
    "outlier", "trend", "two_of_three", "short_run", "long_run", "mr_outlier", "runs_anhoej"
)  # fmt: skip


@dataclass(frozen=True)
class Recalculated:
    """A recalculation of the limits: the first value of the new phase, and why."""

    index: int
    reason: str = ""


@dataclass(frozen=True)
class Reading:
    """What an XmR chart says now, recently, and since the previous period."""

    now: Variation
    direction: Direction
    latest: tuple[Signal, ...]
    current: tuple[Signal, ...]
    recent: tuple[Signal, ...]
    window: int
    assurance: Assurance | None
    target: float | None
    recalculate_from: int | None
    recalculations: tuple[Recalculated, ...]
    latest_index: int | None
    #: the chart one value earlier, computed when a change since then is first asked for
    earlier: Callable[[], XmrResult | None] = field(repr=False, compare=False, default=lambda: None)

    @cached_property
    def _changes(self) -> tuple[tuple[Signal, ...], tuple[Signal, ...], bool, int | None]:
        before = self.earlier() if self.latest_index is not None else None
        if before is None:
            return (), (), False, None
        then = {_key(s) for s in before.signals}
        new = tuple(s for s in self.latest if _key(s) not in then)
        was = before.latest_index
        now_keys = {_key(s) for s in self.latest}
        last_phase = len(before.phases) - 1
        ended = tuple(
            s
            for s in before.signals
            if was is not None and was in s.points and _key(s) not in now_keys
            and s.phase == last_phase
        )  # fmt: skip
        return new, ended, self.phases > len(before.phases), was

    phases: int = 0
    #: a flat latest phase whose values drift steadily: the half-averages trend per period
    #: (a suggestion to consider trended limits; never applied on its own)
    drift: float | None = None

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
    def special(self) -> tuple[Signal, ...]:
        """Signals that make the chart special cause now or recently."""
        return self.latest + self.recent

    def concerns(self) -> tuple[Signal, ...]:
        """Concern signals now or recently."""
        return tuple(s for s in self.special if s.assessment == "concern")

    @property
    def needs_attention(self) -> bool:
        """A concern now or recently, a target the process will consistently fail, or a new
        signal since the previous period."""
        return bool(self.concerns() or self.assurance == "consistently fail" or self.new)

    @property
    def routine(self) -> bool:
        """No signal in the current phase at all."""
        return self.now == "common cause" and not self.current


def _now(latest: tuple[Signal, ...], has_values: bool, has_limits: bool) -> Variation:
    if not has_values:
        return "no values"
    if not has_limits:
        return "too few values"
    meanings: set[Assessment] = {s.assessment for s in latest}
    if "concern" in meanings:
        return "concern"
    if "improvement" in meanings:
        return "improvement"
    return "neither" if latest else "common cause"


def _key(s: Signal) -> tuple[str, str, int]:
    return (s.rule, s.moved, s.first)


def read(
    r: XmrResult,
    *,
    recalculations: tuple[Recalculated, ...] = (),
    window: int = RECENT_POINTS,
    previous: XmrResult | None = None,
) -> Reading:
    """The reading of ``r``. ``recalculations`` carry the recorded reasons; ``previous`` is
    the chart one value earlier (computed with :meth:`XmrResult.previous` when not given)."""
    i = r.latest_index
    has_limits = bool(r.phases) and r.phases[-1].has_limits
    phase = len(r.phases) - 1
    current = tuple(s for s in r.signals if s.phase == phase) if i is not None else ()
    latest = tuple(s for s in current if i in s.points)
    observed = r.observed
    recent_from = int(observed[max(0, len(observed) - window)]) if len(observed) else 0
    recent = tuple(s for s in current if s not in latest and s.last >= recent_from)
    recalculate_from = None
    if i is not None and has_limits:
        side = r.values[i] - r.per_point["central_line"][i]
        starts = {p.start for p in r.phases}
        for s in current:
            same_side = (side > 0 and s.moved == "up") or (side < 0 and s.moved == "down")
            if s.rule == "long_run" and s.first not in starts and same_side:
                recalculate_from = s.first
    if not recalculations:
        recalculations = tuple(Recalculated(p.start) for p in r.phases[1:])
    return Reading(
        now=_now(latest, i is not None, has_limits),
        direction=r.direction,
        latest=latest,
        current=current,
        recent=recent,
        window=window,
        assurance=r.assurance if r.direction != "neutral" else None,
        target=r.latest_target,
        recalculate_from=recalculate_from,
        recalculations=recalculations,
        latest_index=i,
        earlier=(lambda: previous) if previous is not None else r.previous,
        phases=len(r.phases),
        drift=_drift(r) if has_limits else None,
    )


DRIFT_POINTS = 12  # values a flat phase needs before a steady drift is worth naming


def _drift(r: XmrResult) -> float | None:
    """The slope of the latest flat phase's half-averages line when, across the phase, it
    moves the central line by more than the distance to a limit: limits that flat flag the
    drift itself, and trended limits may suit the measure better."""
    p = r.phases[-1]
    if p.trend is not None or p.n_values < DRIFT_POINTS or not p.mr_bar > 0:
        return None
    slope, _ = fit_trend(r.values, None, p.start, p.stop, "half-averages")
    distance = p.unpl - p.central_line if not p.unpl_is_bound else p.central_line - p.lnpl
    return slope if abs(slope) * (p.stop - 1 - p.start) > distance else None


def mdc_variation(reading: Reading) -> str:
    """The Making Data Count variation icon: "common cause", "special cause improvement
    high"/"low", "special cause concern high"/"low", "special cause neither high"/"low", or
    "" when there are too few values. The latest value's first pattern in MDC's order (outside
    the limits, trend, two of three, shift) decides, as NHSRplotthedots does."""
    if reading.now in ("no values", "too few values"):
        return ""
    if not reading.latest:
        return "common cause"
    first = min(reading.latest, key=lambda s: MDC_ORDER.index(s.rule))
    side = "high" if first.moved == "up" else "low"
    meaning = first.assessment if first.assessment != "neutral" else "neither"
    return f"special cause {meaning} {side}"


def mdc_assurance(reading: Reading) -> str:
    """The Making Data Count assurance icon: "pass", "fail", "hit and miss", or "" (no target,
    no limits, or no better direction)."""
    return {
        "consistently pass": "pass",
        "consistently fail": "fail",
        "hit and miss": "hit and miss",
    }.get(reading.assurance or "", "")
