"""Signal rules for XmR charts, vectorised over all points and phases at once.

A rule turns values, central lines and natural process limits into *signals*: each names its
rule, its points (0-based indices) and its direction ("up" or "down"). Rule sets differ
between sources (DOMAIN.md section 3), so every convention is a field of :class:`RuleSet` and
the named presets reproduce the published tools:

========== ======= ============ ============= ========== ========== =========== ============
preset     outlier mr_outlier   long_run      short_run  2 of 3     trend       Anhoej runs
========== ======= ============ ============= ========== ========== =========== ============
``pump``   yes     no           7             3 of 4     no         no          no
``wheeler`` yes    yes          8             3 of 4     no         no          no
``nhs``    yes     no           7             no         2 of 3     7           no
``anhoej`` yes     no           no            no         no         no          yes
========== ======= ============ ============= ========== ========== =========== ============

Conventions (defaults in brackets):

* ``on_limit`` ["inside"]: a point exactly on a limit (or on the halfway / two-thirds line) is
  inside it. "outside" counts it as beyond.
* ``on_centre`` ["break"]: a point exactly on the central line ends a run; "skip" ignores it
  (it neither breaks nor extends the run). The ``anhoej`` preset skips, as qicharts2 does.
* Runs and trends flag *every* point of the run, not only those after the threshold, and never
  continue across a phase boundary or across the edge of the series.
* ``short_run``: k of w successive points beyond the halfway line between the central line and
  a limit, on the same side (Wheeler's "three of four"). ``two_of_three``: k of w beyond two
  thirds of the way to a limit, same side (NHS "two of three"); points beyond the limit count,
  as in the Western Electric rule and PowerBI-SPC (NHSRplotthedots counts only points between
  the two-thirds line and the limit, and asks all three points to be on one side).
  Only the points beyond the line are flagged; the other points of the window are not.
* ``trend``: n points each strictly above (below) the one before; a tie ends the trend.
* ``runs_anhoej``: Anhoej's runs analysis per phase: the longest run of points on one side of
  the central line longer than ``round(log2(n)) + 3``, or fewer crossings of it than the 5 %
  quantile of Binomial(n - 1, 0.5), where n counts the points not on the line.
* ``mr_outlier``: a moving range above the upper range limit (Wheeler); the point is the
  second point of that moving range, the direction that of the jump.

Missing values are not points: rules run on the observed values in time order, so a gap
neither breaks nor extends a run (the caller decides whether moving ranges bridge it).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from pumpxl.errors import InputError

__all__ = ["PRESETS", "RULE_NAMES", "RuleSet", "Signal", "find_signals", "resolve_rules"]

RULE_NAMES: tuple[str, ...] = (
    "outlier",
    "mr_outlier",
    "long_run",
    "short_run",
    "two_of_three",
    "trend",
    "runs_anhoej",
)

_RANK = {r: i for i, r in enumerate(RULE_NAMES)}

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class RuleSet:
    """Which rules run and with which conventions. ``None`` or ``False`` turns a rule off.

    Build one from a preset and change what differs::

        >>> RuleSet.preset("nhs").replace(trend=5).trend
        5
    """

    outlier: bool = True
    mr_outlier: bool = False
    long_run: int | None = 7
    short_run: tuple[int, int] | None = (3, 4)
    two_of_three: tuple[int, int] | None = None
    trend: int | None = None
    runs_anhoej: bool = False
    on_limit: Literal["inside", "outside"] = "inside"
    on_centre: Literal["break", "skip"] = "break"
    name: str = field(default="custom", compare=False)

    def __post_init__(self) -> None:
        if self.on_limit not in ("inside", "outside"):
            raise InputError(
                f'on_limit must be "inside" or "outside", not {self.on_limit!r}', setting="rules"
            )
        if self.on_centre not in ("break", "skip"):
            raise InputError(
                f'on_centre must be "break" or "skip", not {self.on_centre!r}', setting="rules"
            )
        for name in ("long_run", "trend"):
            n = getattr(self, name)
            if n is not None and (not isinstance(n, int) or isinstance(n, bool) or n < 2):
                raise InputError(
                    f"{name} must be a whole number of points of at least 2 (or None), not {n!r}",
                    setting="rules",
                )
        for name in ("short_run", "two_of_three"):
            kw = getattr(self, name)
            if kw is None:
                continue
            ok = (
                isinstance(kw, tuple)
                and len(kw) == 2
                and all(isinstance(v, int) and not isinstance(v, bool) for v in kw)
                and 1 <= kw[0] <= kw[1]
            )
            if not ok:
                raise InputError(
                    f"{name} must be a pair (k, w) with 1 <= k <= w, like (3, 4), not {kw!r}",
                    setting="rules",
                )

    @classmethod
    def preset(cls, name: str) -> RuleSet:
        """The named preset: ``"pump"``, ``"wheeler"``, ``"nhs"`` or ``"anhoej"``."""
        try:
            return PRESETS[name]
        except KeyError:
            known = ", ".join(f'"{k}"' for k in PRESETS)
            raise InputError(
                f"unknown rule preset {name!r}; use one of {known}", setting="rules"
            ) from None

    def replace(self, **changes: Any) -> RuleSet:
        """A copy with some fields changed (named ``custom`` unless a name is given)."""
        changes.setdefault("name", "custom")
        return replace(self, **changes)

    @property
    def active(self) -> tuple[str, ...]:
        """Names of the rules that run, in the order of :data:`RULE_NAMES`."""
        return tuple(r for r in RULE_NAMES if getattr(self, r) not in (None, False))


PRESETS: dict[str, RuleSet] = {
    "pump": RuleSet(name="pump"),
    "wheeler": RuleSet(mr_outlier=True, long_run=8, name="wheeler"),
    "nhs": RuleSet(long_run=7, short_run=None, two_of_three=(2, 3), trend=7, name="nhs"),
    "anhoej": RuleSet(
        long_run=None, short_run=None, runs_anhoej=True, on_centre="skip", name="anhoej"
    ),
}


def resolve_rules(rules: str | RuleSet | Mapping[str, Any] | None) -> RuleSet:
    """Turn a preset name, a :class:`RuleSet` or a mapping into a :class:`RuleSet`.

    A mapping starts from its ``"preset"`` key if it has one, else from every rule off, and
    sets the other keys: ``{"outlier": True, "long_run": 8}``.
    """
    if rules is None:
        return PRESETS["pump"]
    if isinstance(rules, RuleSet):
        return rules
    if isinstance(rules, str):
        return RuleSet.preset(rules.strip().lower())
    if isinstance(rules, Mapping):
        spec = dict(rules)
        base_name = spec.pop("preset", None)
        if base_name is not None:
            base = RuleSet.preset(str(base_name))
        else:
            base = RuleSet(outlier=False, long_run=None, short_run=None)
        known = {f.name for f in fields(RuleSet)}
        unknown = sorted(set(spec) - known)
        if unknown:
            raise InputError(
                f"unknown rule setting(s) {', '.join(map(repr, unknown))}; "
                f"known: {', '.join(sorted(known - {'name'}))}",
                setting="rules",
            )
        for key in ("short_run", "two_of_three"):
            if isinstance(spec.get(key), list):
                spec[key] = tuple(spec[key])
        for key in ("long_run", "trend"):
            if spec.get(key) is False:
                spec[key] = None
        return base.replace(**spec)
    raise InputError(
        f"rules must be a preset name, a RuleSet or a mapping, not {type(rules).__name__}",
        setting="rules",
    )


@dataclass(frozen=True, slots=True)
class Signal:
    """One signal: the rule that found it, its points (0-based indices into the series), its
    direction ("up" or "down"), the phase it lies in and, once the measure's direction is
    known, whether it is an ``"improvement"``, a ``"concern"`` or ``"neutral"``."""

    rule: str
    points: tuple[int, ...]
    direction: Literal["up", "down"]
    phase: int
    assessment: Literal["improvement", "concern", "neutral"] = "neutral"
    detail: str = ""

    @property
    def first(self) -> int:
        """Index of the signal's first point."""
        return self.points[0]

    @property
    def last(self) -> int:
        """Index of the signal's last point."""
        return self.points[-1]


def assess(direction: str, improvement: str) -> Literal["improvement", "concern", "neutral"]:
    """Whether a signal going ``direction`` is good news for a measure whose better way is
    ``improvement`` ("up", "down" or "neutral")."""
    if improvement == "neutral":
        return "neutral"
    return "improvement" if direction == improvement else "concern"


# ---------------------------------------------------------------------------------------------
# Array kernels. They work on observed points only (no NaN), in time order: ``pid`` is the
# phase number of every point (non-decreasing) and ``multi`` says whether there is more than
# one phase. Every rule yields *entries* (row, start, stop): a signal spanning compressed
# indices [start, stop), whose points are those of the span where the row's member mask is
# true. Nothing loops over points; Python loops only over rules, phases and rows.


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

    def signals(self, obs: IntArray, pid: IntArray, improvement: str) -> list[Signal]:
        """:class:`Signal` objects in original indices, ordered by first point, then rule."""
        out = []
        identity = obs.shape[0] == pid.shape[0]
        for e, (r, s, t) in enumerate(
            zip(self.row.tolist(), self.start.tolist(), self.stop.tolist(), strict=True)
        ):
            rule, sign = self.rows[r]
            pts = s + np.flatnonzero(self.members[r][s:t])
            points = tuple((pts if identity else obs[pts]).tolist())
            direction: Literal["up", "down"] = "up" if sign > 0 else "down"
            out.append(
                Signal(
                    rule,
                    points,
                    direction,
                    int(pid[points[0]]),
                    assess(direction, improvement),
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


def _sign8(a: FloatArray, b: FloatArray | float) -> npt.NDArray[np.int8]:
    """sign(a - b) as int8 (0 where equal), without computing the difference."""
    return np.subtract(np.greater(a, b).view(np.int8), np.less(a, b).view(np.int8), dtype=np.int8)


def _segments(key: npt.NDArray[Any], pid: IntArray | None) -> tuple[IntArray, IntArray]:
    """Start and stop (exclusive) of the maximal runs of equal ``key`` (within a phase)."""
    n = key.shape[0]
    change = np.empty(n, dtype=bool)
    change[:1] = True
    np.not_equal(key[1:], key[:-1], out=change[1:])
    if pid is not None:
        change[1:] |= pid[1:] != pid[:-1]
    starts = change.nonzero()[0]
    stops = np.empty_like(starts)
    stops[:-1] = starts[1:]
    stops[-1:] = n
    return starts, stops


def _cover_segments(cover: BoolArray, pid: IntArray | None) -> tuple[IntArray, IntArray, IntArray]:
    """(row, start, stop) of the stretches of True in each row of ``cover``, split at phase
    boundaries."""
    r, n = cover.shape
    pad = np.zeros((r, n + 2), dtype=bool)
    pad[:, 1:-1] = cover
    rr, cc = (pad[:, 1:] != pad[:, :-1]).nonzero()
    rows, starts, stops = rr[0::2], cc[0::2], cc[1::2]
    if pid is not None and starts.shape[0]:
        crossing = (pid[starts] != pid[stops - 1]).nonzero()[0]
        if crossing.shape[0]:  # rare: coverage of two phases touching at a boundary
            pieces_r, pieces_s, pieces_t = [], [], []
            for k in crossing.tolist():
                s, t = int(starts[k]), int(stops[k])
                cuts = s + 1 + (pid[s + 1 : t] != pid[s : t - 1]).nonzero()[0]
                bounds = [s, *cuts.tolist(), t]
                pieces_r += [int(rows[k])] * (len(bounds) - 1)
                pieces_s += bounds[:-1]
                pieces_t += bounds[1:]
            keep = np.ones(starts.shape[0], dtype=bool)
            keep[crossing] = False
            rows = np.concatenate([rows[keep], pieces_r]).astype(np.intp)
            starts = np.concatenate([starts[keep], pieces_s]).astype(np.intp)
            stops = np.concatenate([stops[keep], pieces_t]).astype(np.intp)
    return rows, starts, stops


def _k_of_w_cover(
    cond: BoolArray, k: int, w: int, phase: IntArray | None
) -> tuple[IntArray, IntArray, IntArray]:
    """Stretches covered by windows of ``w`` successive points holding ``k`` or more true
    values, for both rows of ``cond`` (above, below) at once. The rows are processed as one
    flat array (1-D cumulative sums are much cheaper than 2-D ones on short series); windows
    that would straddle the two rows or a phase boundary are discarded."""
    n = cond.shape[1]
    flat = cond.ravel()
    if w <= 8:  # a few shifted adds beat two cumulative sums over 2n values
        counts = flat[: 2 * n - w + 1].astype(np.int8)
        for j in range(1, w):
            counts += flat[j : 2 * n - w + 1 + j]
        ok = counts >= k  # window starting at flat position j
    else:
        cs = np.zeros(2 * n + 1, dtype=np.int32)
        np.cumsum(flat, out=cs[1:])
        ok = (cs[w:] - cs[:-w]) >= k
    ok[n - w + 1 : n] = False
    if phase is not None:
        same = phase[w - 1 :] == phase[: n - w + 1]
        ok[: n - w + 1] &= same
        ok[n:] &= same
    # point i is covered when a window starting in [i - w + 1, i] is ok
    cover = np.zeros(2 * n, dtype=bool)
    if w <= 8:
        m = ok.shape[0]
        for j in range(w):
            cover[j : j + m] |= ok
    else:
        cok = np.zeros(2 * n + 1, dtype=np.int32)
        np.cumsum(ok, out=cok[1 : 2 * n - w + 2])
        cok[2 * n - w + 2 :] = cok[2 * n - w + 1]
        np.greater(cok[1 : w + 1], 0, out=cover[:w])
        np.greater(cok[w + 1 :], cok[1 : 2 * n - w + 1], out=cover[w:])
    return _cover_segments(cover.reshape(2, n), phase)


def _binom_quantile_05(m: int) -> int:
    """Smallest x with P(X <= x) >= 0.05 for X ~ Binomial(m, 0.5) (R's ``qbinom(0.05, m,
    0.5)``). Probabilities are summed from ten standard deviations below the mean, where
    the lower tail is below 1e-22, so a million points cost a few thousand terms."""
    if m <= 0:
        return 0
    k0 = max(0, int(m / 2 - 5 * math.sqrt(m)))
    k = np.arange(k0 + 1, m // 2 + 1, dtype=np.float64)
    logpmf = np.empty(k.shape[0] + 1)
    logpmf[0] = (
        math.lgamma(m + 1) - math.lgamma(k0 + 1) - math.lgamma(m - k0 + 1) + m * math.log(0.5)
    )
    logpmf[1:] = logpmf[0] + np.cumsum(np.log((m - k + 1) / k))
    cdf = np.cumsum(np.exp(logpmf))
    return k0 + int(np.searchsorted(cdf, 0.05 * (1 - 1e-12)))


def _anhoej(
    side: npt.NDArray[np.int8], pid: IntArray, multi: bool
) -> list[tuple[int, int, int, str]]:
    """(sign, start, stop, detail) per phase that fails Anhoej's runs analysis."""
    on_line = not side.all()
    keep = side.nonzero()[0] if on_line else None
    s = side[keep] if keep is not None else side
    if s.shape[0] == 0:
        return []
    p = (pid[keep] if keep is not None else pid) if multi else None
    starts, stops = _segments(s, p)
    lengths = stops - starts
    if p is None:
        groups = [np.arange(starts.shape[0])]
    else:
        seg_phase = p[starts]
        groups = [(seg_phase == ph).nonzero()[0] for ph in np.unique(seg_phase).tolist()]
    out = []
    for mine in groups:
        n_useful = int(lengths[mine].sum())
        crossings = mine.shape[0] - 1
        longest_at = mine[int(np.argmax(lengths[mine]))]
        longest = int(lengths[longest_at])
        max_run = int(np.round(math.log2(n_useful))) + 3
        min_cross = _binom_quantile_05(n_useful - 1)
        reasons = []
        if longest > max_run:
            reasons.append(f"longest run {longest} > {max_run}")
        if crossings < min_cross:
            reasons.append(f"{crossings} crossings < {min_cross}")
        if not reasons:
            continue
        if longest > max_run:
            lo, hi = int(starts[longest_at]), int(stops[longest_at])
        else:
            lo, hi = int(starts[mine[0]]), int(stops[mine[-1]])
        sign = int(s[starts[longest_at]])
        if keep is not None:
            lo, hi = int(keep[lo]), int(keep[hi - 1]) + 1
        out.append((sign, lo, hi, "; ".join(reasons)))
    return out


def _detect(
    x: FloatArray,
    cl: FloatArray | float,
    width_up: FloatArray | float,
    width_down: FloatArray | float,
    pid: IntArray,
    multi: bool,
    mr: FloatArray | None,
    url: FloatArray | float | None,
    rules: RuleSet,
) -> Detection:
    """Run every active rule over observed points. ``width_up``/``width_down`` are the
    distances from the central line to the (unclipped) upper and lower limits."""
    n = x.shape[0]
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
        needs_side = bool(rules.long_run or rules.runs_anhoej)
        side = _sign8(dev, 0.0) if needs_side else np.zeros(0, np.int8)
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
                st, en = _segments(s, p)
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
                rr, st, en = _k_of_w_cover(cond, k, w, phase)
            else:
                rr = st = en = np.zeros(0, dtype=np.intp)
            add_spans(rule, st, en, 1 - 2 * rr, cond[0], cond[1])
        if rules.trend and n >= rules.trend:
            step = _sign8(x[1:], x[:-1])
            if phase is not None:
                step[phase[1:] != phase[:-1]] = 0
            st, en = _segments(step, None)
            good = ((en - st) >= rules.trend - 1) & (step[st] != 0)
            ones = np.ones(n, dtype=bool)
            add_spans("trend", st[good], en[good] + 1, step[st[good]], ones, ones)
        if rules.runs_anhoej:
            base = len(rows)
            rows.extend((("runs_anhoej", 1), ("runs_anhoej", -1)))
            members.extend((side > 0, side < 0))
            found = _anhoej(side, pid, multi)
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
    improvement: Literal["up", "down", "neutral"] = "neutral",
) -> list[Signal]:
    """Signals in ``values`` against given central lines and limits (scalars or one per
    point), for checking a chart whose limits come from elsewhere. Missing values (NaN) are
    skipped. :func:`pumpxl.xmr` runs the same kernels with the limits it computes.

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
    det = _detect(
        x[obs],
        cl[obs],
        (hi - cl)[obs],
        (cl - lo)[obs],
        pid[obs],
        bool(n and pid.min() != pid.max()),
        None if mr is None else mr[obs],
        None if ul is None else ul[obs],
        resolve_rules(rules),
    )
    return det.signals(obs, pid, improvement)
