"""The XmR sheet: each measure's XmR table and native chart, stacked down a sheet.

In the PuMP workbook the table is Excel's own formulas over the Data sheet
(:mod:`pumpxl.workbook.native`), so limits, signals and charts follow data edits in any
spreadsheet, with or without pumpxl's add-in. Where the add-in is installed, ``XMR_SIGNALS``
gives the engine's signal words (every rule, Anhoej's runs too) and ``XMR_DESCRIBE`` the
chart in sentences; without it both fall back, through ``IFERROR``, to the formulas' own
signal words and a sentence saying what the add-in would add. The engine's results are
cached in every visible cell. In ``calc`` outputs the table is values."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from pumpxl import excel
from pumpxl.core.analysis import AnalysedMeasure
from pumpxl.core.chart_plan import chart_plan
from pumpxl.core.inputs import DEFAULT_FIRM_POINTS
from pumpxl.core.interpret import read
from pumpxl.core.narrative import describe
from pumpxl.core.parsing import excel_serial
from pumpxl.core.present import numbers_for
from pumpxl.core.table import xmr_table
from pumpxl.core.vocabulary import DIRECTION_LABELS, XMR_TABLE_COLUMNS
from pumpxl.workbook.cells import column_letter
from pumpxl.workbook.formulas import formula, number_literal, text_literal
from pumpxl.workbook.native import Columns, NativeSpec, native_block
from pumpxl.workbook.xlsx import Formats, print_setup
from pumpxl.workbook.xmr_chart import xmr_chart
from pumpxl.workbook.xmr_layout import (
    CHART_COL,
    HELPER_COL,
    NO_POINT,
    NO_POINT_FORMAT,
    RECALC_COL,
    SIGNAL_COL,
    SIGNAL_COLUMNS,
    Source,
    XmrBlock,
    data_sources,
)

__all__ = [
    "NO_ADDIN_DESCRIBE",
    "Source",
    "XmrBlock",
    "data_sources",
    "write_xmr_blocks",
    "xmr_formulas",
]

#: What the description cell says where pumpxl's functions are not installed.
NO_ADDIN_DESCRIBE = (
    "The description needs pumpxl's Excel functions (xlwings add-in); the limits, signals "
    "and chart below are Excel's own formulas and work without it."
)

def xmr_formulas(
    a: AnalysedMeasure,
    src: Source,
    block: XmrBlock,
    *,
    signals_function: Callable[..., Any] = excel.xmr_signals,
    describe_function: Callable[..., Any] = excel.xmr_describe,
) -> tuple[str, str]:
    """The add-in's part of a block: the XMR_SIGNALS and XMR_DESCRIBE calls (desktop add-in
    names), each argument given by keyword to the functions' own signatures."""
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
    trend = [p.trend or "flat" for p in a.xmr.phases]
    if set(trend) != {"flat"}:  # one word for all phases, or one per phase
        args["trend"] = text_literal(trend[0] if len(set(trend)) == 1 else ",".join(trend))
    if src.recalc_rows:
        first = block.first_row + 1
        col = column_letter(RECALC_COL)
        args["phases"] = f"${col}${first}:${col}${first + len(src.recalc_rows) - 1}"
    describe = dict(args)
    if a.targets is not None:
        describe["target"] = f"$J${block.first_row + 1}:$J${block.last_row + 1}"
    if firm != DEFAULT_FIRM_POINTS:
        describe["firm_points"] = str(firm)
    return formula(signals_function, **args), formula(describe_function, **describe)


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
    # number columns as wide as the widest number any measure writes (scientific notation
    # at the edges is long; a cell too narrow shows ###)
    wide = max([11, *(numbers_for(a.xmr.values, a.xmr.mr_bar).width(a.xmr.values) + 3
                      for a in analysed.values())])  # fmt: skip
    ws.set_column(0, 0, 12)
    ws.set_column(1, 1, wide)
    ws.set_column(2, 7, wide)
    ws.set_column(8, 8, 26)
    ws.set_column(9, 12, wide)
    ws.set_column(RECALC_COL, RECALC_COL, 12)
    if sources is not None:  # the native formulas' working columns
        ws.set_column(HELPER_COL, HELPER_COL + 60, 14, None, {"hidden": True})
    else:  # the chart's lines, a column each per phase
        ws.set_column(CHART_COL, CHART_COL + 200, 10, None, {"hidden": True})
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
    ws.set_row(header, 30)  # two-line headers ("Upper range limit")
    for c, h in enumerate(heads):
        ws.write_string(header, c, h, f.header)
    first = header + 1
    n = len(r)
    block = XmrBlock(m.id, header, first, first + n - 1)
    if n == 0:
        ws.write_string(row + 1, 0, describe(a.reading), f.note)
        ws.write_string(first, 0, "No data yet", f.note)
        return block
    weekly = m.frequency in ("weekly", "daily")
    if src is not None:
        _formula_rows(f, ws, a, block, src, weekly)
    else:
        _value_rows(f, ws, a, block, weekly)
        _chart_lines(f, ws, a, block)
    if r.latest_index is not None:  # a chart of blanks only would have no scale
        xmr_chart(wb, ws, a, block, weekly, src)
    return block


def _value_rows(
    f: Formats, ws: Worksheet, a: AnalysedMeasure, block: XmrBlock, weekly: bool
) -> None:
    """The block as values (``pumpxl calc``): the chart as its reading tells it (with
    provisional limits after an unrecorded step)."""
    r, first = a.chart, block.first_row
    numbers = numbers_for(r.values, r.mr_bar)
    num, value_num = f.num(numbers), f.num(numbers.for_values())
    date_fmt = f.day if weekly else f.month
    xt = xmr_table(r, a.reading)
    table, labels = xt.numbers(), xt.signal
    target = a.targets if a.targets is not None else np.full(len(r), np.nan)
    ws.write_string(block.header_row - 1, 0, describe(a.reading), f.note)
    for i in range(len(r)):
        rr = first + i
        ws.write_datetime(rr, 0, a.dates[i].to_pydatetime(), date_fmt)
        if not math.isnan(r.values[i]):
            ws.write_number(rr, 1, float(r.values[i]), value_num)
        for c, col in enumerate(table, start=2):
            if not math.isnan(col[i]):
                ws.write_number(rr, c, float(col[i]), num if c != 3 else None)
        if labels[i]:
            ws.write_string(rr, 8, labels[i], f.label)
        for c, (_, _, flagged) in enumerate(SIGNAL_COLUMNS, start=SIGNAL_COL):
            if flagged(labels[i]):
                ws.write_number(rr, c, float(r.values[i]), num)
        if not math.isnan(target[i]):
            ws.write_number(rr, 9, float(target[i]), num)
    # each recorded recalculation on the row of the period it starts from, its reason in the
    # cell's note (the PuMP workbook's formula sheet lists them from the top: its formulas
    # read that list)
    reasons = {rc.index: rc.reason for rc in a.reading.recalculations}
    for p in (q for q in r.phases[1:] if not q.provisional):
        ws.write_datetime(first + p.start, RECALC_COL, a.dates[p.start].to_pydatetime(),
                          f.day if weekly else f.month)  # fmt: skip
        if reasons.get(p.start):
            ws.write_comment(first + p.start, RECALC_COL, reasons[p.start], {"visible": False})


def _chart_lines(f: Formats, ws: Worksheet, a: AnalysedMeasure, block: XmrBlock) -> None:
    """Every line of the measure's chart plan but the values (each phase's central line and
    limits, blank outside the phase, the target, the signal points by meaning and rule) in a
    hidden column of its own, so the chart draws the plan's series: phases meet as steps."""
    plan = chart_plan(a, labels=False)
    num = f.num(plan.numbers)
    first = block.first_row
    for j, ln in enumerate(x for x in plan.lines if x.kind != "value"):
        c = CHART_COL + j
        ws.write_string(block.header_row, c, ln.name)
        for i, v in enumerate(ln.values):
            if v is not None:
                ws.write_number(first + i, c, v, num)


def _cached(v: float) -> Any:
    return "" if math.isnan(v) else float(v)


def _formula_rows(
    f: Formats, ws: Worksheet, a: AnalysedMeasure, block: XmrBlock, src: Source, weekly: bool
) -> None:
    """The block as formulas over the Data sheet: Excel's own for the table, pumpxl's
    functions (with IFERROR fallbacks) for the signal words and the description. Visible
    cells cache the engine's results; working cells cache nothing, so that every engine
    computes them when it opens the file."""
    r, first, n = a.xmr, block.first_row, len(a.xmr)
    last = first + n - 1
    num = f.num(numbers_for(r.values, r.mr_bar))
    date_fmt = f.date if weekly else f.month
    xt = xmr_table(r)
    labels = xt.signal
    target = a.targets if a.targets is not None else np.full(n, np.nan)
    starts = [p.start for p in r.phases[1:]]
    s = r.settings
    trends = {p.trend for p in r.phases}
    spec = NativeSpec(
        rules=r.rules,
        direction=r.direction,
        centre=s.centre,
        dispersion=s.dispersion,
        constants=s.constants,
        screen_mr=s.screen_mr,
        lower_bound=s.lower_bound,
        upper_bound=s.upper_bound,
        # one trend for every phase in formulas; phases that differ need the add-in
        trend=next(iter(trends)) if len(trends) == 1 else None,
    )
    cols = Columns(
        value=1, phase=3, mr=2, cl=4, unpl=5, lnpl=6, url=7, helpers=HELPER_COL,
        exclude=lambda R: f"Data!D{src.data_first + R - first - 1}",
    )  # fmt: skip
    native = native_block(spec, cols, first, n)
    cached = dict(zip((2, 3, 4, 5, 6, 7), xt.numbers(), strict=True))
    for cell in native.cells:
        column = cached.get(cell.col)
        value = _cached(column[cell.row - first]) if column is not None else ""
        fmt = num if column is not None and cell.col != 3 else None
        if cell.array:
            ws.write_array_formula(cell.row, cell.col, cell.row, cell.col, cell.formula, fmt, value)
        else:
            ws.write_formula(cell.row, cell.col, cell.formula, fmt, value)
    for c, text in native.headers.items():
        ws.write_string(block.header_row, c, text, f.header)
    signals_formula, describe_formula = xmr_formulas(a, src, block)
    label = column_letter(native.label_col)
    fallback = f"${label}${first + 1}:${label}${last + 1}"
    ws.write_dynamic_array_formula(
        first, 8, last, 8, f"=IFERROR({signals_formula[1:]},{fallback})", f.label, labels[0]
    )
    note = NO_ADDIN_DESCRIBE
    if native.unsupported:
        note += " Without it, Anhoej's runs analysis is not shown."
    if len(trends) > 1:
        note += " Without it, the limits are flat in every phase (the phases' trends differ)."
    ws.write_dynamic_array_formula(
        block.header_row - 1,
        0,
        block.header_row - 1,
        0,
        f"=IFERROR({describe_formula[1:]},{text_literal(note)})",
        f.note,
        describe(read(a.xmr)),  # what XMR_DESCRIBE answers: it knows no recorded reasons
    )
    recalc = column_letter(RECALC_COL)
    phases = f"${recalc}${first + 1}:${recalc}${first + len(src.recalc_rows)}"
    point = f.custom(NO_POINT_FORMAT + numbers_for(r.values, r.mr_bar).excel())
    for i in range(n):
        rr, k = first + i, src.data_first + i
        stamp = a.dates[i].to_pydatetime()
        v = r.values[i]
        ws.write_formula(rr, 0, f"=Data!B{k}", date_fmt, excel_serial(stamp))
        ws.write_formula(
            rr, 1, f'=IF(ISNUMBER(Data!C{k}),Data!C{k},"")', num, _cached(v)
        )
        if src.recalc_rows:
            ws.write_formula(
                rr, 3, f'=1+COUNTIF({phases},"<="&A{rr + 1})', None, float(xt.phase[i])
            )
        else:
            ws.write_number(rr, 3, 1)
        if i:
            ws.write_string(rr, 8, labels[i], f.label)
        for c, (_, test, flagged) in enumerate(SIGNAL_COLUMNS, start=SIGNAL_COL):
            ws.write_formula(
                rr,
                c,
                f"=IF({test.format(cell=f'I{rr + 1}')},B{rr + 1},{NO_POINT})",
                point,
                float(v) if flagged(labels[i]) else float(NO_POINT),
            )
        if not math.isnan(target[i]):
            ws.write_number(rr, 9, float(target[i]), num)
    for j, start in enumerate(starts):
        stamp = a.dates[start].to_pydatetime()
        if j < len(src.recalc_rows):
            ws.write_formula(
                first + j,
                RECALC_COL,
                f"=Recalculations!B{src.recalc_rows[j]}",
                f.month,
                excel_serial(stamp),
            )


