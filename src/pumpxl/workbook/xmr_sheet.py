"""The XmR sheet: each measure's XmR table and native chart, stacked down a sheet. In the
PuMP workbook the table cells are pumpxl Excel-function formulas over the Data sheet (with the
engine's results cached, so they show without the add-in); in ``calc`` outputs, values."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from pumpxl import excel
from pumpxl.core.analysis import AnalysedMeasure
from pumpxl.core.inputs import DEFAULT_FIRM_POINTS
from pumpxl.core.model import PumpModel
from pumpxl.core.narrative import decimals_for
from pumpxl.core.parsing import excel_serial
from pumpxl.core.table import xmr_table
from pumpxl.core.vocabulary import DIRECTION_LABELS, XMR_TABLE_COLUMNS
from pumpxl.workbook.cells import column_letter
from pumpxl.workbook.formulas import formula, number_literal, text_literal
from pumpxl.workbook.xlsx import Formats, literal, print_setup

__all__ = ["Source", "XmrBlock", "data_sources", "write_xmr_blocks", "xmr_formulas"]

#: The columns that hold each signal point's value by meaning (for the chart's coloured
#: markers): name, the Excel test on the Signal cell (works without the add-in), and the same
#: test on the engine's label (for the cached value).
SIGNAL_COLUMNS: tuple[tuple[str, str, Callable[[str], bool]], ...] = (
    ("Improvement", 'ISNUMBER(SEARCH("(improvement)",{cell}))', lambda s: "(improvement)" in s),
    ("Concern", 'ISNUMBER(SEARCH("(concern)",{cell}))', lambda s: "(concern)" in s),
    ("Other", 'AND({cell}<>"",ISERROR(SEARCH("(",{cell})))', lambda s: bool(s) and "(" not in s),
)
SIGNAL_COL = 10  # K: the first of SIGNAL_COLUMNS
RECALC_COL = SIGNAL_COL + len(SIGNAL_COLUMNS)  # N: the dates limits were recalculated from
MEANING_OF = {"Improvement": "improvement", "Concern": "concern", "Other": "neutral"}
#: NHS Making Data Count colours: blue improvement, orange concern, purple neither.
MEANING_HEX = {"improvement": "#1F6FB5", "concern": "#E07A10", "neutral": "#7A3E9D"}


@dataclass(frozen=True)
class XmrBlock:
    """Where one measure's XmR table sits in a sheet (0-based rows and columns)."""

    measure: str
    header_row: int
    first_row: int
    last_row: int
    period_col: int = 0


@dataclass(frozen=True)
class Source:
    """Where a measure's rows sit in the workbook (1-based Excel rows), so that an XmR
    block can refer to them with formulas."""

    data_first: int
    data_last: int
    recalc_rows: tuple[int, ...] = ()


def xmr_formulas(
    a: AnalysedMeasure,
    src: Source,
    block: XmrBlock,
    *,
    table_function: Callable[..., Any] = excel.xmr_table,
    describe_function: Callable[..., Any] = excel.xmr_describe,
) -> tuple[str, str]:
    """The XMR_TABLE and XMR_DESCRIBE formulas of a block (desktop add-in names), with each
    argument given by keyword to the functions' own signatures."""
    m, firm = a.measure, a.xmr.settings.firm_points
    lo, hi = src.data_first, src.data_last
    args = {
        "values": f"Data!$C${lo}:$C${hi}",
        "dates": f"Data!$B${lo}:$B${hi}",
        "rules": text_literal(m.rules),
        "direction": text_literal(m.direction),
        "exclude": f"Data!$D${lo}:$D${hi}",
        "lower_bound": number_literal(m.lower_bound),
        "upper_bound": number_literal(m.upper_bound),
    }
    if src.recalc_rows:
        first = block.first_row + 1
        col = column_letter(RECALC_COL)
        args["phases"] = f"${col}${first}:${col}${first + len(src.recalc_rows) - 1}"
    describe = dict(args)
    if a.targets is not None:
        describe["target"] = f"$J${block.first_row + 1}:$J${block.last_row + 1}"
    if firm != DEFAULT_FIRM_POINTS:
        describe["firm_points"] = str(firm)
    return formula(table_function, **args), formula(describe_function, **describe)


def write_xmr_blocks(
    wb: Workbook,
    f: Formats,
    ws: Worksheet,
    analysed: dict[str, AnalysedMeasure],
    *,
    start_row: int = 2,
    sources: dict[str, Source] | None = None,
) -> list[XmrBlock]:
    """Write one XmR table and native chart per measure, stacked down ``ws``. With
    ``sources``, the cells are pumpxl Excel-function formulas (values cached); without,
    plain values."""
    ws.set_column(0, 0, 12)
    ws.set_column(1, 1, 11)
    ws.set_column(2, 7, 11)
    ws.set_column(8, 8, 26)
    ws.set_column(9, 12, 11)
    ws.set_column(RECALC_COL, RECALC_COL, 12)
    print_setup(ws, repeat_header=False)
    blocks = []
    row = start_row
    for a in analysed.values():
        src = sources.get(a.measure.id) if sources is not None else None
        block = _xmr_block(wb, f, ws, a, row, src)
        blocks.append(block)
        row = block.first_row + max(len(a.xmr), 18) + 3
    return blocks


def _xmr_block(
    wb: Workbook, f: Formats, ws: Worksheet, a: AnalysedMeasure, row: int, src: Source | None
) -> XmrBlock:
    m, r = a.measure, a.xmr
    unit = f"{m.unit}, " if m.unit else ""
    ws.write_string(
        row, 0, f"{m.id}  {m.name}  ({unit}{DIRECTION_LABELS[m.direction]})", f.block_title
    )
    header = row + 2
    heads = [
        "Period",
        "Value",
        *XMR_TABLE_COLUMNS,
        "Target",
        *(f"{name} point" for name, _, _ in SIGNAL_COLUMNS),
        "Recalculated from",
    ]
    for c, h in enumerate(heads):
        ws.write_string(header, c, h, f.header)
    first = header + 1
    n = len(r)
    block = XmrBlock(m.id, header, first, first + n - 1)
    if n == 0:
        ws.write_string(row + 1, 0, r.description, f.note)
        ws.write_string(first, 0, "No data yet", f.note)
        return block
    d = decimals_for(r.mr_bar)
    num = f.num(d)
    xt = xmr_table(r)
    weekly = m.frequency in ("weekly", "daily")
    date_fmt = f.date if weekly else f.month
    value = r.values
    table = xt.numbers()
    labels = xt.signal
    target = a.targets if a.targets is not None else np.full(n, np.nan)
    starts = [p.start for p in r.phases[1:]]
    if src is not None:
        table_formula, describe_formula = xmr_formulas(a, src, block)
        ws.write_formula(row + 1, 0, describe_formula, f.note, r.description)
        first_mr = table[0][0]
        ws.write_dynamic_array_formula(
            first,
            2,
            first + n - 1,
            8,
            table_formula,
            num,
            "" if math.isnan(first_mr) else float(first_mr),
        )
        ws.conditional_format(  # the #N/A that keeps non-signal points off the chart
            first,
            SIGNAL_COL,
            first + n - 1,
            RECALC_COL - 1,
            {"type": "formula", "criteria": f"=ISNA(K{first + 1})", "format": f.hidden_error},
        )
    else:
        ws.write_string(row + 1, 0, r.description, f.note)
    for i in range(n):
        rr, k = first + i, (src.data_first + i if src is not None else 0)
        stamp = a.dates[i].to_pydatetime()
        v = value[i]
        if src is not None:
            ws.write_formula(rr, 0, f"=Data!B{k}", date_fmt, excel_serial(stamp))
            ws.write_formula(
                rr,
                1,
                f"=IF(ISBLANK(Data!C{k}),NA(),Data!C{k})",
                num,
                "#N/A" if math.isnan(v) else float(v),
            )
        else:
            ws.write_datetime(rr, 0, stamp, date_fmt)
            if not math.isnan(v):
                ws.write_number(rr, 1, float(v), num)
        for c, col in enumerate(table, start=2):
            x = col[i]
            if src is not None and i == 0 and c == 2:
                continue  # the array formula's own cell
            if not math.isnan(x):
                ws.write_number(rr, c, float(x), num if c != 3 else None)
            elif src is not None:
                ws.write_string(rr, c, "")
        if labels[i] or src is not None:
            ws.write_string(rr, 8, labels[i])
        for c, (_, test, cached) in enumerate(SIGNAL_COLUMNS, start=SIGNAL_COL):
            flagged = cached(labels[i])
            if src is not None:
                cell = f"I{rr + 1}"
                ws.write_formula(
                    rr,
                    c,
                    f"=IF({test.format(cell=cell)},B{rr + 1},NA())",
                    num,
                    float(v) if flagged else "#N/A",
                )
            elif flagged:
                ws.write_number(rr, c, float(v), num)
        if not math.isnan(target[i]):
            ws.write_number(rr, 9, float(target[i]), num)
    for j, start in enumerate(starts):
        stamp = a.dates[start].to_pydatetime()
        if src is not None and j < len(src.recalc_rows):
            ws.write_formula(
                first + j,
                RECALC_COL,
                f"=Recalculations!B{src.recalc_rows[j]}",
                f.month,
                excel_serial(stamp),
            )
        else:
            ws.write_datetime(first + j, RECALC_COL, stamp, f.month)
    if r.latest_index is not None:  # a chart of blanks only would have no scale
        _xmr_chart(wb, ws, a, block, weekly)
    return block


def _xmr_chart(
    wb: Workbook, ws: Worksheet, a: AnalysedMeasure, block: XmrBlock, weekly: bool
) -> None:
    name = ws.get_name()
    first, last = block.first_row, block.last_row

    def ref(col: int) -> list[Any]:
        return [name, first, col, last, col]

    cats = ref(0)
    chart = wb.add_chart({"type": "line"})
    chart.add_series(
        {
            "name": "Value",
            "categories": cats,
            "values": ref(1),
            "line": {"color": "#404040", "width": 1.5},
            "marker": {
                "type": "circle",
                "size": 4,
                "fill": {"color": "#404040"},
                "border": {"color": "#404040"},
            },
        }
    )
    chart.add_series(
        {
            "name": "Central line",
            "categories": cats,
            "values": ref(4),
            "line": {"color": "#2E7D32", "width": 1.5},
            "marker": {"type": "none"},
        }
    )
    for col, label in ((5, "Upper limit"), (6, "Lower limit")):
        chart.add_series(
            {
                "name": label,
                "categories": cats,
                "values": ref(col),
                "line": {"color": "#C62828", "width": 1.25, "dash_type": "dash"},
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
    lo = np.nanmin(np.r_[a.xmr.values, [p.lnpl for p in a.xmr.phases]])
    hi = np.nanmax(np.r_[a.xmr.values, [p.unpl for p in a.xmr.phases]])
    if a.targets is not None:
        lo, hi = min(lo, np.nanmin(a.targets)), max(hi, np.nanmax(a.targets))
    pad = (hi - lo) * 0.08 or 1.0
    decimals = decimals_for(a.xmr.mr_bar)
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
    chart.set_legend({"position": "bottom", "font": {"size": 8}})
    chart.show_blanks_as("gap")
    chart.set_size({"width": 760, "height": 330})
    ws.insert_chart(block.header_row - 2, RECALC_COL + 1, chart, {"x_offset": 10, "y_offset": 4})


def data_sources(model: PumpModel) -> dict[str, Source]:
    """Each measure's rows on the Data and Recalculations sheets as the writer lays them out
    (Data: measures in model order, header in row 1)."""
    out: dict[str, Source] = {}
    row = 2
    recalc: dict[str, list[tuple[Any, int]]] = {}
    for i, rc in enumerate(model.recalculations):
        recalc.setdefault(rc.measure, []).append((rc.period, i + 2))
    for mid, s in model.series.items():
        rows = tuple(r for _, r in sorted(recalc.get(mid, [])))
        out[mid] = Source(row, row + len(s) - 1, rows)
        row += len(s)
    return out


