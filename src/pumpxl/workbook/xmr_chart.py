"""The native Excel chart of one XmR block, drawn from the measure's chart plan
(:mod:`pumpxl.core.chart_plan`, the same plan the decks and posters draw): its series with
their colours, dashes, weights and markers, the value axis's range, step and number format,
the date axis's format. ``pumpxl calc`` draws the chart its reading tells (provisional limits
after a step, signal points by meaning and rule, from hidden columns holding the plan's lines);
the PuMP workbook's XmR sheet draws the recorded chart from its formulas' cells."""

from __future__ import annotations

import math
from typing import Any

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from pumpxl.core.analysis import AnalysedMeasure
from pumpxl.core.chart_plan import ChartPlan, Line, chart_plan
from pumpxl.workbook.xlsx import literal
from pumpxl.workbook.xmr_layout import (
    CHART_COL,
    CHART_LINES,
    MEANING_HEX,
    MEANING_OF,
    RECALC_COL,
    SIGNAL_COL,
    SIGNAL_COLUMNS,
    Source,
    XmrBlock,
)

__all__ = ["CHART_SIZE", "xmr_chart"]

#: The chart's size in pixels (96 per inch) and the share of it the plot takes.
CHART_SIZE = (760, 330)
DASH_TYPES = {"solid": "solid", "dash": "dash", "square_dot": "square_dot",
              "round_dot": "round_dot"}  # fmt: skip
MARKER_TYPES = {"none": "none", "circle": "circle", "diamond": "diamond", "square": "square",
                "triangle": "triangle", "x": "x"}  # fmt: skip


def _style(ln: Line) -> dict[str, Any]:
    """An XlsxWriter series' line and marker, as the plan draws ``ln``."""
    out: dict[str, Any] = {}
    if ln.width:
        out["line"] = {"color": f"#{ln.colour}", "width": ln.width,
                       "dash_type": DASH_TYPES[ln.dash]}  # fmt: skip
    else:
        out["line"] = {"none": True}
    if ln.marker == "none":
        out["marker"] = {"type": "none"}
    else:
        out["marker"] = {
            "type": MARKER_TYPES[ln.marker],
            "size": max(2, round(ln.marker_size * 0.75)),  # points as Excel's marker size
            "fill": {"color": f"#{ln.colour}"},
            "border": {"color": f"#{ln.marker_edge or ln.colour}"},
        }
    return out


def _label_every(plan: ChartPlan, n: int, plot_width_pt: float, size: float) -> int:
    """Periods between date labels: the usual steps (months: 1, 2, 3, 4, 6, 12; weeks: 1, 2,
    4, 8, 13, 26, 52), as few labels as fit side by side unrotated."""
    sample = 9 if plan.weekly else 6  # "30 Sep 25", "Sep 25"
    room = max(1, int(plot_width_pt // (sample * size * 0.55 + size)))
    steps = (1, 2, 4, 8, 13, 26, 52) if plan.weekly else (1, 2, 3, 4, 6, 12)
    need = -(-n // room)
    return next((s for s in steps if s >= need), need)


def xmr_chart(
    wb: Workbook,
    ws: Worksheet,
    a: AnalysedMeasure,
    block: XmrBlock,
    weekly: bool,
    src: Source | None,
) -> None:
    name = ws.get_name()
    first, last = block.first_row, block.last_row
    # calc outputs draw the chart as its reading tells it; the PuMP workbook's formulas know
    # only the recorded phases
    plan = chart_plan(a, recorded=src is not None, labels=False)

    def ref(col: int) -> list[Any]:
        return [name, first, col, last, col]

    cats = ref(0)
    chart = wb.add_chart({"type": "line"})
    # The values straight from the Data sheet where there is one: its blank cells are gaps
    # in every spreadsheet's chart (a formula's "" would be drawn as zero).
    values = ref(1) if src is None else ["Data", src.data_first - 1, 2, src.data_last - 1, 2]
    value_line = plan.lines[0]
    chart.add_series({"name": value_line.name, "categories": cats, "values": values,
                      **_style(value_line)})  # fmt: skip
    hidden: list[int] = []
    if src is None:  # every line of the plan from its hidden column (xmr_sheet._chart_lines)
        for j, ln in enumerate(plan.lines[1:]):
            chart.add_series({"name": ln.name, "categories": cats, "values": ref(CHART_COL + j),
                              **_style(ln)})  # fmt: skip
            if not ln.legend:
                hidden.append(j + 1)
    else:
        _formula_series(chart, a, plan, ref, cats, hidden)
    m = a.measure
    chart.set_title({"name": literal(m.name), "name_font": {"size": 12, "bold": True}})
    width, height = CHART_SIZE
    plot_w = width * 0.75 * 0.8  # points: pixels at 96 per inch, the plot's share
    chart.set_x_axis(
        {
            "date_axis": True,
            "num_format": plan.date_format,
            "base_unit": plan.base_unit,
            "major_unit": _label_every(plan, len(a.dates), plot_w, 10)
            * (7 if plan.weekly else 1),
            "major_unit_type": plan.base_unit,
            "num_font": {"rotation": 0, "size": 10},
            "position_axis": "on_tick",
        }
    )
    y: dict[str, Any] = {
        "name": plan.unit or "",
        "name_font": {"size": 10, "bold": False},
        "num_font": {"size": 10},
        "num_format": plan.tick_numbers.excel(),
        "major_gridlines": {"visible": True, "line": {"color": "#E0E0E0"}},
        "min": plan.low,
        "max": plan.high,
        "major_unit": plan.step,
    }
    if not all(math.isfinite(v) for v in (plan.low, plan.high, plan.step)):
        y = {k: v for k, v in y.items() if k not in ("min", "max", "major_unit")}
    chart.set_y_axis(y)
    chart.set_legend({"position": "bottom", "font": {"size": 10}, "delete_series": hidden})
    chart.show_blanks_as("gap")
    chart.show_hidden_data()  # calc outputs' plan lines sit in hidden columns
    chart.set_size({"width": width, "height": height})
    ws.insert_chart(block.header_row - 2, RECALC_COL + 1, chart, {"x_offset": 10, "y_offset": 4})


def _formula_series(
    chart: Any, a: AnalysedMeasure, plan: ChartPlan, ref: Any, cats: Any, hidden: list[int]
) -> None:
    """The PuMP workbook's chart: its formulas' central line and limit columns (one line
    through every phase: a formula cannot leave a gap every spreadsheet skips), the target,
    and the signal-point columns by meaning, styled as the plan draws them."""
    styles = {ln.kind: ln for ln in reversed(plan.lines)}  # each kind's first line
    n = 1
    for col, label in CHART_LINES:
        kind = {"Central line": "central_line", "Upper limit": "unpl", "Lower limit": "lnpl"}[
            label
        ]
        ln = styles.get(kind) or styles["central_line"]
        chart.add_series({"name": label, "categories": cats, "values": ref(col), **_style(ln)})
        n += 1
    if "target" in styles:
        chart.add_series({"name": "Target", "categories": cats, "values": ref(9),
                          **_style(styles["target"])})  # fmt: skip
        n += 1
    meanings = {s.assessment for s in a.xmr.signals}
    for c, (meaning, _, _) in enumerate(SIGNAL_COLUMNS, start=SIGNAL_COL):
        if MEANING_OF[meaning] not in meanings:
            continue
        colour = MEANING_HEX[MEANING_OF[meaning]]
        chart.add_series(
            {
                "name": f"Signal: {meaning.lower()}" if meaning != "Other" else "Signal",
                "categories": cats,
                "values": ref(c),
                "line": {"none": True},
                "marker": {"type": "diamond", "size": 8, "fill": {"color": colour},
                           "border": {"color": colour}},
            }
        )  # fmt: skip
        n += 1
    del hidden  # one series per kind: every one in the legend
