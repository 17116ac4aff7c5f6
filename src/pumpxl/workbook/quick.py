"""The Quick XmR sheet: paste values in column B and the XmR table, limits, status and
description follow. The table and the limits are Excel's own formulas
(:mod:`pumpxl.workbook.native`), so they work in any spreadsheet; pumpxl's functions add the
signal words of every rule, the status and the description where the add-in is installed,
with ``IFERROR`` fallbacks where it is not. The engine's answers for the sample values are
cached in every visible cell."""

from __future__ import annotations

import math

from xlsxwriter.workbook import Workbook

from pumpxl import excel
from pumpxl.core.interpret import read
from pumpxl.core.narrative import describe as describe_text
from pumpxl.core.narrative import status_line
from pumpxl.core.rules import PRESETS
from pumpxl.core.table import xmr_table
from pumpxl.core.vocabulary import LIMITS_COLUMNS, XMR_TABLE_COLUMNS
from pumpxl.core.xmr import xmr
from pumpxl.workbook.cells import column_letter
from pumpxl.workbook.formulas import formula, text_literal
from pumpxl.workbook.native import Columns, NativeSpec, native_block
from pumpxl.workbook.xlsx import Formats, FormulaSheet, print_setup

__all__ = ["QUICK_ROWS", "QUICK_VALUES", "quick_xmr_sheet"]


QUICK_VALUES = [52.0, 48.5, 50.5, 55.0, 49.0, 51.5, 47.5, 53.0, 50.0, 64.0, 51.0, 49.5]
QUICK_ROWS = 200  # how many values the sheet's formulas reach
NO_ADDIN = "needs pumpxl's Excel functions (xlwings add-in); the table and limits work without it"


def quick_xmr_sheet(wb: Workbook, f: Formats) -> None:
    """A scratch sheet: paste values in column B and the XmR table follows beside them."""
    ws = wb.add_worksheet("Quick XmR", worksheet_class=FormulaSheet)
    ws.write_string(
        0,
        0,
        f"Quick XmR: paste up to {QUICK_ROWS} values into column B (oldest first); the "
        "table, limits and status follow.",
        f.heading,
    )
    heads = ["Period", "Value", *XMR_TABLE_COLUMNS]
    ws.set_row(2, 30)  # two-line headers ("Upper range limit")
    for c, h in enumerate(heads):
        ws.write_string(2, c, h, f.header)
    num = f.num(2)
    ws.set_column(0, 1, 12)
    ws.set_column(2, 7, 12, num)
    ws.set_column(3, 3, 8)
    ws.set_column(8, 8, 26)
    ws.set_column(10, 14, 14, num)
    print_setup(ws, repeat_header=False)
    r = xmr(QUICK_VALUES)
    table = xmr_table(r)
    first, n, rows = 3, len(QUICK_VALUES), QUICK_ROWS
    last = first + rows - 1
    values = f"$B${first + 1}:$B${last + 1}"
    for i, v in enumerate(QUICK_VALUES):
        ws.write_number(first + i, 1, v)
    native = native_block(
        NativeSpec(rules=PRESETS["pump"]),
        Columns(value=1, phase=3, mr=2, cl=4, unpl=5, lnpl=6, url=7, helpers=30),
        first,
        rows,
    )
    cached = dict(zip((2, 4, 5, 6, 7), [table.numbers()[0], *table.numbers()[2:]], strict=True))
    live = f"$B${first + 1}:$B${last + 1}"
    for cell in native.cells:
        column = cached.get(cell.col)
        i = cell.row - first
        text = cell.formula
        if column is not None:  # blank below the last value, as XMR_TABLE answers
            text = f'=IF(COUNT(B{cell.row + 1}:$B${last + 1})=0,"",{text[1:]})'
        value = "" if column is None or i >= n or math.isnan(column[i]) else float(column[i])
        fmt = num if column is not None else None
        if cell.array:
            ws.write_array_formula(cell.row, cell.col, cell.row, cell.col, text, fmt, value)
        else:
            ws.write_formula(cell.row, cell.col, text, fmt, value)
    for i in range(rows):
        # every row up to the last value is a period (a blank one is a missing period); the
        # period counts the rows from the first (ROWS keeps counting if rows are inserted)
        below = f"COUNT(B{first + i + 1}:$B${last + 1})=0"
        ws.write_formula(
            first + i, 0, f'=IF({below},"",ROWS($B${first + 1}:B{first + i + 1}))', None,
            i + 1 if i < n else "",
        )  # fmt: skip
        ws.write_formula(first + i, 3, f'=IF({below},"",1)', None, 1 if i < n else "")
    ws.set_column(30, 30 + len(native.headers), 14, None, {"hidden": True})
    for c, h in native.headers.items():
        ws.write_string(2, c, h, f.header)
    label = column_letter(native.label_col)
    signals = formula(excel.xmr_signals, values=values)
    ws.write_dynamic_array_formula(
        first, 8, last, 8,
        f"=IFERROR({signals[1:]},${label}${first + 1}:${label}${last + 1})",
        None, table.signal[0],
    )  # fmt: skip
    for i in range(1, rows):
        ws.write_string(first + i, 8, table.signal[i] if i < n else "")
    ws.write_string(1, 10, "Latest limits", f.heading)
    for k, name in enumerate(LIMITS_COLUMNS):
        ws.write_string(2, 10 + k, name, f.header)
    # the latest value's row: its limits are the latest phase's
    latest = f"MATCH(9.99E+307,{live})"
    disp = column_letter(30 + list(native.headers.values()).index(
        "dispersion (average or median moving range)"
    ))  # fmt: skip
    sources = ("E", "G", "F", "H", disp)
    for k, (col, v) in enumerate(zip(sources, (r.central_line, r.lnpl, r.unpl, r.url, r.mr_bar),
                                     strict=True)):  # fmt: skip
        ws.write_formula(
            3, 10 + k,
            f'=IFERROR(INDEX(${col}${first + 1}:${col}${last + 1},{latest}),"")',
            num, float(v),
        )  # fmt: skip
    ws.write_string(5, 10, "Status (=XMR_STATUS)", f.heading)
    status = formula(excel.xmr_status, values=values)
    ws.write_dynamic_array_formula(
        6, 10, 6, 10, f"=IFERROR({status[1:]},{text_literal('The status ' + NO_ADDIN)})",
        None, status_line(read(r)),
    )  # fmt: skip
    ws.write_string(8, 10, "Description (=XMR_DESCRIBE)", f.heading)
    ws.merge_range(9, 10, 12, 14, "", f.wrap)
    describe = formula(excel.xmr_describe, values=values)
    ws.write_dynamic_array_formula(
        9, 10, 9, 10,
        f"=IFERROR({describe[1:]},{text_literal('The description ' + NO_ADDIN)})",
        f.wrap, describe_text(read(r)),
    )  # fmt: skip
