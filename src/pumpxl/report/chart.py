"""A native, editable XmR chart on a slide (python-pptx line chart).

Series, in order: the values; the central line and the two natural process limits, one series
per phase so that they step at recalculations; the target (or trajectory); then one
marker-only series per signal rule, holding the values of the points that rule flags.

Over 400 lines because one chart is one idea here: its series, the date and value axes and
the measured layout of plot and legend must agree with each other and with the shapes the
slide puts over the plot (line labels, recalculation marks), so they live together.
"""

from __future__ import annotations

import weakref
from typing import Any

from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_MARKER_STYLE
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.shapes import MSO_CONNECTOR
from pptx.enum.text import MSO_ANCHOR
from pptx.util import Emu, Inches, Pt

from pumpxl.core.analysis import AnalysedMeasure
from pumpxl.core.chart_plan import (
    MARKERS,
    PALETTE,
    ChartPlan,
    chart_plan,
    label_box,
    label_texts,
    nice_step,
)
from pumpxl.core.chart_plan import signal_groups as _signal_groups
from pumpxl.report.chart_book import ChartDecor, XmrChartData
from pumpxl.report.chart_part import add_chart
from pumpxl.report.design import Box, fit_text
from pumpxl.report.fonts import Faces, faces, text_width_pt
from pumpxl.report.xmlbits import textbox

__all__ = [
    "PLOT_AREA",
    "chart_layout",
    "label_step",
    "nice_step",
    "step_decimals",
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
    "draw_labels",
    "draw_marks",
    "measure_plan",
]


def _rgb(hex_: str) -> RGBColor:
    colour: RGBColor = RGBColor.from_string(hex_)
    return colour


MARKER_STYLES: dict[str, Any] = {
    "none": XL_MARKER_STYLE.NONE,
    "circle": XL_MARKER_STYLE.CIRCLE,
    "diamond": XL_MARKER_STYLE.DIAMOND,
    "square": XL_MARKER_STYLE.SQUARE,
    "triangle": XL_MARKER_STYLE.TRIANGLE,
    "x": XL_MARKER_STYLE.X,
}
#: The secondary cue of a signal marker, its shape, by rule (the colour gives its meaning).
SIGNAL_MARKERS: dict[str, Any] = {rule: MARKER_STYLES[m] for rule, m in MARKERS.items()}
DASHES: dict[str, Any] = {
    "dash": MSO_LINE_DASH_STYLE.DASH,
    "square_dot": MSO_LINE_DASH_STYLE.SQUARE_DOT,
    "round_dot": MSO_LINE_DASH_STYLE.ROUND_DOT,
}


def _fill(hex_: str) -> str:
    return f'<a:solidFill><a:srgbClr val="{hex_.upper()}"/></a:solidFill>'


def _series_style(ln: Any) -> str:
    """A series' line, dash and marker as its plan line says: the ``spPr`` and ``marker``
    python-pptx's format setters write."""
    if ln.width:
        dash = f'<a:prstDash val="{DASHES[ln.dash].xml_value}"/>' if ln.dash in DASHES else ""
        line = f'<a:ln w="{int(Pt(ln.width))}">{_fill(ln.colour)}{dash}</a:ln>'
    else:
        line = "<a:ln><a:noFill/></a:ln>"
    marker = f'<c:symbol val="{MARKER_STYLES[ln.marker].xml_value}"/>'
    if ln.marker != "none":
        edge = f' w="{int(Pt(1.25))}"' if ln.kind.startswith("signal:") else ""
        marker += (f'<c:size val="{ln.marker_size}"/><c:spPr>{_fill(ln.colour)}'
                   f"<a:ln{edge}>{_fill(ln.marker_edge or ln.colour)}</a:ln></c:spPr>")  # fmt: skip
    return f"<c:spPr>{line}</c:spPr><c:marker>{marker}</c:marker>"


_PLANS: dict[int, ChartPlan] = {}


def base_plan(a: AnalysedMeasure) -> ChartPlan:
    """The measure's chart plan without labels (independent of the chart's size), made once
    per measure and kept while the measure is."""
    key = id(a)
    plan = _PLANS.get(key)
    if plan is None:
        plan = _PLANS[key] = chart_plan(a, labels=False)
        weakref.finalize(a, _PLANS.pop, key, None)
    return plan


def series_plan(a: AnalysedMeasure) -> list[tuple[str, str, list[float | None]]]:
    """(kind, name, values) of every series the chart holds, in order (the measure's
    :func:`~pumpxl.core.chart_plan.chart_plan`)."""
    return [(ln.kind, ln.name, list(ln.values)) for ln in base_plan(a).lines]


def signal_groups(a: AnalysedMeasure) -> dict[tuple[str, str, str], set[int]]:
    """The points of every signal the chart marks, by meaning, rule and side."""
    return _signal_groups(a, a.chart)


def measure_plan(
    a: AnalysedMeasure,
    box: Box,
    font_size: float = 12,
    legend: bool = True,
    initiatives: tuple[tuple[str, int], ...] = (),
    labels: bool = True,
) -> ChartPlan:
    """The measure's chart plan for a chart in ``box``: its plot's size measured, its labels'
    text measured with the deck's font."""
    plot = plot_box(box, a, font_size, legend)
    return chart_plan(
        a,
        initiatives=initiatives,
        plot_width=Emu(plot.width).pt,
        plot_height=Emu(plot.height).pt,
        font_size=12,
        text_width=text_width_pt,
        labels=labels,
    )


def add_xmr_chart(
    slide: Any,
    a: AnalysedMeasure,
    box: Box,
    *,
    font_size: int = 10,
    legend: bool = True,
    plan: ChartPlan | None = None,
) -> Any:
    """Add the measure's XmR chart in ``box`` (with a legend below unless ``legend`` is
    False), drawn as its plan says; returns its graphic frame."""
    plan = plan or measure_plan(a, box, font_size, legend)
    data = XmrChartData(number_format=plan.numbers.excel())
    data.categories = [d.date() for d in a.dates]
    for ln in plan.lines:
        data.add_series(ln.name, list(ln.values))
    area, legend_at = chart_layout(a, box, font_size, legend)
    data.decor = ChartDecor(
        series=tuple(_series_style(ln) for ln in plan.lines),
        size=int(Pt(font_size).centipoints),
        plot_layout=_manual(*area, inner=True),
        legend_layout=_manual(*legend_at, inner=False) if legend else None,
        hidden=tuple(i for i, ln in enumerate(plan.lines) if not ln.legend),
        date_format=plan.date_format,
        time_units=_time_units(len(a.dates), Emu(box.width).pt * area[2], font_size, plan),
        low=plan.low,
        high=plan.high,
        step=plan.step,
        grid=PALETTE["grid"].upper(),
        value_format=plan.tick_numbers.excel(),
        unit=" ".join(plan.unit.split()),  # one line: its title's run
    )
    return add_chart(slide, data, box.left, box.top, box.width, box.height)


#: The inner plot area's left, top and width as fractions of the chart frame, set explicitly
#: so that shapes on the slide can point at a period (a recalculation's reason); its height
#: is what the date labels and the legend below it leave.
PLOT_AREA = (0.1, 0.1, 0.76)  # room on the right for the lines' labels


def legend_names(a: AnalysedMeasure) -> list[str]:
    """The legend's entries: each kind of line once, then the signals."""
    return base_plan(a).legend_names()


def chart_layout(
    a: AnalysedMeasure, box: Box, font_size: float, legend: bool = True
) -> tuple[tuple[float, float, float, float], tuple[float, float, float, float]]:
    """The plot area and the legend as fractions (x, y, w, h) of the chart frame: the legend
    in as many rows of equal columns as its entries need at ``font_size`` (measured with the
    deck's font), under one row of date labels, the plot taking the rest. Measured once per
    measure, box and size (a page asks it of the plan, the chart and the shapes over it)."""
    key = (id(a), box, font_size, legend, faces())
    layout = _LAYOUTS.get(key)
    if layout is None:
        layout = _LAYOUTS[key] = _chart_layout(a, box, font_size, legend)
        weakref.finalize(a, _LAYOUTS.pop, key, None)
    return layout


_Layout = tuple[tuple[float, float, float, float], tuple[float, float, float, float]]
_LAYOUTS: dict[tuple[int, Box, float, bool, Faces], _Layout] = {}


def _chart_layout(a: AnalysedMeasure, box: Box, font_size: float, legend: bool) -> _Layout:
    width, height = Emu(box.width).pt, Emu(box.height).pt
    plan = base_plan(a)
    names = plan.legend_names()
    entry = max(text_width_pt(n, font_size) for n in names) + 3.2 * font_size
    cols = max(1, int(width * 0.96 // entry))
    rows = -(-len(names) // cols)
    legend_h = (rows * font_size * 1.3 + 6) / height if legend else 0.0
    axis_h = (font_size * 1.3 + 8) / height
    x, y, w = PLOT_AREA
    # room on the left for the tick labels and, beside them, the unit's rotated title, so the
    # title never prints over the labels (the widest label at the axis's ends, measured)
    ticks = (plan.low, plan.high, plan.high + plan.step, plan.low - plan.step)
    label_w = max(text_width_pt(plan.tick_numbers.text(t), font_size) for t in ticks)
    left = (label_w + 10 + (font_size * 1.5 + 4 if plan.unit else 0)) / width
    x, w = max(x, left), x + w - max(x, left)
    # room on the right for the lines' labels, whole: their widest, its margins and gap
    texts = label_texts(a, plan)
    if texts:
        right = (max(text_width_pt(t, LABEL_SIZE, True) for t in texts) + 2 * _LABEL_INSET
                 + Emu(_LABEL_GAP).pt + 2)  # (2 pt to spare)  # fmt: skip
        w = max(0.5, min(w, 1 - x - right / width))
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


def _manual(x: float, y: float, w: float, h: float, *, inner: bool) -> str:
    """A ``c:layout`` placing a chart element at fractions of the chart frame."""
    target = '<c:layoutTarget val="inner"/>' if inner else ""
    return (f'<c:layout><c:manualLayout>{target}<c:xMode val="edge"/><c:yMode val="edge"/>'
            f'<c:x val="{x}"/><c:y val="{y}"/><c:w val="{w}"/><c:h val="{h}"/>'
            "</c:manualLayout></c:layout>")  # fmt: skip


def label_step(n: int, weekly: bool, plot_w: float, font_size: float) -> int:
    """Periods between date labels: the smallest of the usual steps (months: 1, 2, 3, 4, 6,
    12; weeks: 1, 2, 4, 8, 13, 26, 52) at which the labels fit side by side, unrotated."""
    sample = "30 Sep 25" if weekly else "Sep 25"
    room = max(1, int(plot_w // (text_width_pt(sample, font_size) + font_size)))
    steps = (1, 2, 4, 8, 13, 26, 52) if weekly else (1, 2, 3, 4, 6, 12)
    need = -(-n // room)
    return next((s for s in steps if s >= need), need)


def _time_units(n: int, plot_w: float, font_size: float, plan: ChartPlan) -> str:
    """The date axis's units at the data's frequency (python-pptx writes days, which
    LibreOffice then draws with a tick per day), labelled every few periods, as many as fit
    unrotated."""
    weekly = plan.weekly
    step = label_step(n, weekly, plot_w, font_size)
    unit = "days" if weekly else "months"
    return (f'<c:baseTimeUnit val="{unit}"/><c:majorUnit val="{step * 7 if weekly else step}"/>'
            f'<c:majorTimeUnit val="{unit}"/>')  # fmt: skip


def step_decimals(step: float) -> int:
    """Decimal places that label every multiple of ``step`` exactly (0.25 -> 2, 2.5 -> 1)."""
    text = f"{step:.10f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0


def value_scale(a: AnalysedMeasure, plan: ChartPlan | None = None) -> tuple[float, float, float]:
    """(minimum, maximum, major unit) of the chart's value axis (its plan's)."""
    p = plan or base_plan(a)
    return p.low, p.high, p.step


def value_y(scale: tuple[float, float, float], value: float, plot: Box) -> int:
    """The vertical position of ``value`` inside ``plot``, on an axis of ``scale``
    (:func:`value_scale`)."""
    lo, hi, _ = scale
    return plot.top + int(plot.height * (hi - value) / (hi - lo))


LABEL_SIZE = 12  # pt: line and mark labels, never smaller (issue 23)
_LABEL_INSET = 2  # pt: a line label's left and right margins
_LABEL_GAP = int(Inches(0.03))  # between the plot and its line labels


def draw_labels(slide: Any, a: AnalysedMeasure, chart: Box, plan: ChartPlan) -> None:
    """The latest phase's limits, central line and target named with their values right of
    the plot, where the plan puts them (apart, so labels of coincident lines never collide)."""
    plot = plot_box(chart, a)
    height = int(Pt(label_box(LABEL_SIZE)))
    left = plot.left + plot.width + _LABEL_GAP
    width = chart.left + chart.width - left
    for lb in plan.labels:
        middle = plot.top + int(plot.height * (1 - plan.y(lb.at)))
        top = min(max(chart.top, middle - height // 2), chart.bottom - height)
        label = textbox(slide, left, top, width, height)
        label.name = f"Line label {lb.name}"
        fit_text(label, lb.text, size=LABEL_SIZE, min_size=LABEL_SIZE, colour=_rgb(lb.colour),
                 bold=True, anchor=MSO_ANCHOR.MIDDLE, inset=int(Pt(_LABEL_INSET)))  # fmt: skip


def draw_marks(slide: Any, a: AnalysedMeasure, chart: Box, plan: ChartPlan) -> None:
    """A vertical line at each recalculation, step and initiative, with its label in the band
    the plan keeps free above the data (rows, so that labels never overlap)."""
    plot = plot_box(chart, a)
    line_h = int(Pt(LABEL_SIZE * 1.2))
    pad = int(Inches(0.1))  # fit_text's top and bottom margins
    row_tops = [plot.top + int(Pt(2))]
    for k in range(plan.band_rows):
        lines = max(m.lines for m in plan.marks if m.row == k)
        row_tops.append(row_tops[-1] + lines * line_h + pad)
    if plan.band_bottom:  # the same rows, ending at the plot's bottom
        shift = plot.bottom - int(Pt(2)) - row_tops[-1]
        row_tops = [t + shift for t in row_tops]
    for mk in plan.marks:
        x = period_x(a, mk.index, plot)
        line = slide.shapes.add_connector(MSO_CONNECTOR.STRAIGHT, x, plot.top, x, plot.bottom)
        line.line.color.rgb = _rgb(mk.colour)
        line.line.width = Pt(1.5 if mk.kind == "initiative" else 1)
        line.line.dash_style = DASHES[mk.dash]
        line.name = mk.name
        width = int(plot.width * mk.width)
        gap = int(Inches(0.04))
        left = x - width - gap if mk.left else x + gap
        label = textbox(slide, left, row_tops[mk.row], width, mk.lines * line_h + pad)
        label.name = f"{mk.name} reason" if mk.kind == "recalculation" else f"{mk.name} label"
        fit_text(label, mk.text, size=LABEL_SIZE, min_size=LABEL_SIZE, colour=_rgb(mk.colour),
                 italic=mk.kind != "initiative", bold=mk.kind == "initiative",
                 inset=int(Pt(2)))  # fmt: skip
