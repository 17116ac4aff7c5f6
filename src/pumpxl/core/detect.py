"""Running the signal rules: every active rule of a :class:`~pumpxl.core.rules.RuleSet` over
all points and phases at once, giving a :class:`Detection` (arrays, cheap for a million points)
that becomes :class:`Signal` objects only when asked. Every rule yields *entries* (row, start,
stop): a signal spanning compressed indices [start, stop), whose points are those of the span
where the row's member mask is true."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from pumpxl.core.errors import InputError
from pumpxl.core.kernels import (
    BoolArray,
    FloatArray,
    IntArray,
    anhoej,
    k_of_w_cover,
    segments,
    sign8,
)
from pumpxl.core.rules import RuleSet, resolve_rules
from pumpxl.core.vocabulary import RULE_NAMES, Assessment, Direction, Moved, assess

__all__ = ["Detection", "Limits", "Signal", "detect", "find_signals"]

_RANK = {r: i for i, r in enumerate(RULE_NAMES)}


@dataclass(frozen=True, slots=True)
class Signal:
    """One signal: the rule that found it, its points (0-based indices into the series), which
    way it ``moved`` ("up" or "down"), the phase it lies in and, from the measure's direction,
    whether it is an ``"improvement"``, a ``"concern"`` or ``"neutral"``."""

    rule: str
    points: tuple[int, ...]
    moved: Moved
    phase: int
    assessment: Assessment = "neutral"
    detail: str = ""

    @property
    def first(self) -> int:
        """Index of the signal's first point."""
        return self.points[0]

    @property
    def last(self) -> int:
        """Index of the signal's last point."""
        return self.points[-1]


class Limits(NamedTuple):
    """What the rules judge points against, per observed point or one value for all: the
    central line, the distances from it to the (unclipped) upper and lower limits, and the
    upper range limit of the moving ranges (None: no moving-range rule)."""

    central_line: FloatArray | float
    width_up: FloatArray | float
    width_down: FloatArray | float
    url: FloatArray | float | None = None
    #: deviations from the central line this small are rounding (a trended line is
    #: computed, not a plain mean): the point is on the line, not on one side
    rounding: float = 0.0


class Detection:
    """What the rules found, as arrays: cheap to build for a million points; turned into
    :class:`Signal` objects only when someone asks for them (:meth:`signals`)."""

    __slots__ = ("_entries", "_parts", "details", "members", "n", "rows", "rules")

    def __init__(
        self,
        rows: list[tuple[str, int]],
        members: list[BoolArray],
        parts: tuple[list[Any], list[Any], list[Any]],
        details: dict[int, str],
        rules: RuleSet,
        n: int,
    ) -> None:
        self.rows, self.members, self.rules, self.n = rows, members, rules, n
        self._parts, self.details = parts, details
        self._entries: tuple[IntArray, IntArray, IntArray] | None = None

    def _arrays(self) -> tuple[IntArray, IntArray, IntArray]:
        """(row, start, stop) of every entry, in the order the rules produced them (joined
        only when needed: most callers want the count or the flags)."""
        if self._entries is None:
            rows, starts, stops = self._parts
            empty = np.zeros(0, np.intp)
            self._entries = (
                np.concatenate(rows).astype(np.intp) if rows else empty,
                np.concatenate(starts).astype(np.intp) if starts else empty,
                np.concatenate(stops).astype(np.intp) if stops else empty,
            )
        return self._entries

    @property
    def row(self) -> IntArray:
        return self._arrays()[0]

    @property
    def start(self) -> IntArray:
        return self._arrays()[1]

    @property
    def stop(self) -> IntArray:
        return self._arrays()[2]

    def __len__(self) -> int:
        return sum(int(a.shape[0]) for a in self._parts[0])

    def flags(self, rule: str) -> BoolArray:
        """Points (compressed indices) that a signal of ``rule`` includes."""
        out = np.zeros(self.n, dtype=bool)
        for r, (name, _) in enumerate(self.rows):
            if name != rule:
                continue
            mine = self.row == r
            if not mine.any():
                continue
            delta = np.bincount(self.start[mine], minlength=self.n + 1) - np.bincount(
                self.stop[mine], minlength=self.n + 1
            )
            out |= (np.cumsum(delta[: self.n]) > 0) & self.members[r]
        return out

    def signals(self, obs: IntArray, pid: IntArray, direction: Direction) -> list[Signal]:
        """:class:`Signal` objects in original indices, ordered by first point, then rule."""
        out = []
        identity = obs.shape[0] == pid.shape[0]
        for e, (r, s, t) in enumerate(
            zip(self.row.tolist(), self.start.tolist(), self.stop.tolist(), strict=True)
        ):
            rule, sign = self.rows[r]
            pts = s + np.flatnonzero(self.members[r][s:t])
            points = tuple((pts if identity else obs[pts]).tolist())
            moved: Moved = "up" if sign > 0 else "down"
            out.append(
                Signal(
                    rule,
                    points,
                    moved,
                    int(pid[points[0]]),
                    assess(moved, direction),
                    self.details.get(e) or self._detail(rule, len(points)),
                )
            )
        out.sort(key=lambda sig: (sig.points[0], _RANK[sig.rule]))
        return out

    def _detail(self, rule: str, count: int) -> str:
        if rule == "outlier":
            return "beyond the natural process limits"
        if rule == "mr_outlier":
            return "moving range above the upper range limit"
        if rule == "long_run":
            return f"{count} points in a row on one side of the central line"
        if rule == "trend":
            return f"{count} points in a row, each moving the same way as the one before"
        kw = self.rules.short_run if rule == "short_run" else self.rules.two_of_three
        line = "the halfway line" if rule == "short_run" else "two thirds of the way to a limit"
        k, w = kw if kw else (0, 0)
        return f"{k} of {w} points beyond {line}"


def detect(
    x: FloatArray,
    limits: Limits,
    rules: RuleSet,
    *,
    pid: IntArray,
    multi: bool,
    moving_ranges: FloatArray | None = None,
) -> Detection:
    """Run every active rule over the observed points ``x`` (no NaN, time order) against
    ``limits``. ``pid`` is each point's phase (``multi``: more than one phase, so runs stop at
    phase boundaries); ``moving_ranges`` feed the moving-range rule."""
    n = x.shape[0]
    cl, width_up, width_down = limits.central_line, limits.width_up, limits.width_down
    mr, url = moving_ranges, limits.url
    rows: list[tuple[str, int]] = []
    members: list[BoolArray] = []
    e_row: list[Any] = []
    e_start: list[Any] = []
    e_stop: list[Any] = []
    details: dict[int, str] = {}
    if n == 0:
        return Detection(rows, members, ([], [], []), details, rules, 0)
    phase = pid if multi else None
    inclusive = rules.on_limit == "outside"
    above_op, below_op = (np.greater_equal, np.less_equal) if inclusive else (np.greater, np.less)

    def add_points(rule: str, mask_up: BoolArray, mask_down: BoolArray) -> None:
        # one entry per flagged point: row 0 of the pair where up, row 1 where down
        base = len(rows)
        rows.extend(((rule, 1), (rule, -1)))
        members.extend((mask_up, mask_down))
        idx = (mask_up | mask_down).nonzero()[0]
        if idx.shape[0]:
            e_row.append(base + mask_down[idx])
            e_start.append(idx)
            e_stop.append(idx + 1)

    def add_spans(
        rule: str,
        starts: IntArray,
        stops: IntArray,
        signs: npt.NDArray[Any],
        member_up: BoolArray,
        member_down: BoolArray,
    ) -> None:
        base = len(rows)
        rows.extend(((rule, 1), (rule, -1)))
        members.extend((member_up, member_down))
        if starts.shape[0]:
            e_row.append(base + (signs < 0))
            e_start.append(starts)
            e_stop.append(stops)

    with np.errstate(invalid="ignore", over="ignore"):
        dev = x - cl
        if limits.rounding:
            dev[np.abs(dev) <= limits.rounding] = 0.0
        needs_side = bool(rules.long_run or rules.runs_anhoej)
        side = sign8(dev, 0.0) if needs_side else np.zeros(0, np.int8)
        if rules.outlier:
            add_points("outlier", above_op(dev, width_up), below_op(dev, -1 * width_down))
        if rules.mr_outlier and mr is not None and url is not None:
            big = above_op(mr, url)
            rising = np.zeros(n, dtype=bool)
            np.greater(x[1:], x[:-1], out=rising[1:])
            add_points("mr_outlier", big & rising, big & ~rising)
        if rules.long_run:
            skip = rules.on_centre == "skip"
            keep = side.nonzero()[0] if skip else None
            s = side[keep] if keep is not None else side
            if s.shape[0] >= rules.long_run:
                p = None if phase is None else (phase[keep] if keep is not None else phase)
                st, en = segments(s, p)
                good = ((en - st) >= rules.long_run) & (s[st] != 0)
                st, en = st[good], en[good]
                signs = s[st]
                if keep is not None:
                    st, en = keep[st], keep[en - 1] + 1
                add_spans("long_run", st, en, signs, side > 0, side < 0)
        for rule, kw, frac in (
            ("short_run", rules.short_run, 0.5),
            ("two_of_three", rules.two_of_three, 2.0 / 3.0),
        ):
            if not kw:
                continue
            k, w = kw
            cond = np.empty((2, n), dtype=bool)
            above_op(dev, frac * width_up, out=cond[0])
            below_op(dev, -frac * width_down, out=cond[1])
            if n >= w:
                rr, st, en = k_of_w_cover(cond, k, w, phase)
            else:
                rr = st = en = np.zeros(0, dtype=np.intp)
            add_spans(rule, st, en, 1 - 2 * rr, cond[0], cond[1])
        if rules.trend and n >= rules.trend:
            step = sign8(x[1:], x[:-1])
            if phase is not None:
                step[phase[1:] != phase[:-1]] = 0
            st, en = segments(step, None)
            good = ((en - st) >= rules.trend - 1) & (step[st] != 0)
            ones = np.ones(n, dtype=bool)
            add_spans("trend", st[good], en[good] + 1, step[st[good]], ones, ones)
        if rules.runs_anhoej:
            base = len(rows)
            rows.extend((("runs_anhoej", 1), ("runs_anhoej", -1)))
            members.extend((side > 0, side < 0))
            found = anhoej(side, pid, multi)
            first_entry = sum(a.shape[0] for a in e_row)
            for i, (_, _, _, why) in enumerate(found):
                details[first_entry + i] = why
            if found:
                e_row.append(np.array([base if f[0] > 0 else base + 1 for f in found], np.intp))
                e_start.append(np.array([f[1] for f in found], np.intp))
                e_stop.append(np.array([f[2] for f in found], np.intp))
    return Detection(rows, members, (e_row, e_start, e_stop), details, rules, n)


def find_signals(
    values: npt.ArrayLike,
    *,
    central_line: npt.ArrayLike,
    unpl: npt.ArrayLike,
    lnpl: npt.ArrayLike,
    phase: npt.ArrayLike | None = None,
    moving_ranges: npt.ArrayLike | None = None,
    url: npt.ArrayLike | None = None,
    rules: str | RuleSet | Mapping[str, Any] | None = "pump",
    direction: Direction = "neutral",
) -> list[Signal]:
    """Signals in ``values`` against given central lines and limits (scalars or one per
    point), for checking a chart whose limits come from elsewhere. Missing values (NaN) are
    skipped; ``direction`` (which way is better) gives each signal its assessment.
    :func:`pumpxl.xmr` runs the same kernels with the limits it computes.

    >>> [s.points for s in find_signals([5, 6, 6, 6, 6, 6, 5], central_line=5, unpl=9,
    ...                                 lnpl=1, rules={"long_run": 5})]
    [(1, 2, 3, 4, 5)]
    """
    x = np.asarray(values, dtype=np.float64).ravel()
    n = x.shape[0]

    def per_point(a: npt.ArrayLike | None, name: str) -> FloatArray | None:
        if a is None:
            return None
        arr = np.asarray(a, dtype=np.float64)
        if arr.ndim == 0:
            return np.full(n, float(arr))
        arr = arr.ravel()
        if arr.shape[0] != n:
            raise InputError(f"{name} has {arr.shape[0]} entries for {n} values", setting=name)
        return arr

    cl = per_point(central_line, "central_line")
    hi = per_point(unpl, "unpl")
    lo = per_point(lnpl, "lnpl")
    assert cl is not None and hi is not None and lo is not None
    pid = np.zeros(n, dtype=np.intp) if phase is None else np.asarray(phase, np.intp).ravel()
    obs = (~np.isnan(x)).nonzero()[0]
    mr = per_point(moving_ranges, "moving_ranges")
    ul = per_point(url, "url")
    limits = Limits(cl[obs], (hi - cl)[obs], (cl - lo)[obs], None if ul is None else ul[obs])
    det = detect(
        x[obs],
        limits,
        resolve_rules(rules),
        pid=pid[obs],
        multi=bool(n and pid.min() != pid.max()),
        moving_ranges=None if mr is None else mr[obs],
    )
    return det.signals(obs, pid, direction)
