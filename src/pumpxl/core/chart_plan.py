"""One plan per measure of what its XmR chart draws, as plain data, so that the deck's chart
(``report/chart.py``), the posters' and the calc workbook's (``workbook/xmr_chart.py``) are
the same chart: every series with its meaning, colour, dash, weight and marker; the value
axis's range, step and number format; the date axis's format; the labels of the latest
phase's lines and where they go; the marks at recalculations, a step and initiatives, with
their labels in a band above the data that no line enters.

Rules the plan keeps (issue 23):

- Lines that lie on top of each other (the target on a limit or on the central line, within
  a label's height) are told apart by dash and weight: the target is drawn thicker, in round
  dots, over the thinner dashed line, and ``coincident`` names the pair.
- Line labels sit right of the plot, one label's height apart: they never collide, and no line
  runs through them.
- Marks' labels sit in rows in a band at the top of the plot kept free of every value and line
  (the axis is raised to make the room), so no line crosses them.
- Signal markers are always filled in their meaning's colour (a marker on top of another is
  smaller with a white edge), so every legend entry shows a swatch.
- A phase without variation has no limits drawn: limits of zero width are no limits.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from pumpxl.core.analysis import AnalysedMeasure
from pumpxl.core.chart_series import (
    MARKERS,
    PALETTE,
    Line,
    axis_scale,
    nice_step,
    plan_lines,
    signal_groups,
)
from pumpxl.core.narrative import level_change_label, period_label, reading_numbers, the
from pumpxl.core.present import Numbers
from pumpxl.core.result import XmrResult

__all__ = [
    "MARKERS",
    "PALETTE",
    "ChartPlan",
    "Label",
    "Line",
    "Mark",
    "chart_plan",
    "label_box",
    "label_texts",
    "nice_step",
    "signal_groups",
]

#: What a mark's label says where its full text has no room (an initiative: its ID).
SHORT = {"recalculation": "Recalc.", "step": "Step"}


def label_box(font_size: float) -> float:
    """Points a one-line label takes, its margins included (line labels are this far apart)."""
    return font_size * 1.25 + 7.5

@dataclass(frozen=True)
class Label:
    """A line's name and value right of the plot: ``at`` is where its middle goes, in the
    value axis's units (moved apart from its neighbours so labels never collide)."""

    name: str
    text: str
    value: float
    at: float
    colour: str


@dataclass(frozen=True)
class Mark:
    """A vertical mark at period ``index`` (a recalculation, a step, an initiative) and its
    label in row ``row`` of the band above the data (0: the top row); ``left`` when the label
    goes left of the mark (late in the chart)."""

    kind: str
    name: str
    index: int
    text: str
    colour: str
    dash: str
    row: int = 0
    left: bool = False
    lines: int = 1
    #: the label's width as a share of the plot's
    width: float = 0.4


@dataclass(frozen=True)
class ChartPlan:
    """Everything a chart writer needs (see the module's description)."""

    lines: tuple[Line, ...]
    low: float
    high: float
    step: float
    numbers: Numbers
    tick_numbers: Numbers
    weekly: bool
    unit: str
    labels: tuple[Label, ...] = ()
    marks: tuple[Mark, ...] = ()
    #: rows of mark labels in the band at the top, and the band's share of the plot height
    band_rows: int = 0
    band: float = 0.0
    #: the band lies below the data (the axis may not pass a natural upper bound)
    band_bottom: bool = False
    coincident: tuple[tuple[str, str], ...] = ()
    no_variation: bool = False
    dates: tuple[object, ...] = field(default=(), repr=False)

    @property
    def date_format(self) -> str:
        """The date axis's number format (the same in PowerPoint, Excel and LibreOffice)."""
        return "d mmm yy" if self.weekly else "mmm yy"

    @property
    def base_unit(self) -> str:
        return "days" if self.weekly else "months"

    def legend_names(self) -> list[str]:
        return [ln.name for ln in self.lines if ln.legend]

    def y(self, value: float) -> float:
        """``value``'s height in the plot, 0 at the bottom and 1 at the top."""
        return (value - self.low) / (self.high - self.low)

def _abridged(
    text: str, room: float, size: float, width: Callable[[str, float], float], lines: int = 1
) -> str:
    """``text``, where it takes more than ``lines`` of ``room`` points (wrapped at words),
    without the aside in brackets it ends with (a recalculation's reason: the page's *Why*
    tells it) where the rest fits, else cut at a word and ended with "…" (the full text is
    in the slide's notes)."""

    def fits(t: str) -> bool:
        return width(t, size) <= room if lines == 1 else _wrapped(t, room, size, width) <= lines

    if fits(text):
        return text
    aside = _aside(text)
    if aside and fits(text[:aside]):
        return text[:aside]
    words = text.split(" ")
    while len(words) > 1 and not fits(" ".join(words) + "…"):
        words.pop()
    return " ".join(words).rstrip(",;:(") + "…"


def _wrapped(text: str, room: float, size: float, width: Callable[[str, float], float]) -> int:
    """How many lines ``text`` takes at ``size``, wrapped at words in ``room`` points."""
    lines, line = 1, ""
    for word in text.split(" "):
        longer = f"{line} {word}" if line else word
        if line and width(longer, size) > room:
            lines, line = lines + 1, word
        else:
            line = longer
    return lines


def _aside(text: str) -> int:
    """Where the bracketed aside that ends ``text`` begins (its space before the bracket);
    0 for none."""
    depth = 0
    for k in range(len(text) - 1, 0, -1):
        depth += {")": 1, "(": -1}.get(text[k], 0)
        if depth == 0:
            return k - 1 if text[k] == "(" and text[k - 1] == " " and text.endswith(")") else 0
    return 0


def _text_width(text: str, size: float) -> float:
    """Points ``text`` takes at ``size`` in an average sans-serif (renderers pass their own
    measure)."""
    return len(text) * size * 0.5


def _marks(a: AnalysedMeasure, r: XmrResult, initiatives: list[tuple[str, int]]) -> list[Mark]:
    """Recalculations (with the recorded reason or level change), a step not recorded yet,
    and initiatives' first periods, in time order."""
    rd, f = a.reading, a.measure.frequency
    out: list[Mark] = []
    if r is rd.chart:
        for rc in rd.recalculations:
            change = level_change_label(rd, rc)
            when = period_label(rd.recorded, rc.index, f)
            text = change or f"Recalculated from {when}" + (f": {rc.reason}" if rc.reason else "")
            colour = PALETTE.get(rc.assessment or "", PALETTE["routine"]) if change else (
                PALETTE["routine"])  # fmt: skip
            out.append(Mark("recalculation", "Recalculation", rc.index, text, colour, "dash"))
        if rd.step is not None:
            when = period_label(rd.recorded, rd.step.start, f)
            kind = "provisional limits from here" if rd.provisional else "not recorded yet"
            text = f"Step {rd.step.moved} from {the(when)} ({kind})"
            out.append(Mark("step", "Step", rd.step.start, text, PALETTE[rd.step.assessment],
                            "dash"))  # fmt: skip
    for iid, index in initiatives:
        out.append(Mark("initiative", f"Initiative {iid}", index, f"{iid} started",
                        PALETTE["mark"], "round_dot"))  # fmt: skip
    return sorted(out, key=lambda m: m.index)


def chart_plan(
    a: AnalysedMeasure,
    *,
    recorded: bool = False,
    initiatives: tuple[tuple[str, int], ...] = (),
    plot_width: float = 480.0,
    plot_height: float = 260.0,
    font_size: float = 12.0,
    text_width: Callable[[str, float], float] = _text_width,
    labels: bool = True,
) -> ChartPlan:
    """The plan of ``a``'s chart: the chart its reading draws (``a.chart``, with provisional
    limits after a step), or with ``recorded`` the recorded one (``a.xmr``, what a workbook's
    formulas know). ``initiatives`` are (ID, first period) to mark; ``plot_width`` and
    ``plot_height`` (points) and ``font_size`` the plot's size and its labels' text, measured
    by ``text_width`` (points of a text at a size), so marks' labels get their rows."""
    r = a.xmr if recorded else a.chart
    rd = a.reading
    numbers = reading_numbers(rd)
    lines = plan_lines(a, r)
    marks = _marks(a, r, list(initiatives)) if labels and r.phases else []
    # marks' labels in rows across the top: a label takes the first row it fits, beside its
    # mark (to the left late in the chart), at most two lines of at most 40% of the width
    n = max(1, len(r) - 1)
    rows: list[list[tuple[float, float]]] = []
    placed: list[Mark] = []
    xs = [mk.index / n for mk in marks]
    pad = 6 / plot_width
    for mk, x in zip(marks, xs, strict=True):
        text = _abridged(mk.text, 2 * 0.4 * plot_width - 16, font_size, text_width)
        need = text_width(text, font_size) + 8
        width = min(0.4, need / plot_width)
        # the label goes beside its mark where no other mark's line would cross it: right,
        # else left, else on the roomier side, narrower (up to three lines, abridged)
        others = [o for o in xs if abs(o - x) > 1e-9]

        def free(lo: float, hi: float, others: list[float] = others, pad: float = pad) -> bool:
            return not any(lo - pad < o < hi + pad for o in others)

        right_room = min([1.0 - x, *(o - x for o in others if o > x)]) - pad
        left_room = min([x, *(x - o for o in others if o < x)]) - pad
        left = not (x + width <= 1.0 and free(x, x + width))
        if left and not free(x - width, x):
            left = left_room > right_room
            width = max(0.05, min(width, left_room if left else right_room))
        room = width * plot_width - 8  # (its margins)
        lines_needed = _wrapped(text, room, font_size, text_width)
        if lines_needed > 3:  # at most three lines, abridged to them
            text = _abridged(text, room, font_size, text_width, lines=3)
            lines_needed = 3
        longest = max(text_width(w, font_size) for w in text.split(" ")) + 8
        if text == "…" or longest > width * plot_width:  # too narrow for its words: the
            text = SHORT.get(mk.kind, mk.name.split()[-1])  # mark's short name (notes: all)
            if mk.kind == "initiative":
                text = mk.name.split()[-1]
            lines_needed = 1
        span = (x - width, x) if left else (x, x + width)
        row = next((k for k, used in enumerate(rows)
                    if all(span[1] <= s or span[0] >= e for s, e in used)), len(rows))  # fmt: skip
        if row == len(rows):
            rows.append([])
        rows[row].append(span)
        placed.append(Mark(mk.kind, mk.name, mk.index, text, mk.colour, mk.dash, row, left,
                           lines_needed, width))  # fmt: skip
    lines_per_row = [max(m.lines for m in placed if m.row == k) for k in range(len(rows))]
    room = sum(k * font_size * 1.2 + 7.5 for k in lines_per_row) + 4  # each row's boxes
    band = min(0.6, room / plot_height) if placed else 0.0
    lo, hi, step = axis_scale(a, r, band)
    m = a.measure
    bottom = False
    if band and m.upper_bound is not None and hi > m.upper_bound:  # a percentage past 100:
        low = axis_scale(a, r, band, bottom=True)  # the labels' band below the data instead
        if m.lower_bound is None or low[0] >= m.lower_bound:
            (lo, hi, step), bottom = low, True
    plan = ChartPlan(
        lines=tuple(lines),
        low=lo,
        high=hi,
        step=step,
        numbers=numbers,
        tick_numbers=numbers.step(step),
        weekly=a.measure.frequency in ("weekly", "daily"),
        unit=a.measure.unit,
        marks=tuple(placed),
        band_rows=len(rows),
        band=band,
        band_bottom=bottom,
        no_variation=rd.no_variation,
        dates=tuple(a.dates),
    )
    if not labels or not r.phases or not r.phases[-1].has_limits:
        return plan
    return _with_labels(plan, a, r, numbers, label_box(font_size) / plot_height)


def _named(a: AnalysedMeasure, r: XmrResult, no_variation: bool) -> list[tuple[str, float, str]]:
    """The lines labelled right of the plot: (name, value, colour) of the latest phase's
    limits and central line (the line alone without variation) and the target."""
    last = r.phases[-1]
    lines = [("CL", last.central_line, PALETTE["central_line"])]
    if not no_variation:
        lines = [("UNPL", last.unpl, PALETTE["limit"]), *lines,
                 ("LNPL", last.lnpl, PALETTE["limit"])]  # fmt: skip
    target = a.reading.target
    if target is not None and math.isfinite(target):
        lines.append(("Target", target, PALETTE["target"]))
    return lines


def label_texts(a: AnalysedMeasure, plan: ChartPlan) -> list[str]:
    """What the labels right of the plot of ``a``'s chart say (whatever the plot's size:
    ``plan`` may be one made without labels), for the room they need."""
    r = a.chart
    if not r.phases or not r.phases[-1].has_limits:
        return []
    return [f"{name} {plan.numbers.text(v)}" for name, v, _ in _named(a, r, plan.no_variation)]


def _spread(values: list[float], gap: float) -> list[float]:
    """Where labels of ``values`` (highest first) go, at least ``gap`` apart and each as near
    its value as the others let it: labels that would collide stand as a group, centred on
    their values' mean (two lines close together each give half the room, rather than the
    lower one's label moving the whole way)."""
    groups: list[tuple[float, int]] = []  # (the mean of its values, how many)
    for v in values:
        total, n = v, 1
        while groups:
            mean, count = groups[-1]
            top_of_new = (total / n) + (n - 1) * gap / 2
            bottom_of_last = mean - (count - 1) * gap / 2
            if bottom_of_last - top_of_new >= gap - 1e-12 * max(1.0, abs(gap)):
                break
            groups.pop()  # they collide: one group
            total, n = total + mean * count, n + count
        groups.append((total / n, n))
    return [mean + ((count - 1) / 2 - k) * gap for mean, count in groups for k in range(count)]


def _with_labels(
    plan: ChartPlan, a: AnalysedMeasure, r: XmrResult, numbers: Numbers, height: float
) -> ChartPlan:
    """The latest phase's lines named with their values right of the plot, one label's
    ``height`` (a share of the plot) apart, and the pairs of lines that coincide."""
    lines = _named(a, r, plan.no_variation)
    span = plan.high - plan.low
    gap = height * span
    ordered = sorted(lines, key=lambda item: -item[1])
    at = _spread([v for _, v, _ in ordered], gap)
    ceiling, floor = plan.high - gap / 2, plan.low + gap / 2
    if at and at[0] > ceiling:  # pushed above the plot: move the stack down
        at = [v - (at[0] - ceiling) for v in at]
    if at and at[-1] < floor:  # below the plot: move the stack up
        at = [v + (floor - at[-1]) for v in at]
    labels = tuple(
        Label(name, f"{name} {numbers.text(v)}", v, pos, colour)
        for (name, v, colour), pos in zip(ordered, at, strict=True)
    )
    coincident = tuple(
        (x[0], y[0])
        for i, x in enumerate(ordered)
        for y in ordered[i + 1 :]
        if abs(x[1] - y[1]) < gap and "Target" in (x[0], y[0])
    )
    lines_out = list(plan.lines)
    if coincident:  # the target over a limit or the central line: thicker, in round dots
        lines_out = [
            Line(ln.kind, ln.name, ln.values, ln.colour, 3.0, "round_dot", legend=ln.legend)
            if ln.kind == "target" else ln
            for ln in lines_out
        ]  # fmt: skip
    return ChartPlan(
        lines=tuple(lines_out),
        low=plan.low,
        high=plan.high,
        step=plan.step,
        numbers=plan.numbers,
        tick_numbers=plan.tick_numbers,
        weekly=plan.weekly,
        unit=plan.unit,
        labels=labels,
        marks=plan.marks,
        band_rows=plan.band_rows,
        band=plan.band,
        band_bottom=plan.band_bottom,
        coincident=coincident,
        no_variation=plan.no_variation,
        dates=plan.dates,
    )
