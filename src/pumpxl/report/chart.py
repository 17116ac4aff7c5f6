"""A native, editable XmR chart on a slide (python-pptx line chart).

Series, in order: the values; the central line and the two natural process limits, one series
per phase so that they step at recalculations; the target (or trajectory); then one
marker-only series per signal rule, holding the values of the points that rule flags.
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
from pptx.util import Pt

from pumpxl.core.analysis import AnalysedMeasure
from pumpxl.core.narrative import decimals_for
from pumpxl.core.vocabulary import RULE_LABELS
from pumpxl.report.design import Box

__all__ = ["SIGNAL_STYLE", "add_xmr_chart", "series_plan"]

VALUE_COLOUR = RGBColor(0x40, 0x40, 0x40)
CL_COLOUR = RGBColor(0x2E, 0x7D, 0x32)
LIMIT_COLOUR = RGBColor(0xC6, 0x28, 0x28)
TARGET_COLOUR = RGBColor(0x15, 0x65, 0xC0)
SIGNAL_STYLE: dict[str, tuple[Any, RGBColor]] = {
    "outlier": (XL_MARKER_STYLE.DIAMOND, RGBColor(0xE0, 0x7A, 0x10)),
    "mr_outlier": (XL_MARKER_STYLE.X, RGBColor(0x8E, 0x24, 0xAA)),
    "long_run": (XL_MARKER_STYLE.CIRCLE, RGBColor(0x00, 0x89, 0x7B)),
    "short_run": (XL_MARKER_STYLE.SQUARE, RGBColor(0x5D, 0x40, 0x37)),
    "two_of_three": (XL_MARKER_STYLE.SQUARE, RGBColor(0x5D, 0x40, 0x37)),
    "trend": (XL_MARKER_STYLE.TRIANGLE, RGBColor(0x6A, 0x1B, 0x9A)),
    "runs_anhoej": (XL_MARKER_STYLE.CIRCLE, RGBColor(0x00, 0x89, 0x7B)),
}


def _blank(a: np.ndarray) -> list[float | None]:
    return [None if math.isnan(v) else float(v) for v in a.tolist()]


def series_plan(a: AnalysedMeasure) -> list[tuple[str, str, list[float | None]]]:
    """(kind, name, values) of every series the chart holds, in order. Kinds: value,
    central_line, unpl, lnpl, target, and ``signal:<rule>``."""
    r = a.xmr
    per = r.per_point
    plan: list[tuple[str, str, list[float | None]]] = [("value", "Value", _blank(r.values))]
    for k, _phase in enumerate(r.phases):
        mask = r.phase_index == k
        suffix = f" (phase {k + 1})" if k else ""
        for kind, name in (
            ("central_line", "Central line"),
            ("unpl", "Upper limit"),
            ("lnpl", "Lower limit"),
        ):
            vals = np.where(mask, per[kind], np.nan)
            plan.append((kind, name + suffix, _blank(vals)))
    if a.targets is not None and not np.isnan(a.targets).all():
        plan.append(("target", "Target", _blank(a.targets)))
    flags = r.flags
    for rule in r.rules.active:
        if flags[rule].any():
            vals = np.where(flags[rule], r.values, np.nan)
            plan.append((f"signal:{rule}", RULE_LABELS[rule][0].capitalize(), _blank(vals)))
    return plan


def add_xmr_chart(slide: Any, a: AnalysedMeasure, box: Box, *, font_size: int = 10) -> Any:
    """Add the measure's XmR chart in ``box``; returns the chart."""
    r = a.xmr
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
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    seen: set[str] = set()
    hidden: list[int] = []
    signal_rank = 0
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
            style, colour = SIGNAL_STYLE[kind.split(":", 1)[1]]
            line.fill.background()
            series.marker.style = style
            # a point can belong to several signals: later series are drawn on top, so
            # each is smaller than the one before and every marker stays visible
            series.marker.size = max(5, 14 - 4 * signal_rank)
            signal_rank += 1
            series.marker.format.fill.solid()
            series.marker.format.fill.fore_color.rgb = colour
            series.marker.format.line.color.rgb = colour
        else:
            colour = {
                "central_line": CL_COLOUR,
                "unpl": LIMIT_COLOUR,
                "lnpl": LIMIT_COLOUR,
                "target": TARGET_COLOUR,
            }[kind]
            line.color.rgb = colour
            line.width = Pt(1.5 if kind == "central_line" else 1.25)
            if kind in ("unpl", "lnpl"):
                line.dash_style = MSO_LINE_DASH_STYLE.DASH
            elif kind == "target":
                line.dash_style = MSO_LINE_DASH_STYLE.ROUND_DOT
            series.marker.style = XL_MARKER_STYLE.NONE
            if kind in seen:  # the same line in a later phase: one legend entry is enough
                hidden.append(i)
            seen.add(kind)
    _hide_legend_entries(chart, hidden)
    _date_axis(chart, a)
    _value_axis(chart, a, font_size)
    return chart


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


def _date_axis(chart: Any, a: AnalysedMeasure) -> None:
    """A date axis at the data's frequency (python-pptx writes days, which LibreOffice then
    draws with a tick per day), labelled every few periods."""
    weekly = a.measure.frequency in ("weekly", "daily")
    n = len(a.dates)
    axis = chart.category_axis
    axis.tick_labels.number_format = "d mmm yy" if weekly else "mmm yy"
    axis.tick_labels.number_format_is_linked = False
    axis.has_major_gridlines = False
    ax = chart._chartSpace.find(".//" + qn("c:dateAx"))
    if ax is None:
        return
    for tag in ("c:baseTimeUnit", "c:majorUnit", "c:majorTimeUnit"):
        for el in ax.findall(qn(tag)):
            ax.remove(el)
    step = max(1, round(n / 12))
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


def nice_step(raw: float) -> float:
    """1, 2, 2.5 or 5 times a power of ten, at least ``raw``."""
    if raw <= 0 or not math.isfinite(raw):
        return 1.0
    power = 10 ** math.floor(math.log10(raw))
    for k in (1, 2, 2.5, 5, 10):
        if k * power >= raw:
            return float(k * power)
    return float(10 * power)


def _value_axis(chart: Any, a: AnalysedMeasure, font_size: int) -> None:
    r = a.xmr
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
    axis = chart.value_axis
    axis.minimum_scale, axis.maximum_scale = lo, hi
    axis.major_unit = step
    axis.has_major_gridlines = True
    axis.major_gridlines.format.line.color.rgb = RGBColor(0xE0, 0xE0, 0xE0)
    d = max(0, -math.floor(math.log10(step))) if step < 1 else 0
    axis.tick_labels.number_format = "#,##0" + ("." + "0" * d if d else "")
    axis.tick_labels.number_format_is_linked = False
    axis.tick_labels.font.size = Pt(font_size)
    if m.unit:
        axis.has_title = True
        axis.axis_title.text_frame.text = m.unit
        axis.axis_title.text_frame.paragraphs[0].runs[0].font.size = Pt(font_size)
