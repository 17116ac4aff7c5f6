"""``pumpxl calc`` output: a new workbook with a summary of every measure and its XmR table,
signals and native chart."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

from xlsxwriter.worksheet import Worksheet

from pumpxl.core.analysis import AnalysedMeasure, predictability_verdict
from pumpxl.core.evidence import initiative_evidence
from pumpxl.core.model import PumpModel
from pumpxl.core.narrative import describe, reading_numbers, status_line
from pumpxl.core.vocabulary import OUTCOME_LABELS, choice_label
from pumpxl.files import atomic_output
from pumpxl.workbook.xlsx import Formats, new_workbook, print_setup, wrapped_lines
from pumpxl.workbook.xmr_sheet import XmrBlock, write_xmr_blocks

__all__ = ["write_calc_workbook"]


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
        wb, f = new_workbook(tmp)
        summary = wb.add_worksheet("Summary")
        xmr_ws = wb.add_worksheet("XmR")
        xmr_ws.write_string(0, 0, "XmR charts", f.title)
        blocks = write_xmr_blocks(wb, f, xmr_ws, analysed)
        _summary(summary, f, model, analysed, blocks, source)
        if model.initiatives:
            _initiatives(wb.add_worksheet("Initiatives"), f, model, analysed)
        summary.activate()
        wb.close()


def _summary(
    ws: Worksheet,
    f: Formats,
    model: PumpModel,
    analysed: dict[str, AnalysedMeasure],
    blocks: list[XmrBlock],
    source: str,
) -> None:
    organisation = model.settings.organisation
    title = f"{organisation}: XmR summary" if organisation else "XmR summary"
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
    wide = max([11, *(reading_numbers(a.reading).width(a.chart.values) + 3
                      for a in analysed.values())])  # fmt: skip
    widths = [7, 34, 12, wide, wide, wide, wide, 40, max(9, wide), 17, 10, 90]
    for c, (h, w) in enumerate(zip(heads, widths, strict=True)):
        ws.write_string(3, c, h, f.header)
        ws.set_column(c, c, w)
    ws.set_row(3, 30)  # two-line headers ("Trial limits") are not clipped
    text_cell = f.indented  # text beside right-aligned numbers must not run into them
    where = {b.measure: b for b in blocks}
    for r, a in enumerate(analysed.values(), start=4):
        x = a.chart
        numbers = reading_numbers(a.reading)
        num = f.num(numbers)
        block = where[a.measure.id]
        ws.write_url(r, 0, f"internal:'XmR'!A{block.header_row - 1}", f.link, string=a.measure.id)
        ws.write_string(r, 1, a.measure.name, f.wrap)
        i = x.latest_index
        if i is not None:
            weekly = a.measure.frequency in ("weekly", "daily")
            ws.write_datetime(r, 2, a.dates[i].to_pydatetime(), f.day if weekly else f.month)
            ws.write_number(r, 3, float(x.values[i]), f.num(numbers.for_values()))
        for c, v in ((4, x.central_line), (5, x.lnpl), (6, x.unpl)):
            if not math.isnan(v):
                ws.write_number(r, c, float(v), num)
        status = status_line(a.reading)
        ws.write_string(r, 7, status, text_cell)
        if x.latest_target is not None:
            ws.write_number(r, 8, x.latest_target, num)
        if a.reading.assurance:
            prov = " (provisional limits)" if a.reading.provisional else ""
            ws.write_string(r, 9, a.reading.assurance + prov, f.wrap)
        if x.phases and x.phases[-1].trial:
            ws.write_string(r, 10, "trial", f.wrap)
        predictability = predictability_verdict(a)
        text = describe(a.reading)
        text += f" {predictability}." if predictability else ""
        ws.write_string(r, 11, text, text_cell)
        # LibreOffice does not grow wrapped rows itself: the tallest wrapped cell decides
        lines = [wrapped_lines(a.measure.name, widths[1]), wrapped_lines(status, widths[7])]
        lines.append(wrapped_lines(text, widths[11]))
        ws.set_row(r, 15 * max(lines))
    ws.freeze_panes(4, 2)
    print_setup(ws, repeat_header=False)
    ws.repeat_rows(3)
    ws.autofilter(3, 0, 3 + len(analysed), len(heads) - 1)


INITIATIVE_HEADS = (
    ("Initiative", 8), ("What was changed", 40), ("Measure", 30), ("Started", 12),
    ("Evidence", 22), ("What the chart shows", 70), ("Owner", 14), ("Status", 12),
)  # fmt: skip


def _initiatives(
    ws: Worksheet, f: Formats, model: PumpModel, analysed: dict[str, AnalysedMeasure]
) -> None:
    """Did our changes work? A row per initiative and measure, with the chart's evidence."""
    ws.write_string(0, 0, "Did our changes work?", f.title)
    ws.write_string(1, 0, "What each measure's XmR chart shows since the change started", f.note)
    for c, (h, w) in enumerate(INITIATIVE_HEADS):
        ws.write_string(3, c, h, f.header)
        ws.set_column(c, c, w)
    r = 4
    for init in model.initiatives:
        for mid in init.measures:
            a = analysed.get(mid)
            if a is None:
                continue
            ev = initiative_evidence(init, a)
            symbol, word = OUTCOME_LABELS[ev.outcome]
            detail = ev.text.split(": ", 1)[-1]
            ws.write_string(r, 0, init.id, f.wrap)
            ws.write_string(r, 1, init.change, f.wrap)
            ws.write_string(r, 2, a.measure.name, f.wrap)
            ws.write_datetime(r, 3, dt.datetime.combine(init.started, dt.time()), f.day)
            ws.write_string(r, 4, f"{symbol} {word}", f.indented)  # not run into the date
            ws.write_string(r, 5, detail, f.wrap)
            ws.write_string(r, 6, init.owner, f.wrap)
            ws.write_string(r, 7, choice_label(init.status), f.wrap)
            widths = [w for _, w in INITIATIVE_HEADS]
            cells = ((1, init.change), (2, a.measure.name), (4, f"{symbol} {word}"), (5, detail))
            lines = [wrapped_lines(t, widths[c]) for c, t in cells]
            ws.set_row(r, 15 * max(lines))
            r += 1
    ws.freeze_panes(4, 1)
    print_setup(ws, repeat_header=False)
    ws.repeat_rows(3)
