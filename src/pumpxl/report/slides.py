"""The opening slides of a performance report: the title, and every measure's state at a
glance."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR
from pptx.util import Emu, Inches, Pt

from pumpxl.core.analysis import AnalysedMeasure
from pumpxl.core.evidence import Evidence
from pumpxl.core.model import Initiative, PumpModel
from pumpxl.core.narrative import (
    level_change_label,
    number_format,
    period_label,
    reading_numbers,
    status_line,
    step_phrase,
)
from pumpxl.core.present import month_label
from pumpxl.core.vocabulary import RULE_LABELS
from pumpxl.report.design import (
    ASSURANCE,
    BAD,
    GOOD,
    GREY,
    INK,
    LIGHT,
    MEANING_COLOURS,
    MEANING_SYMBOLS,
    NAVY,
    WHITE,
    Deck,
    State,
    fit_text,
    grid,
    row_heights,
    state_of,
    table_cell,
)
from pumpxl.report.fonts import line_count, text_width_pt
from pumpxl.report.marks import mark_shape, mark_slide
from pumpxl.report.package import add_slide
from pumpxl.report.xmlbits import add_table, column_widths, set_notes, textbox

__all__ = ["fmt", "glance_slides", "measure_state", "recent_notes", "title_slide"]

GLANCE_ROWS = 8


def measure_state(a: AnalysedMeasure) -> State:
    """The measure's state now, from its reading."""
    return state_of(a.reading)


def recent_notes(a: AnalysedMeasure) -> tuple[tuple[str, Any], ...]:
    """Recent changes under a measure's state, each in a few words and the colour of its
    meaning: signals that no longer include the latest value (in force or ended, as the
    reading says), a step with its provisional limits, and a recorded change of level within
    the recent window."""
    rd = a.reading
    r, f = rd.chart, a.measure.frequency
    out = []
    if rd.step is not None:  # its provisional limits are in the Limits column
        st = rd.step
        out.append((f"{MEANING_SYMBOLS[st.assessment]} {step_phrase(rd)}",
                    MEANING_COLOURS[st.assessment]))  # fmt: skip
    change = rd.level_change
    if change is not None and change.assessment and change.index >= rd.recent_from:
        out.append((
            f"{MEANING_SYMBOLS[change.assessment]} {level_change_label(rd, change)}",
            MEANING_COLOURS[change.assessment],
        ))  # fmt: skip
    for s in rd.recent:
        status = "in force" if rd.in_force(s) else f"to {period_label(r, s.last, f)}"
        out.append((
            f"{MEANING_SYMBOLS[s.assessment]} Recent {MEANINGS[s.assessment]}: "
            f"{RULE_LABELS[s.rule][0]} {'above' if s.moved == 'up' else 'below'}, {status}",
            MEANING_COLOURS[s.assessment],
        ))  # fmt: skip
    return tuple(out)


MEANINGS = {"improvement": "improvement", "concern": "concern", "neutral": "signal"}


def fmt(a: AnalysedMeasure, v: float | None) -> str:
    """A number of the measure's chart, to about a tenth of its routine variation."""
    return number_format(v, reading_numbers(a.reading))


def _month(d: dt.date | None) -> str:
    return month_label(d, full=True) if d else "no data yet"


def title_slide(deck: Deck, model: PumpModel, audience: str, period: dt.date | None) -> Any:
    layout = deck.layout("Title Slide", "Title")
    slide = add_slide(deck.prs, layout)
    title = slide.shapes.title
    heading = model.settings.title or "Performance report"
    lines = [f"For {audience}", f"Performance to {_month(period)}"]
    if model.settings.organisation:
        lines.insert(0, model.settings.organisation)
    sub = next((ph for ph in slide.placeholders if ph.placeholder_format.idx == 1), None)
    if not deck.branded or title is None or sub is None:
        for ph in list(slide.placeholders):
            ph._element.getparent().remove(ph._element)
        m = deck.margin
        band = slide.shapes.add_shape(
            MSO_SHAPE.RECTANGLE, 0, int(Inches(2.2)), deck.width, int(Inches(2.6))
        )
        band.fill.solid()
        band.fill.fore_color.rgb = NAVY
        band.line.fill.background()
        title = textbox(slide, m * 2, int(Inches(2.45)), deck.width - 4 * m, int(Inches(1.2)))
        fit_text(
            title, heading, size=40, min_size=24, bold=True, colour=WHITE, anchor=MSO_ANCHOR.MIDDLE
        )
        sub = textbox(slide, m * 2, int(Inches(3.7)), deck.width - 4 * m, int(Inches(1.0)))
        fit_text(sub, " · ".join(lines), size=20, min_size=12, colour=WHITE)
        foot = textbox(
            slide,
            m * 2, deck.height - int(Inches(1.0)), deck.width - 4 * m, int(Inches(0.5))
        )
        fit_text(
            foot,
            "XmR charts separate signals from routine variation: react to signals,"
            " not to every up and down.",
            size=12,
            colour=GREY,
        )
    else:
        title.text = heading
        sub.text = "\n".join(lines)
    mark_slide(slide, "title", title=heading, a=audience, p=period.isoformat() if period else "")
    deck.keys.append("title")
    if not (title.is_placeholder and title.placeholder_format.idx == 0):
        mark_shape(title, "title", "title")
    set_notes(slide, (
        f"Report for {audience}, built by pumpxl from the workbook's measures, data, targets "
        "and commentary. Each measure page answers: what is performance doing, why, and what "
        "are we doing about it."
    ))
    return slide


GLANCE_HEADS = ["Measure", "Period", "Latest", "Unit", "Central line", "Limits", "Now", "Target"]
GLANCE_WIDTHS = [3.0, 1.3, 1.0, 1.2, 1.1, 1.6, 2.9, 1.8]  # inches, scaled to the slide
GLANCE_SIZES = (14, 13, 12)  # pt: the largest that needs no more pages than 12 pt does
GLANCE_HEAD_H = int(Inches(0.45))
GLANCE_KEY_H = int(Inches(0.5))
GLANCE_ROW_MAX = int(Inches(1.2))  # rows grow to fill a page, up to this


def _glance_row(a: AnalysedMeasure) -> tuple[list[str], Any, Any]:
    """A measure's cells in the At a glance table, its state and its assurance."""
    x = a.chart
    i = x.latest_index
    latest = reading_numbers(a.reading).value(float(x.values[i])) if i is not None else "no values"
    period = period_label(x, i, a.measure.frequency) if i is not None else "-"
    if x.phases and x.phases[-1].has_limits:
        limits = f"{fmt(a, x.lnpl)} – {fmt(a, x.unpl)}"
        limits += " (provisional)" if x.phases[-1].provisional else ""
    else:
        limits = "too few values" if i is not None else "-"
    state = measure_state(a)
    signal_words = sorted({RULE_LABELS[s.rule][0] for s in a.reading.latest})
    if a.reading.step is not None:
        signal_words.insert(0, f"step {a.reading.step.moved}")
    now = state.label + (f" ({', '.join(signal_words)})" if signal_words else "")
    assurance = ASSURANCE.get(a.reading.assurance or "")
    target = (
        f"{assurance.symbol} {assurance.word} ({fmt(a, x.latest_target)})"
        if assurance
        else "no target"
    )
    centre = fmt(a, x.central_line)
    if x.phases and x.phases[-1].trend is not None:  # a sloped line: its value now
        centre += " now, on a trend"
    values = [
        a.measure.name, period, latest, a.measure.unit or "-", centre, limits, now, target,
    ]  # fmt: skip
    return values, state, assurance


NUMBER = re.compile(r"-?\d[\d,.]*\d(?:E[+-]\d+)?|\d")


def _number_room(rows: list[list[str]], widths: list[int]) -> list[int]:
    """Column widths in which no number breaks inside: the number columns (latest, central
    line, limits, target) widened to their widest number at the largest size, taken from the
    measure's name and state columns."""
    out = list(widths)
    pad = int(Inches(0.22))
    for c in (2, 4, 5, 7):
        widest = max((text_width_pt(t, GLANCE_SIZES[0]) for row in rows
                      for t in NUMBER.findall(row[c])), default=0.0)  # fmt: skip
        need = int(Pt(widest + 2)) + pad
        if need > out[c]:
            extra = need - out[c]
            out[c] = need
            for k in (0, 6):  # the name and the state give half each
                out[k] -= extra // 2
    return out


def abridge_lines(text: str, width_pt: float, size: float, lines: int) -> str:
    """``text`` cut at a word with "…" where it would take more than ``lines`` lines."""
    if line_count(text, width_pt, size) <= lines:
        return text
    words = text.split(" ")
    while len(words) > 1 and line_count(" ".join(words) + "…", width_pt, size) > lines:
        words.pop()
    return " ".join(words).rstrip(",;:(") + "…"


def _row_height(
    values: list[str], notes: tuple[tuple[str, Any], ...], widths: list[int], size: int
) -> int:
    """The height a row needs for its cells' text at ``size`` (the notes below a state one
    point smaller), margins included."""
    need = 0.0
    for c, (text, w) in enumerate(zip(values, widths, strict=True)):
        room = Emu(w - int(Inches(0.2))).pt
        pts = line_count(text, room, size, c == 6) * size * 1.2
        if c == 6:
            small = max(12, size - 1)
            pts += sum(line_count(t, room, small) * small * 1.2 for t, _ in notes)
        need = max(need, pts)
    return max(int(Inches(0.55)), int(Pt(need)) + int(Inches(0.14)))


def _paginate(rows: list[Any], room: int) -> list[list[Any]]:
    """Rows (each ending with its height) in as few pages of at most ``room`` tall as they
    need, balanced: no page holds more rows than the fewest pages require (15 rows on three
    pages are 5 + 5 + 5, not 8 + 6 + 1)."""

    def greedy(cap: int) -> list[list[Any]]:
        pages: list[list[Any]] = [[]]
        used = 0
        for row in rows:
            if pages[-1] and (used + row[-1] > room or len(pages[-1]) >= cap):
                pages.append([])
                used = 0
            pages[-1].append(row)
            used += row[-1]
        return pages

    fewest = greedy(GLANCE_ROWS)
    for cap in range(-(-len(rows) // len(fewest)), GLANCE_ROWS):
        pages = greedy(cap)
        if len(pages) == len(fewest):
            return pages
    return fewest


def evidence_notes(
    a: AnalysedMeasure, changes: Sequence[tuple[Initiative, Evidence]]
) -> tuple[tuple[str, Any], ...]:
    """Initiatives' evidence worth a line under a measure's state: contrary evidence, and
    evidence of improvement that the latest value is part of (new)."""
    out = []
    for init, ev in changes:
        if ev.outcome == "contrary":
            out.append((f"▼ {init.id}: contrary evidence since {month_label(init.started)}", BAD))
        elif ev.outcome == "improvement" and ev.signal is not None and (
            ev.signal.last == a.xmr.latest_index
        ):
            out.append((f"▲ {init.id}: new evidence of improvement", GOOD))
    return tuple(out)


def glance_slides(
    deck: Deck,
    measures: list[AnalysedMeasure],
    audience: str,
    evidence: Mapping[str, Sequence[tuple[Initiative, Evidence]]] | None = None,
) -> list[Any]:
    """Every measure's state on one page, or more: a page holds as many rows as fit (their
    text measured with the deck's font), and a page's rows grow to fill it. Initiatives'
    contrary or new evidence is noted under the state."""
    ev = evidence or {}
    heads, widths_in = GLANCE_HEADS, GLANCE_WIDTHS
    subtitle = f"{audience}: where each measure stands, judged by its XmR chart"
    first, probe = deck.slide("At a glance", subtitle=subtitle)  # retitled when pages follow
    scale = probe.width / Emu(Inches(sum(widths_in)))
    widths = [int(Inches(w) * scale) for w in widths_in]
    room = probe.height - GLANCE_HEAD_H - GLANCE_KEY_H - int(Inches(0.1))
    cells = [
        (a, *_glance_row(a), recent_notes(a) + evidence_notes(a, ev.get(a.measure.id, ())))
        for a in measures
    ]
    widths = _number_room([c[1] for c in cells], widths)
    for _, values, *_ in cells:  # a long name: at most three lines (its page has it whole)
        values[0] = abridge_lines(values[0], Emu(widths[0] - int(Inches(0.2))).pt, 14, 3)
    def layout(size: int) -> list[list[Any]]:
        return _paginate([(*c, _row_height(c[1], c[4], widths, size)) for c in cells], room)

    fewest = len(layout(GLANCE_SIZES[-1]))
    # as large as projection wants, where it costs no extra page
    size = next(s for s in GLANCE_SIZES if s == GLANCE_SIZES[-1] or len(layout(s)) <= fewest)
    pages = layout(size)
    slides = []
    for k, page in enumerate(pages):
        more = f" ({k + 1} of {len(pages)})" if len(pages) > 1 else ""
        if k == 0:
            slide, area = first, probe
            if more:
                title = next(sh for sh in slide.shapes if sh.has_text_frame
                             and sh.text_frame.text == "At a glance")  # fmt: skip
                fit_text(title, f"At a glance{more}", size=28, min_size=18, bold=True,
                         colour=NAVY, anchor=MSO_ANCHOR.BOTTOM)  # fmt: skip
        else:
            slide, area = deck.slide(f"At a glance{more}", subtitle=subtitle)
        heights = [row[-1] for row in page]
        spare = room - sum(heights)
        if spare > 0:  # grow the rows to fill the page
            heights = [min(GLANCE_ROW_MAX, h + spare // len(page)) for h in heights]
        shape = add_table(
            slide, len(page) + 1, len(heads), area.left, area.top, area.width,
            GLANCE_HEAD_H + sum(heights),
        )  # fmt: skip
        table = shape.table
        column_widths(table, widths)
        tcs = grid(table)
        for c, h in enumerate(heads):
            table_cell(tcs[0][c], h, size=max(12, size), bold=True, colour=WHITE, fill=NAVY)
        for r, (_, values, state, assurance, notes, _) in enumerate(page, start=1):
            fill = LIGHT if r % 2 == 0 else None
            for c, text in enumerate(values):
                colour = (
                    state.colour if c == 6 else (assurance.colour if c == 7 and assurance else INK)
                )
                table_cell(
                    tcs[r][c],
                    text,
                    size=size,
                    colour=colour,
                    fill=fill,
                    bold=c == 6 and state.word != "Routine variation",
                    then=notes if c == 6 else (),
                )
        row_heights(table, [int(Inches(0.45)), *heights])
        key = textbox(slide, area.left, area.bottom - GLANCE_KEY_H, area.width, GLANCE_KEY_H)
        fit_text(
            key,
            "▲ improvement  ▼ concern  ◆ signal  ● routine variation    ·    "
            "✓ will consistently pass  ✗ will consistently fail  ~ hit and miss (limits "
            "straddle the target)",
            size=12,
            min_size=12,
            colour=GREY,
        )
        lines = [
            f"{a.measure.name}: {status_line(a.reading)}"
            for a, *_ in page
        ]
        set_notes(slide, "\n".join(lines))
        slides.append(slide)
    return slides
