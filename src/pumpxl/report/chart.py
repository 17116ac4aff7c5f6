"""A native, editable XmR chart on a slide (python-pptx line chart).

Series, in order: the values; the central line and the two natural process limits, one series
per phase so that they step at recalculations; the target (or trajectory); then one
marker-only series per signal rule, holding the values of the points that rule flags.

Over 400 lines because one chart is one idea here: its series, the date and value axes and
the measured layout of plot and legend must agree with each other and with the shapes the
slide puts over the plot (line labels, recalculation marks), so they live together.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from lxml import etree
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION, XL_MARKER_STYLE
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.oxml.ns import qn
from pptx.util import Emu, Pt

from pumpxl.core.analysis import AnalysedMeasure
from pumpxl.core.narrative import decimals_for
from pumpxl.core.vocabulary import RULE_LABELS, RULE_NAMES
from pumpxl.report.design import MEANING_COLOURS, Box
from pumpxl.report.fonts import text_width_pt

__all__ = [
    "PLOT_AREA",
    "chart_layout",
    "label_step",
    "legend_fits",
    "legend_names",
    "SIGNAL_MARKERS",
    "add_xmr_chart",
    "period_x",
    "plot_box",
    "series_plan",
    "signal_groups",
    "value_scale",
    "value_y",
]

VALUE_COLOUR = RGBColor(0x40, 0x40, 0x40)
WHITE = RGBColor(0xFF, 0xFF, 0xFF)
CL_COLOUR = RGBColor(0x2E, 0x7D, 0x32)
LIMIT_COLOUR = RGBColor(0xC6, 0x28, 0x28)
TARGET_COLOUR = RGBColor(0x37, 0x47, 0x4F)  # not blue: blue means improvement
#: The secondary cue of a signal marker, its shape, by rule (the colour gives its meaning).
SIGNAL_MARKERS: dict[str, Any] = {
    "outlier": XL_MARKER_STYLE.DIAMOND,
    "mr_outlier": XL_MARKER_STYLE.X,
    "long_run": XL_MARKER_STYLE.CIRCLE,
    "short_run": XL_MARKER_STYLE.SQUARE,
    "two_of_three": XL_MARKER_STYLE.SQUARE,
    "trend": XL_MARKER_STYLE.TRIANGLE,
    "runs_anhoej": XL_MARKER_STYLE.CIRCLE,
    "step": XL_MARKER_STYLE.CIRCLE,
}


def _blank(a: np.ndarray) -> list[float | None]:
    return [None if math.isnan(v) else float(v) for v in a.tolist()]


def series_plan(a: AnalysedMeasure) -> list[tuple[str, str, list[float | None]]]:
    """(kind, name, values) of every series the chart holds, in order. Kinds: value,
    central_line, unpl, lnpl, target, and ``signal:<meaning>:<rule>`` (named by meaning:
    "Concern: long run above")."""
    r = a.chart
    per = r.per_point
    plan: list[tuple[str, str, list[float | None]]] = [("value", "Value", _blank(r.values))]
    for k, phase in enumerate(r.phases):
        mask = r.phase_index == k
        suffix = f" (phase {k + 1})" if k else ""
        prefix = ""
        if phase.provisional:
            prefix, suffix = "Provisional ", ""
        for kind, name in (
            ("central_line", "Central line"),
            ("unpl", "Upper limit"),
            ("lnpl", "Lower limit"),
        ):
            vals = np.where(mask, per[kind], np.nan)
            if prefix:  # one legend entry for both provisional limits
                kind = f"provisional_{kind}"
                name = prefix + ("central line" if kind.endswith("central_line") else "limits")
            plan.append((kind, name + suffix, _blank(vals)))
    if a.targets is not None and not np.isnan(a.targets).all():
        # one series per step of a trajectory, so that a change of target is a step, not a
        # slope from one period to the next
        for k, (start, stop) in enumerate(_steps(a.targets)):
            vals = np.full(len(r), np.nan)
            vals[start:stop] = a.targets[start:stop]
            plan.append(("target", "Target" if not k else f"Target (step {k + 1})", _blank(vals)))
    for (meaning, rule, moved), points in signal_groups(a).items():
        flagged = np.zeros(len(r), dtype=bool)
        flagged[list(points)] = True
        vals = np.where(flagged, r.values, np.nan)
        side = "above" if moved == "up" else "below"
        if rule == "step":
            name = f"{MEANINGS[meaning]}: step {moved}"
        else:
            name = f"{MEANINGS[meaning]}: {RULE_LABELS[rule][0]} {side}"
        plan.append((f"signal:{meaning}:{rule}", name, _blank(vals)))
    return plan


MEANINGS = {"improvement": "Improvement", "concern": "Concern", "neutral": "Signal"}


def signal_groups(a: AnalysedMeasure) -> dict[tuple[str, str, str], set[int]]:
    """The points of every signal, grouped by meaning, rule and side, in drawing order: runs
    and trends first, outliers and jumps last (on top); within each, concerns, improvements,
    then neutral signals."""
    groups: dict[tuple[str, str, str], set[int]] = {}
    rd = a.reading
    for s in rd.shown:
        groups.setdefault((s.assessment, s.rule, s.moved), set()).update(s.points)
    if rd.step is not None and rd.latest_index is not None:
        st = rd.step
        points = set(range(st.start, rd.latest_index + 1))
        points = {i for i in points if not np.isnan(a.chart.values[i])}
        groups.setdefault((st.assessment, "step", st.moved), set()).update(points)
    rank = {"concern": 0, "improvement": 1, "neutral": 2}

    def order(key: tuple[str, str, str]) -> tuple[bool, int, int, str]:
        # spans first, single points (outliers, jumps) last: they are drawn on top
        single = key[1] in ("outlier", "mr_outlier")
        rule = -1 if key[1] == "step" else RULE_NAMES.index(key[1])  # a step under the rest
        return single, rank[key[0]], rule, key[2]

    return {k: groups[k] for k in sorted(groups, key=order)}


def add_xmr_chart(
    slide: Any, a: AnalysedMeasure, box: Box, *, font_size: int = 10, legend: bool = True
) -> Any:
    """Add the measure's XmR chart in ``box`` (with a legend below unless ``legend`` is
    False); returns the chart."""
    r = a.chart
    plan = series_plan(a)
    data = CategoryChartData(
        number_format="#,##0." + "0" * decimals_for(r.mr_bar) if decimals_for(r.mr_bar) else "#,##0"
    )
    data.categories = [d.date() for d in a.dates]
    for _, name, values in plan:
        data.add_series(name, values)
    frame = slide.shapes.add_chart(
        XL_CHART_TYPE.LINE_MARKERS, box.left, box.top, box.width, box.height, data
    )
    chart = frame.chart
    chart.font.size = Pt(font_size)
    chart.has_legend = legend
    if legend:
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
    seen: set[str] = set()
    hidden: list[int] = []
    drawn: list[set[int]] = []
    for i, ((kind, _, _), series) in enumerate(zip(plan, chart.plots[0].series, strict=True)):
        series.smooth = False
        line = series.format.line
        if kind == "value":
            line.color.rgb = VALUE_COLOUR
            line.width = Pt(1.5)
            series.marker.style = XL_MARKER_STYLE.CIRCLE
            series.marker.size = 4
            series.marker.format.fill.solid()
            series.marker.format.fill.fore_color.rgb = VALUE_COLOUR
            series.marker.format.line.color.rgb = VALUE_COLOUR
        elif kind.startswith("signal:"):
            _, meaning, rule = kind.split(":")
            style, colour = SIGNAL_MARKERS[rule], MEANING_COLOURS[meaning]
            line.fill.background()
            series.marker.style = style
            # a point can belong to several signals: later series are drawn on top, so a
            # marker is smaller (and hollow) for each earlier one sharing a point with it
            mine = {k for k, v in enumerate(plan[i][2]) if v is not None}
            depth = sum(1 for earlier in drawn if earlier & mine)
            drawn.append(mine)
            series.marker.size = max(5, 13 - 4 * depth)
            series.marker.format.fill.solid()
            series.marker.format.fill.fore_color.rgb = colour if depth % 2 == 0 else WHITE
            series.marker.format.line.color.rgb = colour
            series.marker.format.line.width = Pt(1.75)
        else:
            base = kind.removeprefix("provisional_")
            colour = {
                "central_line": CL_COLOUR,
                "unpl": LIMIT_COLOUR,
                "lnpl": LIMIT_COLOUR,
                "target": TARGET_COLOUR,
            }[base]
            line.color.rgb = colour
            line.width = Pt(1.5 if base == "central_line" else 1.25)
            if kind.startswith("provisional_"):  # provisional: a finer dash, the same colour
                line.dash_style = MSO_LINE_DASH_STYLE.SQUARE_DOT
                line.width = Pt(2)
            elif kind in ("unpl", "lnpl"):
                line.dash_style = MSO_LINE_DASH_STYLE.DASH
            elif kind == "target":
                line.dash_style = MSO_LINE_DASH_STYLE.ROUND_DOT
            series.marker.style = XL_MARKER_STYLE.NONE
            if kind in seen or plan[i][1] in seen:  # the same line again: one legend entry
                hidden.append(i)
            seen.update((kind, plan[i][1]))
    _hide_legend_entries(chart, hidden)
    _date_axis(chart, a, Emu(box.width).pt * PLOT_AREA[2], font_size)
    _value_axis(chart, a, font_size)
    _plot_layout(chart, a, box, font_size, legend)
    return chart


#: The inner plot area's left, top and width as fractions of the chart frame, set explicitly
#: so that shapes on the slide can point at a period (a recalculation's reason); its height
#: is what the date labels and the legend below it leave.
PLOT_AREA = (0.1, 0.1, 0.76)  # room on the right for the lines' labels


def legend_names(a: AnalysedMeasure) -> list[str]:
    """The legend's entries: each kind of line once, then the signals."""
    seen: set[str] = set()
    names = []
    for kind, name, _ in series_plan(a):
        if kind not in seen and name not in seen:
            names.append(name)
        seen.update((kind, name))
    return names


def chart_layout(
    a: AnalysedMeasure, box: Box, font_size: float, legend: bool = True
) -> tuple[tuple[float, float, float, float], tuple[float, float, float, float]]:
    """The plot area and the legend as fractions (x, y, w, h) of the chart frame: the legend
    in as many rows of equal columns as its entries need at ``font_size`` (measured with the
    deck's font), under one row of date labels, the plot taking the rest."""
    width, height = Emu(box.width).pt, Emu(box.height).pt
    names = legend_names(a)
    entry = max(text_width_pt(n, font_size) for n in names) + 3.2 * font_size
    cols = max(1, int(width * 0.96 // entry))
    rows = -(-len(names) // cols)
    legend_h = (rows * font_size * 1.3 + 6) / height if legend else 0.0
    axis_h = (font_size * 1.3 + 8) / height
    x, y, w = PLOT_AREA
    h = max(0.3, 1 - y - axis_h - legend_h - 0.02)
    return (x, y, w, h), (0.02, y + h + axis_h, 0.96, legend_h)


def legend_fits(a: AnalysedMeasure, box: Box, font_size: float) -> bool:
    """Whether a chart in ``box`` keeps a plot of at least half its height with its legend
    below."""
    (_, _, _, h), (_, y, _, lh) = chart_layout(a, box, font_size)
    return h >= 0.5 and y + lh <= 1


def plot_box(box: Box, a: AnalysedMeasure, font_size: float = 12, legend: bool = True) -> Box:
    """Where the inner plot area of the measure's chart in ``box`` lies on the slide."""
    (x, y, w, h), _ = chart_layout(a, box, font_size, legend)
    return Box(
        box.left + int(box.width * x),
        box.top + int(box.height * y),
        int(box.width * w),
        int(box.height * h),
    )


def period_x(a: AnalysedMeasure, i: int, plot: Box) -> int:
    """The horizontal position of period ``i`` inside ``plot`` (dates spaced by time)."""
    days = a.dates.asi8 // 86_400_000_000_000
    span = max(1, int(days[-1] - days[0]))
    return plot.left + int(plot.width * (int(days[i] - days[0]) / span))


def _manual(x: float, y: float, w: float, h: float, *, inner: bool) -> Any:
    layout = etree.Element(qn("c:layout"))
    manual = etree.SubElement(layout, qn("c:manualLayout"))
    pairs = [("c:layoutTarget", "inner")] if inner else []
    pairs += [("c:xMode", "edge"), ("c:yMode", "edge"), ("c:x", str(x)), ("c:y", str(y)),
              ("c:w", str(w)), ("c:h", str(h))]  # fmt: skip
    for tag, val in pairs:
        etree.SubElement(manual, qn(tag)).set("val", val)
    return layout


def _plot_layout(
    chart: Any, a: AnalysedMeasure, box: Box, font_size: float, legend_on: bool
) -> None:
    """The plot area and the legend where ``chart_layout`` puts them, in every renderer."""
    area, legend_at = chart_layout(a, box, font_size, legend_on)
    plot = chart._chartSpace.find(".//" + qn("c:plotArea"))
    for old in plot.findall(qn("c:layout")):
        plot.remove(old)
    plot.insert(0, _manual(*area, inner=True))
    legend = chart._chartSpace.find(".//" + qn("c:legend"))
    if legend is not None:
        for old in legend.findall(qn("c:layout")):
            legend.remove(old)
        # schema order: legendPos, legendEntry*, layout, overlay, ...
        entries = legend.findall(qn("c:legendEntry"))
        anchor = entries[-1] if entries else legend.find(qn("c:legendPos"))
        anchor.addnext(_manual(*legend_at, inner=False))


def _hide_legend_entries(chart: Any, indices: list[int]) -> None:
    legend = chart._chartSpace.find(".//" + qn("c:legend"))
    if legend is None:
        return
    pos = legend.find(qn("c:legendPos"))
    for i in reversed(indices):
        entry = etree.SubElement(legend, qn("c:legendEntry"))
        idx = etree.SubElement(entry, qn("c:idx"))
        idx.set("val", str(i))
        delete = etree.SubElement(entry, qn("c:delete"))
        delete.set("val", "1")
        legend.remove(entry)
        pos.addnext(entry)


def label_step(n: int, weekly: bool, plot_w: float, font_size: float) -> int:
    """Periods between date labels: the smallest of the usual steps (months: 1, 2, 3, 4, 6,
    12; weeks: 1, 2, 4, 8, 13, 26, 52) at which the labels fit side by side, unrotated."""
    sample = "30 Sep 25" if weekly else "Sep 25"
    room = max(1, int(plot_w // (text_width_pt(sample, font_size) + font_size)))
    steps = (1, 2, 4, 8, 13, 26, 52) if weekly else (1, 2, 3, 4, 6, 12)
    need = -(-n // room)
    return next((s for s in steps if s >= need), need)


def _date_axis(chart: Any, a: AnalysedMeasure, plot_w: float, font_size: float) -> None:
    """A date axis at the data's frequency (python-pptx writes days, which LibreOffice then
    draws with a tick per day), labelled every few periods, as many as fit unrotated."""
    weekly = a.measure.frequency in ("weekly", "daily")
    n = len(a.dates)
    axis = chart.category_axis
    axis.tick_labels.number_format = "d mmm yy" if weekly else "mmm yy"
    axis.tick_labels.number_format_is_linked = False
    axis.has_major_gridlines = False
    axis.tick_labels.font.size = Pt(font_size)
    ax = chart._chartSpace.find(".//" + qn("c:dateAx"))
    if ax is None:
        return
    body = ax.find(qn("c:txPr")).find(qn("a:bodyPr"))
    body.set("rot", "0")  # labels that fit need no rotation
    body.set("vert", "horz")
    for tag in ("c:baseTimeUnit", "c:majorUnit", "c:majorTimeUnit"):
        for el in ax.findall(qn(tag)):
            ax.remove(el)
    step = label_step(n, weekly, plot_w, font_size)
    new = []
    for tag, val in (
        ("c:baseTimeUnit", "days" if weekly else "months"),
        ("c:majorUnit", str(step * 7 if weekly else step)),
        ("c:majorTimeUnit", "days" if weekly else "months"),
    ):
        el = etree.Element(qn(tag))
        el.set("val", val)
        new.append(el)
    # schema order: ... auto, lblOffset, baseTimeUnit, majorUnit, majorTimeUnit, ...
    anchor = ax.find(qn("c:lblOffset"))
    if anchor is None:
        anchor = ax.find(qn("c:auto"))
    for el in new:
        if anchor is None:
            ax.append(el)
        else:
            anchor.addnext(el)
        anchor = el


def step_decimals(step: float) -> int:
    """Decimal places that label every multiple of ``step`` exactly (0.25 -> 2, 2.5 -> 1)."""
    text = f"{step:.10f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0


def nice_step(raw: float) -> float:
    """1, 2, 2.5 or 5 times a power of ten, at least ``raw``."""
    if raw <= 0 or not math.isfinite(raw):
        return 1.0
    power = 10 ** math.floor(math.log10(raw))
    for k in (1, 2, 2.5, 5, 10):
        if k * power >= raw:
            return float(k * power)
    return float(10 * power)


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


def value_scale(a: AnalysedMeasure) -> tuple[float, float, float]:
    """(minimum, maximum, major unit) of the chart's value axis: every value, limit and
    target shown, a nice step, natural bounds respected."""
    r = a.chart
    lows = [r.values, np.array([p.lnpl for p in r.phases])]
    highs = [r.values, np.array([p.unpl for p in r.phases])]
    if a.targets is not None:
        lows.append(a.targets)
        highs.append(a.targets)
    lo = float(np.nanmin(np.concatenate(lows))) if r.phases else 0.0
    hi = float(np.nanmax(np.concatenate(highs))) if r.phases else 1.0
    pad = (hi - lo) * 0.06 or abs(hi) * 0.1 or 1.0
    lo, hi = lo - pad, hi + pad
    step = nice_step((hi - lo) / 6)
    lo, hi = math.floor(lo / step) * step, math.ceil(hi / step) * step
    m = a.measure
    if m.lower_bound is not None:
        lo = max(lo, m.lower_bound)
    if m.upper_bound is not None:
        hi = min(hi, m.upper_bound)
    return lo, hi, step


def value_y(scale: tuple[float, float, float], value: float, plot: Box) -> int:
    """The vertical position of ``value`` inside ``plot``, on an axis of ``scale``
    (:func:`value_scale`)."""
    lo, hi, _ = scale
    return plot.top + int(plot.height * (hi - value) / (hi - lo))


def _value_axis(chart: Any, a: AnalysedMeasure, font_size: int) -> None:
    lo, hi, step = value_scale(a)
    m = a.measure
    axis = chart.value_axis
    axis.minimum_scale, axis.maximum_scale = lo, hi
    axis.major_unit = step
    axis.has_major_gridlines = True
    axis.major_gridlines.format.line.color.rgb = RGBColor(0xE0, 0xE0, 0xE0)
    d = step_decimals(step)
    axis.tick_labels.number_format = "#,##0" + ("." + "0" * d if d else "")
    axis.tick_labels.number_format_is_linked = False
    axis.tick_labels.font.size = Pt(font_size)
    if m.unit:
        axis.has_title = True
        axis.axis_title.text_frame.text = m.unit
        axis.axis_title.text_frame.paragraphs[0].runs[0].font.size = Pt(font_size)
