"""The slides that open a deck with the answer: what needs attention (concerns now or recent,
targets the process will consistently fail, new signals since the previous period), and, with
NHS Making Data Count icons, the variation x assurance summary matrix. Icons are native,
editable shapes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Inches, Pt

from pumpxl.core.analysis import AnalysedMeasure
from pumpxl.core.evidence import Evidence
from pumpxl.core.interpret import mdc_assurance, mdc_variation
from pumpxl.core.model import Initiative
from pumpxl.core.narrative import decimals_for, meaning_label, number_format, span_label
from pumpxl.report.design import (
    BAD,
    GOOD,
    GREY,
    INK,
    LIGHT,
    MEANING_COLOURS,
    MEANING_SYMBOLS,
    NAVY,
    NEUTRAL,
    ROUTINE,
    WHITE,
    Deck,
    fit_text,
    table_cell,
)

__all__ = ["Attention", "attention", "headline_slides", "mdc_icons", "mdc_matrix_slide"]

HEADLINE_ROWS = 7


class Attention:
    """One line of the headline slide: a symbol, its colour, the measure and what to know."""

    def __init__(self, symbol: str, colour: Any, measure: str, text: str) -> None:
        self.symbol, self.colour, self.measure, self.text = symbol, colour, measure, text


def attention(
    a: AnalysedMeasure, changes: Sequence[tuple[Initiative, Evidence]] = ()
) -> Attention | None:
    """What needs attention in one measure, from its reading and its initiatives' evidence
    (contrary, or new in the latest period), in one line (None: nothing)."""
    rd, r, m = a.reading, a.xmr, a.measure
    parts: list[str] = []
    symbol, colour = "", INK
    for init, ev in changes:
        if ev.outcome == "contrary":
            parts.append(f"Initiative {init.id} ({init.change}): {ev.text}")
            symbol, colour = "▼", BAD
        elif ev.outcome == "improvement" and ev.signal is not None and (
            ev.signal.last == r.latest_index
        ):
            parts.append(f"New evidence that initiative {init.id} ({init.change}) worked: "
                         f"{ev.text.split(': ', 1)[-1]}")  # fmt: skip
            symbol, colour = symbol or "▲", colour if symbol else GOOD
    for s in rd.concerns():
        state = "still in force" if s in rd.latest else "ended"
        span = span_label(r, s.first, s.last, m.frequency)
        parts.append(f"{meaning_label(s)} ({span}; {state})")
        symbol, colour = "▼", BAD
    if rd.assurance == "consistently fail" and rd.target is not None:
        d = decimals_for(r.mr_bar)
        parts.append(
            f"Will consistently fail its target of {number_format(rd.target, d)}: the target "
            f"lies beyond the limits ({number_format(r.lnpl, d)} to {number_format(r.unpl, d)}); "
            "only a change to the process will meet it"
        )
        symbol, colour = symbol or "✗", colour if symbol else BAD
    for s in rd.new:
        if s.assessment != "concern":  # concerns are named above
            parts.append(f"New since the previous period: {meaning_label(s)}")
            if not symbol:
                symbol, colour = MEANING_SYMBOLS[s.assessment], MEANING_COLOURS[s.assessment]
    return Attention(symbol, colour, m.name, "; ".join(parts)) if parts else None


def headline_slides(
    deck: Deck,
    measures: list[AnalysedMeasure],
    audience: str,
    evidence: Mapping[str, Sequence[tuple[Initiative, Evidence]]] | None = None,
) -> list[Any]:
    """After the title: only what needs attention, or that nothing does."""
    ev = evidence or {}
    found = (attention(a, ev.get(a.measure.id, ())) for a in measures)
    items = [item for item in found if item is not None]
    pages = [items[i : i + HEADLINE_ROWS] for i in range(0, len(items), HEADLINE_ROWS)] or [[]]
    slides = []
    for k, page in enumerate(pages):
        more = f" ({k + 1} of {len(pages)})" if len(pages) > 1 else ""
        slide, area = deck.slide(
            f"What needs attention{more}",
            subtitle=f"{audience}: concerns now or recent, targets out of reach, new signals",
        )
        if not page:
            box = slide.shapes.add_textbox(area.left, area.top, area.width, int(Inches(1.6)))
            fit_text(
                box,
                "Nothing needs attention: no concern now or recently, no target the process "
                "will consistently fail, and no new signal since the previous period.",
                size=24,
                min_size=16,
                colour=INK,
            )
        else:
            row_h = min(int(Inches(0.75)), area.height // (len(page) + 1))
            shape = slide.shapes.add_table(
                len(page) + 1, 3, area.left, area.top, area.width, row_h * (len(page) + 1)
            )
            table = shape.table
            widths = [int(Inches(0.6)), int(area.width * 0.27)]
            widths.append(area.width - sum(widths))
            for c, w in enumerate(widths):
                table.columns[c].width = w
            for c, head in enumerate(("", "Measure", "What needs attention")):
                table_cell(table.cell(0, c), head, size=14, bold=True, colour=WHITE, fill=NAVY)
            for r, item in enumerate(page, start=1):
                fill = LIGHT if r % 2 == 0 else WHITE
                table_cell(
                    table.cell(r, 0),
                    item.symbol,
                    size=20,
                    bold=True,
                    colour=item.colour,
                    fill=fill,
                    align=PP_ALIGN.CENTER,
                )
                table_cell(table.cell(r, 1), item.measure, size=14, bold=True, fill=fill)
                table_cell(table.cell(r, 2), item.text, size=14, fill=fill)
                table.rows[r].height = row_h
            table.rows[0].height = row_h
        slide.notes_slide.notes_text_frame.text = (
            "What needs attention: concern signals in the latest values or ended within the "
            "recent window, targets beyond the limits on the good side (the process will "
            "consistently fail them), and signals new since the previous period."
        )
        slides.append(slide)
    return slides


# ------------------------------------------------------------------ Making Data Count icons

_VARIATION_COLOURS = {"improvement": GOOD, "concern": BAD, "neither": NEUTRAL}
_ASSURANCE_STYLE = {"pass": ("P", GOOD), "fail": ("F", BAD), "hit and miss": ("?", ROUTINE)}


def mdc_icons(slide: Any, a: AnalysedMeasure, left: int, top: int, size: int) -> list[Any]:
    """The variation and assurance icons as native circles with a letter, side by side."""
    shapes = []
    variation = mdc_variation(a.reading)
    if variation:
        meaning = variation.split()[2] if variation.startswith("special") else ""
        colour = _VARIATION_COLOURS.get(meaning, ROUTINE)
        letter = {"high": "H", "low": "L"}.get(variation.split()[-1], "")
        shapes.append(_icon(slide, left, top, size, letter or "~", colour, variation))
    assurance = mdc_assurance(a.reading)
    if assurance:
        letter, colour = _ASSURANCE_STYLE[assurance]
        shapes.append(_icon(slide, left + size + size // 4, top, size, letter, colour, assurance))
    return shapes


def _icon(slide: Any, left: int, top: int, size: int, letter: str, colour: Any, name: str) -> Any:
    icon = slide.shapes.add_shape(MSO_SHAPE.OVAL, left, top, size, size)
    icon.name = f"MDC icon: {name}"
    icon.fill.solid()
    icon.fill.fore_color.rgb = WHITE
    icon.line.color.rgb = colour
    icon.line.width = Pt(3)
    icon.shadow.inherit = False
    fit_text(icon, letter, size=16, min_size=10, bold=True, colour=colour, anchor=MSO_ANCHOR.MIDDLE)
    icon.text_frame.paragraphs[0].alignment = PP_ALIGN.CENTER
    return icon


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


def mdc_matrix_slide(deck: Deck, measures: list[AnalysedMeasure], audience: str) -> Any:
    """Making Data Count's summary: every measure placed by variation (rows) and assurance
    (columns)."""
    slide, area = deck.slide(
        "Variation and assurance",
        subtitle=f"{audience}: NHS Making Data Count summary of the latest values",
    )
    cells: dict[tuple[str, str], list[str]] = {}
    for a in measures:
        variation = " ".join(mdc_variation(a.reading).split()[:3]) or "too few values"
        cells.setdefault((variation, mdc_assurance(a.reading)), []).append(a.measure.name)
    shape = slide.shapes.add_table(
        len(MATRIX_ROWS) + 1, len(MATRIX_COLUMNS) + 1, area.left, area.top, area.width,
        area.height - int(Inches(0.5)),
    )  # fmt: skip
    table = shape.table
    table.columns[0].width = int(Inches(2.4))
    rest = (area.width - int(Inches(2.4))) // len(MATRIX_COLUMNS)
    for c in range(1, len(MATRIX_COLUMNS) + 1):
        table.columns[c].width = rest
    corner = table.cell(0, 0)
    table_cell(corner, "Variation / assurance", size=12, bold=True, colour=WHITE, fill=NAVY)
    for c, (_, head) in enumerate(MATRIX_COLUMNS, start=1):
        table_cell(table.cell(0, c), head, size=14, bold=True, colour=WHITE, fill=NAVY)
    for r, (key, head) in enumerate(MATRIX_ROWS, start=1):
        table_cell(table.cell(r, 0), head, size=14, bold=True, colour=NAVY, fill=LIGHT)
        for c, (assurance, _) in enumerate(MATRIX_COLUMNS, start=1):
            names = cells.get((key, assurance), [])
            table_cell(table.cell(r, c), "\n".join(names), size=12, colour=INK)
    leftover = [n for (v, _), names in cells.items() if v == "too few values" for n in names]
    if leftover:
        note = slide.shapes.add_textbox(
            area.left, area.bottom - int(Inches(0.45)), area.width, int(Inches(0.45))
        )
        fit_text(note, "Too few values for an icon: " + ", ".join(leftover), size=12, colour=GREY)
    slide.notes_slide.notes_text_frame.text = (
        "Rows: the variation icon of the latest value (special cause concern or improvement, "
        "common cause). Columns: the assurance icon (the target against the latest limits)."
    )
    return slide
