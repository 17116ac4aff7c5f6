"""Writing PuMP workbooks with XlsxWriter: the template, the example and ``calc`` outputs.

Every text that comes from data is written as text (never a formula: no CSV injection), every
table is an Excel Table with frozen headers, fixed-choice columns get drop-downs, and each
measure's XmR chart is a native, editable Excel chart.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from pumpxl.analysis import AnalysedMeasure, analyse, predictability_verdict
from pumpxl.files import atomic_output
from pumpxl.model import PumpModel
from pumpxl.narrative import XMR_TABLE_COLUMNS, decimals_for, signal_labels
from pumpxl.workbook.layout import SHEETS, Column, Sheet

__all__ = ["XmrBlock", "write_calc_workbook", "write_pump_workbook"]

#: A fixed creation time keeps rebuilt templates byte-for-byte reproducible.
FIXED_TIME = dt.datetime(2026, 1, 1)
TEMPLATE_ROWS = 2000  # rows given drop-downs and formats in an empty template


HOW_TO = [
    ("How to use this workbook", "title"),
    (
        "This workbook is a PuMP performance measurement system: the Results Map, measure "
        "definitions, data, targets, commentary and the audiences of your reports.",
        "text",
    ),
    ("", "text"),
    ("Sheets", "heading"),
    ("Settings: organisation name, report title, and how many values make limits firm.", "text"),
    (
        "Results: your Results Map. Write each result as a present-tense outcome; give its "
        "layer (Purpose, Strategic, Process, Team) and the IDs of the results it contributes to.",
        "text",
    ),
    (
        "Measures: one Measure Definition per row. Direction, type, frequency and rules have "
        "drop-downs. Audiences are names from the Audiences sheet, comma-separated.",
        "text",
    ),
    (
        "Data: one row per measure and period, oldest first. Leave a value blank when it is "
        "missing (never type 0 for 'no data'). Put Yes in Exclude for a known special cause.",
        "text",
    ),
    (
        "Recalculations: the first period of a new phase, after a sustained signal with a known "
        "cause. Never recalculate on a calendar.",
        "text",
    ),
    (
        "Targets: a central-line target, dated trajectory steps, or a predictability target "
        "(the widest acceptable gap between the limits).",
        "text",
    ),
    (
        "Commentary: for each measure and period, what is happening, why, and what we are doing "
        "about it.",
        "text",
    ),
    (
        "Audiences: who receives a report. Each audience sees the measures whose decisions it "
        "makes.",
        "text",
    ),
    ("XmR: each measure's XmR table and chart (natural process limits, signals).", "text"),
    ("", "text"),
    ("Commands", "heading"),
    ("pumpxl check WORKBOOK.xlsx  -  lists every problem with its cell, and PuMP warnings", "code"),
    (
        "pumpxl calc WORKBOOK.xlsx -o XMR.xlsx  -  a new workbook with every measure's XmR "
        "table, signals and chart",
        "code",
    ),
    ("pumpxl report WORKBOOK.xlsx -o reports/  -  one PowerPoint deck per audience", "code"),
    ("", "text"),
    ("Reading an XmR chart", "heading"),
    (
        "Signals: a point outside the limits (outlier); a long run of points on one side of the "
        "central line; a short run of 3 out of 4 points closer to a limit than to the central "
        "line. Anything else is routine variation: do not react to single ups and downs.",
        "text",
    ),
]


@dataclass(frozen=True)
class XmrBlock:
    """Where one measure's XmR table sits in a sheet (0-based rows and columns)."""

    measure: str
    header_row: int
    first_row: int
    last_row: int
    period_col: int = 0


class _Formats:
    def __init__(self, wb: Workbook) -> None:
        add = wb.add_format
        self.title = add({"bold": True, "font_size": 16, "font_color": "#1F3864"})
        self.heading = add({"bold": True, "font_size": 12, "font_color": "#1F3864"})
        self.text = add({"text_wrap": True, "valign": "top"})
        self.code = add({"font_name": "Consolas", "font_color": "#333333"})
        self.wrap = add({"text_wrap": True, "valign": "top"})
        self.top = add({"valign": "top"})
        self.hidden_error = add({"font_color": "#FFFFFF"})
        self.date = add({"num_format": "yyyy-mm-dd", "valign": "top"})
        self.month = add({"num_format": "mmm yyyy", "align": "left"})
        self.number = add({"num_format": "#,##0.00", "valign": "top"})
        self.header = add(
            {
                "bold": True,
                "bg_color": "#1F4E79",
                "font_color": "#FFFFFF",
                "border": 1,
                "border_color": "#BFBFBF",
                "text_wrap": True,
                "valign": "vcenter",
            }
        )
        self.block_title = add({"bold": True, "font_size": 13, "font_color": "#1F3864"})
        self.note = add({"italic": True, "font_color": "#555555"})
        self.link = add({"font_color": "#1F4E79", "underline": 1, "valign": "top"})
        self.decimals: dict[int, Any] = {}
        self._wb = wb

    def num(self, decimals: int) -> Any:
        if decimals not in self.decimals:
            fmt = "#,##0" + ("." + "0" * decimals if decimals else "")
            self.decimals[decimals] = self._wb.add_format({"num_format": fmt, "valign": "top"})
        return self.decimals[decimals]


def _new_workbook(path: Path) -> tuple[Workbook, _Formats]:
    wb = xlsxwriter.Workbook(
        str(path),
        {
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "nan_inf_to_errors": True,
        },
    )
    wb.set_properties({"created": FIXED_TIME, "author": "pumpxl", "title": "PuMP workbook"})
    wb.set_calc_mode("auto")
    # Show the stored results on opening instead of recalculating everything: a user without
    # the pumpxl add-in still sees every number and chart until the data change.
    wb.calc_on_load = False
    return wb, _Formats(wb)


def _print_setup(ws: Worksheet, *, repeat_header: bool = True, pages_wide: int = 1) -> None:
    """Landscape A4, ``pages_wide`` pages wide, header row on every page."""
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(pages_wide, 0)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    if repeat_header:
        ws.repeat_rows(0)


def _cell_value(col: Column, value: Any) -> Any:
    if value is None:
        return None
    if col.kind == "list" and isinstance(value, (tuple, list)):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _write_cell(ws: Worksheet, r: int, c: int, value: Any, f: _Formats, col: Column) -> None:
    if value is None or value == "":
        return
    if isinstance(value, (dt.date, dt.datetime, pd.Timestamp, np.datetime64)):
        stamp = pd.Timestamp(value).to_pydatetime()
        ws.write_datetime(r, c, stamp, f.date)
    elif isinstance(value, (bool, np.bool_)):
        ws.write_string(r, c, "Yes" if value else "", f.top)
    elif isinstance(value, (int, float, np.integer, np.floating)):
        ws.write_number(r, c, float(value), f.top)
    else:
        ws.write_string(r, c, str(value), f.wrap if col.width >= 20 else f.top)


def _table_sheet(
    wb: Workbook, f: _Formats, spec: Sheet, rows: Sequence[Sequence[Any]]
) -> Worksheet:
    ws = wb.add_worksheet(spec.name)
    n = max(len(rows), 1)
    ws.add_table(
        0,
        0,
        n,
        len(spec.columns) - 1,
        {
            "name": spec.table,
            "style": "Table Style Medium 2",
            "columns": [{"header": c.header, "header_format": f.header} for c in spec.columns],
        },
    )
    for r, row in enumerate(rows, start=1):
        for c, (col, value) in enumerate(zip(spec.columns, row, strict=True)):
            _write_cell(ws, r, c, _cell_value(col, value), f, col)
    last = max(TEMPLATE_ROWS, n + 500)
    for c, col in enumerate(spec.columns):
        fmt = f.date if col.kind == "date" else None
        ws.set_column(c, c, col.width, fmt)
        if col.kind == "choice":
            ws.data_validation(
                1,
                c,
                last,
                c,
                {
                    "validate": "list",
                    "source": list(col.choices),
                    "ignore_blank": True,
                    "error_title": col.header,
                    "error_message": "Choose one of: " + ", ".join(col.choices),
                },
            )
        elif col.kind == "number":
            ws.data_validation(
                1,
                c,
                last,
                c,
                {
                    "validate": "decimal",
                    "criteria": "between",
                    "minimum": -1e300,
                    "maximum": 1e300,
                    "error_title": col.header,
                    "error_message": "A number, or blank for a missing value",
                },
            )
        elif col.kind == "date":
            ws.data_validation(
                1,
                c,
                last,
                c,
                {
                    "validate": "date",
                    "criteria": ">",
                    "value": dt.date(1900, 1, 1),
                    "error_title": col.header,
                    "error_message": "A date, e.g. 2025-01-01",
                },
            )
        if col.help:
            ws.write_comment(0, c, col.help, {"x_scale": 2})
    ws.freeze_panes(1, 0)
    ws.set_row(0, 30)
    total = sum(c.width for c in spec.columns)
    _print_setup(ws, pages_wide=max(1, math.ceil(total / 190)))
    for r, row in enumerate(rows, start=1):  # LibreOffice does not grow wrapped rows itself
        lines = max(
            (
                math.ceil(len(str(_cell_value(c, v) or "")) / max(c.width - 2, 4))
                for c, v in zip(spec.columns, row, strict=True)
                if c.width >= 20
            ),
            default=1,
        )
        if lines > 1:
            ws.set_row(r, 15 * lines)
    return ws


def _model_rows(model: PumpModel | None, spec: Sheet) -> list[list[Any]]:
    if model is None:
        return []
    name = spec.name
    if name == "Settings":
        return [
            ["Organisation", model.organisation, "Shown on every report"],
            ["Report title", model.title, "Title of the decks"],
            [
                "Firm limits from",
                float(model.settings.get("firm_points", 20) or 20),
                "Limits from fewer values are trial limits",
            ],
        ]
    if name == "Results":
        return [
            [r.id, r.statement, r.layer.title(), r.owner, r.contributes_to, r.notes]
            for r in model.results.values()
        ]
    if name == "Measures":
        words = {"up": "Higher is better", "down": "Lower is better", "neutral": "Neutral"}
        return [
            [
                m.id,
                m.name,
                m.result,
                m.description,
                m.formula,
                m.scope,
                m.data_items,
                m.data_source,
                m.frequency.title(),
                m.unit,
                words.get(m.direction, m.direction),
                m.type.title(),
                m.owner,
                m.data_producer,
                m.lower_bound,
                m.upper_bound,
                m.audiences,
                m.decisions,
                m.decision_makers,
                m.rules,
                m.status.capitalize(),
                m.notes,
            ]
            for m in model.measures.values()
        ]
    if name == "Data":
        out: list[list[Any]] = []
        for mid, s in model.series.items():
            notes = s.notes or ("",) * len(s)
            for d, v, x, note in zip(s.dates, s.values, s.exclude, notes, strict=True):
                out.append(
                    [
                        mid,
                        pd.Timestamp(d),
                        None if np.isnan(v) else float(v),
                        "Yes" if x else None,
                        note or None,
                    ]
                )
        return out
    if name == "Recalculations":
        return [[r.measure, r.period, r.reason] for r in model.recalculations]
    if name == "Targets":
        return [[t.measure, t.value, t.period, t.type.capitalize(), t.notes] for t in model.targets]
    if name == "Commentary":
        return [
            [c.measure, c.period, c.happening, c.why, c.action, c.who, c.due]
            for c in model.commentary
        ]
    if name == "Audiences":
        return [[a.name, a.description, a.meets] for a in model.audiences.values()]
    raise AssertionError(name)


def _how_to(wb: Workbook, f: _Formats) -> None:
    ws = wb.add_worksheet("How to")
    ws.set_column(0, 0, 110)
    ws.hide_gridlines(2)
    for r, (text, kind) in enumerate(HOW_TO):
        if text:
            ws.write_string(r, 0, text, getattr(f, kind))
            if kind == "text" and len(text) > 100:
                ws.set_row(r, 15 * math.ceil(len(text) / 100))
    _print_setup(ws, repeat_header=False)
    ws.activate()


@dataclass(frozen=True)
class Source:
    """Where a measure's rows sit in the workbook (1-based Excel rows), so that an XmR
    block can refer to them with formulas."""

    data_first: int
    data_last: int
    recalc_rows: tuple[int, ...] = ()


def excel_serial(value: Any) -> float:
    """An Excel date number (1900 date system) for a date."""
    stamp = pd.Timestamp(value)
    return float((stamp - pd.Timestamp("1899-12-30")) / pd.Timedelta(days=1))


def literal(text: str) -> str:
    """Text for chart titles, which XlsxWriter reads as a cell reference when they look like
    one ("=Sheet!A1", or just "x!A1"): an invisible word joiner in front of a leading "=",
    "+", "-" or "@" and after every "!" keeps it text and looks the same."""
    text = text.replace("!", "!\u2060")
    return "\u2060" + text if text[:1] in ("=", "+", "-", "@") else text


def _literal(v: float | None) -> str:
    return "" if v is None else format(float(v), ".15g")


def xmr_formulas(
    a: AnalysedMeasure, src: Source, block: XmrBlock, firm_points: int = 20
) -> tuple[str, str]:
    """The XMR_TABLE and XMR_DESCRIBE formulas of a block (desktop add-in names)."""
    m = a.measure
    lo, hi = src.data_first, src.data_last
    values, dates = f"Data!$C${lo}:$C${hi}", f"Data!$B${lo}:$B${hi}"
    exclude = f"Data!$D${lo}:$D${hi}"
    phases = ""
    if src.recalc_rows:
        first = block.first_row + 1
        phases = f"$L${first}:$L${first + len(src.recalc_rows) - 1}"
    target = ""
    if a.targets is not None:
        target = f"$J${block.first_row + 1}:$J${block.last_row + 1}"
    common = [values, dates, phases, f'"{m.rules}"', f'"{m.direction}"']
    tail = [exclude, "", _literal(m.lower_bound), _literal(m.upper_bound)]
    table = "=XMR_TABLE(" + ",".join([*common, "", *tail]).rstrip(",") + ")"
    firm = "" if firm_points == 20 else str(firm_points)
    describe_args = [*common, target, *tail, "", "", firm]
    describe = "=XMR_DESCRIBE(" + ",".join(describe_args).rstrip(",") + ")"
    return table, describe


def write_xmr_blocks(
    wb: Workbook,
    f: _Formats,
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
    ws.set_column(9, 10, 10)
    ws.set_column(11, 11, 12)
    _print_setup(ws, repeat_header=False)
    blocks = []
    row = start_row
    for a in analysed.values():
        src = sources.get(a.measure.id) if sources is not None else None
        block = _xmr_block(wb, f, ws, a, row, src)
        blocks.append(block)
        row = block.first_row + max(len(a.xmr), 18) + 3
    return blocks


def _xmr_block(
    wb: Workbook, f: _Formats, ws: Worksheet, a: AnalysedMeasure, row: int, src: Source | None
) -> XmrBlock:
    m, r = a.measure, a.xmr
    words = {"up": "higher is better", "down": "lower is better", "neutral": "neutral"}
    unit = f"{m.unit}, " if m.unit else ""
    ws.write_string(
        row, 0, f"{m.id}  {m.name}  ({unit}{words.get(m.direction, '')})", f.block_title
    )
    header = row + 2
    heads = ["Period", "Value", *XMR_TABLE_COLUMNS, "Target", "Signal point", "Recalculated from"]
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
    frame = r.to_frame()
    weekly = m.frequency in ("weekly", "daily")
    date_fmt = f.date if weekly else f.month
    value = frame["value"].to_numpy(float)
    table = [
        frame["moving_range"].to_numpy(float),
        frame["phase"].to_numpy(float) + 1,
        frame["central_line"].to_numpy(float),
        frame["unpl"].to_numpy(float),
        frame["lnpl"].to_numpy(float),
        frame["url"].to_numpy(float),
    ]
    labels = signal_labels(r)
    target = a.targets if a.targets is not None else np.full(n, np.nan)
    starts = [p.start for p in r.phases[1:]]
    if src is not None:
        firm = r.settings.firm_points
        table_formula, describe_formula = xmr_formulas(a, src, block, firm)
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
        ws.conditional_format(
            first,
            10,
            first + n - 1,
            10,
            {"type": "formula", "criteria": f"=ISNA($K${first + 1})", "format": f.hidden_error},
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
        if src is not None:
            ws.write_formula(
                rr, 10, f'=IF(I{rr + 1}="",NA(),B{rr + 1})', num, float(v) if labels[i] else "#N/A"
            )
        elif labels[i]:
            ws.write_number(rr, 10, float(v), num)
        if not math.isnan(target[i]):
            ws.write_number(rr, 9, float(target[i]), num)
    for j, start in enumerate(starts):
        stamp = a.dates[start].to_pydatetime()
        if src is not None and j < len(src.recalc_rows):
            ws.write_formula(
                first + j,
                11,
                f"=Recalculations!B{src.recalc_rows[j]}",
                f.month,
                excel_serial(stamp),
            )
        else:
            ws.write_datetime(first + j, 11, stamp, f.month)
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
                "line": {"color": "#1565C0", "width": 1.25, "dash_type": "round_dot"},
                "marker": {"type": "none"},
            }
        )
    if a.xmr.signal_count:
        chart.add_series(
            {
                "name": "Signal",
                "categories": cats,
                "values": ref(10),
                "line": {"none": True},
                "marker": {
                    "type": "diamond",
                    "size": 8,
                    "fill": {"color": "#EF6C00"},
                    "border": {"color": "#EF6C00"},
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
    ws.insert_chart(block.header_row - 2, 12, chart, {"x_offset": 10, "y_offset": 4})


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


def write_pump_workbook(
    path: Path,
    model: PumpModel | None = None,
    *,
    overwrite: bool = False,
    formulas: bool = True,
    xmr_sheet: bool = True,
) -> None:
    """Write a PuMP workbook: the empty template (``model`` None) or a filled one."""
    with atomic_output(Path(path), overwrite=overwrite) as tmp:
        wb, f = _new_workbook(tmp)
        _how_to(wb, f)
        for spec in SHEETS:
            _table_sheet(wb, f, spec, _model_rows(model, spec))
        ws = wb.add_worksheet("XmR")
        ws.write_string(0, 0, "XmR charts", f.title)
        if model is not None and model.measures and xmr_sheet:
            analysed = analyse(model)
            write_xmr_blocks(wb, f, ws, analysed, sources=data_sources(model) if formulas else None)
        else:
            ws.write_string(
                1,
                0,
                "Fill in Measures and Data, then run  pumpxl calc  to get "
                "every measure's XmR table and chart.",
                f.note,
            )
        _quick_xmr(wb, f)
        _xlwings_conf(wb, f)
        wb.close()


def _xlwings_conf(wb: Workbook, f: _Formats) -> None:
    """The sheet the xlwings desktop add-in reads its settings from."""
    ws = wb.add_worksheet("xlwings.conf")
    ws.write_string(0, 0, "UDF Modules")
    ws.write_string(0, 1, "pumpxl.excel")
    ws.write_string(
        2,
        0,
        "The xlwings add-in reads this sheet: it imports pumpxl's Excel "
        "functions (XMR_TABLE, XMR_LIMITS, ...) from the Python module above.",
        f.note,
    )
    ws.set_column(0, 0, 16)
    ws.set_column(1, 1, 16)


QUICK_VALUES = [52.0, 48.5, 50.5, 55.0, 49.0, 51.5, 47.5, 53.0, 50.0, 64.0, 51.0, 49.5]


def _quick_xmr(wb: Workbook, f: _Formats) -> None:
    """A scratch sheet: paste values in column B and the XmR table spills beside them."""
    from pumpxl.narrative import signal_labels as labels_of
    from pumpxl.xmr import xmr

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
    frame = r.to_frame()
    labels = labels_of(r)
    first, n = 3, len(QUICK_VALUES)
    cols = [
        frame[c].to_numpy(float)
        for c in ("moving_range", "phase", "central_line", "unpl", "lnpl", "url")
    ]
    cols[1] = cols[1] + 1
    ws.write_dynamic_array_formula(
        first, 2, first + n - 1, 8, f"=XMR_TABLE($B${first + 1}:$B${first + n})", None, ""
    )
    for i, v in enumerate(QUICK_VALUES):
        ws.write_number(first + i, 0, i + 1)
        ws.write_number(first + i, 1, v)
        for c, col in enumerate(cols, start=2):
            if i == 0 and c == 2:
                continue
            if math.isnan(col[i]):
                ws.write_string(first + i, c, "")
            else:
                ws.write_number(first + i, c, float(col[i]))
        ws.write_string(first + i, 8, labels[i])
    values = f"$B${first + 1}:$B${first + n}"
    ws.write_string(1, 10, "Latest limits (=XMR_LIMITS)", f.heading)
    for k, name in enumerate(
        ["Central line", "Lower limit", "Upper limit", "Upper range limit", "Average moving range"]
    ):
        ws.write_string(2, 10 + k, name, f.header)
    ws.write_dynamic_array_formula(3, 10, 3, 14, f"=XMR_LIMITS({values})", None, r.central_line)
    for k, v in enumerate([r.lnpl, r.unpl, r.url, r.mr_bar], start=1):
        ws.write_number(3, 10 + k, float(v))
    ws.write_string(5, 10, "Status (=XMR_STATUS)", f.heading)
    ws.write_formula(6, 10, f"=XMR_STATUS({values})", None, r.status)
    ws.write_string(8, 10, "Description (=XMR_DESCRIBE)", f.heading)
    ws.merge_range(9, 10, 12, 14, "", f.wrap)
    ws.write_formula(9, 10, f"=XMR_DESCRIBE({values})", f.wrap, r.description)


def write_calc_workbook(
    path: Path,
    model: PumpModel,
    analysed: dict[str, AnalysedMeasure],
    *,
    overwrite: bool = False,
    source: str = "",
) -> None:
    """A new workbook with a summary and every measure's XmR table, signals and chart."""
    with atomic_output(Path(path), overwrite=overwrite) as tmp:
        wb, f = _new_workbook(tmp)
        summary = wb.add_worksheet("Summary")
        xmr_ws = wb.add_worksheet("XmR")
        xmr_ws.write_string(0, 0, "XmR charts", f.title)
        blocks = write_xmr_blocks(wb, f, xmr_ws, analysed)
        _summary(summary, f, model, analysed, blocks, source)
        summary.activate()
        wb.close()


def _summary(
    ws: Worksheet,
    f: _Formats,
    model: PumpModel,
    analysed: dict[str, AnalysedMeasure],
    blocks: list[XmrBlock],
    source: str,
) -> None:
    title = f"{model.organisation}: XmR summary" if model.organisation else "XmR summary"
    ws.write_string(0, 0, title, f.title)
    if source:
        ws.write_string(1, 0, f"From {source}", f.note)
    heads = [
        "ID",
        "Measure",
        "Latest period",
        "Latest value",
        "Central line",
        "Lower limit",
        "Upper limit",
        "Signal now",
        "Target",
        "Assurance",
        "Trial limits",
        "Description",
    ]
    widths = [7, 34, 12, 11, 11, 11, 11, 34, 9, 17, 8, 90]
    for c, (h, w) in enumerate(zip(heads, widths, strict=True)):
        ws.write_string(3, c, h, f.header)
        ws.set_column(c, c, w)
    where = {b.measure: b for b in blocks}
    for r, a in enumerate(analysed.values(), start=4):
        x = a.xmr
        d = decimals_for(x.mr_bar)
        num = f.num(d)
        block = where[a.measure.id]
        ws.write_url(r, 0, f"internal:'XmR'!A{block.header_row - 1}", f.link, string=a.measure.id)
        ws.write_string(r, 1, a.measure.name, f.wrap)
        i = x.latest_index
        if i is not None:
            ws.write_datetime(r, 2, a.dates[i].to_pydatetime(), f.date)
            ws.write_number(r, 3, float(x.values[i]), num)
        for c, v in ((4, x.central_line), (5, x.lnpl), (6, x.unpl)):
            if not math.isnan(v):
                ws.write_number(r, c, float(v), num)
        ws.write_string(r, 7, x.status, f.wrap)
        if x.latest_target is not None:
            ws.write_number(r, 8, x.latest_target, num)
        if x.assurance:
            ws.write_string(r, 9, x.assurance, f.wrap)
        if x.phases and x.phases[-1].trial:
            ws.write_string(r, 10, "trial", f.wrap)
        predictability = predictability_verdict(a)
        text = x.description + (f" {predictability}." if predictability else "")
        ws.write_string(r, 11, text, f.wrap)
        ws.set_row(r, 15 * max(1, math.ceil(len(text) / 95)))
    ws.freeze_panes(4, 2)
    _print_setup(ws, repeat_header=False)
    ws.repeat_rows(3)
    ws.autofilter(3, 0, 3 + len(analysed), len(heads) - 1)
