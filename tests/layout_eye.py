"""What the eye sees (issue 23), checked on every slide by ``layout.check_deck``:

- text under 12 pt anywhere: text boxes, shapes, table cells, charts (their text, axes and
  legend);
- a label on a chart crossed by a line: a series' line (as plotted from the chart's own
  numbers, axis range and plot layout) or a mark's connector through a label's text;
- coincident lines drawn alike: two lines of the chart's frame (limits, central lines,
  targets) within 2 pt of each other over most of their common periods, with the same dash
  and weight, so one hides the other;
- legend entries without a swatch: a series in the legend with neither a line nor a filled
  marker (white-filled markers show nothing there);
- near-empty pages: a continuation slide holding less than a fifth of a page of text;
- date and number style: ISO dates, zero-padded days ("03 Mar"), runs of zeros standing for a
  number ("0.000000"), "inf"/"nan", "(s)" plurals, a number broken across lines.
"""

from __future__ import annotations

import itertools
import re
from datetime import date
from typing import Any

from pptx.oxml.ns import qn
from pptx.util import Emu

FLOOR = 12.0  # pt
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
LABEL_NAMES = ("Line label", "Recalculation reason", "Step label", "Initiative ")
STYLE = [
    (re.compile(r"\b(19|20)\d\d-\d\d-\d\d\b"), "an ISO date"),
    (re.compile(r"(?<![\d,.])0\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b"),
     "a zero-padded day"),
    (re.compile(r"(?<![\d])0\.0{5,}(?![\d]*[1-9])"), "zeros standing for a number"),
    (re.compile(r"(?<![\w-])(inf|nan|-inf)(?![\w-])", re.I), "inf or nan"),
    (re.compile(r"\w\(s\)"), "a '(s)' plural"),
]  # fmt: skip


def sizes(tf: Any, default: float | None) -> list[float]:
    """Every run's size in a text frame (the frame's default where a run names none)."""
    out = []
    for p in tf.paragraphs:
        for r in p.runs:
            if r.text.strip():
                size = r.font.size.pt if r.font.size is not None else default
                if size is not None:
                    out.append(size)
    return out


def small_text(s: Any) -> list[str]:
    """Texts of the shape under FLOOR."""
    found = []
    if s.has_text_frame:
        found += [f"text at {x:g} pt" for x in sizes(s.text_frame, None) if x < FLOOR]
    if getattr(s, "has_table", False) and s.has_table:
        for cell in s.table.iter_cells():
            found += [f"table text at {x:g} pt" for x in sizes(cell.text_frame, None) if x < FLOOR]
    if getattr(s, "has_chart", False) and s.has_chart:
        space = s.chart._chartSpace
        for rpr in space.iter(f"{A}defRPr", f"{A}rPr"):
            if rpr.get("sz") and int(rpr.get("sz")) / 100 < FLOOR:
                found.append(f"chart text at {int(rpr.get('sz')) / 100:g} pt")
    return sorted(set(found))


def style_problems(text: str) -> list[str]:
    return [what for pattern, what in STYLE if pattern.search(text)]


def _manual(el: Any) -> tuple[float, ...] | None:
    m = el.find(f".//{qn('c:manualLayout')}") if el is not None else None
    if m is None:
        return None
    return tuple(float(m.find(qn(f"c:{k}")).get("val")) for k in ("x", "y", "w", "h"))


def _line_style(ser: Any) -> tuple[bool, str, int]:
    """(drawn, dash, width) of a series' line."""
    ln = ser._element.find(f"{qn('c:spPr')}/{A}ln")
    if ln is None:
        return True, "solid", 0
    if ln.find(f"{A}noFill") is not None:
        return False, "", 0
    dash = ln.find(f"{A}prstDash")
    return True, dash.get("val") if dash is not None else "solid", int(ln.get("w") or 0)


def plotted_lines(frame: Any) -> list[tuple[str, tuple[str, int], list[tuple[float, float]]]]:
    """Each drawn series line of an XmR chart as slide points (EMU): (name, style, points)."""
    chart = frame.chart
    space = chart._chartSpace
    plot = _manual(space.find(f".//{qn('c:plotArea')}"))
    axis = chart.value_axis
    lo, hi = axis.minimum_scale, axis.maximum_scale
    if plot is None or lo is None or hi is None or hi <= lo:
        return []
    cats = list(chart.plots[0].categories)
    days = []
    for c in cats:
        d = c if isinstance(c, date) else None
        days.append(d.toordinal() if d is not None else len(days))
    span = max(1, days[-1] - days[0]) if days else 1
    left = frame.left + frame.width * plot[0]
    top = frame.top + frame.height * plot[1]
    w, h = frame.width * plot[2], frame.height * plot[3]
    out = []
    for ser in chart.plots[0].series:
        drawn, dash, width = _line_style(ser)
        if not drawn:
            continue
        pts = [
            (left + w * (days[i] - days[0]) / span, top + h * (hi - v) / (hi - lo))
            for i, v in enumerate(ser.values)
            if v is not None and i < len(days)
        ]
        out.append((ser.name, (dash, width), pts))
    return out


def _text_rect(s: Any, text_height_pt: float) -> tuple[float, float, float, float]:
    """Where a label's text lies (its box less insets; top-anchored unless middle)."""
    body = s.text_frame._txBody.find(f"{A}bodyPr")
    lins = int(body.get("lIns", 91440))
    rins = int(body.get("rIns", 91440))
    tins = int(body.get("tIns", 45720))
    bins = int(body.get("bIns", 45720))
    need = Emu(int(text_height_pt * 12700))
    top = s.top + tins
    if body.get("anchor") == "ctr":
        top = s.top + (s.height - need) / 2
    elif body.get("anchor") == "b":
        top = s.top + s.height - bins - need
    return (s.left + lins, top, s.left + s.width - rins, top + need)


def _crosses(rect: tuple[float, float, float, float], pts: list[tuple[float, float]]) -> bool:
    x1, y1, x2, y2 = rect
    for (ax, ay), (bx, by) in itertools.pairwise(pts):
        for k in range(41):
            t = k / 40
            x, y = ax + (bx - ax) * t, ay + (by - ay) * t
            if x1 < x < x2 and y1 < y < y2:
                return True
    return False


def crossed_labels(slide: Any, text_height: Any) -> list[tuple[str, str]]:
    """(label, line) pairs where a chart's line or a mark's connector crosses a label's text."""
    frames = [s for s in slide.shapes if getattr(s, "has_chart", False) and s.has_chart]
    labels = [s for s in slide.shapes if s.has_text_frame and s.text_frame.text.strip()
              and any(_readable(s.name).startswith(p) for p in LABEL_NAMES)]  # fmt: skip
    if not labels:
        return []
    lines = [(name, pts) for f in frames for name, _, pts in plotted_lines(f)]
    for c in slide.shapes:
        if c.shape_type == 9 or getattr(c, "begin_x", None) is not None:
            try:
                pts = [(float(c.begin_x), float(c.begin_y)), (float(c.end_x), float(c.end_y))]
            except AttributeError:
                continue
            lines.append((_readable(c.name), pts))
    out = []
    for lab in labels:
        rect = _text_rect(lab, text_height(lab))
        for name, pts in lines:
            if _crosses(rect, pts):
                out.append((_readable(lab.name), name))
    return out


def coincident(frame: Any) -> list[tuple[str, str]]:
    """Pairs of series lines that lie on each other (within 2 pt over most of their common
    periods) drawn with the same dash and weight."""
    # the values' own line runs near the central line by nature; lines of the chart's frame
    # (limits, central lines, targets) must not hide each other
    lines = [line for line in plotted_lines(frame) if line[0] != "Value"]
    out = []
    tol = 2 * 12700
    for i, (n1, st1, p1) in enumerate(lines):
        xs1 = {round(x): y for x, y in p1}
        for n2, st2, p2 in lines[i + 1 :]:
            common = [(xs1[round(x)], y) for x, y in p2 if round(x) in xs1]
            if len(common) < 2 or st1 != st2:
                continue
            if sum(abs(a - b) <= tol for a, b in common) >= 0.6 * len(common):
                out.append((n1, n2))
    return out


def swatchless(frame: Any) -> list[str]:
    """Legend entries with nothing to see: no line and no filled marker, or a white marker."""
    chart = frame.chart
    legend = chart._chartSpace.find(f".//{qn('c:legend')}")
    if legend is None:
        return []
    hidden = {int(e.find(qn("c:idx")).get("val")) for e in legend.findall(qn("c:legendEntry"))}
    out = []
    for i, ser in enumerate(chart.plots[0].series):
        if i in hidden:
            continue
        drawn, _, _ = _line_style(ser)
        marker = ser._element.find(qn("c:marker"))
        symbol = marker.find(qn("c:symbol")) if marker is not None else None
        has_marker = symbol is not None and symbol.get("val") != "none"
        fill = marker.find(f"{qn('c:spPr')}/{A}solidFill/{A}srgbClr") if has_marker else None
        white = fill is not None and fill.get("val", "").upper() == "FFFFFF"
        if (not drawn and not has_marker) or (not drawn and white):
            out.append(ser.name)
    return out


def _readable(name: str) -> str:
    return name.split(" pumpxl:")[0]
