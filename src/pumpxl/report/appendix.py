"""The slides around the measure pages: the appendix of Measure Definitions, and the warning
that an audience sees only outputs."""

from __future__ import annotations

from typing import Any

from pptx.util import Inches

from pumpxl.core.analysis import AnalysedMeasure
from pumpxl.core.model import PumpModel
from pumpxl.core.vocabulary import DIRECTION_LABELS
from pumpxl.report.design import INK, LIGHT, NAVY, WHITE, Deck, fit_text, table_cell

__all__ = ["definitions_slides", "warning_slide"]


def warning_slide(deck: Deck, audience: str, measures: list[AnalysedMeasure]) -> Any:
    slide, area = deck.slide("Outputs are not outcomes")
    kinds = ", ".join(sorted({a.measure.type for a in measures}))
    text = (
        f"Every measure in the {audience} report is an {kinds} measure. They count "
        "what was done, not what it achieved. Add outcome measures: evidence that the "
        "results this audience is responsible for are happening."
    )
    box = slide.shapes.add_textbox(area.left, area.top, area.width, int(Inches(2)))
    fit_text(box, text, size=22, min_size=14, colour=INK)
    slide.notes_slide.notes_text_frame.text = (
        "PuMP: measures should give evidence of results (outcomes), not count activities."
    )
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


def definitions_slides(deck: Deck, model: PumpModel, measures: list[AnalysedMeasure]) -> list[Any]:
    """The appendix: two measure definitions a page."""
    slides = []
    for k in range(0, len(measures), 2):
        pair = measures[k : k + 2]
        slide, area = deck.slide("Appendix: measure definitions")
        gap = int(Inches(0.3))
        col_w = (area.width - gap) // 2
        for j, a in enumerate(pair):
            m = a.measure
            left = area.left + j * (col_w + gap)
            head = slide.shapes.add_textbox(left, area.top, col_w, int(Inches(0.45)))
            fit_text(head, m.name, size=16, min_size=11, bold=True, colour=NAVY)
            rows = []
            for label, key in DEFINITION_FIELDS:
                value = getattr(m, key)
                if key == "result":
                    res = model.results.get(value)
                    value = res.statement if res else value
                if key == "direction":
                    value = DIRECTION_LABELS[value]
                if value:
                    rows.append((label, str(value)))
            table_h = area.height - int(Inches(0.5))
            shape = slide.shapes.add_table(
                len(rows),
                2,
                left,
                area.top + int(Inches(0.5)),
                col_w,
                min(table_h, int(Inches(0.3)) * len(rows)),
            )
            table = shape.table
            table.columns[0].width = int(Inches(1.3))
            table.columns[1].width = col_w - int(Inches(1.3))
            size = 10 if sum(len(v) for _, v in rows) < 700 else 9
            for r, (label, value) in enumerate(rows):
                table_cell(table.cell(r, 0), label, size=size, bold=True, colour=NAVY, fill=LIGHT)
                table_cell(table.cell(r, 1), value, size=size, fill=WHITE)
                table.rows[r].height = int(Inches(0.26))
        slide.notes_slide.notes_text_frame.text = "Measure Definitions from the workbook."
        slides.append(slide)
    return slides
