"""The PuMP workbook itself (``pumpxl new``): the How-to sheet, one Excel Table per sheet of
the layout with drop-downs and help, the XmR sheet, the Quick XmR scratch sheet and the sheet
the xlwings add-in reads its settings from."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from pumpxl.core.analysis import AnalysedMeasure, analyse
from pumpxl.core.model import PumpModel, Settings
from pumpxl.core.vocabulary import DIRECTION_LABELS, choice_label
from pumpxl.files import atomic_output
from pumpxl.workbook.layout import SHEETS, Column, Sheet
from pumpxl.workbook.quick import quick_xmr_sheet
from pumpxl.workbook.xlsx import Formats, FormulaSheet, new_workbook, print_setup
from pumpxl.workbook.xmr_sheet import data_sources, write_xmr_blocks

__all__ = ["write_pump_workbook"]

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
    ("Settings: organisation name, report title, how many values make limits firm, and "
     "whether to show provisional limits after a step nobody has recorded yet.", "text"),
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
        "Initiatives: each change made to improve a result: what was changed, the measures it "
        "should move and which way (Up or Down), when it started (the first period it can show "
        "in), owner and status. Reports say, from each chart, whether the change worked: a "
        "signal that way since the start is evidence, routine variation is no evidence yet, a "
        "signal the other way is contrary evidence.",
        "text",
    ),
    (
        "Audiences: who receives a report. Each audience sees the measures whose decisions it "
        "makes.",
        "text",
    ),
    (
        "XmR: each measure's XmR table and chart (natural process limits, signals), computed by "
        "the spreadsheet's own formulas from the Data sheet, so they follow your edits in Excel, "
        "LibreOffice or Google Sheets. With pumpxl's Excel functions installed (xlwings add-in), "
        "each block also gets pumpxl's description and signal words.",
        "text",
    ),
    (
        "Quick XmR: paste up to 200 values into column B for a quick XmR table and limits.",
        "text",
    ),
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


def _cell_value(col: Column, value: Any) -> Any:
    if value is None:
        return None
    if col.kind == "list" and isinstance(value, (tuple, list)):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _write_cell(ws: Worksheet, r: int, c: int, value: Any, f: Formats, col: Column) -> None:
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
    wb: Workbook, f: Formats, spec: Sheet, rows: Sequence[Sequence[Any]]
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
    print_setup(ws, pages_wide=max(1, math.ceil(total / 190)))
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
    name = spec.name
    if name == "Settings":  # the empty template lists every setting with its default
        settings = model.settings if model is not None else Settings()
        return [
            ["Organisation", settings.organisation, "Your organisation: shown on every report"],
            ["Report title", settings.title, "Title of the decks"],
            [
                "Firm limits from",
                float(settings.firm_points),
                "Limits from fewer values are trial limits (about 12 to 20 make them firm)",
            ],
            [
                "Provisional limits",
                "Yes" if settings.provisional else "No",
                "Yes: after a step nobody has recorded yet, charts also show the limits as if "
                "recalculated there (provisional); No: recorded phases only",
            ],
        ]
    if model is None:
        return []
    if name == "Results":
        return [
            [r.id, r.statement, choice_label(r.layer), r.owner, r.contributes_to, r.notes]
            for r in model.results.values()
        ]
    if name == "Measures":
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
                choice_label(m.frequency),
                m.unit,
                choice_label(DIRECTION_LABELS[m.direction]),
                choice_label(m.type),
                m.owner,
                m.data_producer,
                m.lower_bound,
                m.upper_bound,
                m.audiences,
                m.decisions,
                m.decision_makers,
                m.rules,
                choice_label(m.status),
                m.notes,
                choice_label(m.trend),
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
        return [
            [r.measure, r.period, r.reason, choice_label(r.trend) if r.trend else None]
            for r in model.recalculations
        ]
    if name == "Targets":
        return [
            [t.measure, t.value, t.period, choice_label(t.type), t.notes] for t in model.targets
        ]
    if name == "Commentary":
        return [
            [c.measure, c.period, c.happening, c.why, c.action, c.who, c.due]
            for c in model.commentary
        ]
    if name == "Initiatives":
        return [
            [i.id, i.change, ", ".join(i.measures), choice_label(i.direction), i.started,
             i.completed, i.owner, choice_label(i.status)]
            for i in model.initiatives
        ]  # fmt: skip
    if name == "Audiences":
        return [[a.name, a.description, a.meets] for a in model.audiences.values()]
    raise AssertionError(name)


def _how_to(wb: Workbook, f: Formats) -> None:
    ws = wb.add_worksheet("How to")
    ws.set_column(0, 0, 110)
    ws.hide_gridlines(2)
    for r, (text, kind) in enumerate(HOW_TO):
        if text:
            ws.write_string(r, 0, text, getattr(f, kind))
            if kind == "text" and len(text) > 100:
                ws.set_row(r, 15 * math.ceil(len(text) / 100))
    print_setup(ws, repeat_header=False)
    ws.activate()


def write_pump_workbook(
    path: Path,
    model: PumpModel | None = None,
    *,
    overwrite: bool = False,
    formulas: bool = True,
    xmr_sheet: bool = True,
    analysed: dict[str, AnalysedMeasure] | None = None,
) -> None:
    """Write a PuMP workbook: the empty template (``model`` None) or a filled one, whose XmR
    sheet shows ``analysed`` (the model is analysed when it is not given)."""
    with atomic_output(Path(path), overwrite=overwrite) as tmp:
        wb, f = new_workbook(tmp, recalculate=True)
        _how_to(wb, f)
        for spec in SHEETS:
            _table_sheet(wb, f, spec, _model_rows(model, spec))
        ws = wb.add_worksheet("XmR", worksheet_class=FormulaSheet)
        ws.write_string(0, 0, "XmR charts", f.title)
        if model is not None and model.measures and xmr_sheet:
            if analysed is None:
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
        quick_xmr_sheet(wb, f)
        _xlwings_conf(wb, f)
        wb.close()


def _xlwings_conf(wb: Workbook, f: Formats) -> None:
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


