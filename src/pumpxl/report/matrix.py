"""NHS Making Data Count's summary matrix: every measure placed by the variation icon of its
latest value (rows) and its assurance icon (columns), each row and column headed by its icon,
the whole table on the slide at 12 pt: a crowded cell lists what fits, one name a line, and
counts the rest; the notes list every cell in full."""

from __future__ import annotations

from typing import Any

from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from pumpxl.core.analysis import AnalysedMeasure
from pumpxl.core.mdc import mdc_assurance, mdc_variation
from pumpxl.report.design import (
    BAD,
    GOOD,
    GREY,
    INK,
    LIGHT,
    NAVY,
    NEUTRAL,
    ROUTINE,
    WHITE,
    Deck,
    fit_text,
    table_cell,
)
from pumpxl.report.fonts import text_width_pt
from pumpxl.report.xmlbits import add_table, column_widths, set_notes, textbox

__all__ = ["MATRIX_COLUMNS", "MATRIX_ROWS", "matrix_slide"]

MATRIX_ROWS = (
    ("special cause concern", "Special cause concern"),
    ("common cause", "Common cause"),
    ("special cause improvement", "Special cause improvement"),
    ("special cause neither", "Special cause (no better direction)"),
)
MATRIX_COLUMNS = (
    ("fail", "Will consistently fail"),
    ("hit and miss", "Hit and miss"),
    ("pass", "Will consistently pass"),
    ("", "No assurance"),
)
_VARIATION_COLOURS = {"improvement": GOOD, "concern": BAD, "neither": NEUTRAL}
_ASSURANCE_STYLE = {"pass": ("P", GOOD), "fail": ("F", BAD), "hit and miss": ("?", ROUTINE)}


def _icon(slide: Any, left: int, top: int, size: int, letter: str, colour: Any, name: str) -> Any:
    icon = slide.shapes.add_shape(MSO_SHAPE.OVAL, left, top, size, size)
    icon.name = f"MDC icon: {name}"
    icon.fill.solid()
    icon.fill.fore_color.rgb = WHITE
    icon.line.color.rgb = colour
    icon.line.width = Pt(3)
    icon.shadow.inherit = False
    fit_text(icon, letter, size=16, min_size=12, bold=True, colour=colour, anchor=MSO_ANCHOR.MIDDLE)
    icon.text_frame.paragraphs[0].alignment = PP_ALIGN.CENTER
    return icon


SIZE = 12  # pt: every text in the matrix
ICON = int(Inches(0.42))
MARGIN = int(Inches(0.1))  # a cell's left and right margins, each


def _fit_names(names: list[str], width_pt: float, lines: int) -> list[str]:
    """One line per name (abridged at a word), as many as ``lines`` hold; the rest counted."""

    def one(name: str) -> str:
        if text_width_pt(name, SIZE) <= width_pt:
            return name
        words = name.split(" ")
        while len(words) > 1 and text_width_pt(" ".join(words) + "…", SIZE) > width_pt:
            words.pop()
        return " ".join(words) + "…"

    if len(names) <= lines:
        return [one(n) for n in names]
    keep = max(0, lines - 1)
    return [one(n) for n in names[:keep]] + [f"and {len(names) - keep} more"]


def matrix_slide(deck: Deck, measures: list[AnalysedMeasure], audience: str) -> Any:
    slide, area = deck.slide(
        "Variation and assurance",
        subtitle=f"{audience}: NHS Making Data Count summary of the latest values",
    )
    cells: dict[tuple[str, str], list[str]] = {}
    for a in measures:
        variation = " ".join(mdc_variation(a.reading).split()[:3]) or "too few values"
        cells.setdefault((variation, mdc_assurance(a.reading)), []).append(a.measure.name)
    leftover = [n for (v, _), names in cells.items() if v == "too few values" for n in names]
    note_h = int(Inches(0.45)) if leftover else 0
    icon_col = ICON + int(Inches(0.15))
    left, top = area.left + icon_col, area.top + ICON + int(Inches(0.1))
    width, height = area.width - icon_col, area.bottom - top - note_h
    head_w = int(Inches(2.3))
    col_w = (width - head_w) // len(MATRIX_COLUMNS)
    head_h = int(Pt(2 * SIZE * 1.2)) + 2 * int(Inches(0.05))
    row_h = (height - head_h) // len(MATRIX_ROWS)
    lines = max(1, int((Emu(row_h - int(Inches(0.1))).pt) // (SIZE * 1.2)))
    shape = add_table(slide, len(MATRIX_ROWS) + 1, len(MATRIX_COLUMNS) + 1, left, top, width,
                      head_h + row_h * len(MATRIX_ROWS))  # fmt: skip
    shape.name = "Variation and assurance matrix"
    table = shape.table
    column_widths(table, [head_w] + [col_w] * len(MATRIX_COLUMNS))
    table.rows[0].height = head_h
    for r in range(1, len(MATRIX_ROWS) + 1):
        table.rows[r].height = row_h
    table_cell(table.cell(0, 0), "Variation / assurance", size=SIZE, bold=True, colour=WHITE,
               fill=NAVY)  # fmt: skip
    text_w = Emu(col_w - 2 * MARGIN).pt - 2
    notes = []
    for c, (assurance, head) in enumerate(MATRIX_COLUMNS, start=1):
        table_cell(table.cell(0, c), head, size=SIZE, bold=True, colour=WHITE, fill=NAVY)
        if assurance:  # the column's icon above its heading
            letter, colour = _ASSURANCE_STYLE[assurance]
            x = left + head_w + (c - 1) * col_w + (col_w - ICON) // 2
            _icon(slide, x, area.top, ICON, letter, colour, assurance)
    for r, (key, head) in enumerate(MATRIX_ROWS, start=1):
        table_cell(table.cell(r, 0), head, size=SIZE, bold=True, colour=NAVY, fill=LIGHT)
        meaning = key.split()[-1] if key.startswith("special") else ""
        colour = _VARIATION_COLOURS.get(meaning, GREY)
        y = top + head_h + (r - 1) * row_h + (row_h - ICON) // 2
        _icon(slide, area.left, y, ICON, "!" if meaning else "~", colour, key)
        for c, (assurance, _) in enumerate(MATRIX_COLUMNS, start=1):
            names = cells.get((key, assurance), [])
            table_cell(table.cell(r, c), "\n".join(_fit_names(names, text_w, lines)),
                       size=SIZE, colour=INK)  # fmt: skip
            if names:
                notes.append(f"{head} / {MATRIX_COLUMNS[c - 1][1]}: {', '.join(names)}")
    if leftover:
        note = textbox(slide, area.left, area.bottom - note_h, area.width, note_h)
        fit_text(note, "Too few values for an icon: " + ", ".join(leftover), size=SIZE,
                 colour=GREY)  # fmt: skip
    set_notes(slide, "\n".join(
        [
            "Rows: the variation icon of the latest value (special cause concern or "
            "improvement, common cause). Columns: the assurance icon (the target against the "
            "latest limits).",
            *notes,
        ]
    ))
    return slide
