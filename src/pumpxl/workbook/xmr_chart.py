"""The native Excel chart of one XmR block: values, central line, limits, target and the
signal points by meaning, over the block's cells (or the Data sheet's values)."""

from __future__ import annotations

from typing import Any

import numpy as np
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from pumpxl.core.analysis import AnalysedMeasure
from pumpxl.core.narrative import decimals_for
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

__all__ = ["xmr_chart"]


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
    x = a.chart if src is None else a.xmr
    n_phases = max(1, len(x.phases))

    def ref(col: int) -> list[Any]:
        return [name, first, col, last, col]

    cats = ref(0)
    # The values straight from the Data sheet where there is one: its blank cells are gaps
    # in every spreadsheet's chart (a formula's "" would be drawn as zero).
    values = ref(1) if src is None else ["Data", src.data_first - 1, 2, src.data_last - 1, 2]
    chart = wb.add_chart({"type": "line"})
    chart.add_series(
        {
            "name": "Value",
            "categories": cats,
            "values": values,
            "line": {"color": "#404040", "width": 1.5},
            "marker": {
                "type": "circle",
                "size": 4,
                "fill": {"color": "#404040"},
                "border": {"color": "#404040"},
            },
        }
    )
    styles = {
        4: {"color": "#2E7D32", "width": 1.5},
        5: {"color": "#C62828", "width": 1.25, "dash_type": "dash"},
        6: {"color": "#C62828", "width": 1.25, "dash_type": "dash"},
    }
    # calc outputs: a line per phase (blank cells are gaps everywhere), so phases step; the
    # PuMP workbook's formulas cannot leave a gap that both Excel and LibreOffice skip, so
    # its lines run through the whole block and join phases with a slope
    n_lines = n_phases if src is None else 1
    for k in range(n_lines):  # series 1-3 are the first lines; the later ones leave the legend
        for j, (col, label) in enumerate(CHART_LINES):
            chart.add_series(
                {
                    "name": label,
                    "categories": cats,
                    "values": ref(CHART_COL + 3 * k + j if src is None else col),
                    "line": styles[col],
                    "marker": {"type": "none"},
                }
            )
    if a.targets is not None:
        chart.add_series(
            {
                "name": "Target",
                "categories": cats,
                "values": ref(9),
                "line": {"color": "#37474F", "width": 1.25, "dash_type": "round_dot"},
                "marker": {"type": "none"},
            }
        )
    shown = a.reading.shown if src is None else x.signals
    meanings = {s.assessment for s in shown}
    if src is None and a.reading.step is not None:
        meanings.add(a.reading.step.assessment)
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
                "marker": {
                    "type": "diamond",
                    "size": 8,
                    "fill": {"color": colour},
                    "border": {"color": colour},
                },
            }
        )
    m = a.measure
    chart.set_title({"name": literal(m.name), "name_font": {"size": 11, "bold": True}})
    chart.set_x_axis(
        {
            "date_axis": True,
            "num_format": "dd mmm yy" if weekly else "mmm yy",
            "base_unit": "days" if weekly else "months",
            "major_unit": 8 * 7 if weekly else 3,
            "major_unit_type": "days" if weekly else "months",
            "num_font": {"rotation": -45, "size": 8},
            "position_axis": "on_tick",
        }
    )
    lo = np.nanmin(np.r_[x.values, [p.lnpl for p in x.phases]])
    hi = np.nanmax(np.r_[x.values, [p.unpl for p in x.phases]])
    if a.targets is not None:
        lo, hi = min(lo, np.nanmin(a.targets)), max(hi, np.nanmax(a.targets))
    pad = (hi - lo) * 0.08 or 1.0
    decimals = decimals_for(x.mr_bar)
    y: dict[str, Any] = {
        "name": m.unit or "",
        "num_font": {"size": 8},
        "num_format": "#,##0" + ("." + "0" * decimals if decimals else ""),
        "major_gridlines": {"visible": True, "line": {"color": "#E0E0E0"}},
        "min": float(lo - pad),
        "max": float(hi + pad),
    }
    if m.lower_bound is not None and lo - pad < m.lower_bound:
        y["min"] = float(m.lower_bound)
    if m.upper_bound is not None and hi + pad > m.upper_bound:
        y["max"] = float(m.upper_bound)
    chart.set_y_axis(y)
    later = list(range(4, 1 + 3 * n_lines))  # the later phases' lines repeat phase 1's names
    chart.set_legend({"position": "bottom", "font": {"size": 8}, "delete_series": later})
    chart.show_blanks_as("gap")
    chart.show_hidden_data()  # calc outputs' per-phase lines sit in hidden columns
    chart.set_size({"width": 760, "height": 330})
    ws.insert_chart(block.header_row - 2, RECALC_COL + 1, chart, {"x_offset": 10, "y_offset": 4})


