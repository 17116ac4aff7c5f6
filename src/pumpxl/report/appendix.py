"""The slides around the measure pages: the appendix of Measure Definitions, and the warning
that an audience sees only outputs."""

from __future__ import annotations

from typing import Any

from pptx.util import Emu, Inches, Pt

from pumpxl.core.analysis import AnalysedMeasure
from pumpxl.core.model import PumpModel
from pumpxl.core.vocabulary import DIRECTION_LABELS
from pumpxl.report.design import (
    INK,
    LIGHT,
    NAVY,
    WHITE,
    Deck,
    fit_text,
    grid,
    row_heights,
    table_cell,
)
from pumpxl.report.fonts import line_count
from pumpxl.report.reuse import drawn_by, new_page
from pumpxl.report.xmlbits import add_table, column_widths, set_notes, textbox

__all__ = ["definitions_slides", "warning_slide"]


def warning_slide(deck: Deck, audience: str, measures: list[AnalysedMeasure]) -> Any:
    slide, area = deck.slide("Outputs are not outcomes")
    kinds = ", ".join(sorted({a.measure.type for a in measures}))
    text = (
        f"Every measure in the {audience} report is an {kinds} measure. They count "
        "what was done, not what it achieved. Add outcome measures: evidence that the "
        "results this audience is responsible for are happening."
    )
    box = textbox(slide, area.left, area.top, area.width, int(Inches(2)))
    fit_text(box, text, size=22, min_size=14, colour=INK)
    set_notes(slide, (
        "PuMP: measures should give evidence of results (outcomes), not count activities."
    ))
    return slide


DEFINITION_FIELDS = [
    ("Result", "result"),
    ("Description", "description"),
    ("Formula", "formula"),
    ("Scope", "scope"),
    ("Data", "data_items"),
    ("Source", "data_source"),
    ("Frequency", "frequency"),
    ("Unit", "unit"),
    ("Direction", "direction"),
    ("Type", "type"),
    ("Owner", "owner"),
    ("Data producer", "data_producer"),
    ("Decisions", "decisions"),
    ("Notes", "notes"),
]


APPENDIX_SIZES = (14, 13, 12)  # pt, the largest at which a page's tables fit; never less
LABEL_W = Inches(1.3)


def _definition_rows(model: PumpModel, a: AnalysedMeasure) -> list[tuple[str, str]]:
    rows = []
    for label, key in DEFINITION_FIELDS:
        value = getattr(a.measure, key)
        if key == "result":
            res = model.results.get(value)
            value = res.statement if res else value
        if key == "direction":
            value = DIRECTION_LABELS[value]
        if value:
            rows.append((label, str(value)))
    return rows


def _row_heights(rows: list[tuple[str, str]], col_w: int, size: int) -> list[int]:
    """Each row's height at ``size``: its label and its value wrapped in their columns."""
    label_room = Emu(int(LABEL_W) - int(Inches(0.2))).pt
    value_room = Emu(col_w - int(LABEL_W) - int(Inches(0.2))).pt
    out = []
    for label, value in rows:
        lines = max(line_count(label, label_room, size, True), line_count(value, value_room, size))
        out.append(max(int(Inches(0.26)), int(Pt(lines * size * 1.2)) + int(Inches(0.1))))
    return out


def definitions_slides(deck: Deck, model: PumpModel, measures: list[AnalysedMeasure]) -> list[Any]:
    """The appendix: two measure definitions a page, at the largest size at which both fit
    (14 pt down to 12 pt); a definition that does not fit beside another gets a page alone,
    and one longer than a page continues on the next, never under 12 pt. Each page records
    the digest of what it shows (``i``), so that a refresh keeps a page nobody touched whose
    definitions are the same (:meth:`Deck.reuse`)."""
    slides = []
    queue = [(a, _definition_rows(model, a)) for a in measures]
    title = "Appendix: measure definitions"
    area = deck.content_area(subtitle=False)
    while queue:
        gap = int(Inches(0.3))
        col_w = (area.width - gap) // 2
        room = area.height - int(Inches(0.5))

        def fits(items: list[Any], size: int, col_w: int = col_w, room: int = room) -> bool:
            return all(sum(_row_heights(rows, col_w, size)) <= room for _, rows in items)

        pair = queue[:2]
        size = next((s for s in APPENDIX_SIZES if fits(pair, s)), None)
        if size is None and len(pair) == 2:  # a page alone, across the slide
            pair, col_w = pair[:1], area.width
            size = next((s for s in APPENDIX_SIZES if fits(pair, s, col_w)), None)
        if size is None:  # longer than a page at 12 pt: the rows that fit, the rest next
            size = APPENDIX_SIZES[-1]
            a, rows = pair[0]
            heights, k = _row_heights(rows, col_w, size), 0
            while k < len(rows) and sum(heights[: k + 1]) <= room:
                k += 1
            k = max(1, k)
            queue = [(a, rows[:k]), (a, rows[k:]), *queue[1:]] if k < len(rows) else queue
            pair = queue[:1]
        queue = queue[len(pair):]
        box = [area.left, area.top, area.width, area.height]
        shown = [drawn_by(__file__), deck.branded, box, col_w, size,
                 [(a.measure.name, rows) for a, rows in pair]]  # fmt: skip
        made = new_page(deck, shown, title)
        if made is None:
            continue
        slide, drawn = made
        for j, (a, rows) in enumerate(pair):
            left = drawn.left + j * (col_w + gap)
            head = textbox(slide, left, drawn.top, col_w, int(Inches(0.45)))
            fit_text(head, a.measure.name, size=16, min_size=12, bold=True, colour=NAVY)
            heights = _row_heights(rows, col_w, size)
            shape = add_table(
                slide, len(rows), 2, left, drawn.top + int(Inches(0.5)), col_w, sum(heights)
            )
            table = shape.table
            column_widths(table, [int(LABEL_W), col_w - int(LABEL_W)])
            cells = grid(table)
            for r, (label, value) in enumerate(rows):
                table_cell(cells[r][0], label, size=size, bold=True, colour=NAVY, fill=LIGHT)
                table_cell(cells[r][1], value, size=size, fill=WHITE)
            row_heights(table, heights)
        set_notes(slide, "Measure Definitions from the workbook.")
        slides.append(slide)
    return slides
