"""The Quick XmR sheet: paste values in column B and the XmR table, limits, status and
description follow (pumpxl's Excel functions, with the engine's answers cached)."""

from __future__ import annotations

import math

from xlsxwriter.workbook import Workbook

from pumpxl import excel
from pumpxl.core.table import xmr_table
from pumpxl.core.vocabulary import LIMITS_COLUMNS, XMR_TABLE_COLUMNS
from pumpxl.core.xmr import xmr
from pumpxl.workbook.formulas import formula
from pumpxl.workbook.xlsx import Formats

__all__ = ["QUICK_VALUES", "quick_xmr_sheet"]


QUICK_VALUES = [52.0, 48.5, 50.5, 55.0, 49.0, 51.5, 47.5, 53.0, 50.0, 64.0, 51.0, 49.5]


def quick_xmr_sheet(wb: Workbook, f: Formats) -> None:
    """A scratch sheet: paste values in column B and the XmR table spills beside them."""
    ws = wb.add_worksheet("Quick XmR")
    ws.write_string(
        0,
        0,
        "Quick XmR: paste your values into column B (oldest first); the "
        "table, limits and status follow.",
        f.heading,
    )
    heads = ["Period", "Value", *XMR_TABLE_COLUMNS]
    for c, h in enumerate(heads):
        ws.write_string(2, c, h, f.header)
    ws.set_column(0, 7, 12)
    ws.set_column(8, 8, 26)
    ws.set_column(10, 14, 14)
    r = xmr(QUICK_VALUES)
    table = xmr_table(r)
    first, n = 3, len(QUICK_VALUES)
    values = f"$B${first + 1}:$B${first + n}"
    ws.write_dynamic_array_formula(
        first, 2, first + n - 1, 8, formula(excel.xmr_table, values=values), None, ""
    )
    for i, v in enumerate(QUICK_VALUES):
        ws.write_number(first + i, 0, i + 1)
        ws.write_number(first + i, 1, v)
        for c, col in enumerate(table.numbers(), start=2):
            if i == 0 and c == 2:
                continue  # the array formula's own cell
            if math.isnan(col[i]):
                ws.write_string(first + i, c, "")
            else:
                ws.write_number(first + i, c, float(col[i]))
        ws.write_string(first + i, 8, table.signal[i])
    ws.write_string(1, 10, "Latest limits (=XMR_LIMITS)", f.heading)
    for k, name in enumerate(LIMITS_COLUMNS):
        ws.write_string(2, 10 + k, name, f.header)
    limits = formula(excel.xmr_limits, values=values)
    ws.write_dynamic_array_formula(3, 10, 3, 14, limits, None, r.central_line)
    for k, v in enumerate([r.lnpl, r.unpl, r.url, r.mr_bar], start=1):
        ws.write_number(3, 10 + k, float(v))
    ws.write_string(5, 10, "Status (=XMR_STATUS)", f.heading)
    ws.write_formula(6, 10, formula(excel.xmr_status, values=values), None, r.status)
    ws.write_string(8, 10, "Description (=XMR_DESCRIBE)", f.heading)
    ws.merge_range(9, 10, 12, 14, "", f.wrap)
    ws.write_formula(9, 10, formula(excel.xmr_describe, values=values), f.wrap, r.description)
