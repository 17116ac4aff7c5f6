"""The series and value axis of a measure's chart plan (:mod:`pumpxl.core.chart_plan`): the
palette and marker shapes every chart uses, each series with its meaning and how it is drawn
(values; each phase's central line and limits, none for a phase without variation; the target
per step of a trajectory; signal points by meaning and rule), and the value axis's range and
step."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from pumpxl.core.analysis import AnalysedMeasure
from pumpxl.core.result import XmrResult
from pumpxl.core.vocabulary import RULE_LABELS, RULE_NAMES

__all__ = ["BIG", "MARKERS", "MEANINGS", "PALETTE", "VALUE", "Line", "axis_scale", "nice_step",
           "plan_lines", "signal_groups"]  # fmt: skip

#: the name of a chart's series of the measure's values (a refresh finds pumpxl's chart by it)
VALUE = "Value"

#: Every colour a chart uses (RGB hex), written once: blue improvement, orange concern,
#: purple a signal with no better direction (NHS Making Data Count), grey routine.
PALETTE = {
    "value": "404040",
    "central_line": "2E7D32",
    "limit": "C62828",
    "target": "37474F",  # not blue: blue means improvement
    "improvement": "1F6FB5",
    "concern": "E07A10",
    "neutral": "7A3E9D",
    "routine": "808080",
    "mark": "1F3864",
    "grid": "E0E0E0",
    "white": "FFFFFF",
}
#: The secondary cue of a signal marker, its shape, by rule (the colour gives its meaning).
MARKERS = {
    "outlier": "diamond",
    "mr_outlier": "x",
    "long_run": "circle",
    "short_run": "square",
    "two_of_three": "square",
    "trend": "triangle",
    "runs_anhoej": "circle",
    "step": "circle",
}
MEANINGS = {"improvement": "Improvement", "concern": "Concern", "neutral": "Signal"}


@dataclass(frozen=True)
class Line:
    """One series: ``kind`` (value, central_line, unpl, lnpl, their ``provisional_`` forms,
    target, ``signal:<meaning>:<rule>``), its legend name, values (None: no point), and
    how it is drawn. ``dash`` is one of solid, dash, square_dot, round_dot; ``marker`` none,
    circle, diamond, square, triangle, x."""

    kind: str
    name: str
    values: tuple[float | None, ...]
    colour: str
    width: float = 1.25
    dash: str = "solid"
    marker: str = "none"
    marker_size: int = 0
    marker_edge: str = ""
    legend: bool = True


def _blank(a: np.ndarray) -> tuple[float | None, ...]:
    return tuple(None if math.isnan(v) else float(v) for v in a.tolist())


def _steps(values: np.ndarray) -> list[tuple[int, int]]:
    """(start, stop) of each run of one target value (NaN runs left out)."""
    out: list[tuple[int, int]] = []
    start = 0
    for i in range(1, len(values) + 1):
        if i == len(values) or values[i] != values[start]:
            if not math.isnan(values[start]):
                out.append((start, i))
            start = i
    return out


def signal_groups(a: AnalysedMeasure, r: XmrResult) -> dict[tuple[str, str, str], set[int]]:
    """The points of every signal, grouped by meaning, rule and side, in drawing order: a
    step first, runs and trends, outliers and jumps last (on top); within each, concerns,
    improvements, then neutral signals."""
    groups: dict[tuple[str, str, str], set[int]] = {}
    rd = a.reading
    shown = rd.shown if r is rd.chart else r.signals
    for s in shown:
        groups.setdefault((s.assessment, s.rule, s.moved), set()).update(s.points)
    if r is rd.chart and rd.step is not None and rd.latest_index is not None:
        st = rd.step
        points = {i for i in range(st.start, rd.latest_index + 1) if not np.isnan(r.values[i])}
        groups.setdefault((st.assessment, "step", st.moved), set()).update(points)
    rank = {"concern": 0, "improvement": 1, "neutral": 2}

    def order(key: tuple[str, str, str]) -> tuple[bool, int, int, str]:
        single = key[1] in ("outlier", "mr_outlier")
        rule = -1 if key[1] == "step" else RULE_NAMES.index(key[1])
        return single, rank[key[0]], rule, key[2]

    return {k: groups[k] for k in sorted(groups, key=order)}


def plan_lines(a: AnalysedMeasure, r: XmrResult) -> list[Line]:
    per = r.per_point
    out = [Line("value", VALUE, _blank(r.values), PALETTE["value"], 1.5, "solid", "circle", 4)]
    seen: set[str] = set()
    for k, phase in enumerate(r.phases):
        mask = r.phase_index == k
        flat = phase.mr_bar == 0 and not phase.slope  # no variation: no limits to draw
        for kind, name in (("central_line", "Central line"), ("unpl", "Upper limit"),
                           ("lnpl", "Lower limit")):  # fmt: skip
            if flat and kind != "central_line":
                continue
            colour = PALETTE["central_line" if kind == "central_line" else "limit"]
            width = 1.5 if kind == "central_line" else 1.25
            dash = "solid" if kind == "central_line" else "dash"
            if flat:  # every value on it: a wide dashed band under the values, not hidden
                width, dash = 4.0, "dash"
            name += f" (phase {k + 1})" if k else ""
            if phase.provisional:
                kind = f"provisional_{kind}"
                name = "Provisional " + ("central line" if "central" in kind else "limits")
                width, dash = 2.0, "square_dot"
            vals = _blank(np.where(mask, per[kind.removeprefix("provisional_")], np.nan))
            # one legend entry per kind of line (and one for both provisional limits)
            first = kind not in seen and name not in seen
            out.append(Line(kind, name, vals, colour, width, dash, legend=first))
            seen.update((kind, name))
    if a.targets is not None and not np.isnan(a.targets).all():
        # one series per step of a trajectory: a change of target is a step, not a slope
        for k, (start, stop) in enumerate(_steps(a.targets)):
            steps = np.full(len(r), np.nan)
            steps[start:stop] = a.targets[start:stop]
            name = "Target" if not k else f"Target (step {k + 1})"
            out.append(Line("target", name, _blank(steps), PALETTE["target"], 1.25, "round_dot",
                            legend=not k))  # fmt: skip
    drawn: list[set[int]] = []
    for (meaning, rule, moved), points in signal_groups(a, r).items():
        flagged = np.zeros(len(r), dtype=bool)
        flagged[list(points)] = True
        side = "above" if moved == "up" else "below"
        if rule == "step":
            name = f"{MEANINGS[meaning]}: step {moved}"
        else:
            name = f"{MEANINGS[meaning]}: {RULE_LABELS[rule][0]} {side}"
        # a point can belong to several signals: later series are drawn on top, so a marker
        # is smaller, with a white edge, for each earlier one sharing a point with it; every
        # marker stays filled, so its legend entry shows a swatch
        depth = sum(1 for earlier in drawn if earlier & points)
        drawn.append(set(points))
        colour = PALETTE[meaning]
        out.append(Line(f"signal:{meaning}:{rule}", name, _blank(np.where(flagged, r.values,
                        np.nan)), colour, 0.0, "none", MARKERS[rule], max(5, 13 - 4 * depth),
                        PALETTE["white"] if depth else colour))  # fmt: skip
    return out


def nice_step(raw: float) -> float:
    """1, 2, 2.5 or 5 times a power of ten, at least ``raw``."""
    if raw <= 0 or not math.isfinite(raw):
        return 1.0
    power = 10.0 ** math.floor(math.log10(raw))
    for k in (1, 2, 2.5, 5, 10):
        if k * power >= raw:
            return float(k * power)
    return float(10 * power)


BIG = float(np.finfo(np.float64).max)


def axis_scale(
    a: AnalysedMeasure, r: XmrResult, band: float, bottom: bool = False
) -> tuple[float, float, float]:
    """(minimum, maximum, step) of the value axis: every value, limit and target shown with a
    little room, ``band`` of the plot's height free at the top (or ``bottom``), a nice step,
    natural bounds."""
    lows = [r.values, np.array([p.lnpl for p in r.phases])]
    highs = [r.values, np.array([p.unpl for p in r.phases])]
    if a.targets is not None:
        lows.append(a.targets)
        highs.append(a.targets)
    with np.errstate(all="ignore"):
        lo = float(np.nanmin(np.concatenate(lows))) if r.phases else 0.0
        hi = float(np.nanmax(np.concatenate(highs))) if r.phases else 1.0
        pad = (hi / 2 - lo / 2) * 0.12 or abs(hi) * 0.1 or 1.0
        lo, hi = max(-BIG, lo - pad), min(BIG, hi + pad)
        if band and bottom:
            lo = max(-BIG, lo - (hi / 2 - lo / 2) * 2 * band / (1 - band))
        elif band:
            hi = min(BIG, hi + (hi / 2 - lo / 2) * 2 * band / (1 - band))
        step = nice_step((hi / 2 - lo / 2) / 3)
        lo = max(-BIG, math.floor(lo / step) * step)
        hi = min(BIG, math.ceil(hi / step) * step)
    m = a.measure
    if m.lower_bound is not None and not (band and bottom):
        lo = max(lo, m.lower_bound)
    if m.upper_bound is not None and not (band and not bottom):
        hi = min(hi, m.upper_bound)
    return lo, hi, step


