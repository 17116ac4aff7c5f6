"""The slides that open a deck with the answer: what needs attention (concerns now or recent,
targets the process will consistently fail, new signals since the previous period), and, with
NHS Making Data Count icons, the variation x assurance summary matrix. Icons are native,
editable shapes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from pumpxl.core.analysis import AnalysedMeasure
from pumpxl.core.evidence import Evidence
from pumpxl.core.mdc import mdc_assurance, mdc_variation
from pumpxl.core.model import Initiative
from pumpxl.core.narrative import (
    drift_label,
    drift_phrase,
    level_change_label,
    meaning_label,
    number_format,
    provisional_phrase,
    reading_numbers,
    signal_phrase,
    span_label,
    step_label,
)
from pumpxl.report.design import (
    BAD,
    GOOD,
    GREY,
    INK,
    LIGHT,
    MEANING_COLOURS,
    MEANING_SYMBOLS,
    NAVY,
    ROUTINE,
    WHITE,
    Box,
    Deck,
    fit_text,
    grid,
    panel,
    row_heights,
    table_cell,
)
from pumpxl.report.fonts import line_count
from pumpxl.report.matrix import _ASSURANCE_STYLE, _VARIATION_COLOURS, _icon, matrix_slide
from pumpxl.report.xmlbits import add_table, column_widths, set_notes, textbox

__all__ = [
    "Attention", "attention", "headline_slides", "improved", "mdc_icons", "mdc_matrix_slide"
]  # fmt: skip

HEADLINE_ROWS = 7


class Attention:
    """One line of the headline slide: a symbol, its colour, the measure and what to know."""

    def __init__(self, symbol: str, colour: Any, measure: str, text: str) -> None:
        self.symbol, self.colour, self.measure, self.text = symbol, colour, measure, text


def attention(
    a: AnalysedMeasure, changes: Sequence[tuple[Initiative, Evidence]] = ()
) -> Attention | None:
    """What needs attention in one measure, from its reading and its initiatives' evidence
    (contrary), in one line (None: nothing). Good news goes to :func:`improved`."""
    rd, m = a.reading, a.measure
    r = rd.chart
    parts: list[str] = []
    symbol, colour = "", INK
    against: list[str] = []  # initiatives whose contrary evidence is the step itself
    for init, ev in changes:
        if ev.outcome == "contrary" and ev.signal is not None and ev.signal.rule == "step":
            against.append(f"{init.id} ({init.change})")
        elif ev.outcome == "contrary":
            parts.append(f"Initiative {init.id} ({init.change}): {ev.text}")
            symbol, colour = "▼", BAD
    if rd.step is not None and rd.step.assessment == "concern":
        prov = provisional_phrase(rd)
        text = step_label(rd) + (f" ({prov})" if prov else "")
        if against:
            text += f"; contrary to initiative {', '.join(against)}"
        parts.append(text)
        symbol, colour = "▼", BAD
    if rd.drift is not None and rd.drift_assessment == "concern" and rd.special:
        parts.append(drift_label(rd) + " (consider trended limits)")
        symbol, colour = "▼", BAD
    for s in rd.concerns() if rd.drift is None else ():
        span = span_label(r, s.first, s.last, m.frequency)
        parts.append(f"{meaning_label(s)} ({span}; {rd.status(s)})")
        symbol, colour = "▼", BAD
    if rd.assurance == "consistently fail" and rd.target is not None:
        d = reading_numbers(rd)
        which = "provisional limits" if rd.provisional else "limits"
        parts.append(
            f"Will consistently fail its target of {number_format(rd.target, d)}: the target "
            f"lies beyond the {which} ({number_format(r.lnpl, d)} to "
            f"{number_format(r.unpl, d)}); only a change to the process will meet it"
        )
        symbol, colour = symbol or "✗", colour if symbol else BAD
    if rd.new_step and rd.step is not None and rd.step.assessment == "neutral":
        parts.append(f"New since the previous period: {step_label(rd)}")
        symbol, colour = symbol or MEANING_SYMBOLS["neutral"], colour
    for s in rd.new:
        if s.assessment == "neutral":  # concerns are named above, improvements are good news
            parts.append(f"New since the previous period: {meaning_label(s)}")
            if not symbol:
                symbol, colour = MEANING_SYMBOLS[s.assessment], MEANING_COLOURS[s.assessment]
    return Attention(symbol, colour, m.name, "; ".join(parts)) if parts else None


def improved(
    a: AnalysedMeasure, changes: Sequence[tuple[Initiative, Evidence]] = ()
) -> Attention | None:
    """What improved in one measure within the recent window: a step the better way, an
    improvement signal now or recently, a recorded recalculation to a better level, and
    initiatives with evidence that they worked (None: nothing)."""
    rd, m = a.reading, a.measure
    r = rd.chart
    parts: list[str] = []
    if rd.step is not None and rd.step.assessment == "improvement":
        parts.append(_cap(step_label(rd).split(": ", 1)[1]))
    if rd.drift is not None and rd.drift_assessment == "improvement" and rd.special:
        parts.append(_cap(drift_phrase(rd)))
    for s in rd.improvements() if rd.drift is None else ():
        span = span_label(r, s.first, s.last, m.frequency)
        parts.append(f"{_cap(signal_phrase(s))} ({span}; {rd.status(s)})")
    change = rd.level_change
    if change is not None and change.assessment == "improvement" and (
        change.index >= rd.recent_from
    ):
        parts.append(_cap(level_change_label(rd, change).split(": ", 1)[1]))
    for init, ev in changes:
        recent = (ev.signal is not None and (rd.in_force(ev.signal)
                  or ev.signal.last >= rd.recent_from)) or (
            ev.recalculated and ev.start is not None and ev.start >= rd.recent_from
        )  # fmt: skip
        if ev.outcome == "improvement" and recent:
            parts.append(f"Initiative {init.id} ({init.change}) worked: "
                         f"{ev.text.split(': ', 1)[-1]}")  # fmt: skip
    return Attention("▲", GOOD, m.name, "; ".join(parts)) if parts else None


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def headline_slides(
    deck: Deck,
    measures: list[AnalysedMeasure],
    audience: str,
    evidence: Mapping[str, Sequence[tuple[Initiative, Evidence]]] | None = None,
) -> list[Any]:
    """After the title: what needs attention (or that nothing does), and beside it what
    improved, so that good news is seen as readily as bad."""
    ev = evidence or {}
    found = (attention(a, ev.get(a.measure.id, ())) for a in measures)
    items = [item for item in found if item is not None]
    good = [g for g in (improved(a, ev.get(a.measure.id, ())) for a in measures) if g]
    probe = deck.content_area(subtitle=True)
    table_w = int(probe.width * 0.62)
    widths = _attention_widths(table_w)
    room = probe.height - ATTENTION_HEAD_H
    pages_of_items: list[list[Attention]] = [[]]
    used = 0
    for item in items:  # as many rows as their measured text lets fit
        h = _attention_row_h(item, widths)
        if pages_of_items[-1] and (used + h > room or len(pages_of_items[-1]) >= HEADLINE_ROWS):
            pages_of_items.append([])
            used = 0
        pages_of_items[-1].append(item)
        used += h
    news_w = probe.width - table_w - int(Inches(0.25))
    news_pages = _paginate_news(good, news_w, probe.height - int(Inches(0.5)))
    pages = max(len(pages_of_items) if items else 1, len(news_pages), 1)
    slides = []
    for k in range(pages):
        page = pages_of_items[k] if k < len(pages_of_items) else []
        news = news_pages[k] if k < len(news_pages) else []
        more = f" ({k + 1} of {pages})" if pages > 1 else ""
        slide, area = deck.slide(
            f"What needs attention{more}",
            subtitle=f"{audience}: concerns now or recent, targets out of reach, new signals; "
            "and what improved",
        )
        gap = int(Inches(0.25))
        left = Box(area.left, area.top, table_w, area.height)
        right = Box(left.left + left.width + gap, area.top, area.width - left.width - gap,
                    area.height)  # fmt: skip
        _attention_table(slide, page, left, first=k == 0, widths=widths)
        _improved_panel(slide, news, right, first=k == 0)
        set_notes(slide, (
            "What needs attention: concern signals in the latest values or ended within the "
            "recent window (a step down included), targets beyond the limits on the good side "
            "(the process will consistently fail them), and new signals with no better "
            "direction. What improved: steps the better way, improvement signals now or "
            "recently, recalculated better levels and initiatives with evidence, within the "
            "recent window.\n"
            + "\n".join(f"{g.measure}: {g.text}" for g in good)
        ))
        slides.append(slide)
    return slides


ATTENTION_HEAD_H = int(Inches(0.5))
ATTENTION_SIZE = 14  # pt


def _attention_widths(width: int) -> list[int]:
    widths = [int(Inches(0.55)), int(width * 0.3)]
    return [*widths, width - sum(widths)]


def _attention_row_h(item: Attention, widths: list[int]) -> int:
    """The height a row needs for its text at 14 pt (measured with the deck's font)."""
    lines = max(
        line_count(text, Emu(w - int(Inches(0.12))).pt, ATTENTION_SIZE, bold)
        for text, w, bold in ((item.measure, widths[1], True), (item.text, widths[2], False))
    )
    return max(int(Inches(0.6)), int(Pt(lines * ATTENTION_SIZE * 1.2)) + int(Inches(0.1)))


IMPROVED_SIZE = 14  # pt


def _news_text(g: Attention) -> str:
    return f"{g.measure}: {g.text}"


def _paginate_news(good: list[Attention], width: int, height: int) -> list[list[Attention]]:
    """What improved, in pages of as many items as their measured text lets fit."""
    room = Emu(height - int(Inches(0.2))).pt
    text_w = Emu(width - int(Inches(0.2))).pt
    pages: list[list[Attention]] = []
    used = room + 1.0
    for g in good:
        need = line_count(_news_text(g), text_w, IMPROVED_SIZE) * IMPROVED_SIZE * 1.2
        if used + need > room:
            pages.append([])
            used = 0.0
        pages[-1].append(g)
        used += need
    return pages


def _attention_table(
    slide: Any, page: list[Attention], box: Box, *, first: bool, widths: list[int]
) -> None:
    if not page:
        note = textbox(slide, box.left, box.top, box.width, int(Inches(2.2)))
        text = (
            "Nothing needs attention: no concern now or recently, no target the process will "
            "consistently fail, and no new signal since the previous period."
            if first else "Nothing more needs attention."
        )
        fit_text(note, text, size=24, min_size=16, colour=INK)
        return
    heights = [_attention_row_h(item, widths) for item in page]
    shape = add_table(
        slide, len(page) + 1, 3, box.left, box.top, box.width, ATTENTION_HEAD_H + sum(heights)
    )
    table = shape.table
    column_widths(table, widths)
    cells = grid(table)
    for c, head in enumerate(("", "Measure", "What needs attention")):
        table_cell(cells[0][c], head, size=14, bold=True, colour=WHITE, fill=NAVY)
    for r, item in enumerate(page, start=1):
        fill = LIGHT if r % 2 == 0 else WHITE
        table_cell(cells[r][0], item.symbol, size=20, bold=True, colour=item.colour,
                   fill=fill, align=PP_ALIGN.CENTER)  # fmt: skip
        table_cell(cells[r][1], item.measure, size=ATTENTION_SIZE, bold=True, fill=fill)
        table_cell(cells[r][2], item.text, size=ATTENTION_SIZE, fill=fill)
    row_heights(table, [ATTENTION_HEAD_H, *heights])


def _improved_panel(slide: Any, news: list[Attention], box: Box, first: bool) -> None:
    """What improved, as a panel of short lines in the improvement colour."""
    head = textbox(slide, box.left, box.top, box.width, int(Inches(0.45)))
    fit_text(head, "▲ What improved", size=18, min_size=14, bold=True, colour=GOOD,
             anchor=MSO_ANCHOR.BOTTOM)  # fmt: skip
    top = box.top + int(Inches(0.5))
    text = "\n".join(_news_text(g) for g in news) if news else (
        "Nothing improved within the recent window." if first else "Nothing more improved."
    )  # fmt: skip
    lines = line_count(text, Emu(box.width - int(Inches(0.2))).pt, IMPROVED_SIZE)
    height = int(Pt(lines * IMPROVED_SIZE * 1.2)) + int(Inches(0.3))
    body = panel(slide, Box(box.left, top, box.width, min(box.bottom - top, height)))
    if not news:
        fit_text(body, text, size=IMPROVED_SIZE, min_size=12, colour=GREY)
        return
    fit_text(body, text, size=IMPROVED_SIZE, min_size=12, colour=INK)
    tf = body.text_frame
    for para, g in zip(tf.paragraphs, news, strict=False):  # the measure's name in bold
        run = para.runs[0]
        name, rest = run.text[: len(g.measure) + 1], run.text[len(g.measure) + 1 :]
        if name == f"{g.measure}:":
            run.text = name
            run.font.bold = True
            extra = para.add_run()
            extra.text = rest
            extra.font.size, extra.font.color.rgb = run.font.size, run.font.color.rgb


# ------------------------------------------------------------------ Making Data Count icons

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


def mdc_matrix_slide(deck: Deck, measures: list[AnalysedMeasure], audience: str) -> Any:
    """Making Data Count's summary of variation x assurance (:mod:`pumpxl.report.matrix`)."""
    return matrix_slide(deck, measures, audience)
